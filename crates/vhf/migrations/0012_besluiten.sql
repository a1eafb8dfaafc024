-- 0012: besluiten per gemeente per ronde, naar het model van de ZGW Besluiten API (identificatie, besluittype,
-- datum, ingangsdatum, verzenddatum, uiterlijke reactiedatum = einde van de bezwaartermijn, informatieobjecten).
-- De tabel heet `beschikkingen` omdat `besluiten` (0004) al de uitkeringen van een besloten verdeling bevat.
-- Vier ogen: opgesteld door de een, ondertekend door een ander; daarna verandert een rij nooit meer (de code
-- werkt alleen rijen met status 'concept' bij). Een correctie is een nieuwe rij die `vervangt` invult.
CREATE TABLE beschikkingen (
    id               TEXT PRIMARY KEY,
    identificatie    TEXT NOT NULL UNIQUE,
    ronde            TEXT NOT NULL,
    gemeente         TEXT NOT NULL,
    verdeling_id     TEXT NOT NULL REFERENCES verdelingen (id),
    -- toekenning | gedeeltelijke_toekenning | afwijzing
    besluittype      TEXT NOT NULL,
    -- concept | ondertekend
    status           TEXT NOT NULL,
    -- JSON: per deelplan uitkomst, gevraagd, toegekend, rang en uitleg; het totaal; grondslag van de ronde.
    inhoud           TEXT NOT NULL,
    totaal           TEXT NOT NULL,
    -- Kalenderdata (JJJJ-MM-DD, Europe/Amsterdam), gezet bij het ondertekenen.
    datum            TEXT,
    ingangsdatum     TEXT,
    verzenddatum     TEXT,
    bezwaar_tot      TEXT,
    vervangt         TEXT REFERENCES beschikkingen (id),
    opgesteld_door   TEXT NOT NULL,
    opgesteld_op     BIGINT NOT NULL,
    ondertekend_door TEXT,
    ondertekend_op   BIGINT,
    -- De ingevulde brief (JSON) en de SHA-256 van de PDF, vastgelegd bij het ondertekenen.
    brief            TEXT,
    brief_sha256     TEXT
);

CREATE INDEX beschikkingen_ronde ON beschikkingen (ronde, gemeente);
CREATE INDEX beschikkingen_vervangt ON beschikkingen (vervangt);

-- Bezwaren tegen een ondertekend besluit: ontvangstdatum, gronden, status (ontvangen | afgehandeld), uitkomst
-- (gegrond | deels_gegrond | ongegrond | niet_ontvankelijk | ingetrokken) en, als het besluit daardoor is
-- gecorrigeerd, het nieuwe besluit. De beslistermijn (art. 7:10 Awb) wordt berekend, niet bewaard.
CREATE TABLE bezwaren (
    id               TEXT PRIMARY KEY,
    besluit_id       TEXT NOT NULL REFERENCES beschikkingen (id),
    ontvangen_op     TEXT NOT NULL,
    gronden          TEXT NOT NULL,
    status           TEXT NOT NULL,
    uitkomst         TEXT,
    toelichting      TEXT,
    correctie_id     TEXT REFERENCES beschikkingen (id),
    geregistreerd_door TEXT NOT NULL,
    geregistreerd_op BIGINT NOT NULL,
    afgehandeld_door TEXT,
    afgehandeld_op   BIGINT
);

CREATE INDEX bezwaren_besluit ON bezwaren (besluit_id);
