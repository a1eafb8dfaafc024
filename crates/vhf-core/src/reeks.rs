//! Een reproduceerbare reeks pseudo-willekeurige getallen (SplitMix64): dezelfde zaadwaarde geeft overal
//! dezelfde reeks. Voor de demogenerator en de gevoeligheidsanalyse; geen cryptografie.

pub(crate) struct Reeks(u64);

impl Reeks {
    pub(crate) fn van(zaad: u64) -> Reeks {
        Reeks(zaad)
    }

    /// Een eigen reeks per blok runs, zodat de uitkomst niet afhangt van welke draad welk blok doet.
    pub(crate) fn voor_blok(zaad: u64, blok: u64) -> Reeks {
        let mut r = Reeks(zaad ^ blok.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        r.volgende();
        r
    }

    pub(crate) fn volgende(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Geheel getal in [0, n).
    pub(crate) fn tot(&mut self, n: u64) -> u64 {
        ((u128::from(self.volgende()) * u128::from(n.max(1))) >> 64) as u64
    }

    /// Geheel getal in [lo, hi], gelijk verdeeld (op een verwaarloosbare afwijking na).
    pub(crate) fn tussen(&mut self, lo: i64, hi: i64) -> i64 {
        let breedte = (hi - lo + 1) as u64;
        lo + ((u128::from(self.volgende()) * u128::from(breedte)) >> 64) as i64
    }

    /// Gelijk verdeeld in [0, 1).
    pub(crate) fn fractie(&mut self) -> f64 {
        (self.volgende() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub(crate) fn kans(&mut self, p: f64) -> bool {
        self.fractie() < p
    }

    pub(crate) fn kies<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.tot(v.len() as u64) as usize]
    }
}
