-- 0016: een toetsing wordt bewaard als haar bevindingen met hun getallen (de vastlegging), niet meer als volledig
-- verslag met alle Nederlandse uitleg; het verslag wordt bij het lezen gemaakt, met dezelfde code, tot op de byte
-- gelijk (issue 14). `formaat` 1 is het volledige verslag zoals het tot nu toe bewaard werd; bij de start zet de
-- server elk zo'n verslag om dat hij precies kan nadoen (`handelingen::aanvragen::zet_verslagen_om`), de rest blijft
-- staan zoals het bewaard is en wordt zo ook getoond. Formaat 2 is de vastlegging.
ALTER TABLE toetsingen ADD COLUMN formaat BIGINT NOT NULL DEFAULT 1;

-- De parameters zoals een toetsing ze gebruikte (elk met waarde, vanaf, bron en toelichting), onder de SHA-256
-- van hun JSON: alle toetsingen met dezelfde stand delen één rij, en een latere wijziging van de ronde verandert
-- niets aan wat een bewaarde toetsing zegt.
CREATE TABLE parameterstanden (
    sha256     TEXT PRIMARY KEY,
    parameters TEXT NOT NULL
);
