//! Deterministic synthetic patents, for benchmarks and property tests.
//!
//! The same `(n, seed)` gives the same frame on every machine: the generator is a SplitMix64 of
//! our own (no `rand`, whose streams may change between versions) and nothing reads the clock.
//! Every row is valid input for any `as_of` on or after 2025-07-01.

use chrono::NaiveDate;
use polars::prelude::*;

use super::input::date_to_days;
use super::{LegalStatus, PatentType};
use crate::error::{EngineError, Result};
use crate::schema::input as col;

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and good enough for test data.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 53 random bits.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform integer in [0, n) (n > 0; the modulo bias is irrelevant for test data).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// Uniform integer in [lo, hi].
    pub fn between(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1).max(1) as u64) as i64
    }

    /// True with probability p.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}

const fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(y, m, d) {
        Some(date) => date,
        None => NaiveDate::MIN,
    }
}

/// `n` synthetic input rows (typed like validated input) from `seed`.
pub fn synthetic(n: usize, seed: u64) -> Result<DataFrame> {
    let mut rng = SplitMix64::new(seed);
    let first_filing = date_to_days(day(2000, 1, 1));
    let last_filing = date_to_days(day(2025, 6, 30));
    let first_fee = date_to_days(day(2023, 1, 1));
    let last_fee = date_to_days(day(2027, 6, 30));
    let sections = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'];

    let mut id = Vec::with_capacity(n);
    let mut ptype = Vec::with_capacity(n);
    let mut filing = Vec::with_capacity(n);
    let mut grant = Vec::with_capacity(n);
    let mut status = Vec::with_capacity(n);
    let mut ipc = Vec::with_capacity(n);
    let mut counts: [Vec<i64>; 9] = std::array::from_fn(|_| Vec::with_capacity(n));
    let mut fee = Vec::with_capacity(n);
    let mut revenue = Vec::with_capacity(n);
    let mut royalty = Vec::with_capacity(n);

    for k in 0..n {
        id.push(format!("SYN{seed:016X}{k:010}"));
        let t = match rng.below(10) {
            0..=5 => PatentType::Invention,
            6..=8 => PatentType::UtilityModel,
            _ => PatentType::Design,
        };
        ptype.push(t.as_str());
        let f = rng.between(i64::from(first_filing), i64::from(last_filing)) as i32;
        filing.push(f);
        let pending = rng.chance(0.10);
        grant.push((!pending).then(|| f + rng.between(180, 1500) as i32));
        let s = if pending {
            LegalStatus::Pending
        } else {
            match rng.below(100) {
                0..=79 => LegalStatus::Valid,
                80..=83 => LegalStatus::UnderInvalidation,
                84..=92 => LegalStatus::Lapsed,
                93..=95 => LegalStatus::Invalidated,
                _ => LegalStatus::Expired,
            }
        };
        status.push(s.as_str());
        ipc.push((!rng.chance(0.03)).then(|| {
            let sec = sections[rng.below(8) as usize];
            format!(
                "{sec}{:02}{} {}/{:02}",
                rng.between(1, 99),
                'B',
                rng.between(1, 99),
                rng.between(0, 99)
            )
        }));
        // Skewed counts: most patents are cited a little, a few a lot.
        let skew = |rng: &mut SplitMix64, max: f64| (rng.unit().powi(3) * max) as i64;
        counts[0].push(rng.between(1, 30)); // claims
        counts[1].push(skew(&mut rng, 80.0)); // forward citations
        counts[2].push(rng.between(0, 40)); // backward citations
        counts[3].push(1 + skew(&mut rng, 12.0)); // family size
        counts[4].push(rng.between(1, 8)); // inventors
        counts[5].push(skew(&mut rng, 4.0)); // transfers
        counts[6].push(skew(&mut rng, 5.0)); // licences
        counts[7].push(skew(&mut rng, 3.0)); // litigations
        counts[8].push(skew(&mut rng, 2.0)); // invalidation requests
        fee.push(
            (!rng.chance(0.10))
                .then(|| rng.between(i64::from(first_fee), i64::from(last_fee)) as i32),
        );
        revenue.push(match rng.below(100) {
            0..=29 => None,
            30..=34 => Some(0),
            // Log-uniform between RMB 10 k and RMB 100 m.
            _ => Some((1.0e6 * 10f64.powf(rng.unit() * 4.0)) as i64),
        });
        royalty.push(rng.chance(0.05).then(|| 0.01 + rng.unit() * 0.09));
    }

    let dates = |name: &str, days: Vec<Option<i32>>| -> Result<Column> {
        Series::new(name.into(), days)
            .cast(&DataType::Date)
            .map(Column::from)
            .map_err(EngineError::polars(format!("synthetic column {name}")))
    };
    let mut columns = vec![
        Column::new(col::PATENT_ID.into(), id),
        Column::new(col::PATENT_TYPE.into(), ptype),
        dates(col::FILING_DATE, filing.into_iter().map(Some).collect())?,
        dates(col::GRANT_DATE, grant)?,
        Column::new(col::LEGAL_STATUS.into(), status),
        Column::new(col::IPC_MAIN.into(), ipc),
    ];
    for (name, values) in col::COUNTS.iter().zip(counts) {
        columns.push(Column::new((*name).into(), values));
    }
    columns.push(dates(col::FEE_PAID_UNTIL, fee)?);
    columns.push(Column::new(col::REVENUE_FEN.into(), revenue));
    columns.push(Column::new(col::ROYALTY_RATE.into(), royalty));
    DataFrame::new(n, columns).map_err(EngineError::polars("building the synthetic frame"))
}
