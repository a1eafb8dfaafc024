-- 0002: documenten bij een aanvraag. De inhoud staat in de documentopslag (object_store: een map, of
-- S3-compatibel); hier staan de gegevens en de SHA-256 die tijdens het uploaden is berekend.
CREATE TABLE documenten (
    id            TEXT PRIMARY KEY,
    aanvraag_id   TEXT NOT NULL REFERENCES aanvragen (id),
    soort         TEXT NOT NULL,
    deelplan      TEXT,
    naam          TEXT NOT NULL,
    type          TEXT NOT NULL,
    grootte       BIGINT NOT NULL,
    sha256        TEXT NOT NULL,
    sleutel       TEXT NOT NULL UNIQUE,
    aangemaakt_op BIGINT NOT NULL
);
