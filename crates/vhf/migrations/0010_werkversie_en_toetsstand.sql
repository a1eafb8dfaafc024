-- 0010: drie dingen voor het werk aan de balie en in de werkvoorraad.
--
-- De werkversie van een aanvulling. Vraagt de behandelaar om een aanvulling, dan werkt de gemeente op de pagina's
-- in stappen aan een nieuwe inhoud, zonder dat de ingediende inhoud (die de behandelaar en het ontvangstbewijs
-- kennen) verandert. Pas bij "Aanvulling leveren" wordt de werkversie een genummerde aanvulling met SHA-256; dan
-- verdwijnt de werkversie (in dezelfde transactie).
CREATE TABLE aanvulling_werkversies (
    aanvraag_id   TEXT PRIMARY KEY REFERENCES aanvragen (id),
    inhoud        TEXT NOT NULL,
    gewijzigd_door TEXT NOT NULL,
    gewijzigd_op  BIGINT NOT NULL
);

-- Wat de behandelaar vaststelt over het prioriteitsgebied van een deelplan: het verklaarde gebied bevestigd, een
-- ander gebied, of geen (vastgesteld NULL), altijd met reden. De laatste vaststelling per deelplan geldt; de
-- verdeling rekent ermee, de eerdere blijven staan.
CREATE TABLE prioriteitsvaststellingen (
    aanvraag_id TEXT NOT NULL REFERENCES aanvragen (id),
    deelplan    TEXT NOT NULL,
    volgnummer  BIGINT NOT NULL,
    verklaard   TEXT,
    vastgesteld TEXT,
    reden       TEXT NOT NULL,
    door        TEXT NOT NULL,
    op          BIGINT NOT NULL,
    PRIMARY KEY (aanvraag_id, deelplan, volgnummer)
);

-- De stand van de laatste toetsing per aanvraag, om in de werkvoorraad op te filteren zonder elk verslag te
-- lezen: aantallen fouten en waarschuwingen, de regels die faalden (' E03 E15 ', met spaties eromheen zodat
-- LIKE '% E15 %' precies één regel vindt) en de prioriteitsgebieden van de deelplannen (' id1 id2 ', leeg als
-- geen), en hoeveel deelplannen een verklaard gebied hebben dat de behandelaar nog niet vaststelde.
CREATE TABLE toetsstanden (
    aanvraag_id     TEXT PRIMARY KEY REFERENCES aanvragen (id),
    fouten          BIGINT NOT NULL,
    waarschuwingen  BIGINT NOT NULL,
    regels_fout     TEXT NOT NULL,
    gebieden        TEXT NOT NULL,
    te_bevestigen   BIGINT NOT NULL
);
