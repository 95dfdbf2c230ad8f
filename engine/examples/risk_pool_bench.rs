//! Benchmark of the risk monitor and the pool simulation (not a test; run in release):
//!
//! ```text
//! cargo run --release -p zhirong-engine --example risk_pool_bench [-- ENTERPRISES SCENARIOS]
//! ```
//!
//! 1. Risk scoring of 1 M enterprises × 20 events: read from Parquet (Polars scan, validation,
//!    grouping), then the batch scoring.
//! 2. Incremental re-score of one enterprise after one new event, in a monitor holding all of them.
//! 3. The depletion simulation, 100,000 scenarios × 1,000 loans, with 5 PD classes and with 1,000.

use std::time::Instant;

use chrono::NaiveDate;
use polars::prelude::*;
use zhirong_engine::pool::random::Xoshiro256pp;
use zhirong_engine::pool::{Loan, PoolRules, SimulationParams, simulate};
use zhirong_engine::risk::{
    EventType, RiskEvent, RiskMonitor, RiskParams, io::read_events, io::write_table, score_batch,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let enterprises: usize = args.get(1).map_or(Ok(1_000_000), |s| s.parse())?;
    let scenarios: usize = args.get(2).map_or(Ok(100_000), |s| s.parse())?;
    let events_each = 20;
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 1).ok_or("date")?;
    println!(
        "machine: {} threads (rayon), {} logical CPUs",
        rayon::current_num_threads(),
        std::thread::available_parallelism()?.get()
    );

    // 1. Risk scoring from a Parquet file.
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("events.parquet");
    {
        let t = Instant::now();
        let n = enterprises * events_each;
        let mut rng = Xoshiro256pp::for_scenario(1, 0);
        let mut ids = Vec::with_capacity(n);
        let mut types = Vec::with_capacity(n);
        let mut dates = Vec::with_capacity(n);
        let mut refs = Vec::with_capacity(n);
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).ok_or("date")?;
        let as_of_days = (as_of - epoch).num_days() as i32;
        for e in 0..enterprises {
            let id = format!("91{e:016}");
            for j in 0..events_each {
                ids.push(id.clone());
                let t = (rng.next_u64() % EventType::ALL.len() as u64) as usize;
                types.push(EventType::ALL[t].as_str());
                dates.push(as_of_days - (rng.next_u64() % 1500) as i32);
                refs.push(format!("R{}", j % 18)); // some duplicates
            }
        }
        let mut df = DataFrame::new_infer_height(vec![
            Column::new("enterprise_id".into(), ids),
            Column::new("event_type".into(), types),
            Column::new("occurred_on".into(), dates).cast(&DataType::Date)?,
            Column::new("ref".into(), refs),
        ])?;
        write_table(&mut df, &path)?;
        println!(
            "generated {n} events for {enterprises} enterprises in {:.2} s",
            t.elapsed().as_secs_f64()
        );
    }
    let t = Instant::now();
    let grouped = read_events(&path, as_of)?;
    let read_s = t.elapsed().as_secs_f64();
    let params = RiskParams::default();
    let t = Instant::now();
    let scores = score_batch(&grouped, as_of, &params);
    let score_s = t.elapsed().as_secs_f64();
    println!(
        "risk: read + validate + group {} events: {read_s:.2} s; score {} enterprises: {score_s:.2} s; total {:.2} s",
        grouped.iter().map(|g| g.events.len()).sum::<usize>(),
        scores.len(),
        read_s + score_s
    );
    drop(scores);

    // 2. Incremental re-score in a monitor holding every enterprise.
    let mut monitor = RiskMonitor::from_batch(grouped, as_of, params);
    let rounds = 100_000;
    let mut rng = Xoshiro256pp::for_scenario(2, 0);
    let t = Instant::now();
    for k in 0..rounds {
        let e = rng.next_u64() as usize % enterprises;
        let t = (rng.next_u64() % EventType::ALL.len() as u64) as usize;
        let r = monitor.record(
            &format!("91{e:016}"),
            RiskEvent {
                event_type: EventType::ALL[t],
                occurred_on: as_of,
                reference: format!("new-{k}"),
                amount_fen: None,
            },
        )?;
        std::hint::black_box(r);
    }
    println!(
        "risk: incremental re-score of one enterprise after one new event: {:.1} µs each (mean of {rounds}, monitor of {enterprises})",
        t.elapsed().as_secs_f64() * 1e6 / rounds as f64
    );
    drop(monitor);

    // 3. Pool simulation.
    for classes in [5_usize, 1000] {
        let loans: Vec<Loan> = (0..1000)
            .map(|i| Loan {
                loan_id: format!("L{i}"),
                pd: if classes == 5 {
                    [0.005, 0.01, 0.02, 0.04, 0.08][i % 5]
                } else {
                    0.005 + 0.075 * i as f64 / 1000.0
                },
                ead_fen: 100_000_000 * (1 + (i % 7) as i64),
                collateral_fen: 40_000_000 * (i % 4) as i64,
                ipc_section: None,
                patent_id: None,
            })
            .collect();
        let rules = PoolRules::parse_toml(
            "balance_fen = 20000000000\ngov_share = 0.4\nper_loan_cap_fen = 150000000\n",
        )?;
        let sim = SimulationParams::new(scenarios, 2026);
        let t = Instant::now();
        let s = simulate(&loans, &rules, &sim)?;
        println!(
            "pool: {scenarios} scenarios x {} loans ({classes} PD classes): {:.2} s (mean payout {} fen, depletion {:.4})",
            loans.len(),
            t.elapsed().as_secs_f64(),
            s.payouts.mean_fen,
            s.depletion_probability
        );
    }
    Ok(())
}
