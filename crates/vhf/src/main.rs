//! `vhf`: één programma voor het Volkshuisvestingsfonds. Dit bestand is alleen de aanroep; alles staat in de
//! bibliotheek (`vhf::cli`), zodat tests en latere opdrachten (serve) dezelfde code gebruiken.

/// mimalloc in plaats van de allocator van glibc: onder last van de server ging ~15 % van de CPU-tijd naar
/// malloc/free (perf); zie het prestatiehoofdstuk van de README.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    vhf::cli::main()
}
