//! `/api/gov`: the government view (政知宝). Every handler acts for the caller's own district;
//! another district's pool, loan, claim or simulation is "not found".

pub mod claims;
pub mod disputes;
pub mod organisation;
pub mod pools;
pub mod proposals;
pub mod reports;
pub mod simulations;
pub mod whitelist;

use actix_web::HttpResponse;
use serde::Serialize;

use crate::db::DbConnection;
use crate::error::ApiError;
use crate::export::{self, Format, Table};
use crate::routes::{Call, Ctx};

/// The district office's routes, registered once for the app and its OpenAPI document.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(organisation::get_organisation)
        .service(pools::list_pools)
        .service(pools::pool)
        .service(pools::pool_loans)
        .service(pools::propose_rule)
        .service(simulations::start_simulation)
        .service(simulations::list_simulations)
        .service(simulations::simulation)
        .service(claims::list_claims)
        .service(claims::claim)
        .service(claims::propose_claim_decision)
        .service(disputes::list_disputes)
        .service(disputes::dispute)
        .service(disputes::decide)
        .service(whitelist::get_whitelist)
        .service(whitelist::get_criteria)
        .service(whitelist::put_criteria)
        .service(reports::financing_report)
        .service(proposals::list_proposals)
        .service(proposals::proposal)
        .service(proposals::approve)
        .service(proposals::send_back);
}

/// A report offered as JSON, CSV or .xlsx (the financing report, the whitelist): `report` makes
/// it; `download` gives its table and the file name's stem for CSV and .xlsx.
async fn exported<T, F>(
    ctx: Ctx,
    format: Format,
    report: F,
    download: fn(&T) -> (Table, String),
) -> Result<HttpResponse, ApiError>
where
    T: Serialize + Send + 'static,
    F: FnOnce(&mut DbConnection, &Call) -> Result<T, ApiError> + Send + 'static,
{
    let report = ctx.run(report).await?;
    match format {
        Format::Json => Ok(HttpResponse::Ok().json(report)),
        f => {
            let (table, stem) = download(&report);
            export::download(&table, f, &stem)
        }
    }
}
