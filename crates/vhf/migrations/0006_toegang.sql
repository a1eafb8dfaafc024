-- 0006: wie mag wat. Gebruikers met één rol (een aanvrager hoort bij één gemeente), sessies aan de serverkant,
-- API-tokens met een reikwijdte, inlogpogingen (om te remmen), de OIDC-aanvragen die nog lopen, de gemeenten per
-- aanvraag en de toewijzingen aan commissieleden (zodat elke vraag naar aanvragen in SQL beperkt kan worden),
-- en het audittrail: alleen toevoegen, elke rij met de hash van de vorige.

CREATE TABLE gebruikers (
    id            TEXT PRIMARY KEY,
    naam          TEXT NOT NULL,
    rol           TEXT NOT NULL,
    gemeente      TEXT,
    oidc_issuer   TEXT,
    oidc_subject  TEXT,
    actief        BIGINT NOT NULL,
    aangemaakt_op BIGINT NOT NULL,
    UNIQUE (oidc_issuer, oidc_subject)
);

-- Sessies: alleen de SHA-256 van het cookie staat hier, zodat een gelekte database geen sessie weggeeft.
-- gebruiker_id is leeg voor een sessie van vóór het inloggen (die draagt het CSRF-token van het inlogformulier
-- en de OIDC-state); bij het inloggen komt er een nieuwe sessie met een nieuw id.
CREATE TABLE sessies (
    id_hash        TEXT PRIMARY KEY,
    gebruiker_id   TEXT REFERENCES gebruikers (id),
    csrf           TEXT NOT NULL,
    oidc_state     TEXT,
    oidc_nonce     TEXT,
    oidc_pkce      TEXT,
    aangemaakt_op  BIGINT NOT NULL,
    laatst_gezien  BIGINT NOT NULL
);

CREATE TABLE api_tokens (
    hash           TEXT PRIMARY KEY,
    gebruiker_id   TEXT NOT NULL REFERENCES gebruikers (id),
    reikwijdte     TEXT NOT NULL,
    omschrijving   TEXT NOT NULL,
    aangemaakt_op  BIGINT NOT NULL,
    verloopt_op    BIGINT NOT NULL,
    ingetrokken_op BIGINT
);

CREATE TABLE inlogpogingen (
    sleutel TEXT NOT NULL,
    op      BIGINT NOT NULL
);
CREATE INDEX inlogpogingen_sleutel ON inlogpogingen (sleutel, op);

-- Alle gemeenten van een aanvraag (penvoerder en mede-aanvragers): de zichtbaarheid voor een aanvrager.
CREATE TABLE aanvraag_gemeenten (
    aanvraag_id TEXT NOT NULL REFERENCES aanvragen (id),
    gemeente    TEXT NOT NULL,
    PRIMARY KEY (aanvraag_id, gemeente)
);
CREATE INDEX aanvraag_gemeenten_gemeente ON aanvraag_gemeenten (gemeente);
INSERT INTO aanvraag_gemeenten (aanvraag_id, gemeente) SELECT id, penvoerder FROM aanvragen;

-- Welke deelplannen welk commissielid beoordeelt, volgens de laatste versie van de beoordelingen.
CREATE TABLE toewijzingen (
    ronde       TEXT NOT NULL,
    lid         TEXT NOT NULL,
    aanvraag_id TEXT NOT NULL,
    deelplan    TEXT NOT NULL,
    PRIMARY KEY (ronde, lid, aanvraag_id, deelplan)
);
CREATE INDEX toewijzingen_lid ON toewijzingen (lid);

-- Het audittrail. hash = SHA-256 over de velden en vorige_hash; `vhf audit verify` rekent het na.
CREATE TABLE audit (
    volgnummer   BIGINT PRIMARY KEY,
    op           BIGINT NOT NULL,
    actor        TEXT NOT NULL,
    rol          TEXT NOT NULL,
    actie        TEXT NOT NULL,
    object       TEXT NOT NULL,
    aanvraag_id  TEXT,
    voor         TEXT,
    na           TEXT,
    verzoek_id   TEXT NOT NULL,
    vorige_hash  TEXT NOT NULL,
    hash         TEXT NOT NULL
);
CREATE INDEX audit_aanvraag ON audit (aanvraag_id);

-- De kop van de keten: één rij. Wie schrijft, werkt haar eerst bij; zo wachten schrijvers in PostgreSQL op
-- elkaar (rijvergrendeling) en vertakt de keten nooit. Ook verwijderen van de laatste rijen valt zo op.
CREATE TABLE audit_kop (
    id         BIGINT PRIMARY KEY,
    volgnummer BIGINT NOT NULL,
    hash       TEXT NOT NULL
);
INSERT INTO audit_kop (id, volgnummer, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000')
