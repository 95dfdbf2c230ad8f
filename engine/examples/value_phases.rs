//! Times the phases of `zhirong value` (read, check, model, write) on one input file, to see
//! where the time goes:
//!
//! ```text
//! cargo run --release -p zhirong-engine --example value_phases -- patents.parquet 2026-11-21 out.parquet
//! ```

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use chrono::NaiveDate;
use polars::prelude::IntoLazy;
use zhirong_engine::io::{read_table, result_totals, write_table};
use zhirong_engine::valuation::{InvalidRows, ValuationParams, validate, value_batch, value_lazy};

fn run(input: &Path, as_of: NaiveDate, output: &Path) -> zhirong_engine::Result<()> {
    let params = ValuationParams::default();
    let mut t = Instant::now();
    let mut lap = |what: &str| {
        eprintln!(
            "{what:>10}: {:6.3} s  {}",
            t.elapsed().as_secs_f64(),
            memory()
        );
        t = Instant::now();
    };
    let raw = read_table(input)?;
    lap("read");
    let name = input.display().to_string();
    let checked = validate(&raw, as_of, &name, InvalidRows::Reject)?;
    lap("validate");
    drop(raw);
    let tiny = checked.frame.head(Some(10));
    let _ = value_lazy(tiny.lazy(), as_of, &params)
        .collect()
        .map_err(|source| zhirong_engine::EngineError::Polars {
            context: "valuing".to_owned(),
            source,
        })?;
    lap("model 10");
    if std::env::var_os("PROFILE").is_some() {
        let (_, timings) = value_lazy(checked.frame.clone().lazy(), as_of, &params)
            .profile()
            .map_err(|source| zhirong_engine::EngineError::Polars {
                context: "profiling".to_owned(),
                source,
            })?;
        eprintln!("{timings}");
        if let Ok(plan) =
            value_lazy(checked.frame.clone().lazy(), as_of, &params).describe_optimized_plan()
        {
            eprintln!("{plan}");
        }
        lap("profile");
    }
    let outcome = value_batch(&checked.frame, as_of, &params, InvalidRows::Reject, &name)?;
    let mut results = outcome.results;
    lap("model");
    let totals = result_totals(&results)?;
    lap("totals");
    write_table(&mut results, output)?;
    lap("write");
    eprintln!("{} rows, totals {totals:?}", results.height());
    Ok(())
}

/// Resident and peak resident memory (Linux), for the phase lines.
fn memory() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .filter(|l| l.starts_with("VmRSS") || l.starts_with("VmHWM"))
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join(", ")
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(input), Some(as_of), Some(output)) = (
        args.first().map(PathBuf::from),
        args.get(1)
            .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()),
        args.get(2).map(PathBuf::from),
    ) else {
        eprintln!("usage: value_phases INPUT YYYY-MM-DD OUTPUT");
        return ExitCode::from(2);
    };
    match run(&input, as_of, &output) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
