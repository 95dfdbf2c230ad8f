//! The background jobs of `zhirong serve`, on one scheduler:
//! - the monitor wakes every `monitor_interval_secs` and, once each China calendar day, brings
//!   every live loan's arrears and status up to date (servicing) and revalues every pledged
//!   patent, raising the alerts that follow (monitoring). The first wake-up is one interval after
//!   start, so a restart does not re-run a day that the previous process finished (the runs are
//!   repeatable in any case);
//! - the feed poller polls each enabled provider every `interval_secs` of its own (the first
//!   poll right after start), then raises the alerts its new records call for.
//!
//! Both run as the platform ("scheduler") in the audit log, and every run is recorded in
//! `job_runs` (`/api/admin/jobs`, `/metrics`).

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;

use crate::clock::Clock;
use crate::clock::china_today;
use crate::db::Pool;
use crate::db::audit::Actor;
use crate::services::loans::servicing;
use crate::services::monitoring;

fn actor() -> Actor {
    crate::feeds::jobs::scheduler_actor()
}

/// One day's runs (blocking: call on the blocking pool).
pub fn run_once(pool: &Pool, clock: &dyn Clock) -> Result<(), String> {
    let mut conn = pool
        .get()
        .map_err(|e| format!("database unavailable: {e}"))?;
    let now = clock.now();
    let started = std::time::Instant::now();
    let request_id = format!("scheduler-{}", china_today(now));
    let servicing = servicing::run(&mut conn, &actor(), None, now, &request_id)
        .map_err(|e| format!("servicing: {e}"))?;
    let monitoring = monitoring::run(&mut conn, &actor(), None, now, &request_id)
        .map_err(|e| format!("monitoring: {e}"))?;
    tracing::info!(
        as_of = %servicing.as_of,
        loans = servicing.loans_assessed,
        status_changes = servicing.changes.len(),
        patents_revalued = monitoring.patents_revalued,
        ltv_breaches = monitoring.ltv_breaches.len(),
        alerts = monitoring.alerts_raised,
        "monitor run"
    );
    let message = format!(
        "{} loans assessed, {} status changes, {} patents revalued, {} LTV breaches, {} alerts",
        servicing.loans_assessed,
        servicing.changes.len(),
        monitoring.patents_revalued,
        monitoring.ltv_breaches.len(),
        monitoring.alerts_raised
    );
    let records = i64::try_from(monitoring.patents_revalued).unwrap_or(i64::MAX);
    crate::feeds::jobs::record(
        &mut conn,
        "monitor",
        now,
        started.elapsed(),
        records,
        0,
        &message,
    )
    .map_err(|e| format!("job record: {e}"))?;
    Ok(())
}

/// Starts the feed poller on the current actix system: every second it polls the enabled
/// providers that are due. Each provider keeps its client (breaker and rate limit) for the life
/// of the process; a provider added later is picked up on its first due second.
pub fn spawn_feeds(pool: Pool, clock: Arc<dyn Clock>, allow_private: bool) {
    use std::collections::HashMap;
    use std::time::Instant;

    use crate::feeds::{self, client::FeedClient, client::Policy};
    actix_web::rt::spawn(async move {
        let mut clients: HashMap<i64, (FeedClient, Instant)> = HashMap::new();
        let mut ticker = actix_web::rt::time::interval(Duration::from_secs(1));
        loop {
            ticker.tick().await;
            let db = pool.clone();
            let providers = match actix_web::web::block(move || {
                let mut conn = db.get().map_err(|e| e.to_string())?;
                feeds::providers(&mut conn, true).map_err(|e| e.to_string())
            })
            .await
            {
                Ok(Ok(p)) => p,
                Ok(Err(e)) => {
                    tracing::warn!(error = %e, "feed poller: providers not read");
                    continue;
                }
                Err(_) => continue,
            };
            for p in providers {
                let due = clients
                    .get(&p.id)
                    .is_none_or(|(_, next)| Instant::now() >= *next);
                if !due {
                    continue;
                }
                if let std::collections::hash_map::Entry::Vacant(slot) = clients.entry(p.id) {
                    match p.client(Policy {
                        allow_private,
                        ..Policy::default()
                    }) {
                        Ok(c) => {
                            slot.insert((c, Instant::now()));
                        }
                        Err(e) => {
                            tracing::error!(provider = %p.name, error = %e, "feed client not built");
                            continue;
                        }
                    }
                }
                let Some((client, next)) = clients.get_mut(&p.id) else {
                    continue;
                };
                let outcome = feeds::poll_and_record(&pool, clock.as_ref(), &p, client).await;
                if let Some(e) = &outcome.error {
                    tracing::warn!(provider = %p.name, error = %e, "feed poll stopped short");
                }
                *next = Instant::now()
                    + Duration::from_secs(u64::try_from(p.interval_secs).unwrap_or(60));
            }
        }
    });
}

/// Starts the monitor on the current actix system (a no-op when the interval is 0).
pub fn spawn(pool: Pool, clock: Arc<dyn Clock>, interval_secs: u64) {
    if interval_secs == 0 {
        return;
    }
    actix_web::rt::spawn(async move {
        let mut last: Option<NaiveDate> = None;
        let mut ticker = actix_web::rt::time::interval(Duration::from_secs(interval_secs));
        ticker.tick().await; // the first tick is immediate
        loop {
            ticker.tick().await;
            let today = china_today(clock.now());
            if last == Some(today) {
                continue;
            }
            let (pool, clock) = (pool.clone(), clock.clone());
            match actix_web::web::block(move || run_once(&pool, clock.as_ref())).await {
                Ok(Ok(())) => last = Some(today),
                Ok(Err(e)) => {
                    tracing::error!(error = %e, "monitor run failed; retried at the next wake-up")
                }
                Err(e) => tracing::error!(error = %e, "monitor run did not finish"),
            }
        }
    });
}
