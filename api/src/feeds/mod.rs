//! Data feeds: patent legal-status events and enterprise risk events pulled over HTTP from the
//! providers a deployment configures (`contract` says what they serve, `client` how they are
//! called, `ingest` what a page does to the database), or loaded from files; and `demo`, a
//! provider serving a deterministic stream for demo installations. `jobs` keeps the record of
//! every background run for the operator and for Prometheus.

pub mod client;
pub mod contract;
pub mod demo;
pub mod destination;
pub mod ingest;
pub mod jobs;

use std::time::Instant;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::auth::Principal;
use crate::clock::Clock;
use crate::clock::china_today;
use crate::db::audit::{self, Actor, Entry};
use crate::db::schema::{feed_providers, feed_quarantine};
use crate::db::{DbConnection, Pool};
use crate::error::ApiError;
use crate::services::monitoring;
use client::{FeedClient, FetchError, Policy};
use contract::FeedKind;
use ingest::{Ingested, ingest_page};

/// Pages read in one poll at most (the rest waits for the next).
pub const MAX_PAGES_PER_POLL: usize = 200;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = feed_providers)]
pub struct ProviderRow {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub base_url: String,
    pub token: Option<String>,
    pub interval_secs: i32,
    pub max_per_sec: i32,
    pub cursor: Option<String>,
    pub enabled: bool,
    pub created_at: NaiveDateTime,
}

impl ProviderRow {
    pub fn feed_kind(&self) -> Result<FeedKind, ApiError> {
        FeedKind::parse(&self.kind)
            .ok_or_else(|| ApiError::Internal(format!("provider {}: kind {}", self.id, self.kind)))
    }

    pub fn client(&self, policy: Policy) -> Result<FeedClient, ApiError> {
        FeedClient::new(
            self.feed_kind()?,
            &self.base_url,
            self.token.clone(),
            u32::try_from(self.max_per_sec).unwrap_or(1),
            policy,
            self.id.unsigned_abs(),
        )
        .map_err(ApiError::Internal)
    }

    fn view(&self) -> ProviderView {
        ProviderView {
            id: self.id,
            name: self.name.clone(),
            kind: self.kind.clone(),
            base_url: self.base_url.clone(),
            has_token: self.token.is_some(),
            interval_secs: self.interval_secs,
            max_per_sec: self.max_per_sec,
            cursor: self.cursor.clone(),
            enabled: self.enabled,
            created_at: self.created_at,
        }
    }
}

/// A provider as the operator sees it (the token never leaves the service).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProviderView {
    pub id: i64,
    pub name: String,
    /// patent or enterprise
    pub kind: String,
    pub base_url: String,
    pub has_token: bool,
    pub interval_secs: i32,
    pub max_per_sec: i32,
    /// Where the next poll starts.
    pub cursor: Option<String>,
    pub enabled: bool,
    #[serde(serialize_with = "crate::domain::instant::utc")]
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProvider {
    pub name: String,
    /// patent or enterprise
    pub kind: String,
    /// http:// or https://
    pub base_url: String,
    pub token: Option<String>,
    /// Seconds between polls (1 to 86,400).
    pub interval_secs: i32,
    /// Requests per second at most (1 to 100; default 5).
    pub max_per_sec: Option<i32>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct QuarantinedRecord {
    pub id: i64,
    pub record_id: Option<String>,
    pub payload: String,
    pub reason: String,
    #[serde(serialize_with = "crate::domain::instant::utc")]
    pub received_at: NaiveDateTime,
}

fn bad(code: &'static str, message: impl Into<String>, field: &str) -> ApiError {
    ApiError::bad_request(code, message, Some(field))
}

pub fn list(conn: &mut DbConnection) -> Result<Vec<ProviderView>, ApiError> {
    Ok(providers(conn, false)?
        .iter()
        .map(ProviderRow::view)
        .collect())
}

/// The providers (only the enabled ones when `enabled_only`), by id.
pub fn providers(
    conn: &mut DbConnection,
    enabled_only: bool,
) -> Result<Vec<ProviderRow>, ApiError> {
    let mut q = feed_providers::table
        .order(feed_providers::id)
        .select(ProviderRow::as_select())
        .into_boxed();
    if enabled_only {
        q = q.filter(feed_providers::enabled.eq(true));
    }
    Ok(q.load(conn)?)
}

pub fn provider_named(conn: &mut DbConnection, name: &str) -> Result<ProviderRow, ApiError> {
    Ok(feed_providers::table
        .filter(feed_providers::name.eq(name))
        .select(ProviderRow::as_select())
        .first(conn)?)
}

/// Configures a provider (audited; the token is kept, never shown). Its address must be a
/// public one (unless `allow_private`, a test bench's setting), and https when a token is set.
pub fn add(
    conn: &mut DbConnection,
    actor: &Actor,
    p: NewProvider,
    allow_private: bool,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<ProviderView, ApiError> {
    let name = p.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(bad("INVALID_NAME", "name is 1 to 100 characters", "name"));
    }
    if FeedKind::parse(&p.kind).is_none() {
        return Err(bad("INVALID_KIND", "kind is patent or enterprise", "kind"));
    }
    let url = p.base_url.trim();
    if !(url.starts_with("http://") || url.starts_with("https://")) || url.len() > 500 {
        return Err(bad(
            "INVALID_URL",
            "base_url is an http:// or https:// address",
            "base_url",
        ));
    }
    let has_token = p.token.as_deref().is_some_and(|t| !t.is_empty());
    destination::check_url(url, has_token, allow_private)
        .map_err(|why| bad("INVALID_URL", why, "base_url"))?;
    if !(1..=86_400).contains(&p.interval_secs) {
        return Err(bad(
            "INVALID_INTERVAL",
            "interval_secs is 1 to 86,400",
            "interval_secs",
        ));
    }
    let rate = p.max_per_sec.unwrap_or(5);
    if !(1..=100).contains(&rate) {
        return Err(bad(
            "INVALID_RATE",
            "max_per_sec is 1 to 100",
            "max_per_sec",
        ));
    }
    crate::db::write_tx(conn, |conn| {
        let taken: i64 = feed_providers::table
            .filter(feed_providers::name.eq(name))
            .count()
            .get_result(conn)?;
        if taken > 0 {
            return Err(ApiError::conflict(
                "NAME_TAKEN",
                format!("a provider is already named {name}"),
            ));
        }
        let id: i64 = diesel::insert_into(feed_providers::table)
            .values((
                feed_providers::name.eq(name),
                feed_providers::kind.eq(&p.kind),
                feed_providers::base_url.eq(url),
                feed_providers::token.eq(p.token.as_deref().filter(|t| !t.is_empty())),
                feed_providers::interval_secs.eq(p.interval_secs),
                feed_providers::max_per_sec.eq(rate),
                feed_providers::enabled.eq(true),
                feed_providers::created_at.eq(now),
            ))
            .returning(feed_providers::id)
            .get_result(conn)?;
        let row: ProviderRow = feed_providers::table
            .find(id)
            .select(ProviderRow::as_select())
            .first(conn)?;
        let view = row.view();
        audit::append(
            conn,
            actor,
            &Entry {
                action: "feed.provider.add",
                object_type: "feed_provider",
                object_id: id.to_string(),
                before: None,
                after: Some(&serde_json::to_value(&view).unwrap_or_default()),
                request_id,
            },
            now,
        )?;
        Ok(view)
    })
}

/// Adds a provider by an operator's request.
pub fn add_by(
    conn: &mut DbConnection,
    principal: &Principal,
    p: NewProvider,
    allow_private: bool,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<ProviderView, ApiError> {
    add(conn, &principal.actor(), p, allow_private, now, request_id)
}

pub fn quarantine(
    conn: &mut DbConnection,
    provider_id: i64,
) -> Result<Vec<QuarantinedRecord>, ApiError> {
    feed_providers::table
        .find(provider_id)
        .select(feed_providers::id)
        .first::<i64>(conn)?;
    let rows: Vec<(i64, Option<String>, String, String, NaiveDateTime)> = feed_quarantine::table
        .filter(feed_quarantine::provider_id.eq(provider_id))
        .order(feed_quarantine::id.desc())
        .limit(1_000)
        .select((
            feed_quarantine::id,
            feed_quarantine::record_id,
            feed_quarantine::payload,
            feed_quarantine::reason,
            feed_quarantine::received_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| QuarantinedRecord {
            id: r.0,
            record_id: r.1,
            payload: r.2,
            reason: r.3,
            received_at: r.4,
        })
        .collect())
}

/// Why a poll stopped short.
#[derive(Debug, thiserror::Error)]
pub enum PollError {
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error("{0}")]
    Db(String),
}

impl From<ApiError> for PollError {
    fn from(e: ApiError) -> Self {
        match e {
            ApiError::Internal(m) => PollError::Db(m),
            other => PollError::Db(other.to_string()),
        }
    }
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, PollError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| PollError::Db(format!("database task: {e}")))?
        .map_err(PollError::from)
}

/// The outcome of one poll of one provider: what was ingested (also when it stopped short).
#[derive(Debug)]
pub struct PollOutcome {
    pub ingested: Ingested,
    pub pages: usize,
    pub error: Option<PollError>,
}

/// Polls one provider: page after page from its saved cursor until it has no more (or
/// [`MAX_PAGES_PER_POLL`]), each page ingested and its cursor saved in one transaction.
pub async fn poll(
    pool: &Pool,
    clock: &dyn Clock,
    provider_id: i64,
    client: &mut FeedClient,
) -> PollOutcome {
    let mut out = PollOutcome {
        ingested: Ingested::default(),
        pages: 0,
        error: None,
    };
    while out.pages < MAX_PAGES_PER_POLL {
        let db = pool.clone();
        let row = match blocking(move || {
            let mut conn = db.get().map_err(|e| ApiError::Unavailable(e.to_string()))?;
            Ok(feed_providers::table
                .find(provider_id)
                .select(ProviderRow::as_select())
                .first::<ProviderRow>(&mut conn)?)
        })
        .await
        {
            Ok(r) => r,
            Err(e) => {
                out.error = Some(e);
                break;
            }
        };
        let page = match client.fetch(row.cursor.as_deref()).await {
            Ok(p) => p,
            Err(e) => {
                out.error = Some(e.into());
                break;
            }
        };
        let (db, now) = (pool.clone(), clock.now());
        let kind = client.kind();
        let more = page.has_more && !page.records.is_empty();
        let source = format!("feed:{}", row.name);
        match blocking(move || {
            let mut conn = db.get().map_err(|e| ApiError::Unavailable(e.to_string()))?;
            ingest_page(
                &mut conn,
                provider_id,
                kind,
                &source,
                &page,
                china_today(now),
                now,
                &|| Ok(()),
            )
        })
        .await
        {
            Ok(done) => {
                out.pages += 1;
                out.ingested.add(done);
            }
            Err(e) => {
                out.error = Some(e);
                break;
            }
        }
        if !more {
            break;
        }
    }
    out
}

/// The register's entry of `number` from the enabled patent providers, asked in turn until one
/// knows it: the provider's name, and its record, `None` when none knows the number, or why
/// none could answer.
pub async fn lookup_register(
    providers: &[ProviderRow],
    number: &crate::domain::PatentNumber,
    today: chrono::NaiveDate,
    allow_private: bool,
) -> (
    Option<String>,
    Result<Option<contract::RegisterRecord>, String>,
) {
    let patent: Vec<&ProviderRow> = providers
        .iter()
        .filter(|p| p.enabled && p.kind == FeedKind::Patent.as_str())
        .collect();
    if patent.is_empty() {
        return (None, Err("no patent data provider is configured".into()));
    }
    let policy = Policy {
        timeout: std::time::Duration::from_secs(5),
        attempts: 1,
        allow_private,
        ..Policy::default()
    };
    let mut last = (None, Ok(None));
    for p in patent {
        let answer = match p.client(policy.clone()) {
            Ok(mut client) => match client.lookup(number.as_str()).await {
                Ok(Some(body)) => contract::check_register(&body, number, today)
                    .map(Some)
                    .map_err(|e| format!("the provider's record does not pass the contract: {e}")),
                Ok(None) => Ok(None),
                Err(e) => Err(e.to_string()),
            },
            Err(e) => Err(e.to_string()),
        };
        let found = matches!(answer, Ok(Some(_)));
        last = (Some(p.name.clone()), answer);
        if found {
            break;
        }
    }
    last
}

/// After new records: the monitoring run over every bank's live loans, so fee grace periods,
/// status changes, transfers and rating rises become alerts at once (blocking).
pub fn raise_alerts(pool: &Pool, now: NaiveDateTime) -> Result<usize, ApiError> {
    let mut conn = pool
        .get()
        .map_err(|e| ApiError::Unavailable(e.to_string()))?;
    let run = monitoring::run(
        &mut conn,
        &jobs::scheduler_actor(),
        None,
        now,
        &format!("feeds-{}", now.and_utc().timestamp()),
    )?;
    Ok(run.alerts_raised)
}

/// Polls every enabled provider once, raises the alerts that follow and records each run (the
/// CLI's `zhirong feed poll`, and the scheduler's work when a provider is due).
pub async fn poll_and_record(
    pool: &Pool,
    clock: &dyn Clock,
    provider: &ProviderRow,
    client: &mut FeedClient,
) -> PollOutcome {
    let started = clock.now();
    let t0 = Instant::now();
    let outcome = poll(pool, clock, provider.id, client).await;
    let mut message = format!(
        "{} pages, {} received, {} applied, {} duplicates, {} quarantined, {} unknown",
        outcome.pages,
        outcome.ingested.received,
        outcome.ingested.applied,
        outcome.ingested.duplicates,
        outcome.ingested.quarantined,
        outcome.ingested.unknown
    );
    let mut errors = i64::from(outcome.error.is_some());
    if let Some(e) = &outcome.error {
        message.push_str(&format!("; stopped: {e}"));
    }
    if !outcome.ingested.enterprises.is_empty() {
        let (db, now) = (pool.clone(), clock.now());
        match tokio::task::spawn_blocking(move || raise_alerts(&db, now)).await {
            Ok(Ok(n)) => message.push_str(&format!("; {n} alerts raised")),
            Ok(Err(e)) => {
                errors += 1;
                message.push_str(&format!("; alerts: {e}"));
            }
            Err(e) => {
                errors += 1;
                message.push_str(&format!("; alerts: {e}"));
            }
        }
    }
    let records = i64::try_from(outcome.ingested.received).unwrap_or(i64::MAX);
    let elapsed = t0.elapsed();
    let (db, job) = (pool.clone(), format!("feed:{}", provider.name));
    let _ = tokio::task::spawn_blocking(move || {
        let mut conn = db.get().map_err(|e| e.to_string())?;
        jobs::record(&mut conn, &job, started, elapsed, records, errors, &message)
            .map_err(|e| e.to_string())
    })
    .await;
    outcome
}

/// The provider row that stands for a file source (created disabled: it is never polled).
fn file_source(
    conn: &mut DbConnection,
    name: &str,
    kind: FeedKind,
    now: NaiveDateTime,
) -> Result<ProviderRow, ApiError> {
    if let Some(row) = feed_providers::table
        .filter(feed_providers::name.eq(name))
        .select(ProviderRow::as_select())
        .first::<ProviderRow>(conn)
        .optional()?
    {
        if row.kind != kind.as_str() {
            return Err(ApiError::bad_request(
                "KIND_MISMATCH",
                format!(
                    "source {name} holds {} records, not {}",
                    row.kind,
                    kind.as_str()
                ),
                Some("kind"),
            ));
        }
        return Ok(row);
    }
    diesel::insert_into(feed_providers::table)
        .values((
            feed_providers::name.eq(name),
            feed_providers::kind.eq(kind.as_str()),
            feed_providers::base_url.eq("file:"),
            feed_providers::interval_secs.eq(86_400),
            feed_providers::max_per_sec.eq(1),
            feed_providers::enabled.eq(false),
            feed_providers::created_at.eq(now),
        ))
        .execute(conn)?;
    provider_named(conn, name)
}

/// The records of a file: JSON lines (`.jsonl`, `.ndjson`: one object a line) or CSV (a header
/// of the contract's field names; an empty cell is absent; `amount_fen` a number). A line that
/// is not JSON stays in as text, so the check quarantines it with its line number.
pub fn records_of_file(path: &std::path::Path) -> Result<Vec<serde_json::Value>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "jsonl" | "ndjson" | "json" => Ok(text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| {
                serde_json::from_str(l).unwrap_or_else(|e| {
                    serde_json::Value::String(format!("line {}: not JSON ({e}): {l}", i + 1))
                })
            })
            .collect()),
        "csv" => {
            let rows = crate::services::patents::upload::parse(&text)
                .map_err(|e| format!("{}: {e}", path.display()))?;
            let Some((header, body)) = rows.split_first() else {
                return Ok(Vec::new());
            };
            Ok(body
                .iter()
                .map(|row| {
                    let mut o = serde_json::Map::new();
                    for (k, v) in header.iter().zip(row) {
                        let v = v.trim();
                        if v.is_empty() {
                            continue;
                        }
                        let value = match (k.trim(), v.parse::<i64>()) {
                            ("amount_fen", Ok(n)) => serde_json::Value::from(n),
                            _ => serde_json::Value::from(v),
                        };
                        o.insert(k.trim().to_string(), value);
                    }
                    serde_json::Value::Object(o)
                })
                .collect())
        }
        other => Err(format!(
            "{}: .{other} is not a feed file (.jsonl, .ndjson or .csv)",
            path.display()
        )),
    }
}

/// Loads the records of a file as source `name` (`zhirong feed load`): checked, de-duplicated
/// and applied exactly as a provider's pages, in pages of 500, each its own transaction.
pub fn load_file(
    conn: &mut DbConnection,
    records: Vec<serde_json::Value>,
    kind: FeedKind,
    name: &str,
    now: NaiveDateTime,
) -> Result<Ingested, ApiError> {
    let source = crate::db::write_tx(conn, |conn| file_source(conn, name, kind, now))?;
    let mut done = Ingested::default();
    for chunk in records.chunks(500) {
        let page = contract::Page {
            records: chunk.to_vec(),
            next_cursor: None,
            has_more: false,
        };
        done.add(ingest_page(
            conn,
            source.id,
            kind,
            &format!("file:{name}"),
            &page,
            china_today(now),
            now,
            &|| Ok(()),
        )?);
    }
    Ok(done)
}
