//! Speed of the scorecard: fit on 1,000,000 rows × 20 variables (automatic binning, filter,
//! logistic regression), then score one record and the whole frame. A benchmark, not a test: run it
//! in release and read the timings.
//!
//! ```text
//! cargo run --release -p zhirong-engine --example scorecard_bench [-- ROWS]
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::time::Instant;

use polars::prelude::*;
use zhirong_engine::scorecard::metrics::SplitMix64;
use zhirong_engine::scorecard::{Field, FilterOptions, FitOptions, fit};

const VARIABLES: usize = 20;

fn main() {
    let rows: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    // Synthetic applicants: 20 ratios, 2 % missing, the log-odds of default linear in half of them.
    let mut rng = SplitMix64::new(2026);
    let mut columns: Vec<Vec<Option<f64>>> =
        (0..VARIABLES).map(|_| Vec::with_capacity(rows)).collect();
    let mut target = Vec::with_capacity(rows);
    for _ in 0..rows {
        let mut eta = -2.5;
        for (j, column) in columns.iter_mut().enumerate() {
            let x = rng.next_f64() * 4.0 - 2.0 + rng.next_f64();
            if j % 2 == 0 {
                eta += 0.3 * x * if j % 4 == 0 { 1.0 } else { -1.0 };
            }
            column.push((rng.next_f64() >= 0.02).then_some(x));
        }
        target.push(i32::from(rng.next_f64() < 1.0 / (1.0 + (-eta).exp())));
    }
    let mut frame_columns: Vec<Column> = columns
        .into_iter()
        .enumerate()
        .map(|(j, c)| Column::new(format!("x{j:02}").into(), c))
        .collect();
    frame_columns.push(Column::new("default".into(), target));
    let frame = DataFrame::new(rows, frame_columns).unwrap();

    let options = FitOptions {
        filter: Some(FilterOptions::default()),
        ..FitOptions::default()
    };
    let start = Instant::now();
    let card = fit(&frame, "default", &options).unwrap();
    let fit_time = start.elapsed();
    println!(
        "fit: {rows} rows x {VARIABLES} variables in {:.2} s ({} variables kept, {} Newton iterations, training AUC {:.4})",
        fit_time.as_secs_f64(),
        card.variables.len(),
        card.training.iterations,
        card.training.discrimination.auc
    );

    let scorer = card.scorer();
    let record: HashMap<String, Field> = (0..VARIABLES)
        .map(|j| (format!("x{j:02}"), Field::Number(0.1 * j as f64 - 1.0)))
        .collect();
    let calls = 100_000;
    let start = Instant::now();
    let mut total = 0i64;
    for _ in 0..calls {
        total += scorer.score_record(&record).unwrap().score;
    }
    let per_call = start.elapsed().as_secs_f64() / calls as f64;
    println!(
        "apply one record: {:.2} µs per record (mean of {calls}; checksum {total})",
        per_call * 1e6
    );

    let start = Instant::now();
    let scores = card.score_frame(&frame).unwrap();
    println!(
        "apply frame: {} rows in {:.3} s",
        scores.score.len(),
        start.elapsed().as_secs_f64()
    );
}
