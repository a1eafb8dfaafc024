-- 0007: de lijst van aanvragen (op volgorde van aanmaken, in pagina's) loopt langs deze index en stopt na de
-- pagina, in plaats van alle aanvragen met hun inhoud te sorteren.
CREATE INDEX aanvragen_volgorde ON aanvragen (aangemaakt_op, id);
