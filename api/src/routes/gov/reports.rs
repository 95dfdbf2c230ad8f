//! Financing by bank, district, industry or month, as JSON, CSV or .xlsx.

use actix_web::{HttpResponse, get, web};
use serde::Deserialize;

use super::exported;
use crate::error::{ApiError, ErrorBody};
use crate::export::Format;
use crate::routes::Ctx;
use crate::services::reports::{self, FinancingReport, GroupBy};

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
    ctx: Ctx,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, ApiError> {
    let group_by = GroupBy::parse(query.group_by.as_deref())?;
    let format = Format::parse(query.format.as_deref())?;
    exported(
        ctx,
        format,
        move |conn, c| reports::financing(conn, c.org(), group_by, c.now),
        |report| (reports::to_table(report), reports::file_stem(report)),
    )
    .await
}
