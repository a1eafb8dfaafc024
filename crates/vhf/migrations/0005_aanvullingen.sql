-- 0005: aanvullingen. Na indiening blijft de ingediende inhoud (met haar ontvangstbewijs) ongewijzigd; een
-- aanvulling op verzoek van de behandelaar is een nieuwe, genummerde versie van de inhoud met een eigen SHA-256.
CREATE TABLE aanvullingen (
    aanvraag_id TEXT NOT NULL REFERENCES aanvragen (id),
    volgnummer  BIGINT NOT NULL,
    inhoud      TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    door        TEXT NOT NULL,
    op          BIGINT NOT NULL,
    PRIMARY KEY (aanvraag_id, volgnummer)
);
