//! Model quality: AUC (ties count one half), KS, Gini, and the population stability index between
//! two score samples, as RISK.md §2 defines them; plus the seeded splits the evaluations use.

use serde::{Deserialize, Serialize};

/// Discrimination of a score against the outcome.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Discrimination {
    pub auc: f64,
    pub ks: f64,
    pub gini: f64,
}

/// AUC, KS and Gini of `score` (higher = more likely bad) against `bad`. With no bads or no goods
/// the AUC is 0.5 and KS 0.
pub fn discrimination(score: &[f64], bad: &[bool]) -> Discrimination {
    let n_bad = bad.iter().filter(|b| **b).count() as f64;
    let n_good = bad.len() as f64 - n_bad;
    if n_bad == 0.0 || n_good == 0.0 {
        return Discrimination {
            auc: 0.5,
            ks: 0.0,
            gini: 0.0,
        };
    }
    let mut order: Vec<usize> = (0..score.len()).collect();
    order.sort_unstable_by(|&a, &b| score[a].total_cmp(&score[b]));
    // Mann–Whitney with mid-ranks for ties; KS over the distinct thresholds.
    let mut rank_sum_bad = 0.0;
    let mut ks: f64 = 0.0;
    let (mut cum_bad, mut cum_good) = (0.0, 0.0);
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && score[order[j + 1]] == score[order[i]] {
            j += 1;
        }
        let mid_rank = (i + j) as f64 / 2.0 + 1.0;
        for &r in &order[i..=j] {
            if bad[r] {
                rank_sum_bad += mid_rank;
                cum_bad += 1.0;
            } else {
                cum_good += 1.0;
            }
        }
        ks = ks.max((cum_bad / n_bad - cum_good / n_good).abs());
        i = j + 1;
    }
    let auc = (rank_sum_bad - n_bad * (n_bad + 1.0) / 2.0) / (n_bad * n_good);
    Discrimination {
        auc,
        ks,
        gini: 2.0 * auc - 1.0,
    }
}

/// PSI of `actual` against `expected` over the expected sample's deciles; shares are floored at
/// 0.0001 so an empty decile does not give an infinite index.
pub fn psi(expected: &[f64], actual: &[f64]) -> f64 {
    if expected.is_empty() || actual.is_empty() {
        return 0.0;
    }
    let mut sorted = expected.to_vec();
    sorted.sort_unstable_by(f64::total_cmp);
    let mut cuts: Vec<f64> = (1..10)
        .map(|d| sorted[(d * sorted.len() / 10).min(sorted.len() - 1)])
        .collect();
    cuts.dedup();
    let shares = |sample: &[f64]| {
        let mut counts = vec![0.0; cuts.len() + 1];
        for x in sample {
            counts[cuts.partition_point(|c| *c <= *x)] += 1.0;
        }
        counts
            .into_iter()
            .map(|c| (c / sample.len() as f64).max(0.0001))
            .collect::<Vec<f64>>()
    };
    let e = shares(expected);
    let a = shares(actual);
    e.iter().zip(&a).map(|(e, a)| (a - e) * (a / e).ln()).sum()
}

/// A small seeded generator (SplitMix64), so splits are the same on every machine.
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

    /// Uniform in `[0, 1)`.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next_u64() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }
}

/// Rows `0..n` split into (train, test), `train_share` of the rows (rounded) in train, by a seeded
/// shuffle; both lists ascending.
pub fn train_test_split(n: usize, train_share: f64, seed: u64) -> (Vec<usize>, Vec<usize>) {
    let mut rows: Vec<usize> = (0..n).collect();
    SplitMix64::new(seed).shuffle(&mut rows);
    let cut = ((n as f64) * train_share).round() as usize;
    let mut train = rows[..cut].to_vec();
    let mut test = rows[cut..].to_vec();
    train.sort_unstable();
    test.sort_unstable();
    (train, test)
}

/// Stratified folds: the fold of each row, bads and goods each dealt round-robin after a seeded
/// shuffle, so every fold has the same bad rate (to one row).
pub fn stratified_folds(bad: &[bool], folds: usize, seed: u64) -> Vec<usize> {
    let mut rng = SplitMix64::new(seed);
    let mut fold = vec![0; bad.len()];
    for class in [true, false] {
        let mut rows: Vec<usize> = (0..bad.len()).filter(|&i| bad[i] == class).collect();
        rng.shuffle(&mut rows);
        for (k, r) in rows.into_iter().enumerate() {
            fold[r] = k % folds;
        }
    }
    fold
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_perfect_score_has_auc_one_and_ks_one() {
        let d = discrimination(&[0.1, 0.2, 0.8, 0.9], &[false, false, true, true]);
        assert_eq!((d.auc, d.ks, d.gini), (1.0, 1.0, 1.0));
    }

    #[test]
    fn tied_scores_count_one_half_in_the_auc() {
        let d = discrimination(&[0.5, 0.5], &[false, true]);
        assert_eq!(d.auc, 0.5);
    }

    #[test]
    fn the_psi_of_a_sample_against_itself_is_zero() {
        let x: Vec<f64> = (0..100).map(f64::from).collect();
        assert!(psi(&x, &x).abs() < 1e-12);
        let shifted: Vec<f64> = x.iter().map(|v| v + 30.0).collect();
        assert!(psi(&x, &shifted) > 0.25);
    }

    #[test]
    fn stratified_folds_keep_the_bad_rate() {
        let bad: Vec<bool> = (0..100).map(|i| i % 10 == 0).collect();
        let folds = stratified_folds(&bad, 5, 7);
        for f in 0..5 {
            let bads = (0..100).filter(|&i| folds[i] == f && bad[i]).count();
            assert_eq!(bads, 2);
        }
    }
}
