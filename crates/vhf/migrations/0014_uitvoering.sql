-- 0014: na het besluit (issue 12): betaling, verantwoording (SiSa), wijzigingen van deelplannen en de
-- vaststelling met terugvordering. Alles per ronde en gemeente (één uitkering per gemeente per ronde), met het
-- besluit (tabel `beschikkingen`) waarop het steunde. Bedragen als tekst met twee decimalen, tijden als
-- microseconden (UTC), kalenderdata als JJJJ-MM-DD (Europe/Amsterdam).

-- Betalingen: voorgesteld door de een, goedgekeurd door een ander (vier ogen); pas goedgekeurd telt ze als
-- betaald en staat ze in het betaalbestand. De code werkt alleen rijen met status 'voorgesteld' bij.
CREATE TABLE betalingen (
    id               TEXT PRIMARY KEY,
    ronde            TEXT NOT NULL,
    gemeente         TEXT NOT NULL,
    besluit_id       TEXT NOT NULL REFERENCES beschikkingen (id),
    termijn          BIGINT NOT NULL,
    bedrag           TEXT NOT NULL,
    betaaldatum      TEXT NOT NULL,
    referentie       TEXT NOT NULL UNIQUE,
    -- voorgesteld | goedgekeurd
    status           TEXT NOT NULL,
    voorgesteld_door TEXT NOT NULL,
    voorgesteld_op   BIGINT NOT NULL,
    goedgekeurd_door TEXT,
    goedgekeurd_op   BIGINT
);

CREATE INDEX betalingen_gemeente ON betalingen (ronde, gemeente);

-- SiSa-opgaven: één per gemeente, ronde en jaar; de inhoud per deelplan (JSON, vhf_core::uitvoering::
-- Deelplanopgave) en de bevindingen van de controle (JSON), bewaard zoals ze bij het indienen waren.
CREATE TABLE verantwoordingen (
    id              TEXT PRIMARY KEY,
    ronde           TEXT NOT NULL,
    gemeente        TEXT NOT NULL,
    besluit_id      TEXT NOT NULL REFERENCES beschikkingen (id),
    jaar            BIGINT NOT NULL,
    inhoud          TEXT NOT NULL,
    bevindingen     TEXT NOT NULL,
    te_laat         BIGINT NOT NULL,
    ontvangen_op    TEXT NOT NULL,
    ingediend_door  TEXT NOT NULL,
    ingediend_op    BIGINT NOT NULL,
    UNIQUE (ronde, gemeente, jaar)
);

-- Wijzigingen van deelplannen: gevraagd door de gemeente, voorgesteld tot goedkeuring door een beslisser en
-- goedgekeurd door een andere (vier ogen), of geweigerd met reden.
CREATE TABLE wijzigingen (
    id               TEXT PRIMARY KEY,
    ronde            TEXT NOT NULL,
    gemeente         TEXT NOT NULL,
    besluit_id       TEXT NOT NULL REFERENCES beschikkingen (id),
    -- JSON: [{kenmerk, deelplan, toegekend?, woningen_gepland?, einde?, omschrijving?}]
    inhoud           TEXT NOT NULL,
    toelichting      TEXT NOT NULL,
    -- aangevraagd | voorgesteld | goedgekeurd | geweigerd
    status           TEXT NOT NULL,
    aangevraagd_door TEXT NOT NULL,
    aangevraagd_op   BIGINT NOT NULL,
    voorgesteld_door TEXT,
    voorgesteld_op   BIGINT,
    besloten_door    TEXT,
    besloten_op      BIGINT,
    reden            TEXT
);

CREATE INDEX wijzigingen_gemeente ON wijzigingen (ronde, gemeente);

-- Versies van een deelplan na een goedgekeurde wijziging (versie 1 is het deelplan van het besluit en de
-- aanvraag, niet hier bewaard). De vaststelling gebruikt de laatste versie; de geschiedenis blijft leesbaar.
CREATE TABLE deelplanversies (
    ronde            TEXT NOT NULL,
    gemeente         TEXT NOT NULL,
    kenmerk          TEXT NOT NULL,
    deelplan         TEXT NOT NULL,
    versie           BIGINT NOT NULL,
    toegekend        TEXT NOT NULL,
    woningen_gepland BIGINT NOT NULL,
    einde            TEXT,
    omschrijving     TEXT,
    wijziging_id     TEXT NOT NULL REFERENCES wijzigingen (id),
    vastgelegd_op    BIGINT NOT NULL,
    PRIMARY KEY (ronde, gemeente, kenmerk, deelplan, versie)
);

-- De vaststelling van een uitkering: opgesteld door de een, ondertekend door een ander (vier ogen), daarna
-- onveranderlijk, met de brief en de SHA-256 van de PDF. Inhoud: JSON vhf_core::uitvoering::Vaststelling.
CREATE TABLE uitkeringsvaststellingen (
    id               TEXT PRIMARY KEY,
    identificatie    TEXT NOT NULL UNIQUE,
    ronde            TEXT NOT NULL,
    gemeente         TEXT NOT NULL,
    besluit_id       TEXT NOT NULL REFERENCES beschikkingen (id),
    -- concept | ondertekend
    status           TEXT NOT NULL,
    inhoud           TEXT NOT NULL,
    vastgesteld      TEXT NOT NULL,
    terugvordering   TEXT NOT NULL,
    opgesteld_door   TEXT NOT NULL,
    opgesteld_op     BIGINT NOT NULL,
    ondertekend_door TEXT,
    ondertekend_op   BIGINT,
    datum            TEXT,
    brief            TEXT,
    brief_sha256     TEXT
);

CREATE INDEX uitkeringsvaststellingen_gemeente ON uitkeringsvaststellingen (ronde, gemeente);
