//! Pool risk: the Monte Carlo depletion simulation (and optionally a stress scenario) of a pool
//! from its live covered loans, run in the background with its progress stored, the result kept
//! and listed (RISK.md §3, engine `pool::report_with_progress`).
//!
//! Each covered loan enters with its outstanding principal as exposure, the collateral of its
//! registered pledges, the IPC section of its first pledged patent, and the PD of the default
//! enterprise model from the enterprise's statements — or, for an enterprise without statements,
//! the model's training default rate (stated in the result as `pd_source`).

use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use zhirong_engine::pool::{self, Loan, SectionShock, SimulationParams, StressScenario};

use crate::auth::Principal;
use crate::clock::Clock;
use crate::clock::china_today;
use crate::db::audit::{self, Entry};
use crate::db::schema::{loans, patents, pledges, pool_coverage, pool_rules, pool_simulations};
use crate::db::{DbConnection, Pool};
use crate::domain::status::{CoverageStatus, LoanStatus, PledgeStatus, SimulationStatus};
use crate::error::ApiError;
use crate::error::bad;
use crate::services::applications::evaluation::default_pd;
use crate::services::disposals::rules_of;
use crate::services::pools::district_pool;

pub const MAX_SCENARIOS: usize = 1_000_000;

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SimulationRequest {
    /// 1 to 1,000,000 (default 100,000).
    pub scenarios: Option<usize>,
    pub seed: Option<u64>,
    /// Asset correlation (default 0.15).
    pub rho: Option<f64>,
    /// Share of collateral recovered on disposal (default 0.5).
    pub recovery_rate: Option<f64>,
    /// Years (default 1).
    pub horizon_years: Option<f64>,
    /// A stress scenario: `pd_multiplier`, `rho`, `ltv_limit`, `value_shock` by IPC section
    /// (e.g. `{"G": 0.3}` for a 30 % fall), `lapsed_patents`.
    #[schema(value_type = Option<Object>)]
    pub stress: Option<StressScenario>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SimulationView {
    pub id: i64,
    pub pool_id: i64,
    pub status: SimulationStatus,
    /// 0–1.
    pub progress: f64,
    #[schema(value_type = Object)]
    pub params: serde_json::Value,
    /// The engine's report (figures, quantiles, depletion probability, balance for 99 % cover,
    /// stress section), once done.
    #[schema(value_type = Option<Object>)]
    pub result: Option<serde_json::Value>,
    pub error: Option<String>,
    #[serde(serialize_with = "crate::domain::instant::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::domain::instant::utc_option")]
    pub started_at: Option<NaiveDateTime>,
    #[serde(serialize_with = "crate::domain::instant::utc_option")]
    pub finished_at: Option<NaiveDateTime>,
}

/// What a queued run needs.
pub struct Job {
    pub id: i64,
    pub loans: Vec<Loan>,
    pub rules: pool::PoolRules,
    pub sim: SimulationParams,
    pub stress: Option<StressScenario>,
    pub pd_sources: serde_json::Value,
}

/// A simulation run as stored (parameters and result as JSON text).
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = pool_simulations)]
struct Row {
    id: i64,
    pool_id: i64,
    status: SimulationStatus,
    progress: f64,
    params_json: String,
    result_json: Option<String>,
    error: Option<String>,
    created_at: NaiveDateTime,
    started_at: Option<NaiveDateTime>,
    finished_at: Option<NaiveDateTime>,
}

fn to_view(r: Row) -> SimulationView {
    SimulationView {
        id: r.id,
        pool_id: r.pool_id,
        status: r.status,
        progress: r.progress,
        params: serde_json::from_str(&r.params_json).unwrap_or_default(),
        result: r.result_json.and_then(|s| serde_json::from_str(&s).ok()),
        error: r.error,
        created_at: r.created_at,
        started_at: r.started_at,
        finished_at: r.finished_at,
    }
}

pub fn get(
    conn: &mut DbConnection,
    district_id: i64,
    pool_id: i64,
    id: i64,
) -> Result<SimulationView, ApiError> {
    district_pool(conn, district_id, pool_id)?;
    Ok(to_view(
        pool_simulations::table
            .find(id)
            .filter(pool_simulations::pool_id.eq(pool_id))
            .select(Row::as_select())
            .first(conn)?,
    ))
}

pub fn list(
    conn: &mut DbConnection,
    district_id: i64,
    pool_id: i64,
) -> Result<Vec<SimulationView>, ApiError> {
    district_pool(conn, district_id, pool_id)?;
    Ok(pool_simulations::table
        .filter(pool_simulations::pool_id.eq(pool_id))
        .order(pool_simulations::id.desc())
        .limit(100)
        .select(Row::as_select())
        .load(conn)?
        .into_iter()
        .map(to_view)
        .collect())
}

fn ipc_section(ipc: Option<&str>) -> Option<String> {
    ipc.and_then(|s| s.trim().chars().next())
        .map(|c| c.to_ascii_uppercase())
        .filter(|c| ('A'..='H').contains(c))
        .map(String::from)
}

/// A covered loan's exposure.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = loans)]
struct Exposure {
    id: i64,
    enterprise_id: i64,
    outstanding_fen: i64,
}

/// A registered pledge of a covered loan, with what the stress scenarios read of its patent.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = pledges)]
struct PledgedPatent {
    collateral_fen: Option<i64>,
    #[diesel(select_expression = patents::patent_number)]
    patent_number: String,
    #[diesel(select_expression = patents::ipc_main)]
    ipc_main: Option<String>,
}

/// The pool's live covered loans as the engine takes them.
fn covered_loans(
    conn: &mut DbConnection,
    pool_id: i64,
    as_of: NaiveDate,
) -> Result<(Vec<Loan>, serde_json::Value), ApiError> {
    let rows: Vec<Exposure> = pool_coverage::table
        .inner_join(loans::table)
        .filter(pool_coverage::pool_id.eq(pool_id))
        .filter(pool_coverage::status.eq(CoverageStatus::Covered))
        .filter(loans::status.eq_any(LoanStatus::LIVE))
        .order(loans::id)
        .select(Exposure::as_select())
        .load(conn)?;
    let (mut from_statements, mut from_base) = (0, 0);
    let mut out = Vec::with_capacity(rows.len());
    for Exposure {
        id: loan_id,
        enterprise_id,
        outstanding_fen: outstanding,
    } in rows
    {
        let pledged: Vec<PledgedPatent> = pledges::table
            .inner_join(patents::table)
            .filter(pledges::loan_id.eq(loan_id))
            .filter(pledges::status.eq(PledgeStatus::Registered))
            .order(pledges::id)
            .select(PledgedPatent::as_select())
            .load(conn)?;
        let (pd, from_model) = default_pd(conn, enterprise_id, as_of)?;
        if from_model {
            from_statements += 1;
        } else {
            from_base += 1;
        }
        out.push(Loan {
            loan_id: loan_id.to_string(),
            pd,
            ead_fen: outstanding,
            collateral_fen: pledged.iter().map(|p| p.collateral_fen.unwrap_or(0)).sum(),
            ipc_section: pledged
                .first()
                .and_then(|p| ipc_section(p.ipc_main.as_deref())),
            patent_id: pledged.first().map(|p| p.patent_number.clone()),
        });
    }
    Ok((
        out,
        serde_json::json!({"pd_source": {"enterprise_model_on_statements": from_statements,
            "model_training_default_rate": from_base}}),
    ))
}

/// Queues a run: checks the request, reads the loans and rules now, records the run. The caller
/// starts it with [`run`].
pub fn queue(
    conn: &mut DbConnection,
    principal: &Principal,
    pool_id: i64,
    req: SimulationRequest,
    now: NaiveDateTime,
    request_id: &str,
) -> Result<(SimulationView, Job), ApiError> {
    let scenarios = req.scenarios.unwrap_or(100_000);
    if !(1..=MAX_SCENARIOS).contains(&scenarios) {
        return Err(bad(
            "INVALID_SCENARIOS",
            format!("scenarios is 1 to {MAX_SCENARIOS}"),
            "scenarios",
        ));
    }
    let mut sim = SimulationParams::new(scenarios, req.seed.unwrap_or(2026));
    if let Some(r) = req.rho {
        sim.rho = r;
    }
    if let Some(r) = req.recovery_rate {
        sim.recovery_rate = r;
    }
    if let Some(h) = req.horizon_years {
        sim.horizon_years = h;
    }
    // The engine's refusals name the setting (400 INVALID_SETTING / INVALID_STRESS, `error.rs`).
    sim.validate()?;
    if let Some(s) = &req.stress {
        s.validate()?;
    }
    let today = china_today(now);
    crate::db::write_tx(conn, |conn| {
        let balance = district_pool(conn, principal.org_id, pool_id)?.balance_fen;
        let version: Option<i32> = pool_rules::table
            .filter(pool_rules::pool_id.eq(pool_id))
            .filter(pool_rules::effective_from.le(today))
            .select(diesel::dsl::max(pool_rules::version))
            .first(conn)?;
        let version = version.ok_or_else(|| {
            ApiError::conflict("NO_RULE", format!("pool {pool_id} has no rule in force"))
        })?;
        let rules = rules_of(conn, pool_id, version, balance)?;
        let (loans, pd_sources) = covered_loans(conn, pool_id, today)?;
        let params = serde_json::json!({"request": req, "rule_version": version, "balance_fen": balance,
            "loans": loans.len(), "as_of": today, "pd": pd_sources});
        let id: i64 = diesel::insert_into(pool_simulations::table)
            .values((
                pool_simulations::pool_id.eq(pool_id),
                pool_simulations::requested_by.eq(principal.user_id),
                pool_simulations::params_json.eq(params.to_string()),
                pool_simulations::status.eq(SimulationStatus::Queued),
                pool_simulations::progress.eq(0.0),
                pool_simulations::created_at.eq(now),
            ))
            .returning(pool_simulations::id)
            .get_result(conn)?;
        audit::append(
            conn,
            &principal.actor(),
            &Entry {
                action: "pool.simulation",
                object_type: "pool_simulation",
                object_id: id.to_string(),
                before: None,
                after: Some(&params),
                request_id,
            },
            now,
        )?;
        let view = get(conn, principal.org_id, pool_id, id)?;
        Ok((
            view,
            Job {
                id,
                loans,
                rules,
                sim,
                stress: req.stress.clone(),
                pd_sources,
            },
        ))
    })
}

fn set(pool: &Pool, id: i64, f: impl FnOnce(&mut DbConnection) -> QueryResult<usize>) {
    match pool.get() {
        Ok(mut conn) => {
            if let Err(e) = f(&mut conn) {
                tracing::error!(simulation = id, error = %e, "could not record the simulation's state");
            }
        }
        Err(e) => tracing::error!(simulation = id, error = %e, "database unavailable"),
    }
}

/// Runs a queued job to the end (blocking: call it on a thread of its own), recording progress
/// at most every 5 %.
pub fn run(db: &Pool, clock: &Arc<dyn Clock>, job: Job) {
    let id = job.id;
    let target = pool_simulations::table.find(id);
    set(db, id, |c| {
        diesel::update(target)
            .set((
                pool_simulations::status.eq(SimulationStatus::Running),
                pool_simulations::started_at.eq(clock.now()),
            ))
            .execute(c)
    });
    let mut last = 0.0;
    let mut progress = |p: f64| {
        if p - last >= 0.05 || p >= 1.0 {
            last = p;
            set(db, id, |c| {
                diesel::update(target)
                    .set(pool_simulations::progress.eq(p.clamp(0.0, 1.0)))
                    .execute(c)
            });
        }
    };
    let outcome = pool::report_with_progress(
        &job.loans,
        &job.rules,
        &job.sim,
        job.stress
            .as_ref()
            .map(|s| (s, &SectionShock as &dyn pool::Revalue)),
        &mut progress,
    );
    match outcome
        .and_then(|r| serde_json::to_value(&r).map_err(|e| pool::PoolError::Stress(e.to_string())))
    {
        Ok(mut result) => {
            result["pd_source"] = job.pd_sources["pd_source"].clone();
            set(db, id, |c| {
                diesel::update(target)
                    .set((
                        pool_simulations::status.eq(SimulationStatus::Done),
                        pool_simulations::progress.eq(1.0),
                        pool_simulations::result_json.eq(result.to_string()),
                        pool_simulations::finished_at.eq(clock.now()),
                    ))
                    .execute(c)
            });
        }
        Err(e) => set(db, id, |c| {
            diesel::update(target)
                .set((
                    pool_simulations::status.eq(SimulationStatus::Failed),
                    pool_simulations::error.eq(e.to_string()),
                    pool_simulations::finished_at.eq(clock.now()),
                ))
                .execute(c)
        }),
    }
}
