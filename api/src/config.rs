//! Settings, read once at start-up and passed down: defaults < `zhirong.toml` < environment.
//!
//! The environment variables are `DATABASE_URL`, `ZHIRONG_BIND`, `ZHIRONG_JWT_SECRET`,
//! `ZHIRONG_MODE` (`production` or `demo`), `ZHIRONG_LOG_FORMAT` (`text` or `json`),
//! `ZHIRONG_WORKERS`, `ZHIRONG_DB_POOL_SIZE`, `ZHIRONG_DEMO_PASSWORD` and
//! `ZHIRONG_MONITOR_INTERVAL_SECS` (how often the monitor wakes; 0 turns it off) and
//! `ZHIRONG_TRUSTED_PROXIES` (the reverse proxies whose `X-Forwarded-For` is believed: addresses
//! or CIDR blocks, comma-separated; none by default). Secrets are wrapped in
//! [`Secret`], whose `Debug` and `Display` never show the value.

use std::collections::HashMap;
use std::fmt;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::db::{DatabaseUrl, DbError};

pub const DEFAULT_DATABASE_URL: &str = "sqlite://zhirong.db";
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
pub const DEFAULT_DEMO_PASSWORD: &str = "zhirong-demo";

/// A value that must never reach a log line.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// A missing JWT secret is a start-up error.
    Production,
    /// A random JWT secret is generated when none is set, and the logs say so.
    Demo,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub database_url: DatabaseUrl,
    pub bind: String,
    pub jwt_secret: Option<Secret>,
    pub mode: Mode,
    pub log_format: LogFormat,
    pub workers: usize,
    pub db_pool_size: u32,
    pub demo_password: Secret,
    /// Seconds between the monitor's wake-ups (servicing and revaluation run once a China day);
    /// 0: off.
    pub monitor_interval_secs: u64,
    /// How far back a repayment's `paid_on` may be dated, in days (default 30).
    pub repayment_backdate_days: i64,
    /// Reverse proxies whose `X-Forwarded-For` names the client; empty: the header is ignored.
    pub trusted_proxies: Vec<IpBlock>,
    /// Feeds may reach loopback, private and link-local addresses (a test bench; never in
    /// production). `ZHIRONG_FEEDS_ALLOW_PRIVATE`, default false.
    pub feeds_allow_private: bool,
    /// Pool simulations and monitoring runs at once, at most (the next is told 429).
    /// `ZHIRONG_MAX_CONCURRENT_RUNS`, default 2.
    pub max_concurrent_runs: usize,
}

/// An address block, `10.0.0.0/8` or `::1` (a single address is a full-length block).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpBlock {
    network: IpAddr,
    prefix: u8,
}

impl IpBlock {
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let (addr, prefix) = match text.split_once('/') {
            Some((a, p)) => (a.trim(), Some(p.trim())),
            None => (text, None),
        };
        let network: IpAddr = addr.parse().ok()?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p.parse::<u8>().ok().filter(|p| *p <= max)?,
            None => max,
        };
        Some(Self { network, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
            v4 => v4,
        };
        let (a, b, bits) = match (self.network, ip) {
            (IpAddr::V4(n), IpAddr::V4(i)) => {
                (u128::from(u32::from(n)), u128::from(u32::from(i)), 32u32)
            }
            (IpAddr::V6(n), IpAddr::V6(i)) => (u128::from(n), u128::from(i), 128u32),
            _ => return false,
        };
        let host_bits = bits - u32::from(self.prefix);
        if host_bits >= 128 {
            return true;
        }
        (a >> host_bits) == (b >> host_bits)
    }
}

fn parse_blocks(name: &'static str, items: &[String]) -> Result<Vec<IpBlock>, ConfigError> {
    items
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(|s| {
            IpBlock::parse(s).ok_or_else(|| ConfigError::Env {
                name,
                message: format!("{s:?} is not an IP address or CIDR block"),
            })
        })
        .collect()
}

/// What `zhirong.toml` may contain; every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    database_url: Option<String>,
    bind: Option<String>,
    jwt_secret: Option<Secret>,
    mode: Option<Mode>,
    log_format: Option<LogFormat>,
    workers: Option<usize>,
    db_pool_size: Option<u32>,
    monitor_interval_secs: Option<u64>,
    repayment_backdate_days: Option<i64>,
    trusted_proxies: Option<Vec<String>>,
    feeds_allow_private: Option<bool>,
    max_concurrent_runs: Option<usize>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    File { path: PathBuf, message: String },
    #[error("{name}: {message}")]
    Env { name: &'static str, message: String },
    #[error(transparent)]
    Database(#[from] DbError),
}

impl Settings {
    /// Reads `config_file` (or `./zhirong.toml` when it exists) and then the process environment.
    pub fn load(config_file: Option<&Path>) -> Result<Self, ConfigError> {
        let env: HashMap<String, String> = std::env::vars().collect();
        Self::from_sources(config_file, &env)
    }

    /// The same, with the environment given explicitly (tests).
    pub fn from_sources(
        config_file: Option<&Path>,
        env: &HashMap<String, String>,
    ) -> Result<Self, ConfigError> {
        let file = match config_file {
            Some(p) => read_file(p)?,
            None if Path::new("zhirong.toml").exists() => read_file(Path::new("zhirong.toml"))?,
            None => FileSettings::default(),
        };
        let get = |name: &str| {
            env.get(name)
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        };

        let database_url = get("DATABASE_URL")
            .or(file.database_url)
            .unwrap_or_else(|| DEFAULT_DATABASE_URL.into());
        let mode = match get("ZHIRONG_MODE") {
            Some(m) => parse_enum(
                "ZHIRONG_MODE",
                &m,
                &[("production", Mode::Production), ("demo", Mode::Demo)],
            )?,
            None => file.mode.unwrap_or(Mode::Production),
        };
        let log_format = match get("ZHIRONG_LOG_FORMAT") {
            Some(f) => parse_enum(
                "ZHIRONG_LOG_FORMAT",
                &f,
                &[("text", LogFormat::Text), ("json", LogFormat::Json)],
            )?,
            None => file.log_format.unwrap_or(LogFormat::Text),
        };
        let workers = match get("ZHIRONG_WORKERS") {
            Some(w) => parse_number("ZHIRONG_WORKERS", &w)?,
            None => file.workers.unwrap_or(2),
        };
        let db_pool_size = match get("ZHIRONG_DB_POOL_SIZE") {
            Some(w) => parse_number("ZHIRONG_DB_POOL_SIZE", &w)?,
            None => file.db_pool_size.unwrap_or(10),
        };
        let monitor_interval_secs = match get("ZHIRONG_MONITOR_INTERVAL_SECS") {
            Some(w) => parse_number("ZHIRONG_MONITOR_INTERVAL_SECS", &w)?,
            None => file.monitor_interval_secs.unwrap_or(3_600),
        };
        let repayment_backdate_days = match get("ZHIRONG_REPAYMENT_BACKDATE_DAYS") {
            Some(w) => parse_number("ZHIRONG_REPAYMENT_BACKDATE_DAYS", &w)?,
            None => file.repayment_backdate_days.unwrap_or(30),
        };
        let trusted_proxies = match get("ZHIRONG_TRUSTED_PROXIES") {
            Some(list) => parse_blocks(
                "ZHIRONG_TRUSTED_PROXIES",
                &list.split(',').map(str::to_string).collect::<Vec<_>>(),
            )?,
            None => parse_blocks(
                "ZHIRONG_TRUSTED_PROXIES",
                &file.trusted_proxies.unwrap_or_default(),
            )?,
        };
        let feeds_allow_private = match get("ZHIRONG_FEEDS_ALLOW_PRIVATE") {
            Some(v) => parse_enum(
                "ZHIRONG_FEEDS_ALLOW_PRIVATE",
                &v,
                &[("true", true), ("false", false), ("1", true), ("0", false)],
            )?,
            None => file.feeds_allow_private.unwrap_or(false),
        };
        let max_concurrent_runs = match get("ZHIRONG_MAX_CONCURRENT_RUNS") {
            Some(w) => parse_number("ZHIRONG_MAX_CONCURRENT_RUNS", &w)?,
            None => file.max_concurrent_runs.unwrap_or(2),
        };
        Ok(Self {
            database_url: DatabaseUrl::parse(&database_url)?,
            bind: get("ZHIRONG_BIND")
                .or(file.bind)
                .unwrap_or_else(|| DEFAULT_BIND.into()),
            jwt_secret: get("ZHIRONG_JWT_SECRET")
                .map(Secret::new)
                .or(file.jwt_secret),
            mode,
            log_format,
            workers: workers.max(1),
            db_pool_size: db_pool_size.max(1),
            demo_password: Secret::new(
                get("ZHIRONG_DEMO_PASSWORD").unwrap_or_else(|| DEFAULT_DEMO_PASSWORD.into()),
            ),
            monitor_interval_secs,
            repayment_backdate_days: repayment_backdate_days.max(0),
            trusted_proxies,
            feeds_allow_private,
            max_concurrent_runs: max_concurrent_runs.max(1),
        })
    }
}

fn read_file(path: &Path) -> Result<FileSettings, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.into(),
        source,
    })?;
    toml::from_str(&text).map_err(|e| ConfigError::File {
        path: path.into(),
        message: e.message().to_string(),
    })
}

fn parse_enum<T: Copy>(
    name: &'static str,
    value: &str,
    options: &[(&str, T)],
) -> Result<T, ConfigError> {
    options
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(value))
        .map(|(_, v)| *v)
        .ok_or_else(|| {
            let allowed: Vec<&str> = options.iter().map(|(k, _)| *k).collect();
            ConfigError::Env {
                name,
                message: format!("{value:?} is not one of {}", allowed.join(", ")),
            }
        })
}

fn parse_number<T: std::str::FromStr>(name: &'static str, value: &str) -> Result<T, ConfigError> {
    value.parse().map_err(|_| ConfigError::Env {
        name,
        message: format!("{value:?} is not a whole number"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_apply_when_nothing_is_set() {
        let dir = tempfile::tempdir().ok();
        let missing = dir.as_ref().map(|d| d.path().join("none.toml"));
        // An explicitly named file that does not exist is an error, not a silent default.
        assert!(Settings::from_sources(missing.as_deref(), &env(&[])).is_err());
        let s = Settings::from_sources(None, &env(&[]));
        let s = s.ok();
        assert_eq!(s.as_ref().map(|s| s.bind.as_str()), Some(DEFAULT_BIND));
        assert_eq!(s.as_ref().map(|s| s.database_url.backend()), Some("sqlite"));
        assert_eq!(s.as_ref().map(|s| s.mode), Some(Mode::Production));
    }

    #[test]
    fn environment_overrides_the_file() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("zhirong.toml");
        std::fs::write(
            &path,
            "bind = \"0.0.0.0:9000\"\nmode = \"demo\"\njwt_secret = \"from-file\"\n",
        )?;
        let s = Settings::from_sources(Some(&path), &env(&[("ZHIRONG_BIND", "127.0.0.1:7000")]))?;
        assert_eq!(s.bind, "127.0.0.1:7000");
        assert_eq!(s.mode, Mode::Demo);
        assert_eq!(s.jwt_secret.as_ref().map(|x| x.expose()), Some("from-file"));
        assert!(
            !format!("{s:?}").contains("from-file"),
            "secrets must not appear in Debug output"
        );
        Ok(())
    }

    #[test]
    fn trusted_proxies_are_addresses_or_blocks() -> Result<(), Box<dyn std::error::Error>> {
        let s = Settings::from_sources(
            None,
            &env(&[("ZHIRONG_TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1,::1")]),
        )?;
        let ip = |t: &str| t.parse::<IpAddr>().map_err(|e| e.to_string());
        let trusted = |t: &str| -> Result<bool, String> {
            let i = ip(t)?;
            Ok(s.trusted_proxies.iter().any(|b| b.contains(i)))
        };
        assert!(trusted("10.200.3.4")?);
        assert!(trusted("127.0.0.1")?);
        assert!(trusted("::ffff:127.0.0.1")?);
        assert!(trusted("::1")?);
        assert!(!trusted("127.0.0.2")?);
        assert!(!trusted("11.0.0.1")?);
        let everything = IpBlock::parse("0.0.0.0/0").ok_or("0.0.0.0/0")?;
        assert!(everything.contains(ip("8.8.8.8")?));
        assert!(!everything.contains(ip("2001:db8::1")?));
        let err = Settings::from_sources(None, &env(&[("ZHIRONG_TRUSTED_PROXIES", "10.0.0.0/33")]))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("ZHIRONG_TRUSTED_PROXIES"), "{err}");
        assert!(
            Settings::from_sources(None, &env(&[]))?
                .trusted_proxies
                .is_empty()
        );
        Ok(())
    }

    #[test]
    fn bad_values_name_the_setting() -> Result<(), Box<dyn std::error::Error>> {
        let err = Settings::from_sources(None, &env(&[("ZHIRONG_MODE", "staging")]))
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("ZHIRONG_MODE: \"staging\" is not one of production, demo")
        );
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("zhirong.toml");
        std::fs::write(&path, "colour = \"red\"\n")?;
        let err = Settings::from_sources(Some(&path), &env(&[]))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("colour"), "{err}");
        Ok(())
    }
}
