-- 0008 (PostgreSQL): een kenmerk is uniek per gemeente (penvoerder) binnen de ronde, niet over alle gemeenten
-- heen (zie de SQLite-versie voor het waarom). Hier kan de beperking gewoon worden vervangen.
ALTER TABLE aanvragen DROP CONSTRAINT aanvragen_ronde_kenmerk_key;
ALTER TABLE aanvragen ADD CONSTRAINT aanvragen_kenmerk_per_gemeente UNIQUE (ronde, penvoerder, kenmerk);
