//! The floor for `zhirong value`: read a valuation input file and write it back out, with no
//! model in between. The benchmark compares the two.
//!
//! ```text
//! cargo run --release -p zhirong-engine --example parquet_roundtrip -- patents.parquet copy.parquet
//! ```

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use zhirong_engine::io::{read_table, write_table};

fn main() -> ExitCode {
    let args: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    let (Some(input), Some(output)) = (args.first(), args.get(1)) else {
        eprintln!("usage: parquet_roundtrip INPUT OUTPUT");
        return ExitCode::from(2);
    };
    let started = Instant::now();
    match read_table(input)
        .and_then(|mut frame| write_table(&mut frame, output).map(|()| frame.height()))
    {
        Ok(rows) => {
            eprintln!(
                "{rows} rows read and written in {:.2} s",
                started.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
