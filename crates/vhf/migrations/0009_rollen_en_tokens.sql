-- 0009: een token en een sessie gelden voor de rol (en gemeente) waarvoor ze gemaakt zijn. Verandert de rol van
-- een gebruiker, dan tellen ze niet meer (en worden ze bovendien ingetrokken): een rolwijziging kan een bestaand
-- token of een lopende sessie nooit meer macht geven. Een rolwijziging door een beheerder is een verzoek dat een
-- tweede beheerder goedkeurt (vier ogen). Uitgeschakelde gebruikers houden hun rij (het audittrail verwijst
-- ernaar), met het moment van uitschakelen.
ALTER TABLE api_tokens ADD COLUMN rol TEXT;
ALTER TABLE api_tokens ADD COLUMN gemeente TEXT;
UPDATE api_tokens SET rol = (SELECT g.rol FROM gebruikers g WHERE g.id = api_tokens.gebruiker_id),
    gemeente = (SELECT g.gemeente FROM gebruikers g WHERE g.id = api_tokens.gebruiker_id);
ALTER TABLE sessies ADD COLUMN rol TEXT;
ALTER TABLE sessies ADD COLUMN gemeente TEXT;
UPDATE sessies SET rol = (SELECT g.rol FROM gebruikers g WHERE g.id = sessies.gebruiker_id),
    gemeente = (SELECT g.gemeente FROM gebruikers g WHERE g.id = sessies.gebruiker_id);
ALTER TABLE gebruikers ADD COLUMN gedeactiveerd_op BIGINT;
CREATE INDEX api_tokens_gebruiker ON api_tokens (gebruiker_id);

CREATE TABLE rolverzoeken (
    id               TEXT PRIMARY KEY,
    gebruiker_id     TEXT NOT NULL,
    naam             TEXT NOT NULL,
    rol              TEXT NOT NULL,
    gemeente         TEXT,
    vorige_rol       TEXT,
    vorige_gemeente  TEXT,
    aangevraagd_door TEXT NOT NULL,
    aangevraagd_op   BIGINT NOT NULL,
    besloten_door    TEXT,
    besloten_op      BIGINT,
    uitkomst         TEXT
);
CREATE INDEX rolverzoeken_gebruiker ON rolverzoeken (gebruiker_id);
