//! Wat de webpagina's nodig hebben boven de kern en de opslag, zonder HTTP: nu de kaart van Nederland voor het
//! publieke dashboard (issue 15). De pagina's zelf komen als routes in het register, met sjablonen in een eigen map.

pub mod kaart;
