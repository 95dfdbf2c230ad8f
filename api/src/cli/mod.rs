//! The `zhirong` command line: the subcommand tree and the service commands; the engine
//! commands live beside this file, one module each. Exit status: 0 success, 1 a failure of ours or of the
//! environment (database unreachable, …), 2 bad arguments or bad input, with a one-line reason.

mod scorecard;

use std::io::{BufRead, IsTerminal};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use chrono::NaiveDate;
use clap::{Parser, Subcommand};

use crate::config::{Mode, Secret, Settings};
use crate::db::{self, DatabaseUrl, audit, migrate};
use crate::demo;
use crate::domain::Fen;
use crate::services::users::{self, NewUserRequest, UserError};
use crate::{startup, telemetry};

mod feed;
mod pool;
mod risk;
mod value;

#[derive(Debug, Parser)]
#[command(
    name = "zhirong",
    version,
    about = "Zhirong (智融): IP-pledge financing risk platform",
    propagate_version = true
)]
pub struct Cli {
    /// Settings file (default: ./zhirong.toml when it exists).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply pending migrations, then serve the API and the dashboards.
    Serve {
        /// Address to listen on (default 127.0.0.1:8080, or ZHIRONG_BIND).
        #[arg(long, value_name = "ADDR")]
        bind: Option<String>,
    },
    /// Apply pending database migrations and say which.
    Migrate,
    /// Load the deterministic demo data set and create the demo logins.
    Demo {
        /// Delete everything in the database first (refused without it when data exists).
        #[arg(long)]
        reset: bool,
        /// Reference date of the demo data (default 2026-11-01).
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
        as_of: Option<NaiveDate>,
    },
    /// Value patents as collateral (model zr-val-1), from CSV or Parquet to CSV or Parquet.
    Value(value::ValueArgs),
    /// Convert outside patent data into valuation input.
    Import {
        #[command(subcommand)]
        command: value::ImportCommand,
    },
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Check the tamper-evident audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Credit scorecards: fit, apply, report.
    Scorecard {
        #[command(subcommand)]
        command: scorecard::ScorecardCommand,
    },
    /// Enterprise risk monitoring (zr-risk-1).
    Risk {
        #[command(subcommand)]
        command: risk::RiskCommand,
    },
    /// Risk-compensation pools: depletion simulation and stress tests.
    Pool {
        #[command(subcommand)]
        command: pool::PoolCommand,
    },
    /// Run the daily monitor once (servicing and the revaluation of every pledged patent, with
    /// the alerts they raise), for cron users; recorded in the job runs like the scheduler's.
    Monitor,
    /// Data feeds: poll the providers once, load a file of records, serve the demo provider.
    Feed {
        #[command(subcommand)]
        command: feed::FeedCommand,
    },
    /// Print the OpenAPI document the service serves at /api/openapi.json (pretty JSON), for
    /// the dashboards' committed copy and typed client.
    Openapi,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user; the password is read from standard input (one line).
    Add {
        #[arg(long)]
        username: String,
        /// enterprise_user, bank_officer, bank_manager, gov_officer, gov_manager or admin.
        #[arg(long)]
        role: String,
        /// The organisation's id (the operator organisation is 1).
        #[arg(long, value_name = "ORG_ID")]
        org: i64,
        /// Read the password from standard input (required: passwords never go on the command line).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Walk the hash chain and report the first broken link.
    Verify,
}

pub(crate) fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("{s:?} is not a date in the form YYYY-MM-DD"))
}

/// A failure and the exit status it gets.
#[derive(Debug)]
pub enum CliError {
    /// Bad arguments or input: status 2.
    Usage(String),
    /// Everything else: status 1.
    Failure(String),
}

impl CliError {
    fn failure(e: impl std::fmt::Display) -> Self {
        Self::Failure(e.to_string())
    }
}

impl From<crate::config::ConfigError> for CliError {
    fn from(e: crate::config::ConfigError) -> Self {
        Self::Usage(e.to_string())
    }
}

impl From<db::DbError> for CliError {
    fn from(e: db::DbError) -> Self {
        Self::Failure(e.to_string())
    }
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // --help and --version
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("zhirong: {} (see zhirong --help)", one_line(&e));
            return ExitCode::from(2);
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError::Usage(m)) => {
            eprintln!("zhirong: {m}");
            ExitCode::from(2)
        }
        Err(CliError::Failure(m)) => {
            eprintln!("zhirong: {m}");
            ExitCode::from(1)
        }
    }
}

/// Clap's error as one line: the message and what it lists, without the usage block.
fn one_line(e: &clap::Error) -> String {
    if e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        return "a command is required: serve, migrate, demo, value, import, scorecard, risk, pool, user or audit"
            .to_string();
    }
    let rendered = e.render().to_string();
    let message: Vec<&str> = rendered
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .map(|l| l.trim().trim_start_matches("error: "))
        .collect();
    if message.is_empty() {
        "invalid arguments".to_string()
    } else {
        message.join(" ")
    }
}

pub fn run(cli: Cli) -> Result<(), CliError> {
    // The engine commands need no settings and no database.
    let command = match cli.command {
        Command::Value(args) => return value::value(args),
        Command::Import { command } => return value::import(command),
        Command::Scorecard { command } => return scorecard::run(command),
        Command::Risk { command } => return risk::run(command),
        Command::Pool { command } => return pool::run(command),
        Command::Openapi => {
            let text = serde_json::to_string_pretty(crate::routes::docs::document())
                .map_err(CliError::failure)?;
            println!("{text}");
            return Ok(());
        }
        Command::Feed {
            command:
                feed::FeedCommand::ServeDemo {
                    bind,
                    demo_as_of,
                    backlog,
                    per_minute,
                },
        } => return feed::serve_demo(&bind, demo_as_of, backlog, per_minute),
        other => other,
    };
    let settings = Settings::load(cli.config.as_deref())?;
    match command {
        Command::Serve { bind } => serve(settings, bind),
        Command::Migrate => {
            let mut conn = settings.database_url.connect()?;
            let applied = migrate::run_pending(&mut conn)?;
            if applied.is_empty() {
                println!(
                    "schema is current ({}); nothing to apply",
                    settings.database_url.redacted()
                );
            } else {
                for m in &applied {
                    println!("applied {m}");
                }
                println!(
                    "{} migration(s) applied to {}",
                    applied.len(),
                    settings.database_url.redacted()
                );
            }
            Ok(())
        }
        Command::Value(_)
        | Command::Import { .. }
        | Command::Scorecard { .. }
        | Command::Risk { .. }
        | Command::Pool { .. }
        | Command::Openapi => Ok(()),
        Command::Feed { command } => feed::run(&settings, command),
        Command::Monitor => {
            let pool = db::open_pool(&settings.database_url, 2)?;
            crate::scheduler::run_once(&pool, &crate::clock::SystemClock)
                .map_err(CliError::Failure)?;
            println!("monitor run done (see /api/admin/jobs)");
            Ok(())
        }
        Command::Demo { reset, as_of } => {
            run_demo(&settings, reset, as_of.unwrap_or(demo::DEMO_AS_OF))
        }
        Command::User {
            command:
                UserCommand::Add {
                    username,
                    role,
                    org,
                    password_stdin: _,
                },
        } => {
            let password = read_password()?;
            let mut conn = settings.database_url.connect()?;
            migrate::run_pending(&mut conn)?;
            let req = NewUserRequest {
                username: &username,
                role: &role,
                org_id: org,
                password: &password,
            };
            match users::add_user(
                &mut conn,
                &req,
                &audit::Actor::cli("user add"),
                "cli",
                chrono::Utc::now().naive_utc(),
            ) {
                Ok(id) => {
                    println!("created user {username} (id {id}, role {role}, organisation {org})");
                    Ok(())
                }
                Err(UserError::Db(e)) => Err(CliError::failure(e)),
                Err(e) => Err(CliError::Usage(e.to_string())),
            }
        }
        Command::Audit {
            command: AuditCommand::Verify,
        } => {
            let mut conn = settings.database_url.connect()?;
            match audit::verify(&mut conn)? {
                Ok(n) => {
                    println!("audit chain intact: {n} rows");
                    Ok(())
                }
                Err(broken) => Err(CliError::Failure(format!(
                    "audit chain broken at row {}: {}",
                    broken.row_id, broken.reason
                ))),
            }
        }
    }
}

fn read_password() -> Result<String, CliError> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("password: ");
    }
    let mut line = String::new();
    stdin.lock().read_line(&mut line).map_err(|e| {
        CliError::Usage(format!("cannot read the password from standard input: {e}"))
    })?;
    let password = line.trim_end_matches(['\r', '\n']).to_string();
    if password.is_empty() {
        return Err(CliError::Usage("password: standard input is empty".into()));
    }
    Ok(password)
}

fn run_demo(settings: &Settings, reset: bool, as_of: NaiveDate) -> Result<(), CliError> {
    let mut conn = settings.database_url.connect()?;
    migrate::run_pending(&mut conn)?;
    let summary = demo::load(&mut conn, as_of, settings.demo_password.expose(), reset).map_err(
        |e| match e {
            demo::DemoError::NotEmpty(_) | demo::DemoError::Password(_) => {
                CliError::Usage(e.to_string())
            }
            demo::DemoError::Db(e) => CliError::failure(e),
        },
    )?;
    println!(
        "demo data loaded into {} (as of {})",
        settings.database_url.redacted(),
        summary.as_of
    );
    println!(
        "  {} districts with {} pools ({}), {} banks and {} guarantor, {} enterprises, {} patents",
        summary.districts,
        summary.pools,
        Fen(summary.pool_size_fen),
        summary.banks,
        summary.guarantors,
        summary.enterprises,
        summary.patents
    );
    println!(
        "  {} applications, {} loans lending {} ({} outstanding), {} overdue, {} defaulted, {} disposals, {} claims",
        summary.applications,
        summary.loans,
        Fen(summary.lent_fen),
        Fen(summary.outstanding_fen),
        summary.overdue_loans,
        summary.defaulted_loans,
        summary.disposals,
        summary.claims
    );
    println!(
        "  {} risk events, {} alerts",
        summary.risk_events, summary.alerts
    );
    let password_note = if settings.demo_password.expose() == crate::config::DEFAULT_DEMO_PASSWORD {
        format!(
            "password {:?} (set ZHIRONG_DEMO_PASSWORD to choose another)",
            crate::config::DEFAULT_DEMO_PASSWORD
        )
    } else {
        "password from ZHIRONG_DEMO_PASSWORD".to_string()
    };
    println!("demo logins, all with {password_note}:");
    let orgs = [
        &summary.enterprise_login_org,
        &summary.bank_login_org,
        &summary.bank_login_org,
        &summary.gov_login_org,
        &summary.gov_login_org,
        &"智融平台运营方".to_string(),
    ];
    for ((user, role), org) in demo::LOGINS.iter().zip(orgs) {
        println!("  {user:<18} {role:<16} {org}");
    }
    Ok(())
}

/// The shortest JWT secret production mode accepts: 256 bits, the size of HS256's hash.
const MIN_PRODUCTION_SECRET_BYTES: usize = 32;

fn serve(settings: Settings, bind: Option<String>) -> Result<(), CliError> {
    let mut settings = settings;
    if let Some(b) = bind {
        settings.bind = b;
    }
    reserve_a_core_for_http();
    telemetry::init(settings.log_format);
    if settings.mode == Mode::Production
        && let Some(secret) = &settings.jwt_secret
        && secret.expose().len() < MIN_PRODUCTION_SECRET_BYTES
    {
        return Err(CliError::Usage(format!(
            "ZHIRONG_JWT_SECRET is {} bytes: production mode needs at least {MIN_PRODUCTION_SECRET_BYTES} (HS256 tokens are only as strong as their key; `openssl rand -base64 48` makes one)",
            secret.expose().len()
        )));
    }
    if settings.jwt_secret.is_none() {
        match settings.mode {
            Mode::Production => {
                return Err(CliError::Usage(
                    "ZHIRONG_JWT_SECRET is not set: it is required in production mode (ZHIRONG_MODE=demo generates one)".into(),
                ));
            }
            Mode::Demo => {
                settings.jwt_secret = Some(random_secret().map_err(CliError::failure)?);
                tracing::warn!(
                    "demo mode: generated a random JWT secret; tokens will not survive a restart"
                );
            }
        }
    }
    let url: DatabaseUrl = settings.database_url.clone();
    let pool = db::open_pool(&url, settings.db_pool_size).map_err(|e| {
        CliError::Failure(format!(
            "{e}; is the database running and DATABASE_URL right?"
        ))
    })?;
    {
        let mut conn = pool.get().map_err(CliError::failure)?;
        let applied = migrate::run_pending(&mut conn)?;
        for m in &applied {
            tracing::info!(migration = %m, "applied migration");
        }
        db::check_writable(&mut conn)?;
    }
    let listener = TcpListener::bind(&settings.bind)
        .map_err(|e| CliError::Usage(format!("cannot listen on {}: {e}", settings.bind)))?;
    let addr = listener.local_addr().map_err(CliError::failure)?;
    let settings = Arc::new(settings);
    tracing::info!(database = %url.redacted(), %addr, "serving");
    println!(
        "Zhirong is serving on http://{addr}/ (database {})",
        url.redacted()
    );
    actix_web::rt::System::new().block_on(async move {
        let server = startup::run(listener, settings, pool).map_err(CliError::failure)?;
        server.await.map_err(CliError::failure)
    })?;
    tracing::info!("stopped");
    Ok(())
}

/// Polars sizes its thread pool from `POLARS_MAX_THREADS` the first time it runs. In the server,
/// leave one core to the HTTP workers unless the operator has chosen a number.
#[allow(unsafe_code)]
fn reserve_a_core_for_http() {
    if std::env::var_os("POLARS_MAX_THREADS").is_some() {
        return;
    }
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2);
    // SAFETY: called before the server starts any thread; nothing reads the environment
    // concurrently (the process is still single-threaded here).
    unsafe {
        std::env::set_var(
            "POLARS_MAX_THREADS",
            cores.saturating_sub(1).max(1).to_string(),
        )
    };
}

fn random_secret() -> Result<Secret, String> {
    use argon2::password_hash::rand_core::{OsRng, RngCore};
    let mut bytes = [0u8; 32];
    OsRng
        .try_fill_bytes(&mut bytes)
        .map_err(|e| e.to_string())?;
    Ok(Secret::new(hex::encode(bytes)))
}
