//! The random numbers of the Monte Carlo: xoshiro256++ (Blackman & Vigna), seeded through SplitMix64
//! from the pair (seed, scenario index). Each scenario has its own stream, so the results do not depend
//! on how many threads run the scenarios or in which order.

/// SplitMix64's output function: a bijective mix of 64 bits.
fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// SplitMix64: used only to expand a key into xoshiro's state.
#[derive(Debug, Clone)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(GOLDEN_GAMMA);
        mix64(self.0)
    }
}

/// xoshiro256++.
#[derive(Debug, Clone)]
pub struct Xoshiro256pp {
    s: [u64; 4],
}

impl Xoshiro256pp {
    /// A generator for one scenario of a seeded run. The key mixes the seed and the index twice, so
    /// neighbouring seeds or indices give unrelated streams.
    pub fn for_scenario(seed: u64, scenario: u64) -> Self {
        let key = mix64(seed ^ mix64(scenario.wrapping_mul(GOLDEN_GAMMA) ^ 0x5A17_C0DE));
        let mut sm = SplitMix64(key);
        let s = [sm.next(), sm.next(), sm.next(), sm.next()];
        Self { s }
    }

    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let result = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// Uniform on the open interval (0, 1): 53 random bits, centred in their cell, so neither 0 nor 1
    /// can come out (Φ⁻¹ of either would be infinite).
    pub fn next_open01(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) * (1.0 / (1_u64 << 53) as f64)
    }

    /// A standard normal draw by inversion.
    pub fn next_normal(&mut self) -> f64 {
        super::normal::inverse_cdf(self.next_open01())
    }
}
