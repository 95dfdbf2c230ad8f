//! `/api/admin`: organisations, users, data feeds and background jobs, for the platform operator.

pub mod feeds;
pub mod jobs;
pub mod organisations;
pub mod users;

/// The operator's routes, registered once for the app and its OpenAPI document.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(organisations::list_organisations)
        .service(organisations::create_organisation)
        .service(users::list_users)
        .service(users::create_user)
        .service(users::disable_user)
        .service(users::enable_user)
        .service(users::reset_password)
        .service(users::user_proposals)
        .service(feeds::list_feeds)
        .service(feeds::add_feed)
        .service(feeds::feed_quarantine)
        .service(jobs::jobs);
}
