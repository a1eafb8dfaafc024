//! Het uitgavebinair houdt zijn regeltabellen (`debug = "line-tables-only"` in de Cargo.toml van de werkruimte,
//! voor bestandsnamen en regelnummers in een backtrace), maar gecomprimeerd (zlib, ELF SHF_COMPRESSED): de
//! ongecomprimeerde DWARF was zo'n 150 MB van het binair. De backtrace van std, gdb, addr2line en perf lezen het
//! gewoon. Alleen voor de profielen release en bench (PROFILE=release) en alleen voor het programma zelf; de
//! debugbouw en de tests linken zoals altijd.
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let linux = std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux");
    if linux && std::env::var("PROFILE").as_deref() == Ok("release") {
        println!("cargo:rustc-link-arg-bins=-Wl,--compress-debug-sections=zlib");
    }
}
