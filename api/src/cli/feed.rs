//! `zhirong feed`: poll the configured providers once (for cron users), load records from a
//! file, or serve the demo provider.

use std::net::TcpListener;
use std::path::PathBuf;

use chrono::NaiveDate;
use clap::Subcommand;

use super::{CliError, parse_date};
use crate::clock::china_today;
use crate::clock::{Clock, SystemClock};
use crate::config::Settings;
use crate::db;
use crate::feeds::{self, client::Policy, contract::FeedKind, demo::DemoStream};

#[derive(Debug, Subcommand)]
pub enum FeedCommand {
    /// Poll every enabled provider once (or the one named), then raise the alerts that follow.
    Poll {
        #[arg(long, value_name = "NAME")]
        provider: Option<String>,
    },
    /// Load records from a file (.jsonl or .ndjson: one JSON object a line; .csv: a header of the
    /// contract's field names), checked and de-duplicated as a provider's.
    Load {
        file: PathBuf,
        /// patent or enterprise
        #[arg(long)]
        kind: String,
        /// The name the file's records are kept under (de-duplication is per source).
        #[arg(long, default_value = "file")]
        source: String,
    },
    /// Serve the deterministic demo provider (patent and enterprise events about the demo data).
    ServeDemo {
        #[arg(long, default_value = "127.0.0.1:9400", value_name = "ADDR")]
        bind: String,
        /// The demo data set's date, as given to `zhirong demo --as-of` (default 2026-11-01).
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
        demo_as_of: Option<NaiveDate>,
        /// Records available at start.
        #[arg(long, default_value_t = 200)]
        backlog: u64,
        /// New records each minute after that.
        #[arg(long, default_value_t = 30)]
        per_minute: u64,
    },
}

/// The demo provider needs neither settings nor a database.
pub fn serve_demo(
    bind: &str,
    demo_as_of: Option<NaiveDate>,
    backlog: u64,
    per_minute: u64,
) -> Result<(), CliError> {
    let today = china_today(SystemClock.now());
    let stream = DemoStream::new(
        demo_as_of.unwrap_or(crate::demo::DEMO_AS_OF),
        today,
        backlog,
        per_minute,
    );
    let listener = TcpListener::bind(bind)
        .map_err(|e| CliError::Usage(format!("cannot listen on {bind}: {e}")))?;
    let addr = listener.local_addr().map_err(CliError::failure)?;
    println!(
        "demo provider on http://{addr}/ ({backlog} records now, {per_minute} more a minute; first: fee lapse of pledged patent {})",
        stream.first_pledged().unwrap_or("-")
    );
    actix_web::rt::System::new().block_on(async move {
        let server = feeds::demo::serve(stream, listener).map_err(CliError::failure)?;
        server.await.map_err(CliError::failure)
    })
}

pub fn run(settings: &Settings, command: FeedCommand) -> Result<(), CliError> {
    match command {
        FeedCommand::ServeDemo {
            bind,
            demo_as_of,
            backlog,
            per_minute,
        } => serve_demo(&bind, demo_as_of, backlog, per_minute),
        FeedCommand::Load { file, kind, source } => {
            let kind = FeedKind::parse(&kind).ok_or_else(|| {
                CliError::Usage(format!("--kind {kind:?} is patent or enterprise"))
            })?;
            let records = feeds::records_of_file(&file).map_err(CliError::Usage)?;
            let mut conn = settings.database_url.connect()?;
            let done = feeds::load_file(&mut conn, records, kind, &source, SystemClock.now())
                .map_err(|e| match e {
                    // A source that holds the other kind of record: the caller's mistake.
                    crate::error::ApiError::BadRequest { message, .. } => CliError::Usage(message),
                    other => CliError::failure(other),
                })?;
            println!(
                "{}: {} records, {} applied, {} duplicates, {} quarantined, {} about patents or enterprises not on the platform",
                file.display(),
                done.received,
                done.applied,
                done.duplicates,
                done.quarantined,
                done.unknown
            );
            Ok(())
        }
        FeedCommand::Poll { provider } => {
            let pool = db::open_pool(&settings.database_url, 2)?;
            let mut conn = pool.get().map_err(CliError::failure)?;
            let providers = match &provider {
                Some(name) => vec![
                    feeds::provider_named(&mut conn, name)
                        .map_err(|_| CliError::Usage(format!("no provider is named {name}")))?,
                ],
                None => feeds::providers(&mut conn, true).map_err(CliError::failure)?,
            };
            drop(conn);
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .map_err(CliError::failure)?;
            let mut failed = 0;
            for p in providers {
                let mut client = p
                    .client(Policy {
                        allow_private: settings.feeds_allow_private,
                        ..Policy::default()
                    })
                    .map_err(CliError::failure)?;
                let outcome =
                    runtime.block_on(feeds::poll_and_record(&pool, &SystemClock, &p, &mut client));
                let i = &outcome.ingested;
                println!(
                    "{}: {} pages, {} records, {} applied, {} duplicates, {} quarantined, {} unknown",
                    p.name,
                    outcome.pages,
                    i.received,
                    i.applied,
                    i.duplicates,
                    i.quarantined,
                    i.unknown
                );
                if let Some(e) = outcome.error {
                    eprintln!("{}: {e}", p.name);
                    failed += 1;
                }
            }
            if failed > 0 {
                return Err(CliError::Failure(format!("{failed} provider(s) failed")));
            }
            Ok(())
        }
    }
}
