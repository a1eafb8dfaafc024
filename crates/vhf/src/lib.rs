//! De schil rond de kern: opdrachtregel (en later de server). Geen regels hier: die staan in `vhf-core`.

pub mod cli;
