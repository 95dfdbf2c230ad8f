//! `zhirong value` (collateral valuation zr-val-1 of a patent file) and `zhirong import
//! uspto-xml` (real USPTO grant XML to valuation input).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use clap::{Args, Subcommand};
use zhirong_engine::EngineError;
use zhirong_engine::valuation::{InvalidRows, ValuationParams};

use super::CliError;
use crate::domain::Fen;

#[derive(Debug, Args)]
pub struct ValueArgs {
    /// Patents to value: CSV or Parquet with the columns of VALUATION.md.
    #[arg(long, value_name = "FILE")]
    pub input: PathBuf,
    /// The valuation date.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = super::parse_date)]
    pub as_of: NaiveDate,
    /// Results: CSV or Parquet (by extension), one row per patent in input order.
    #[arg(long, value_name = "FILE")]
    pub output: PathBuf,
    /// Parameter overrides (TOML); the parameter digest is printed and stored with the results.
    #[arg(long, value_name = "FILE")]
    pub params: Option<PathBuf>,
    /// Also print the step-by-step explanation (JSON) of this patent on standard output.
    #[arg(long, value_name = "PATENT_ID")]
    pub explain: Option<String>,
    /// Value the valid rows and write the rejected ones, with reasons, beside the output.
    #[arg(long)]
    pub skip_invalid: bool,
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// USPTO grant full-text XML (weekly files, schema 4.0–4.3) to valuation input.
    UsptoXml {
        /// One or more weekly grant files.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// The valuation input to write (CSV or Parquet).
        #[arg(long, value_name = "FILE")]
        output: PathBuf,
        /// Skip malformed documents (listed on standard error) instead of stopping at the first.
        #[arg(long)]
        skip_invalid: bool,
    },
}

fn engine_error(e: EngineError) -> CliError {
    if e.is_bad_input() {
        CliError::Usage(e.to_string())
    } else {
        CliError::Failure(e.to_string())
    }
}

/// While `work` runs, shows the elapsed time on standard error if it is a terminal.
fn with_progress<T>(label: &str, work: impl FnOnce() -> T) -> T {
    if !std::io::stderr().is_terminal() {
        return work();
    }
    let done = Arc::new(AtomicBool::new(false));
    let flag = done.clone();
    let label = label.to_string();
    let started = Instant::now();
    let ticker = std::thread::spawn(move || {
        let frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
        let mut i = 0;
        while !flag.load(Ordering::Relaxed) {
            eprint!(
                "\r{} {label} {:.1} s",
                frames[i % frames.len()],
                started.elapsed().as_secs_f64()
            );
            i += 1;
            std::thread::sleep(Duration::from_millis(100));
        }
        eprint!("\r\x1b[2K");
    });
    let out = work();
    done.store(true, Ordering::Relaxed);
    let _ = ticker.join();
    out
}

pub fn value(args: ValueArgs) -> Result<(), CliError> {
    let params = match &args.params {
        Some(p) => ValuationParams::load(p).map_err(engine_error)?,
        None => ValuationParams::default(),
    };
    let mode = if args.skip_invalid {
        InvalidRows::Skip
    } else {
        InvalidRows::Reject
    };
    let started = Instant::now();
    let summary = with_progress("valuing", || {
        zhirong_engine::io::value_file(&args.input, &args.output, args.as_of, &params, mode)
    })
    .map_err(engine_error)?;
    if let Some(id) = &args.explain {
        let explanation = zhirong_engine::io::explain_one(&args.input, id, args.as_of, &params)
            .map_err(engine_error)?;
        let text = serde_json::to_string_pretty(&explanation)
            .map_err(|e| CliError::Failure(e.to_string()))?;
        println!("{text}");
    }
    eprintln!(
        "{} rows valued ({}), {} eligible; appraised {}, collateral {}; {} params {}; {:.2} s",
        summary.rows,
        args.output.display(),
        summary.eligible,
        Fen(summary.appraised_fen),
        Fen(summary.collateral_fen),
        summary.model_version,
        &summary.params_digest[..12.min(summary.params_digest.len())],
        started.elapsed().as_secs_f64()
    );
    if !summary.rejected.is_empty() {
        let to = summary
            .rejected_output
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        eprintln!(
            "{} rows rejected, written with their reasons to {to}",
            summary.rejected.len()
        );
    }
    Ok(())
}

pub fn import(cmd: ImportCommand) -> Result<(), CliError> {
    let ImportCommand::UsptoXml {
        files,
        output,
        skip_invalid,
    } = cmd;
    zhirong_engine::io::FileFormat::from_path(&output).map_err(engine_error)?;
    let mut grants = Vec::new();
    for file in &files {
        let batch = zhirong_engine::uspto::read_grants(file, skip_invalid).map_err(engine_error)?;
        for s in &batch.skipped {
            eprintln!(
                "{}: document {} ({}) skipped: {}",
                file.display(),
                s.index,
                s.doc_number.as_deref().unwrap_or("no number"),
                s.reason
            );
        }
        grants.extend(batch.grants);
    }
    let mut frame = zhirong_engine::uspto::grants_to_frame(&grants).map_err(engine_error)?;
    zhirong_engine::io::write_table(&mut frame, &output).map_err(engine_error)?;
    eprintln!(
        "{} grants from {} file(s) written to {}",
        grants.len(),
        files.len(),
        output.display()
    );
    Ok(())
}
