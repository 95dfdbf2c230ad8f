//! `zhirong risk score`: the enterprise risk monitor (zr-risk-1) over an event file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use clap::Subcommand;
use zhirong_engine::risk::{self, Previous, RiskError, RiskParams, io};

use super::CliError;

#[derive(Debug, Subcommand)]
pub enum RiskCommand {
    /// Score every enterprise in an event file: writes one row per enterprise with
    /// enterprise_id, operating, judicial, credit, ip, composite, rating.
    Score {
        /// Risk events, CSV or Parquet: enterprise_id, event_type, occurred_on, ref [, amount_fen, source].
        #[arg(long, value_name = "FILE")]
        events: PathBuf,
        /// The scoring date; events after it are refused.
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = super::parse_date)]
        as_of: NaiveDate,
        /// Where to write the scores (.csv or .parquet).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// A previous scores file: alerts (rating rose, fee grace, LTV breach) go to OUT's name
        /// with `.alerts.csv` in place of its extension.
        #[arg(long, value_name = "FILE")]
        previous: Option<PathBuf>,
    },
}

fn cli_error(e: RiskError) -> CliError {
    match e {
        RiskError::Polars(_) => CliError::Failure(e.to_string()),
        _ => CliError::Usage(e.to_string()),
    }
}

/// `scores.csv` → `scores.alerts.csv`.
fn alerts_path(out: &Path) -> PathBuf {
    out.with_extension("alerts.csv")
}

pub fn run(cmd: RiskCommand) -> Result<(), CliError> {
    let RiskCommand::Score {
        events,
        as_of,
        out,
        previous,
    } = cmd;
    if io::FileFormat::from_path(&out).is_err() {
        return Err(CliError::Usage(format!(
            "--out {}: the file name must end in .csv or .parquet",
            out.display()
        )));
    }
    let params = RiskParams::default();
    let previous = previous
        .map(|p| io::read_previous_ratings(&p))
        .transpose()
        .map_err(cli_error)?;
    let grouped = io::read_events(&events, as_of).map_err(cli_error)?;
    let scores = risk::score_batch(&grouped, as_of, &params);
    let mut df = io::scores_frame(&scores).map_err(cli_error)?;
    io::write_table(&mut df, &out).map_err(|e| CliError::Failure(e.to_string()))?;

    let mut counts = [0_usize; 4];
    for s in &scores {
        counts[s.rating as usize] += 1;
    }
    println!(
        "{} enterprises ({} events) scored as of {as_of} by {} (params {}): {} normal, {} watch, {} warning, {} critical -> {}",
        scores.len(),
        grouped.iter().map(|g| g.events.len()).sum::<usize>(),
        risk::RISK_MODEL,
        &params.digest()[..12],
        counts[0],
        counts[1],
        counts[2],
        counts[3],
        out.display()
    );

    if let Some(previous) = previous {
        let events_of: HashMap<&str, &[risk::RiskEvent]> = grouped
            .iter()
            .map(|g| (g.enterprise_id.as_str(), g.events.as_slice()))
            .collect();
        let mut alerts = Vec::new();
        for s in &scores {
            let before = previous
                .get(&s.enterprise_id)
                .map(|&rating| Previous { rating, seen: None });
            let events = events_of
                .get(s.enterprise_id.as_str())
                .copied()
                .unwrap_or(&[]);
            alerts.extend(risk::alerts(before.as_ref(), s, events, as_of, &params));
        }
        let path = alerts_path(&out);
        let mut frame = io::alerts_frame(&alerts).map_err(cli_error)?;
        io::write_table(&mut frame, &path).map_err(|e| CliError::Failure(e.to_string()))?;
        println!("{} alerts -> {}", alerts.len(), path.display());
    }
    Ok(())
}
