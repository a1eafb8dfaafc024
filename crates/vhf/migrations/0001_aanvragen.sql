-- 0001: aanvragen, indieningen met ontvangstbewijs, statusovergangen, opgeslagen toetsingen en idempotentie.
-- Draagbare SQL: dezelfde tekst draait op SQLite en PostgreSQL. Tijden zijn microseconden sinds 1970 (UTC),
-- bedragen staan in de JSON-inhoud als tekst met twee decimalen. Een toegepaste migratie wordt nooit gewijzigd.

-- Een aanvraag; de inhoud is het bestandsformaat van schema/aanvraag.schema.json. `versie` is de ETag.
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
    UNIQUE (ronde, kenmerk)
);

-- De indiening: de bevroren inhoud en het ontvangstbewijs (SHA-256 over die inhoud).
CREATE TABLE indieningen (
    aanvraag_id     TEXT PRIMARY KEY REFERENCES aanvragen (id),
    ontvangstnummer TEXT NOT NULL UNIQUE,
    ingediend_op    BIGINT NOT NULL,
    sha256          TEXT NOT NULL,
    inhoud          TEXT NOT NULL
);

-- Elke statusovergang, met wie, wanneer en waarom.
CREATE TABLE statusovergangen (
    aanvraag_id TEXT NOT NULL REFERENCES aanvragen (id),
    volgnummer  BIGINT NOT NULL,
    van         TEXT,
    naar        TEXT NOT NULL,
    actor       TEXT NOT NULL,
    reden       TEXT NOT NULL,
    op          BIGINT NOT NULL,
    PRIMARY KEY (aanvraag_id, volgnummer)
);

-- Het verslag van de toetsing (JSON, met de gebruikte parameters en hun bron), per berekening.
CREATE TABLE toetsingen (
    aanvraag_id TEXT NOT NULL REFERENCES aanvragen (id),
    volgnummer  BIGINT NOT NULL,
    berekend_op BIGINT NOT NULL,
    aanleiding  TEXT NOT NULL,
    rapport     TEXT NOT NULL,
    PRIMARY KEY (aanvraag_id, volgnummer)
);

-- Idempotentie: een herhaald POST-verzoek met dezelfde sleutel krijgt het eerste antwoord terug.
CREATE TABLE idempotentie (
    sleutel       TEXT PRIMARY KEY,
    verzoek_hash  TEXT NOT NULL,
    status        BIGINT NOT NULL,
    antwoord      TEXT NOT NULL,
    aangemaakt_op BIGINT NOT NULL
);
