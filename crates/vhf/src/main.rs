//! `vhf`: één programma voor het Volkshuisvestingsfonds. Dit bestand is alleen de aanroep; alles staat in de
//! bibliotheek (`vhf::cli`), zodat tests en latere opdrachten (serve) dezelfde code gebruiken.

fn main() -> std::process::ExitCode {
    vhf::tls::kies_aanbieder();
    vhf::cli::main()
}
