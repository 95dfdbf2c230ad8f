//! `zhirong scorecard fit|apply|report`: the scorecard toolkit on files (CSV, Parquet, ARFF), with
//! the fixed interfaces other tools drive: `--breaks` JSON, `apply` writing `score,pd` per input
//! row in input order, and the CSV report's columns `variable,bin,count,good,bad,woe,bin_iv,total_iv`.

use std::path::{Path, PathBuf};

use clap::{Subcommand, ValueEnum};
use zhirong_engine::scorecard::report::{report_csv, report_json};
use zhirong_engine::scorecard::table::{read_table, write_csv};
use zhirong_engine::scorecard::{
    FilterOptions, FitOptions, Scorecard, ScorecardError, fit, parse_breaks,
};

use super::CliError;

#[derive(Debug, Subcommand)]
pub enum ScorecardCommand {
    /// Bin the variables, fit the logistic regression on their WoE, scale points; save the model.
    Fit {
        /// Training data: .csv, .parquet or .arff.
        #[arg(long, value_name = "FILE")]
        data: PathBuf,
        /// The outcome column (two values: bad and good).
        #[arg(long, value_name = "COL")]
        target: String,
        /// The target value that means bad (default: 1 of 0/1, bad of good/bad).
        #[arg(long, value_name = "VALUE")]
        bad: Option<String>,
        /// Given breaks: {"numeric_var": [b1, ...], "categorical_var": [["a", "b"], ["c"]]}.
        #[arg(long, value_name = "B.json")]
        breaks: Option<PathBuf>,
        /// Columns to leave out (repeat, or separate with commas).
        #[arg(long, value_name = "COL", num_args = 1.., value_delimiter = ',')]
        exclude: Vec<String>,
        /// Where to write the model (JSON).
        #[arg(long, value_name = "model.json")]
        out: PathBuf,
    },
    /// Score every row of a file: writes `score` and `pd`, one row per input row, in input order.
    Apply {
        #[arg(long, value_name = "model.json")]
        model: PathBuf,
        #[arg(long, value_name = "FILE")]
        data: PathBuf,
        #[arg(long, value_name = "scores.csv")]
        out: PathBuf,
    },
    /// Print a model's bins, IV table, coefficients and metrics.
    Report {
        #[arg(long, value_name = "model.json")]
        model: PathBuf,
        #[arg(long, value_enum, default_value_t = ReportFormat::Json)]
        format: ReportFormat,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Json,
    Csv,
}

fn engine_error(e: ScorecardError) -> CliError {
    if e.is_user_error() {
        CliError::Usage(e.to_string())
    } else {
        CliError::Failure(e.to_string())
    }
}

fn read_text(path: &Path, what: &str) -> Result<String, CliError> {
    std::fs::read_to_string(path)
        .map_err(|e| CliError::Usage(format!("cannot read the {what} {}: {e}", path.display())))
}

fn load_model(path: &Path) -> Result<Scorecard, CliError> {
    Scorecard::from_json(&read_text(path, "model")?)
        .map_err(|e| CliError::Usage(format!("{}: {e}", path.display())))
}

pub fn run(cmd: ScorecardCommand) -> Result<(), CliError> {
    match cmd {
        ScorecardCommand::Fit {
            data,
            target,
            bad,
            breaks,
            exclude,
            out,
        } => {
            let breaks = match breaks {
                Some(path) => parse_breaks(&read_text(&path, "breaks file")?)
                    .map_err(|e| CliError::Usage(format!("{}: {e}", path.display())))?,
                None => Default::default(),
            };
            let frame = read_table(&data).map_err(engine_error)?;
            let options = FitOptions {
                bad_value: bad,
                breaks,
                exclude,
                filter: Some(FilterOptions::default()),
                ..FitOptions::default()
            };
            let card = fit(&frame, &target, &options).map_err(engine_error)?;
            let json = card.to_json().map_err(engine_error)?;
            std::fs::write(&out, json)
                .map_err(|e| CliError::Failure(format!("cannot write {}: {e}", out.display())))?;
            let d = card.training.discrimination;
            println!(
                "fitted {} rows ({} bad = {:?}), {} of {} variables kept; training AUC {:.4}, KS {:.4}; model written to {}",
                card.training.rows,
                card.training.bad,
                card.bad_value,
                card.variables.len(),
                card.training.candidates.len(),
                d.auc,
                d.ks,
                out.display()
            );
            Ok(())
        }
        ScorecardCommand::Apply { model, data, out } => {
            let card = load_model(&model)?;
            let frame = read_table(&data).map_err(engine_error)?;
            let mut scores = card.score_frame_table(&frame).map_err(engine_error)?;
            write_csv(&mut scores, &out).map_err(engine_error)?;
            println!("scored {} rows into {}", scores.height(), out.display());
            Ok(())
        }
        ScorecardCommand::Report { model, format } => {
            let card = load_model(&model)?;
            match format {
                ReportFormat::Json => {
                    let text = serde_json::to_string_pretty(&report_json(&card))
                        .map_err(CliError::failure)?;
                    println!("{text}");
                }
                ReportFormat::Csv => print!("{}", report_csv(&card)),
            }
            Ok(())
        }
    }
}
