-- 0003: gedateerde wijzigingen van parameters van een ronde (loket verlengd, budget verhoogd), met bron en
-- wie ze vastlegde. De ronde zelf staat in data/rondes/*.toml; deze wijzigingen komen er bij het lezen bij.
CREATE TABLE parameterwijzigingen (
    ronde       TEXT NOT NULL,
    volgnummer  BIGINT NOT NULL,
    parameter   TEXT NOT NULL,
    vanaf       TEXT NOT NULL,
    waarde      TEXT NOT NULL,
    bron        TEXT NOT NULL,
    toelichting TEXT,
    door        TEXT NOT NULL,
    op          BIGINT NOT NULL,
    PRIMARY KEY (ronde, volgnummer)
);
