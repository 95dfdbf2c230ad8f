//! `/api/bank`: the bank view (银知宝). Every handler acts for the caller's own bank; another
//! bank's application, loan, alert, disposal, claim or scorecard is "not found".

pub mod alerts;
pub mod applications;
pub mod claims;
pub mod disposals;
pub mod loan_quality;
pub mod loans;
pub mod organisation;
pub mod patent_changes;
pub mod pledges;
pub mod proposals;
pub mod scorecards;

/// The bank's routes, registered once for the app and its OpenAPI document.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(organisation::get_organisation)
        .service(applications::queue)
        .service(applications::application)
        .service(applications::evaluation_report)
        .service(applications::propose_decision)
        .service(pledges::register)
        .service(pledges::propose_disbursement)
        .service(loans::loans)
        .service(loans::repay)
        .service(loans::propose_pledge_release)
        .service(disposals::open_disposal)
        .service(claims::file_claim)
        .service(loans::run_servicing)
        .service(alerts::run_monitoring)
        .service(alerts::alerts)
        .service(alerts::acknowledge_alert)
        .service(alerts::assign_alert)
        .service(alerts::resolve_alert)
        .service(disposals::list_disposals)
        .service(disposals::disposal)
        .service(disposals::add_offer)
        .service(disposals::accept_offer)
        .service(claims::claims)
        .service(claims::record_recovery)
        .service(scorecards::list_scorecards)
        .service(scorecards::upload_scorecard)
        .service(scorecards::scorecard)
        .service(scorecards::activate_scorecard)
        .service(loan_quality::list_loan_quality)
        .service(loan_quality::declare_loan_quality)
        .service(patent_changes::list_change_requests)
        .service(patent_changes::change_request)
        .service(patent_changes::propose_change_decision)
        .service(proposals::list_proposals)
        .service(proposals::proposal)
        .service(proposals::approve)
        .service(proposals::send_back);
}
