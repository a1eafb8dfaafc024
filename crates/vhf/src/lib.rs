//! De schil rond de kern: opdrachtregel, server (API) en opslag. Geen regels hier: die staan in `vhf-core`.

pub mod audit;
pub mod brief;
pub mod cli;
pub mod config;
pub mod db;
pub mod handelingen;
pub mod server;
pub mod spreadsheet;
pub mod tls;
pub mod toegang;
pub mod web;
