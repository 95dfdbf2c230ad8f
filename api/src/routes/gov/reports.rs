//! Financing by bank, district, industry or month, as JSON, CSV or .xlsx.

use actix_web::{HttpResponse, get, web};
use serde::Deserialize;

use crate::auth::Principal;
use crate::error::{ApiError, ErrorBody};
use crate::export::{self, Format};
use crate::services::reports::{self, FinancingReport, GroupBy};
use crate::state::AppState;
use crate::state::db_call;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    /// bank (default), district, industry or month.
    pub group_by: Option<String>,
    /// json (default), csv or xlsx (Chinese headers; money in 元).
    pub format: Option<String>,
}

/// The district's financing report by bank, district, industry or month: enterprises served,
/// applications and approvals, amounts lent and outstanding, average rate and term, time to
/// disbursement, collateral coverage, arrears, defaults and the bad-loan rate (by bank against
/// the bank's overall rate), ratings; as JSON, CSV or Excel.
#[utoipa::path(tag = "gov", params(ReportQuery), security(("bearer" = [])),
    responses((status = 200, body = FinancingReport), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[get("/reports/financing")]
pub async fn financing_report(
    state: web::Data<AppState>,
    principal: Principal,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, ApiError> {
    let group_by = GroupBy::parse(query.group_by.as_deref())?;
    let format = Format::parse(query.format.as_deref())?;
    let (district, now) = (principal.org_id, state.clock.now());
    let report = db_call(&state, move |conn| {
        reports::financing(conn, district, group_by, now)
    })
    .await?;
    match format {
        Format::Json => Ok(HttpResponse::Ok().json(report)),
        f => export::download(&reports::to_table(&report), f, &reports::file_stem(&report)),
    }
}
