-- 0017 (SQLite): het aantal aanvragen per gemeente, bijgehouden door triggers op aanvraag_gemeenten, zodat de lijst
-- van een gemeente haar totaal in één opzoeking heeft in plaats van al haar rijen te tellen (issue 14: met 13.000
-- aanvragen van één gemeente kostte dat tellen 12 % van de processor van de server onder last). Triggers, geen
-- code: elke weg die een rij toevoegt of weghaalt, telt mee, ook een die later bijkomt. Een trigger is één zin tot
-- en met END; de migratie knipt hem niet op (db::zinnen).
CREATE TABLE aantal_per_gemeente (
    gemeente TEXT PRIMARY KEY,
    n        BIGINT NOT NULL
);
INSERT INTO aantal_per_gemeente (gemeente, n) SELECT gemeente, COUNT(*) FROM aanvraag_gemeenten GROUP BY gemeente;

CREATE TRIGGER aantal_per_gemeente_bij AFTER INSERT ON aanvraag_gemeenten
BEGIN
    INSERT INTO aantal_per_gemeente (gemeente, n) VALUES (NEW.gemeente, 1) ON CONFLICT (gemeente) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER aantal_per_gemeente_af AFTER DELETE ON aanvraag_gemeenten
BEGIN
    UPDATE aantal_per_gemeente SET n = n - 1 WHERE gemeente = OLD.gemeente;
END;

CREATE TRIGGER aantal_per_gemeente_om AFTER UPDATE OF gemeente ON aanvraag_gemeenten
BEGIN
    UPDATE aantal_per_gemeente SET n = n - 1 WHERE gemeente = OLD.gemeente;
    INSERT INTO aantal_per_gemeente (gemeente, n) VALUES (NEW.gemeente, 1) ON CONFLICT (gemeente) DO UPDATE SET n = n + 1;
END;
