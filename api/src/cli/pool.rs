//! `zhirong pool simulate`: the risk-pool depletion Monte Carlo, with an optional stress scenario.

use std::path::PathBuf;

use clap::Subcommand;
use zhirong_engine::pool::{self, PoolError, SectionShock, SimulationParams, io};

use super::CliError;

#[derive(Debug, Subcommand)]
pub enum PoolCommand {
    /// Simulate the pool's payouts over a year and write the figures as JSON (mean_payout_fen,
    /// sd_payout_fen, quantiles, depletion_probability, expected_shortfall_fen, balance_99_fen).
    Simulate {
        /// Covered loans, CSV or Parquet: loan_id, pd, ead_fen, collateral_fen [, ipc_section, patent_id].
        #[arg(long, value_name = "FILE")]
        loans: PathBuf,
        /// The pool's rules (TOML): balance_fen, gov_share, per_loan_cap_fen.
        #[arg(long, value_name = "P.toml")]
        pool: PathBuf,
        /// Number of scenarios.
        #[arg(long, value_name = "N")]
        scenarios: usize,
        /// Seed: the same seed gives the same figures.
        #[arg(long, value_name = "S")]
        seed: u64,
        /// Asset correlation (default 0.15).
        #[arg(long, value_name = "R")]
        rho: Option<f64>,
        /// Share of the collateral value recovered on default (default 0.5).
        #[arg(long, value_name = "X")]
        recovery_rate: Option<f64>,
        /// A stress scenario (TOML): the figures are then the stressed ones, with the baseline and
        /// the LTV breaches under `stress`.
        #[arg(long, value_name = "S.toml")]
        stress: Option<PathBuf>,
        /// Where to write the JSON report.
        #[arg(long, value_name = "F.json")]
        out: PathBuf,
    },
}

fn cli_error(e: PoolError) -> CliError {
    match e {
        PoolError::Polars(_) => CliError::Failure(e.to_string()),
        _ => CliError::Usage(e.to_string()),
    }
}

pub fn run(cmd: PoolCommand) -> Result<(), CliError> {
    let PoolCommand::Simulate {
        loans,
        pool: pool_path,
        scenarios,
        seed,
        rho,
        recovery_rate,
        stress,
        out,
    } = cmd;
    let rules = io::read_rules(&pool_path)
        .map_err(|e| CliError::Usage(format!("--pool {}: {e}", pool_path.display())))?;
    let stress = stress
        .map(|p| {
            io::read_stress(&p)
                .map_err(|e| CliError::Usage(format!("--stress {}: {e}", p.display())))
        })
        .transpose()?;
    let defaults = SimulationParams::new(scenarios, seed);
    let sim = SimulationParams {
        rho: rho.unwrap_or(defaults.rho),
        recovery_rate: recovery_rate.unwrap_or(defaults.recovery_rate),
        ..defaults
    };
    sim.validate().map_err(cli_error)?;
    let loans = io::read_loans(&loans).map_err(cli_error)?;
    let report = pool::report(
        &loans,
        &rules,
        &sim,
        stress
            .as_ref()
            .map(|s| (s, &SectionShock as &dyn pool::Revalue)),
    )
    .map_err(cli_error)?;
    let json = serde_json::to_string_pretty(&report)
        .map_err(|e| CliError::Failure(format!("cannot encode the report: {e}")))?;
    std::fs::write(&out, json + "\n")
        .map_err(|e| CliError::Failure(format!("{}: cannot write: {e}", out.display())))?;
    println!(
        "{} loans, {} scenarios (seed {seed}, rho {}): mean payout {} fen, 99 % {} fen, depletion probability {:.4}{} -> {}",
        report.loans,
        report.scenarios,
        report.figures.rho,
        report.figures.mean_payout_fen,
        report.figures.quantiles.get("0.99").copied().unwrap_or(0),
        report.figures.depletion_probability,
        report
            .stress
            .as_ref()
            .map(|s| format!(
                ", under stress {:?} ({} LTV breaches)",
                s.name,
                s.ltv_breaches.len()
            ))
            .unwrap_or_default(),
        out.display()
    );
    Ok(())
}
