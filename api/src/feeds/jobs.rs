//! The record of background runs (feed polls, the daily monitor): each run's start, duration,
//! records and errors, for the operator (`/api/admin/jobs`) and as Prometheus metrics
//! (`/metrics`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::DbConnection;
use crate::db::audit::Actor;
use crate::db::schema::job_runs;
use crate::error::ApiError;

/// The platform itself, as background jobs appear in the audit log.
pub fn scheduler_actor() -> Actor {
    Actor {
        user_id: None,
        username: "scheduler".into(),
        role: "system".into(),
        org_id: None,
    }
}

pub fn record(
    conn: &mut DbConnection,
    job: &str,
    started: NaiveDateTime,
    took: Duration,
    records: i64,
    errors: i64,
    message: &str,
) -> Result<(), ApiError> {
    let finished = started
        + chrono::Duration::milliseconds(i64::try_from(took.as_millis()).unwrap_or(i64::MAX));
    diesel::insert_into(job_runs::table)
        .values((
            job_runs::job.eq(job),
            job_runs::started_at.eq(started),
            job_runs::finished_at.eq(finished),
            job_runs::records.eq(records),
            job_runs::errors.eq(errors),
            job_runs::message.eq(message),
        ))
        .execute(conn)?;
    Ok(())
}

/// A job's last run and its totals.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct JobView {
    pub job: String,
    pub runs: i64,
    #[serde(serialize_with = "crate::domain::instant::utc")]
    pub last_started_at: NaiveDateTime,
    pub last_duration_ms: i64,
    pub last_records: i64,
    pub last_errors: i64,
    pub last_message: String,
    pub records_total: i64,
    pub errors_total: i64,
}

type RunRow = (String, NaiveDateTime, NaiveDateTime, i64, i64, String);

pub fn list(conn: &mut DbConnection) -> Result<Vec<JobView>, ApiError> {
    let rows: Vec<RunRow> = job_runs::table
        .order((job_runs::job, job_runs::id))
        .select((
            job_runs::job,
            job_runs::started_at,
            job_runs::finished_at,
            job_runs::records,
            job_runs::errors,
            job_runs::message,
        ))
        .load(conn)?;
    let mut jobs: BTreeMap<String, JobView> = BTreeMap::new();
    for (job, started, finished, records, errors, message) in rows {
        let v = jobs.entry(job.clone()).or_insert_with(|| JobView {
            job,
            runs: 0,
            last_started_at: started,
            last_duration_ms: 0,
            last_records: 0,
            last_errors: 0,
            last_message: String::new(),
            records_total: 0,
            errors_total: 0,
        });
        v.runs += 1;
        v.records_total += records;
        v.errors_total += errors;
        // Ordered by id within a job: the last one is the latest run.
        v.last_started_at = started;
        v.last_duration_ms = (finished - started).num_milliseconds();
        v.last_records = records;
        v.last_errors = errors;
        v.last_message = message;
    }
    Ok(jobs.into_values().collect())
}

/// A metric: name, type, help, and its value for a job.
type Series = (
    &'static str,
    &'static str,
    &'static str,
    fn(&JobView) -> f64,
);

/// The jobs in Prometheus' text format.
pub fn metrics(jobs: &[JobView]) -> String {
    let mut out = String::new();
    let label = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
    let series: [Series; 5] = [
        (
            "zhirong_job_runs_total",
            "counter",
            "Runs of the job.",
            |j| j.runs as f64,
        ),
        (
            "zhirong_job_records_total",
            "counter",
            "Records the job processed.",
            |j| j.records_total as f64,
        ),
        (
            "zhirong_job_errors_total",
            "counter",
            "Errors of the job's runs.",
            |j| j.errors_total as f64,
        ),
        (
            "zhirong_job_last_run_timestamp_seconds",
            "gauge",
            "Start of the job's last run (Unix time).",
            |j| j.last_started_at.and_utc().timestamp() as f64,
        ),
        (
            "zhirong_job_last_duration_seconds",
            "gauge",
            "Duration of the job's last run.",
            |j| j.last_duration_ms as f64 / 1000.0,
        ),
    ];
    for (name, kind, help, value) in series {
        let _ = writeln!(out, "# HELP {name} {help}");
        let _ = writeln!(out, "# TYPE {name} {kind}");
        for j in jobs {
            let _ = writeln!(out, "{name}{{job=\"{}\"}} {}", label(&j.job), value(j));
        }
    }
    out
}
