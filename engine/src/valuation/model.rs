//! Model zr-val-1 as Polars lazy expressions: the batch path.
//!
//! A chain of `with_columns` stages over the validated input, collected once (a large batch in
//! slices, see [`value_frame`]). The text columns are turned into small integer codes first and
//! intermediate values get named columns, so no formula is evaluated twice. Date arithmetic is
//! done on day
//! numbers with the civil-calendar formulas (no string or offset features needed, and exactly
//! the calendar rules of VALUATION.md); per-type constants such as (1 + r)^t are computed once in
//! Rust and enter as literals. Every float expression is evaluated in the same order as in the
//! scalar reference (`explain.rs`), so the two agree bit for bit.

use chrono::NaiveDate;
use polars::prelude::*;

use super::explain::{DAYS_PER_YEAR, discount_factors, discount_rate, growth_factors};
use super::input::{InvalidRows, RejectedRow, date_to_days, validate};
use super::params::ValuationParams;
use super::{LegalStatus, PatentType};
use crate::VALUATION_MODEL;
use crate::error::{EngineError, Result};
use crate::schema::{input as i, output as o};

/// Result of a batch: one output row per valid input row, in input order, and the rejected rows.
#[derive(Debug, Clone)]
pub struct BatchOutcome {
    pub results: DataFrame,
    pub rejected: Vec<RejectedRow>,
}

/// Rows per slice of a large batch (see [`value_frame`]).
const SLICE_ROWS: usize = 250_000;

/// Rows valued at a time by [`value_in_chunks`].
pub const CHUNK_ROWS: usize = 2 * SLICE_ROWS;

/// Validates a raw batch and values it. `source_name` (the file) is named in errors.
pub fn value_batch(
    raw: &DataFrame,
    as_of: NaiveDate,
    params: &ValuationParams,
    mode: InvalidRows,
    source_name: &str,
) -> Result<BatchOutcome> {
    let checked = validate(raw, as_of, source_name, mode)?;
    let results = value_frame(checked.frame, as_of, params, source_name)?;
    Ok(BatchOutcome {
        results,
        rejected: checked.rejected,
    })
}

/// The model over a validated frame (see [`value_lazy`]), collected. The model is row by
/// row, so slices of a large frame are valued on their own and in parallel: one long
/// expression, such as the royalty stream, otherwise keeps a single core busy.
pub fn value_frame(
    frame: DataFrame,
    as_of: NaiveDate,
    params: &ValuationParams,
    source_name: &str,
) -> Result<DataFrame> {
    value_frame_in(frame, SLICE_ROWS, as_of, params, source_name)
}

/// [`value_frame`] with slices of `slice_rows` rows.
fn value_frame_in(
    frame: DataFrame,
    slice_rows: usize,
    as_of: NaiveDate,
    params: &ValuationParams,
    source_name: &str,
) -> Result<DataFrame> {
    let ctx = || EngineError::polars(format!("{source_name}: valuing the batch"));
    let n = frame.height();
    let slice_rows = slice_rows.max(1);
    let lazy = if n <= slice_rows {
        value_lazy(frame.lazy(), as_of, params)
    } else {
        let slices: Vec<LazyFrame> = (0..n)
            .step_by(slice_rows)
            .map(|start| value_lazy(frame.slice(start as i64, slice_rows).lazy(), as_of, params))
            .collect();
        concat(slices, UnionArgs::default()).map_err(ctx())?
    };
    lazy.collect().map_err(ctx())
}

/// [`value_frame`] over `chunk_rows` (normally [`CHUNK_ROWS`]) rows at a time, in order, handing each chunk's results
/// to `each` (at least once, with an empty frame for an empty input), so that only one
/// chunk's intermediate and result columns are in memory at a time.
pub fn value_in_chunks(
    frame: &DataFrame,
    chunk_rows: usize,
    as_of: NaiveDate,
    params: &ValuationParams,
    source_name: &str,
    mut each: impl FnMut(DataFrame) -> Result<()>,
) -> Result<()> {
    let n = frame.height();
    let mut start = 0;
    loop {
        let len = chunk_rows.max(1).min(n - start);
        let chunk = frame.slice(start as i64, len);
        each(value_frame(chunk, as_of, params, source_name)?)?;
        start += len;
        if start >= n {
            return Ok(());
        }
    }
}

fn int(name: &str) -> Expr {
    col(name).cast(DataType::Int64)
}

fn float(name: &str) -> Expr {
    col(name).cast(DataType::Float64)
}

/// Rounds half away from zero to a whole number (Int64), exactly as `f64::round`: the
/// fraction left after truncation is exact for |x| < 2^53, far above any fen amount.
/// (Done by hand to avoid Polars' `round_series` feature for one call.)
fn round_half_away(x: Expr) -> Expr {
    let whole = x.clone().cast(DataType::Int64);
    let fraction = x - whole.clone().cast(DataType::Float64);
    when(fraction.clone().gt_eq(lit(0.5)))
        .then(whole.clone() + lit(1i64))
        .when(fraction.lt_eq(lit(-0.5)))
        .then(whole.clone() - lit(1i64))
        .otherwise(whole)
}

/// `value` as a full column rather than a scalar literal. Polars divides by a scalar as a
/// multiplication by its reciprocal, which is up to one ulp away from true division (e.g.
/// 4814 / 365.25); dividing by a column divides element by element, as the document and the
/// scalar reference do. (0 × 0.0 + value is exact.)
fn per_row(value: f64) -> Expr {
    col(i::PATENT_ID).is_null().cast(DataType::Float64) * lit(0.0) + lit(value)
}

fn min1(x: Expr) -> Expr {
    when(x.clone().lt(lit(1.0))).then(x).otherwise(lit(1.0))
}

fn saturation(x: Expr, median: f64) -> Expr {
    when(x.clone().gt(lit(0.0)))
        .then(x.clone() / (x + lit(median)))
        .otherwise(lit(0.0))
}

fn is_leap(year: Expr) -> Expr {
    let div = |n: i64| (year.clone() % lit(n)).eq(lit(0i64));
    (div(4).and(div(100).not())).or(div(400))
}

/// Days since 1970-01-01 of a proleptic Gregorian (year, month, day), all Int64, year ≥ 1.
/// (The classic era-based formula: every intermediate is non-negative, so Rust's truncating
/// integer division, which is what `/` on Int64 expressions does, is floor division here.
/// Polars' `floor_div` would need the `round_series` feature.)
fn days_from_civil(year: Expr, month: Expr, day: Expr) -> Expr {
    let y = year
        - when(month.clone().lt_eq(lit(2i64)))
            .then(lit(1i64))
            .otherwise(lit(0i64));
    let era = y.clone() / lit(400i64);
    let yoe = y - era.clone() * lit(400i64);
    let mp = when(month.clone().gt(lit(2i64)))
        .then(month.clone() - lit(3i64))
        .otherwise(month + lit(9i64));
    let doy = (lit(153i64) * mp + lit(2i64)) / lit(5i64) + day - lit(1i64);
    let doe = yoe.clone() * lit(365i64) + yoe.clone() / lit(4i64) - yoe / lit(100i64) + doy;
    era * lit(146_097i64) + doe - lit(719_468i64)
}

fn days_in_month(year: Expr, month: Expr) -> Expr {
    let m = |k: i64| month.clone().eq(lit(k));
    when(m(2))
        .then(when(is_leap(year)).then(lit(29i64)).otherwise(lit(28i64)))
        .when(m(4).or(m(6)).or(m(9)).or(m(11)))
        .then(lit(30i64))
        .otherwise(lit(31i64))
}

fn ymd(date_col: &str) -> (Expr, Expr, Expr) {
    let d = col(date_col);
    (
        d.clone().dt().year().cast(DataType::Int64),
        d.clone().dt().month().cast(DataType::Int64),
        d.dt().day().cast(DataType::Int64),
    )
}

// The text columns the tables depend on are compared with their spellings once, into small
// integer codes; every table lookup after that compares integers (or gathers from a short
// table), which is much cheaper than comparing the text again for each use.
const TYPE_CODE: &str = "__type";
const STATUS_CODE: &str = "__status";
const SECTION_CODE: &str = "__section";

/// 0 invention, 1 utility_model, 2 anything else (validated input: design).
fn type_code() -> Expr {
    let t = col(i::PATENT_TYPE);
    when(t.clone().eq(lit(PatentType::Invention.as_str())))
        .then(lit(0i32))
        .when(t.eq(lit(PatentType::UtilityModel.as_str())))
        .then(lit(1i32))
        .otherwise(lit(2i32))
}

fn by_type(invention: Expr, utility_model: Expr, design: Expr) -> Expr {
    let t = col(TYPE_CODE);
    when(t.clone().eq(lit(0i32)))
        .then(invention)
        .when(t.eq(lit(1i32)))
        .then(utility_model)
        .otherwise(design)
}

/// The position of the status in `LegalStatus::ALL`; anything else (not in validated input)
/// counts as the last, as the nested lookups always did.
fn status_code() -> Expr {
    let s = col(i::LEGAL_STATUS);
    let last = LegalStatus::ALL.len().saturating_sub(1);
    (0..last).rev().fold(lit(last as i32), |otherwise, k| {
        when(s.clone().eq(lit(LegalStatus::ALL[k].as_str())))
            .then(lit(k as i32))
            .otherwise(otherwise)
    })
}

fn status_is(status: LegalStatus) -> Expr {
    let k = LegalStatus::ALL
        .iter()
        .position(|s| *s == status)
        .unwrap_or(LegalStatus::ALL.len());
    col(STATUS_CODE).eq(lit(k as i32))
}

fn by_status(f: impl Fn(LegalStatus) -> f64) -> Expr {
    let table: Vec<f64> = LegalStatus::ALL.iter().map(|s| f(*s)).collect();
    lookup(table, STATUS_CODE)
}

/// `table[code]` for each row (`code` is always a valid index).
fn lookup(table: Vec<f64>, code: &str) -> Expr {
    lit(Series::new(PlSmallStr::EMPTY, table)).gather(col(code), false)
}

const SECTIONS: [char; 8] = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'];

/// 0..=7 for the IPC sections A..=H, 8 for other or empty. Comparing the (trimmed) string
/// with "A" ≤ s < "B" is true exactly when it starts with A, so no string functions are needed.
fn section_code() -> Expr {
    let ipc = col(i::IPC_MAIN);
    let starts = |c: char| {
        let upper = c.to_string();
        let next = ((c as u8) + 1) as char;
        let lower = c.to_ascii_lowercase().to_string();
        let lower_next = ((c.to_ascii_lowercase() as u8) + 1) as char;
        (ipc.clone()
            .gt_eq(lit(upper))
            .and(ipc.clone().lt(lit(next.to_string()))))
        .or(ipc
            .clone()
            .gt_eq(lit(lower))
            .and(ipc.clone().lt(lit(lower_next.to_string()))))
    };
    // A null ipc_main fails every comparison and lands in "other", as does any other letter.
    (0..SECTIONS.len())
        .rev()
        .fold(lit(SECTIONS.len() as i32), |otherwise, k| {
            when(starts(SECTIONS[k]))
                .then(lit(k as i32))
                .otherwise(otherwise)
        })
}

/// The value of a section table for the row's main IPC.
fn by_section(value: impl Fn(Option<char>) -> f64) -> Expr {
    let mut table: Vec<f64> = SECTIONS.iter().map(|s| value(Some(*s))).collect();
    table.push(value(None));
    lookup(table, SECTION_CODE)
}

/// The model over a validated input frame (see [`super::input::validate`]), producing exactly
/// the output columns of VALUATION.md in input order.
pub fn value_lazy(input: LazyFrame, as_of: NaiveDate, params: &ValuationParams) -> LazyFrame {
    let as_of_days = i64::from(date_to_days(as_of));
    let t = &params.terms;

    // Term and remaining life.
    let filing_days = col(i::FILING_DATE)
        .cast(DataType::Int32)
        .cast(DataType::Int64);
    let design_term = when(filing_days.gt_eq(lit(i64::from(date_to_days(t.design_change_date)))))
        .then(lit(i64::from(t.design_from)))
        .otherwise(lit(i64::from(t.design_before)));
    let term = by_type(
        lit(i64::from(t.invention)),
        lit(i64::from(t.utility_model)),
        design_term,
    )
    .cast(DataType::Int64);
    // The date arithmetic goes through named columns, stage by stage: written as one
    // expression, each formula repeats its arguments (a year enters `days_from_civil` several
    // times), and the repeats multiply down the chain.
    let (fy, fm, fd) = ymd(i::FILING_DATE);
    let (filing_year, filing_month, filing_day) = ("__fy", "__fm", "__fd");
    let (expiry_year, expiry_day, expiry) = ("__expiry_year", "__expiry_day", "__expiry");
    let feb29_to_common = col(filing_month)
        .eq(lit(2i64))
        .and(col(filing_day).eq(lit(29i64)))
        .and(is_leap(col(expiry_year)).not());
    let days_left = col(expiry) - lit(as_of_days);
    let remaining = when(days_left.clone().gt(lit(0i64)))
        .then(days_left)
        .otherwise(lit(0i64))
        .cast(DataType::Float64)
        / per_row(DAYS_PER_YEAR);
    // Read back from the first step's columns rather than recomputing the date arithmetic.
    let life = min1(col(o::REMAINING_YEARS) / col(o::TERM_YEARS).cast(DataType::Float64));

    // Indicators → degree parts (weight × score), in the scalar model's order.
    let m = &params.medians;
    let (lw, tw, ew, dw) = (
        &params.legal_weights,
        &params.technical_weights,
        &params.economic_weights,
        &params.degree_weights,
    );
    let transactions = (int(i::TRANSFERS) + int(i::LICENSES)).cast(DataType::Float64);
    let has_revenue = int(i::REVENUE_FEN).gt(lit(0i64)).fill_null(lit(false));
    let revenue_indicator = when(has_revenue.clone()).then(lit(1.0)).otherwise(lit(0.0));
    let stability = by_status(|s| super::explain::stability(s, params));
    let family_extra = (int(i::FAMILY_SIZE) - lit(1i64)).cast(DataType::Float64);
    let parts: [(Expr, f64); 10] = [
        (lit(lw.life) * life, dw.legal),
        (
            lit(lw.claims) * saturation(float(i::CLAIMS), m.claims),
            dw.legal,
        ),
        (lit(lw.stability) * stability, dw.legal),
        (
            lit(tw.forward_citations)
                * saturation(float(i::FORWARD_CITATIONS), m.forward_citations),
            dw.technical,
        ),
        (
            lit(tw.backward_citations)
                * saturation(float(i::BACKWARD_CITATIONS), m.backward_citations),
            dw.technical,
        ),
        (
            lit(tw.family) * saturation(family_extra, m.family),
            dw.technical,
        ),
        (
            lit(tw.inventors) * saturation(float(i::INVENTORS), m.inventors),
            dw.technical,
        ),
        (
            lit(ew.transactions) * saturation(transactions, m.transactions),
            dw.economic,
        ),
        (lit(ew.revenue) * revenue_indicator, dw.economic),
        (
            lit(ew.litigations) * saturation(float(i::LITIGATIONS), m.litigations),
            dw.economic,
        ),
    ];
    // Parts are named columns so the degrees and PVD reuse them instead of recomputing.
    let part_names: Vec<String> = (0..parts.len()).map(|k| format!("__part{k}")).collect();
    let part = |k: usize| col(part_names[k].as_str());
    let degree = |range: std::ops::Range<usize>| {
        let mut it = range.map(part);
        let first = it.next().unwrap_or(lit(0.0));
        lit(100.0) * it.fold(first, |acc, p| acc + p)
    };
    let pvd = (1..parts.len()).fold(lit(parts[0].1) * (lit(100.0) * part(0)), |acc, k| {
        acc + lit(parts[k].1) * (lit(100.0) * part(k))
    });

    // Royalty and income approach.
    let base_rate = by_section(|s| params.royalty_rates.for_section(s));
    let royalty = when(col(i::ROYALTY_RATE).is_not_null())
        .then(float(i::ROYALTY_RATE))
        .otherwise(base_rate * (lit(0.5) + col(o::PVD) / per_row(100.0)));
    let life_cap = by_section(|s| params.life_caps.for_section(s));
    let economic_life = when(col(o::REMAINING_YEARS).lt(life_cap.clone()))
        .then(col(o::REMAINING_YEARS))
        .otherwise(life_cap);
    let rate = |pt| discount_rate(pt, params);
    let discount = by_type(
        lit(rate(PatentType::Invention)),
        lit(rate(PatentType::UtilityModel)),
        lit(rate(PatentType::Design)),
    );
    let years = params.max_stream_years();
    let growth = growth_factors(params, years);
    let disc = PatentType::ALL.map(|pt| discount_factors(rate(pt), years));
    let r0 = float(i::REVENUE_FEN);
    let after_tax = 1.0 - params.income.tax;
    let mut appraised = lit(0.0);
    for year in 1..=years {
        let k = (year - 1) as usize;
        let left = col(o::ECONOMIC_LIFE) - lit(f64::from(year - 1));
        let present_value = min1(left.clone())
            * r0.clone()
            * lit(growth[k])
            * col(o::ROYALTY_RATE)
            * lit(after_tax)
            / by_type(lit(disc[0][k]), lit(disc[1][k]), lit(disc[2][k]));
        // Year t is inside the stream when t ≤ ceil(economic_life), i.e. t − 1 < economic_life.
        appraised = appraised
            + when(left.gt(lit(0.0)))
                .then(present_value)
                .otherwise(lit(0.0));
    }
    let appraised = when(has_revenue.clone())
        .then(appraised)
        .otherwise(lit(0.0));

    // Fees: paid / grace (F + grace months, clamped to month end) / lapsed / unknown.
    let fees = &params.fees;
    let paid_days = col(i::FEE_PAID_UNTIL)
        .cast(DataType::Int32)
        .cast(DataType::Int64);
    let (py, pm, pd) = ymd(i::FEE_PAID_UNTIL);
    let (paid_year, paid_month, paid_day) = ("__py", "__pm", "__pd");
    let (grace_year, grace_month, grace_day, grace_end) = (
        "__grace_year",
        "__grace_month",
        "__grace_day",
        "__grace_end",
    );
    let month_index = col(paid_month) - lit(1i64) + lit(i64::from(fees.grace_months));
    let dim = days_in_month(col(grace_year), col(grace_month));
    let as_of_lit = lit(as_of_days);
    let fee_unknown = col(i::FEE_PAID_UNTIL).is_null();
    let fee_paid = as_of_lit.clone().lt_eq(paid_days.clone());
    let fee_grace = as_of_lit.lt_eq(col(grace_end));
    let fee_factor = when(fee_unknown.clone())
        .then(lit(fees.unknown_factor))
        .when(fee_paid.clone())
        .then(lit(1.0))
        .when(fee_grace.clone())
        .then(lit(fees.grace_factor))
        .otherwise(lit(fees.lapsed_factor));
    let fee_state = when(fee_unknown)
        .then(lit(0i32))
        .when(fee_paid)
        .then(lit(1i32))
        .when(fee_grace)
        .then(lit(2i32))
        .otherwise(lit(3i32));

    // Collateral.
    let legal_factor = by_status(|s| super::explain::legal_factor(s, params));
    let pledge = by_type(
        lit(params.pledge_rates.invention),
        lit(params.pledge_rates.utility_model),
        lit(params.pledge_rates.design),
    );
    let short_life = col(o::REMAINING_YEARS).lt(lit(params.min_remaining_years));
    let eligible = col(o::LEGAL_FACTOR)
        .gt(lit(0.0))
        .and(col(o::FEE_FACTOR).gt(lit(0.0)))
        .and(short_life.clone().not())
        .and(col(o::APPRAISED_FEN).gt(lit(0i64)));
    let collateral = when(col(o::ELIGIBLE))
        .then(round_half_away(
            col(o::APPRAISED_FEN).cast(DataType::Float64)
                * col(o::LEGAL_FACTOR)
                * col(o::FEE_FACTOR)
                * col(o::PLEDGE_RATE),
        ))
        .otherwise(lit(0i64));

    // Flags in the documented order, joined by ",".
    let fee_state_is = |k: i32| col("__fee_state").eq(lit(k));
    let conditions: [(&str, Expr); 7] = [
        ("no_revenue", has_revenue.not()),
        ("fee_unknown", fee_state_is(0)),
        ("fee_grace", fee_state_is(2)),
        ("fee_lapsed", fee_state_is(3)),
        ("not_valid", col(o::LEGAL_FACTOR).lt_eq(lit(0.0))),
        (
            "under_invalidation",
            status_is(LegalStatus::UnderInvalidation),
        ),
        ("short_life", short_life),
    ];
    // One bit per flag (a missing condition counts as not set), then the text of that
    // combination from a table of all 2^7 of them: one lookup instead of seven string joins.
    let names: Vec<&str> = conditions.iter().map(|(name, _)| *name).collect();
    let bits = conditions
        .into_iter()
        .enumerate()
        .fold(lit(0i32), |acc, (k, (_, cond))| {
            acc + when(cond).then(lit(1i32 << k)).otherwise(lit(0i32))
        });
    let texts: Vec<String> = (0..1usize << names.len())
        .map(|set| {
            names
                .iter()
                .enumerate()
                .filter(|(k, _)| set & (1 << k) != 0)
                .map(|(_, name)| *name)
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect();
    let flags = lit(Series::new(PlSmallStr::EMPTY, texts)).gather(bits, false);

    let mut with_parts: Vec<Expr> = vec![
        col(i::PATENT_ID),
        col("__term").cast(DataType::Int32).alias(o::TERM_YEARS),
        remaining.alias(o::REMAINING_YEARS),
    ];
    // The parts read `remaining_years` as computed above, hence the two steps.
    let parts_exprs: Vec<Expr> = parts
        .into_iter()
        .zip(&part_names)
        .map(|((e, _), name)| e.alias(name.as_str()))
        .collect();
    let keep_inputs = [
        TYPE_CODE,
        STATUS_CODE,
        SECTION_CODE,
        i::REVENUE_FEN,
        i::ROYALTY_RATE,
        i::FEE_PAID_UNTIL,
        grace_end,
    ];
    with_parts.extend(keep_inputs.iter().map(|c| col(*c)));
    with_parts.extend(
        [i::FILING_DATE, i::TRANSFERS, i::LICENSES, i::LITIGATIONS]
            .iter()
            .map(|c| col(*c)),
    );
    with_parts.extend(
        [
            i::CLAIMS,
            i::FORWARD_CITATIONS,
            i::BACKWARD_CITATIONS,
            i::FAMILY_SIZE,
            i::INVENTORS,
        ]
        .iter()
        .map(|c| col(*c)),
    );
    input
        .with_columns([
            type_code().alias(TYPE_CODE),
            status_code().alias(STATUS_CODE),
            section_code().alias(SECTION_CODE),
            fy.alias(filing_year),
            fm.alias(filing_month),
            fd.alias(filing_day),
            py.alias(paid_year),
            pm.alias(paid_month),
            pd.alias(paid_day),
        ])
        .with_columns([
            term.alias("__term"),
            (col(paid_year) + month_index.clone() / lit(12i64)).alias(grace_year),
            (month_index % lit(12i64) + lit(1i64)).alias(grace_month),
        ])
        .with_columns([
            (col(filing_year) + col("__term")).alias(expiry_year),
            when(col(paid_day).gt(dim.clone()))
                .then(dim)
                .otherwise(col(paid_day))
                .alias(grace_day),
        ])
        .with_columns([
            when(feb29_to_common)
                .then(lit(28i64))
                .otherwise(col(filing_day))
                .alias(expiry_day),
            days_from_civil(col(grace_year), col(grace_month), col(grace_day)).alias(grace_end),
        ])
        .with_columns([
            days_from_civil(col(expiry_year), col(filing_month), col(expiry_day)).alias(expiry),
        ])
        .select(with_parts)
        .with_columns(parts_exprs)
        .with_columns([
            degree(0..3).alias(o::LVD),
            degree(3..7).alias(o::TVD),
            degree(7..10).alias(o::EVD),
            pvd.alias(o::PVD),
        ])
        .with_columns([
            royalty.alias(o::ROYALTY_RATE),
            economic_life.alias(o::ECONOMIC_LIFE),
            discount.alias(o::DISCOUNT_RATE),
        ])
        // Its own column: rounding reads it three times.
        .with_columns([appraised.alias("__appraised")])
        .with_columns([
            round_half_away(col("__appraised")).alias(o::APPRAISED_FEN),
            legal_factor.alias(o::LEGAL_FACTOR),
            fee_factor.alias(o::FEE_FACTOR),
            fee_state.alias("__fee_state"),
            pledge.alias(o::PLEDGE_RATE),
        ])
        .with_columns([eligible.alias(o::ELIGIBLE)])
        .with_columns([
            collateral.alias(o::COLLATERAL_FEN),
            flags.alias(o::FLAGS),
            lit(VALUATION_MODEL).alias(o::MODEL_VERSION),
        ])
        .select(o::ALL.iter().map(|c| col(*c)).collect::<Vec<_>>())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::valuation::synthetic;

    /// Valued in slices, a frame gives exactly the results of valuing it in one piece.
    #[test]
    fn sliced_results_equal_whole_results() {
        let frame = synthetic(1_234, 11).unwrap();
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
        let params = ValuationParams::default();
        let whole = value_lazy(frame.clone().lazy(), as_of, &params)
            .collect()
            .unwrap();
        let sliced = value_frame_in(frame, 100, as_of, &params, "t").unwrap();
        assert_eq!(sliced.height(), 1_234);
        assert!(whole.equals_missing(&sliced));
    }
}
