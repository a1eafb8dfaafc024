//! Configuratie van `vhf serve`, in lagen: standaardwaarden → bestand (`--config` of `VHF_CONFIG`, TOML) →
//! omgeving (`VHF_*`, `DATABASE_URL`) → opties op de opdrachtregel. Bij de start gecontroleerd, met een
//! duidelijke fout; geheimen (het wachtwoord in de database-URL) komen nooit in een log of foutmelding.
//! Een voorbeeld met uitleg staat in `vhf.example.toml`.

use std::fmt;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Een geheim: Debug en Display tonen het niet.
#[derive(Clone, Deserialize)]
#[serde(transparent)]
pub struct Geheim(String);

impl Geheim {
    pub fn bloot(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Geheim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Een URL toont alles behalve het wachtwoord; een los geheim (client secret) niets.
        if self.0.contains("://") { write!(f, "{}", crate::db::verberg_wachtwoord(&self.0)) } else { f.write_str("***") }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Modus {
    /// Ontwikkeling en demo: --demo en --tijdreis mogen.
    #[default]
    Ontwikkeling,
    /// Productie: geen demogegevens, geen verzette klok.
    Productie,
}

/// Wat in het bestand mag staan; elk veld is optioneel.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Bestand {
    modus: Option<Modus>,
    data_dir: Option<PathBuf>,
    bind: Option<IpAddr>,
    port: Option<u16>,
    database_url: Option<Geheim>,
    max_document_mb: Option<u64>,
    ontwikkel_login: Option<bool>,
    achter_proxy: Option<bool>,
    oidc: Option<OidcInstellingen>,
    sessies: Option<SessieInstellingen>,
    s3: Option<S3Instellingen>,
}

/// Documenten in een S3-compatibele opslag in plaats van de datamap. De sleutels komen uit de omgeving
/// (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY), nooit uit dit bestand.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct S3Instellingen {
    pub bucket: String,
    /// Voor een S3-compatibele dienst buiten AWS, bijvoorbeeld https://s3.example.nl.
    pub endpoint: Option<String>,
    #[serde(default = "s3_regio")]
    pub regio: String,
    /// Alleen voor een test- of interne dienst zonder TLS.
    #[serde(default)]
    pub http_toestaan: bool,
}

fn s3_regio() -> String {
    "eu-central-1".into()
}

/// De koppeling met de OIDC-broker.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OidcInstellingen {
    /// De uitgever (issuer) van de broker; de metadata staat onder /.well-known/openid-configuration.
    pub issuer: String,
    pub client_id: String,
    /// Liever via VHF_OIDC_CLIENT_SECRET dan in het bestand.
    #[serde(default = "leeg_geheim")]
    pub client_secret: Geheim,
    /// Waar de broker naar terugstuurt: https://<deze server>/auth/oidc/terugkeer.
    pub redirect_url: String,
    /// Extra scopes naast openid (bijvoorbeeld die met de rol- en organisatieclaims).
    #[serde(default)]
    pub scopes: Vec<String>,
    #[serde(default = "rol_claim")]
    pub rol_claim: String,
    #[serde(default = "organisatie_claim")]
    pub organisatie_claim: String,
    /// OIN of KvK-nummer van een organisatie → CBS-code van de gemeente (GM….).
    #[serde(default)]
    pub organisaties: std::collections::BTreeMap<String, String>,
}

fn leeg_geheim() -> Geheim {
    Geheim(String::new())
}
fn rol_claim() -> String {
    "vhf_rol".into()
}
fn organisatie_claim() -> String {
    "oin".into()
}

/// Sessies en inlogpogingen.
#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessieInstellingen {
    pub inactief_minuten: Option<u64>,
    pub absoluut_uren: Option<u64>,
    pub max_inlogpogingen: Option<i64>,
}

/// De uiteindelijke configuratie.
#[derive(Debug)]
pub struct Configuratie {
    pub modus: Modus,
    pub data_dir: PathBuf,
    pub bind: IpAddr,
    pub port: u16,
    /// Leeg: SQLite in de datamap.
    pub database_url: Option<Geheim>,
    pub max_document_mb: u64,
    /// De ontwikkel-login (kies een gebruiker); nooit in productie.
    pub ontwikkel_login: bool,
    /// Achter een eigen proxy of load balancer: het adres van de klant is het laatste in X-Forwarded-For.
    pub achter_proxy: bool,
    pub oidc: Option<OidcInstellingen>,
    pub s3: Option<S3Instellingen>,
    pub sessiebeleid: crate::server::identiteit::Sessiebeleid,
}

/// Wat op de opdrachtregel is meegegeven (alleen wat er echt stond).
#[derive(Default)]
pub struct Opdrachtregel {
    pub config: Option<PathBuf>,
    pub data_dir: Option<PathBuf>,
    pub bind: Option<IpAddr>,
    pub port: Option<u16>,
}

impl Configuratie {
    /// Leest de lagen en controleert het geheel. `omgeving` is een opzoekfunctie (in tests een tabel).
    pub fn laad(o: &Opdrachtregel, omgeving: impl Fn(&str) -> Option<String>) -> Result<Configuratie, String> {
        let bestand = match o.config.clone().or_else(|| omgeving("VHF_CONFIG").map(PathBuf::from)) {
            Some(pad) => lees_bestand(&pad)?,
            None => Bestand::default(),
        };
        let env = |naam: &str| omgeving(naam).filter(|v| !v.trim().is_empty());
        let modus = match env("VHF_MODUS") {
            Some(v) => match v.as_str() {
                "ontwikkeling" => Modus::Ontwikkeling,
                "productie" => Modus::Productie,
                _ => return Err(format!("VHF_MODUS='{v}': kies ontwikkeling of productie")),
            },
            None => bestand.modus.unwrap_or_default(),
        };
        let port = match (o.port, env("VHF_PORT")) {
            (Some(p), _) => p,
            (None, Some(v)) => v.parse().map_err(|_| format!("VHF_PORT='{v}' is geen poortnummer (0–65535)"))?,
            (None, None) => bestand.port.unwrap_or(8080),
        };
        let bind = match (o.bind, env("VHF_BIND")) {
            (Some(b), _) => b,
            (None, Some(v)) => v.parse().map_err(|_| format!("VHF_BIND='{v}' is geen IP-adres"))?,
            (None, None) => bestand.bind.unwrap_or(IpAddr::from([127, 0, 0, 1])),
        };
        let data_dir = o.data_dir.clone().or_else(|| env("VHF_DATA_DIR").map(PathBuf::from)).or(bestand.data_dir).unwrap_or_else(|| PathBuf::from("vhf-data"));
        let database_url = env("DATABASE_URL").or_else(|| env("VHF_DATABASE_URL")).map(Geheim).or(bestand.database_url);
        let max_document_mb = match env("VHF_MAX_DOCUMENT_MB") {
            Some(v) => v.parse().map_err(|_| format!("VHF_MAX_DOCUMENT_MB='{v}' is geen aantal megabytes"))?,
            None => bestand.max_document_mb.unwrap_or(100),
        };
        let ontwikkel_login = match env("VHF_ONTWIKKEL_LOGIN") {
            Some(v) => v.parse().map_err(|_| format!("VHF_ONTWIKKEL_LOGIN='{v}': true of false"))?,
            None => bestand.ontwikkel_login.unwrap_or(modus == Modus::Ontwikkeling),
        };
        let achter_proxy = match env("VHF_ACHTER_PROXY") {
            Some(v) => v.parse().map_err(|_| format!("VHF_ACHTER_PROXY='{v}': true of false"))?,
            None => bestand.achter_proxy.unwrap_or(false),
        };
        let mut oidc = bestand.oidc;
        if let (Some(o), Some(geheim)) = (oidc.as_mut(), env("VHF_OIDC_CLIENT_SECRET")) {
            o.client_secret = Geheim(geheim);
        }
        let mut sessiebeleid = crate::server::identiteit::Sessiebeleid::default();
        if let Some(si) = bestand.sessies {
            if let Some(m) = si.inactief_minuten {
                sessiebeleid.inactief = std::time::Duration::from_secs(m * 60);
            }
            if let Some(u) = si.absoluut_uren {
                sessiebeleid.absoluut = std::time::Duration::from_secs(u * 3600);
            }
            if let Some(n) = si.max_inlogpogingen {
                sessiebeleid.max_pogingen = n;
            }
        }
        let c = Configuratie { modus, data_dir, bind, port, database_url, max_document_mb, ontwikkel_login, achter_proxy, oidc, s3: bestand.s3, sessiebeleid };
        c.controleer()?;
        Ok(c)
    }

    fn controleer(&self) -> Result<(), String> {
        if !(1..=10_240).contains(&self.max_document_mb) {
            return Err(format!("max_document_mb = {}: kies 1 tot en met 10240", self.max_document_mb));
        }
        if let Some(u) = &self.database_url
            && !(u.bloot().starts_with("sqlite:") || u.bloot().starts_with("postgres:") || u.bloot().starts_with("postgresql:"))
        {
            return Err(format!("database_url '{u:?}': gebruik sqlite://… of postgres://…"));
        }
        if self.modus == Modus::Productie && self.ontwikkel_login {
            return Err("ontwikkel_login staat aan in productie: dat is een achterdeur (iedereen kan iedereen worden). Zet ontwikkel_login = false of gebruik modus = \"ontwikkeling\".".into());
        }
        if let Some(o) = &self.oidc
            && o.client_secret.bloot().is_empty()
        {
            return Err("oidc.client_secret ontbreekt: zet VHF_OIDC_CLIENT_SECRET (of client_secret in het bestand)".into());
        }
        if let Some(s3) = &self.s3
            && (s3.bucket.trim().is_empty() || (self.modus == Modus::Productie && s3.http_toestaan))
        {
            return Err("[s3]: een bucket is verplicht, en http_toestaan (zonder TLS) kan niet in productie".into());
        }
        if self.modus == Modus::Productie && self.oidc.is_none() {
            return Err("productie zonder [oidc]: er is dan geen manier om in te loggen (alleen API-tokens). Stel de OIDC-broker in.".into());
        }
        if !(1..=1000).contains(&self.sessiebeleid.max_pogingen)
            || self.sessiebeleid.inactief.is_zero()
            || self.sessiebeleid.absoluut < self.sessiebeleid.inactief
        {
            return Err("[sessies]: max_inlogpogingen 1–1000, inactief_minuten > 0 en absoluut_uren niet korter dan inactief".into());
        }
        if self.modus == Modus::Productie && self.database_url.is_none() {
            tracing::warn!("productie op SQLite: één exemplaar, geen gedeelde opslag");
        }
        Ok(())
    }

    /// De database-URL (SQLite in de datamap als er geen is opgegeven).
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(u) => u.bloot().to_string(),
            None => format!("sqlite://{}?mode=rwc", self.data_dir.join("vhf.db").display()),
        }
    }
}

fn lees_bestand(pad: &Path) -> Result<Bestand, String> {
    let tekst = std::fs::read_to_string(pad).map_err(|e| format!("configuratie {}: {}", pad.display(), crate::cli::io_melding(&e)))?;
    toml::from_str(&tekst).map_err(|e| format!("configuratie {}: {}", pad.display(), vhf_core::melding::toml_fout(&tekst, &e)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn omgeving(v: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let m: BTreeMap<String, String> = v.iter().map(|(k, w)| (k.to_string(), w.to_string())).collect();
        move |k| m.get(k).cloned()
    }

    fn bestand(tekst: &str) -> PathBuf {
        // Elk bestand een eigen naam: de tests lopen tegelijk.
        static VOLGNUMMER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = VOLGNUMMER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let p = std::env::temp_dir().join(format!("vhf-config-{}-{n}.toml", std::process::id()));
        std::fs::write(&p, tekst).unwrap();
        p
    }

    #[test]
    fn standaard_zonder_configuratie() {
        let c = Configuratie::laad(&Opdrachtregel::default(), omgeving(&[])).unwrap();
        assert_eq!((c.port, c.bind.to_string(), c.modus), (8080, "127.0.0.1".to_string(), Modus::Ontwikkeling));
        assert!(c.database_url().starts_with("sqlite://vhf-data/vhf.db"));
    }

    #[test]
    fn lagen_bestand_omgeving_opdrachtregel() {
        let p = bestand("port = 9000\nmax_document_mb = 20\ndatabase_url = \"postgres://vhf:geheim@db/vhf\"\n");
        let o = Opdrachtregel { config: Some(p.clone()), ..Default::default() };
        let c = Configuratie::laad(&o, omgeving(&[])).unwrap();
        assert_eq!((c.port, c.max_document_mb), (9000, 20));
        // Het wachtwoord staat niet in de Debug-uitvoer.
        assert!(!format!("{c:?}").contains("geheim"), "{c:?}");
        let c = Configuratie::laad(&o, omgeving(&[("VHF_PORT", "9100")])).unwrap();
        assert_eq!(c.port, 9100);
        let c = Configuratie::laad(&Opdrachtregel { port: Some(9200), ..o }, omgeving(&[("VHF_PORT", "9100")])).unwrap();
        assert_eq!(c.port, 9200);
    }

    #[test]
    fn de_ontwikkel_login_bestaat_niet_in_productie() {
        let c = Configuratie::laad(&Opdrachtregel::default(), omgeving(&[])).unwrap();
        assert!(c.ontwikkel_login, "in ontwikkeling staat hij standaard aan");
        let oidc = "[oidc]\nissuer = \"https://broker.example\"\nclient_id = \"vhf\"\nredirect_url = \"https://vhf.example/auth/oidc/terugkeer\"\n";
        let p = bestand(&format!("modus = \"productie\"\n{oidc}"));
        let o = Opdrachtregel { config: Some(p), ..Default::default() };
        let c = Configuratie::laad(&o, omgeving(&[("VHF_OIDC_CLIENT_SECRET", "s3cr3t")])).unwrap();
        assert!(!c.ontwikkel_login, "in productie standaard uit");
        assert!(!format!("{c:?}").contains("s3cr3t"), "geheim in Debug: {c:?}");
        let e = Configuratie::laad(&o, omgeving(&[("VHF_OIDC_CLIENT_SECRET", "s3cr3t"), ("VHF_ONTWIKKEL_LOGIN", "true")])).unwrap_err();
        assert!(e.contains("achterdeur"), "{e}");
        let e = Configuratie::laad(&o, omgeving(&[])).unwrap_err();
        assert!(e.contains("VHF_OIDC_CLIENT_SECRET"), "{e}");
        let e = Configuratie::laad(&Opdrachtregel::default(), omgeving(&[("VHF_MODUS", "productie")])).unwrap_err();
        assert!(e.contains("[oidc]"), "{e}");
    }

    #[test]
    fn s3_zonder_tls_niet_in_productie() {
        let oidc = "[oidc]\nissuer = \"https://b.example\"\nclient_id = \"vhf\"\nredirect_url = \"https://v.example/auth/oidc/terugkeer\"\n";
        let s3 = "[s3]\nbucket = \"vhf\"\nendpoint = \"http://minio:9000\"\nhttp_toestaan = true\n";
        let ontw = Opdrachtregel { config: Some(bestand(s3)), ..Default::default() };
        let c = Configuratie::laad(&ontw, omgeving(&[])).unwrap();
        assert_eq!(c.s3.as_ref().map(|s| (s.bucket.as_str(), s.regio.as_str())), Some(("vhf", "eu-central-1")));
        let prod = Opdrachtregel { config: Some(bestand(&format!("modus = \"productie\"\n{s3}{oidc}"))), ..Default::default() };
        let e = Configuratie::laad(&prod, omgeving(&[("VHF_OIDC_CLIENT_SECRET", "x")])).unwrap_err();
        assert!(e.contains("http_toestaan"), "{e}");
    }

    #[test]
    fn fouten_zijn_duidelijk() {
        let e = Configuratie::laad(&Opdrachtregel { config: Some(bestand("poort = 9000\n")), ..Default::default() }, omgeving(&[])).unwrap_err();
        let geen_engels = |e: &str| {
            for engels in ["parse error", "unknown field", "invalid type", "expected", "duplicate", "line"] {
                assert!(!e.contains(engels), "{engels} in {e}");
            }
        };
        assert!(e.contains("regel 1, kolom 1: onbekend veld `poort`; toegestaan zijn: `modus`, `data_dir`"), "{e}");
        geen_engels(&e);
        let e = Configuratie::laad(&Opdrachtregel { config: Some(bestand("port = \"acht\"\n\n")), ..Default::default() }, omgeving(&[])).unwrap_err();
        assert!(e.contains("regel 1, kolom 8: verkeerd soort waarde: tekst \"acht\", verwacht een geheel getal van 0 tot en met 65535"), "{e}");
        assert!(e.contains("1 | port = \"acht\""), "{e}");
        geen_engels(&e);
        let e = Configuratie::laad(&Opdrachtregel { config: Some(bestand("modus = \"test\"\n")), ..Default::default() }, omgeving(&[])).unwrap_err();
        assert!(e.contains("onbekende waarde \"test\"; toegestaan zijn: \"ontwikkeling\" of \"productie\""), "{e}");
        geen_engels(&e);
        let e = Configuratie::laad(&Opdrachtregel { config: Some(bestand("port = 8080\nport = 9090\n")), ..Default::default() }, omgeving(&[])).unwrap_err();
        assert!(e.contains("regel 2, kolom 1: deze sleutel staat er al"), "{e}");
        geen_engels(&e);
        let e = Configuratie::laad(&Opdrachtregel { config: Some(PathBuf::from("/bestaat/niet.toml")), ..Default::default() }, omgeving(&[])).unwrap_err();
        assert_eq!(e, "configuratie /bestaat/niet.toml: bestand bestaat niet");
        assert!(Configuratie::laad(&Opdrachtregel::default(), omgeving(&[("VHF_PORT", "80800")])).unwrap_err().contains("VHF_PORT"));
        assert!(Configuratie::laad(&Opdrachtregel::default(), omgeving(&[("VHF_MODUS", "test")])).unwrap_err().contains("ontwikkeling of productie"));
        assert!(Configuratie::laad(&Opdrachtregel::default(), omgeving(&[("DATABASE_URL", "mysql://x")])).unwrap_err().contains("sqlite://"));
        assert!(Configuratie::laad(&Opdrachtregel::default(), omgeving(&[("VHF_MAX_DOCUMENT_MB", "0")])).unwrap_err().contains("max_document_mb"));
    }
}
