//! The monitor: wakes every `monitor_interval_secs` and, once each China calendar day, brings
//! every live loan's arrears and status up to date (servicing) and revalues every pledged patent,
//! raising the alerts that follow (monitoring). Both run as the platform ("scheduler") in the
//! audit log. The first wake-up is one interval after start, so a restart does not re-run a day
//! that the previous process finished (the runs are repeatable in any case).

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;

use crate::clock::Clock;
use crate::db::Pool;
use crate::db::audit::Actor;
use crate::services::bank::{monitoring, servicing};
use crate::services::enterprise::china_today;

fn actor() -> Actor {
    Actor {
        user_id: None,
        username: "scheduler".into(),
        role: "system".into(),
        org_id: None,
    }
}

/// One day's runs (blocking: call on the blocking pool).
pub fn run_once(pool: &Pool, clock: &dyn Clock) -> Result<(), String> {
    let mut conn = pool
        .get()
        .map_err(|e| format!("database unavailable: {e}"))?;
    let now = clock.now();
    let request_id = format!("scheduler-{}", china_today(now));
    let servicing = servicing::run(&mut conn, &actor(), None, now, &request_id)
        .map_err(|e| format!("servicing: {e}"))?;
    let params = crate::routes::enterprise::valuation_params();
    let monitoring = monitoring::run(&mut conn, &actor(), None, &params, now, &request_id)
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
    Ok(())
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
