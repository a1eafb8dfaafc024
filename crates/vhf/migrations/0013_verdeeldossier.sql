-- 0013: het verdeeldossier van een verdeling: de invoer zoals `vhf allocate` haar leest (de ontvankelijke
-- aanvragen met hun geüploade documenten, de beoordelingen, de eerdere uitkomsten en de parameterwijzigingen van
-- de ronde) en de uitvoer die `vhf allocate --json` op die invoer geeft, bewaard op het moment van verdelen. Wie
-- wil weten waarom een gemeente geen geld kreeg, draait de verdeling zelf na. Oudere verdelingen: NULL.
ALTER TABLE verdelingen ADD COLUMN dossier TEXT;
