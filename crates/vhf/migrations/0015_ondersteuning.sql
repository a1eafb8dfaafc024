-- 0015: onafhankelijke ondersteuning in de prioriteitsgebieden (issue 12, deel 6): de pool van adviseurs, de
-- verzoeken van gemeenten, de toewijzing van een adviseur met een urenbudget, en de geschreven uren met hun
-- beoordeling. Uren als minuten (BIGINT), tijden als microseconden (UTC), kalenderdata als JJJJ-MM-DD.

-- De pool: een gebruiker met rol adviseur, met expertise (JSON-lijst van woorden), beschikbaarheid en de
-- gemeenten waarbij hij een belang heeft opgegeven (JSON-lijst van GM-codes): die krijgt hij niet toegewezen.
CREATE TABLE adviseurs (
    gebruiker       TEXT PRIMARY KEY,
    naam            TEXT NOT NULL,
    expertise       TEXT NOT NULL,
    uren_per_week   BIGINT NOT NULL,
    beschikbaar     BIGINT NOT NULL,
    belangen        TEXT NOT NULL,
    bijgewerkt_door TEXT NOT NULL,
    bijgewerkt_op   BIGINT NOT NULL
);

-- Een verzoek van een gemeente om ondersteuning, in één prioriteitsgebied van de lijst van de ronde.
-- Status: aangevraagd | toegewezen | afgewezen. Bij een toewijzing: de adviseur en het aantal toegekende minuten;
-- `geschreven` houdt de minuten bij die de adviseur schreef en die niet zijn afgekeurd (de UPDATE die uren
-- schrijft, eist geschreven + nieuw <= toegekend: zo kan ook een gelijktijdige tweede schrijver het budget niet
-- overschrijden).
CREATE TABLE ondersteuningsverzoeken (
    id               TEXT PRIMARY KEY,
    ronde            TEXT NOT NULL,
    gemeente         TEXT NOT NULL,
    gebied           TEXT NOT NULL,
    onderwerp        TEXT NOT NULL,
    deelplan         TEXT NOT NULL,
    gevraagd         BIGINT NOT NULL,
    status           TEXT NOT NULL,
    aangevraagd_door TEXT NOT NULL,
    aangevraagd_op   BIGINT NOT NULL,
    adviseur         TEXT,
    toegekend        BIGINT NOT NULL DEFAULT 0,
    geschreven       BIGINT NOT NULL DEFAULT 0,
    besloten_door    TEXT,
    besloten_op      BIGINT,
    reden            TEXT NOT NULL DEFAULT ''
);

CREATE INDEX ondersteuningsverzoeken_gebied ON ondersteuningsverzoeken (ronde, gebied);
CREATE INDEX ondersteuningsverzoeken_gemeente ON ondersteuningsverzoeken (gemeente);
CREATE INDEX ondersteuningsverzoeken_adviseur ON ondersteuningsverzoeken (adviseur);

-- Het urenbudget per gebied en ronde: wat er aan verzoeken is toegekend. De UPDATE eist toegekend + nieuw <=
-- het plafond van de ronde (parameter ondersteuning), in dezelfde transactie als de toewijzing.
CREATE TABLE ondersteuningsgebieden (
    ronde     TEXT NOT NULL,
    gebied    TEXT NOT NULL,
    toegekend BIGINT NOT NULL,
    PRIMARY KEY (ronde, gebied)
);

-- Uren die een adviseur op een verzoek schreef. Status: ingediend | goedgekeurd | afgekeurd (door RVO, met reden).
CREATE TABLE urenregels (
    id              TEXT PRIMARY KEY,
    verzoek         TEXT NOT NULL REFERENCES ondersteuningsverzoeken (id),
    adviseur        TEXT NOT NULL,
    datum           TEXT NOT NULL,
    minuten         BIGINT NOT NULL,
    omschrijving    TEXT NOT NULL,
    status          TEXT NOT NULL,
    geschreven_op   BIGINT NOT NULL,
    beoordeeld_door TEXT,
    beoordeeld_op   BIGINT,
    reden           TEXT NOT NULL DEFAULT ''
);

CREATE INDEX urenregels_verzoek ON urenregels (verzoek);
