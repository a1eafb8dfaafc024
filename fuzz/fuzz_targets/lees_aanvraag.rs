//! Willekeurige bytes als aanvraagbestand: de lezer mag nooit in paniek raken, en wat hij aanneemt, moet de
//! toetsing zonder paniek kunnen toetsen en uitleggen.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vhf_core::referentie::Referentie;
use vhf_core::regeling::Ronde;

fuzz_target!(|data: &[u8]| {
    let Ok(tekst) = std::str::from_utf8(data) else { return };
    if let Ok(a) = vhf_core::invoer::lees_aanvraag(tekst) {
        let ronde = Ronde::zoek(&a.ronde).expect("de lezer neemt alleen bekende rondes aan");
        let moment = jiff::Timestamp::from_second(1_620_000_000).unwrap();
        if let Ok(t) = vhf_core::toetsing::toets(&a, ronde, Referentie::ingebouwd(), moment) {
            for b in &t.bevindingen {
                assert!(!t.uitleg(b).is_empty());
            }
        }
    }
});
