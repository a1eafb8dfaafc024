-- 0011: de documenten van één aanvraag, op volgorde van uploaden. E15 toetst op de server wat er geüpload is,
-- dus het indienen leest ze (en telt ze nog eens in de schrijfbeurt): langs deze index, niet door de hele tabel.
CREATE INDEX documenten_per_aanvraag ON documenten (aanvraag_id, aangemaakt_op, id);
