//! Writes N deterministic synthetic patents to a Parquet (or CSV) file, for benchmarks:
//!
//! ```text
//! cargo run --release -p zhirong-engine --example gen_patents -- 4760000 patents.parquet [seed]
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use zhirong_engine::io::write_table;
use zhirong_engine::valuation::synthetic;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(n), Some(path)) = (
        args.first().and_then(|n| n.parse::<usize>().ok()),
        args.get(1),
    ) else {
        eprintln!("usage: gen_patents N OUTPUT.(parquet|csv) [SEED]");
        return ExitCode::from(2);
    };
    let seed = args
        .get(2)
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(20_250_315);
    let path = PathBuf::from(path);
    let result = synthetic(n, seed).and_then(|mut frame| write_table(&mut frame, &path));
    match result {
        Ok(()) => {
            eprintln!(
                "wrote {n} synthetic patents (seed {seed}) to {}",
                path.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gen_patents: {e}");
            ExitCode::FAILURE
        }
    }
}
