//! `/api/enterprise`: the enterprise view (企知宝). Every handler acts for the caller's own
//! enterprise only.

pub mod alerts;
pub mod applications;
pub mod financials;
pub mod loans;
pub mod organisation;
pub mod patent_changes;
pub mod patents;
pub mod profile;
pub mod proposals;
pub mod valuations;

use utoipa_actix_web::service_config::ServiceConfig;

/// The enterprise's routes, registered once for the app and its OpenAPI document.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(organisation::get_organisation)
        .service(profile::get_profile)
        .service(profile::put_profile)
        // The template before `/patents/{id}`, which would take it for an id.
        .service(patents::template)
        .service(patents::list)
        .service(patents::create)
        .service(patents::import)
        .service(patents::get_one)
        .service(patents::update)
        .service(patents::remove)
        .service(patent_changes::request_change)
        .service(patent_changes::list_change_requests)
        .service(patent_changes::withdraw_change_request)
        .service(valuations::create)
        .service(applications::create)
        .service(applications::list)
        .service(applications::get_one)
        .service(applications::readiness)
        .service(applications::submit)
        .service(applications::withdraw)
        .service(financials::list)
        .service(financials::import)
        .service(financials::put_year)
        .service(loans::list)
        .service(alerts::list)
        .service(alerts::read_all)
        .service(alerts::read)
        .service(proposals::list_proposals)
        .service(proposals::proposal)
        .service(proposals::approve)
        .service(proposals::send_back);
}
