-- 0004: beoordelingen van de commissie (per ronde, in versies), verdelingen (elk een vastgelegde run met zijn
-- uitkomst en parameters) en besluiten (één uitkering per gemeente per verdeling).
CREATE TABLE beoordelingen (
    ronde  TEXT NOT NULL,
    versie BIGINT NOT NULL,
    inhoud TEXT NOT NULL,
    door   TEXT NOT NULL,
    op     BIGINT NOT NULL,
    PRIMARY KEY (ronde, versie)
);

CREATE TABLE verdelingen (
    id                 TEXT PRIMARY KEY,
    ronde              TEXT NOT NULL,
    beoordeling_versie BIGINT NOT NULL,
    peilmoment         BIGINT NOT NULL,
    resultaat          TEXT NOT NULL,
    door               TEXT NOT NULL,
    op                 BIGINT NOT NULL,
    besloten_op        BIGINT
);

CREATE TABLE besluiten (
    verdeling_id TEXT NOT NULL REFERENCES verdelingen (id),
    gemeente     TEXT NOT NULL,
    bedrag       TEXT NOT NULL,
    inhoud       TEXT NOT NULL,
    door         TEXT NOT NULL,
    op           BIGINT NOT NULL,
    PRIMARY KEY (verdeling_id, gemeente)
);
