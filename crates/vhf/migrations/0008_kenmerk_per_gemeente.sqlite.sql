-- 0008 (SQLite): een kenmerk is uniek per gemeente (penvoerder) binnen de ronde, niet over alle gemeenten heen.
-- Met UNIQUE (ronde, kenmerk) kreeg een gemeente "bestaat al" bij het kenmerk van een andere gemeente: zo zag ze
-- wat een ander indiende, en kon ze kenmerken van anderen vooraf bezetten.
-- SQLite kan een UNIQUE-beperking niet laten vallen: de tabel wordt opnieuw gemaakt, binnen de transactie van de
-- migratie. De verwijzingen van andere tabellen naar aanvragen(id) wachten tot de commit (defer_foreign_keys),
-- en dan staan alle rijen er weer, onveranderd.
PRAGMA defer_foreign_keys = ON;
CREATE TABLE aanvragen_kopie AS SELECT id, ronde, kenmerk, penvoerder, status, versie, inhoud, aangemaakt_op, gewijzigd_op FROM aanvragen;
DROP TABLE aanvragen;
CREATE TABLE aanvragen (
    id            TEXT PRIMARY KEY,
    ronde         TEXT NOT NULL,
    kenmerk       TEXT NOT NULL,
    penvoerder    TEXT NOT NULL,
    status        TEXT NOT NULL,
    versie        BIGINT NOT NULL,
    inhoud        TEXT NOT NULL,
    aangemaakt_op BIGINT NOT NULL,
    gewijzigd_op  BIGINT NOT NULL,
    UNIQUE (ronde, penvoerder, kenmerk)
);
INSERT INTO aanvragen (id, ronde, kenmerk, penvoerder, status, versie, inhoud, aangemaakt_op, gewijzigd_op)
    SELECT id, ronde, kenmerk, penvoerder, status, versie, inhoud, aangemaakt_op, gewijzigd_op FROM aanvragen_kopie;
DROP TABLE aanvragen_kopie;
CREATE INDEX aanvragen_volgorde ON aanvragen (aangemaakt_op, id);
