//! `/api/gov`: the government view (政知宝). Every handler acts for the caller's own district;
//! another district's pool, loan, claim or simulation is "not found".

pub mod claims;
pub mod organisation;
pub mod pools;
pub mod proposals;
pub mod reports;
pub mod simulations;
pub mod whitelist;

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
        .service(whitelist::get_whitelist)
        .service(whitelist::get_criteria)
        .service(whitelist::put_criteria)
        .service(reports::financing_report)
        .service(proposals::list_proposals)
        .service(proposals::proposal)
        .service(proposals::approve)
        .service(proposals::send_back);
}
