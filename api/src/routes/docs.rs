//! The OpenAPI document and Swagger UI, served from the binary (no CDN, works offline).

use actix_web::http::header::ContentType;
use actix_web::{HttpResponse, get};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Zhirong (智融) API",
        description = "IP-pledge financing risk platform: enterprise, bank and government views over one engine."
    ),
    paths(
        super::health::healthz,
        super::health::readyz,
        super::auth::login,
        super::auth::refresh,
        super::auth::logout,
        super::auth::me,
        super::organisation::enterprise,
        super::enterprise::profile::get_profile,
        super::enterprise::profile::put_profile,
        super::enterprise::patents::list,
        super::enterprise::patents::create,
        super::enterprise::patents::template,
        super::enterprise::patents::import,
        super::enterprise::patents::get_one,
        super::enterprise::patents::update,
        super::enterprise::patents::remove,
        super::enterprise::valuations::create,
        super::enterprise::applications::create,
        super::enterprise::applications::list,
        super::enterprise::applications::get_one,
        super::enterprise::applications::readiness,
        super::enterprise::applications::submit,
        super::enterprise::applications::withdraw,
        super::enterprise::financials::list,
        super::enterprise::financials::put_year,
        super::enterprise::financials::import,
        super::enterprise::loans::list,
        super::enterprise::alerts::list,
        super::enterprise::alerts::read_all,
        super::enterprise::alerts::read,
        super::organisation::bank,
        super::bank::queue,
        super::bank::application,
        super::bank::evaluation_report,
        super::bank::propose_decision,
        super::bank::register,
        super::bank::propose_disbursement,
        super::bank::loans,
        super::bank::repay,
        super::bank::open_disposal,
        super::bank::file_claim,
        super::bank::run_servicing,
        super::bank::run_monitoring,
        super::bank::alerts,
        super::bank::acknowledge_alert,
        super::bank::assign_alert,
        super::bank::resolve_alert,
        super::bank::list_disposals,
        super::bank::disposal,
        super::bank::add_offer,
        super::bank::accept_offer,
        super::bank::claims,
        super::bank::record_recovery,
        super::bank::list_scorecards,
        super::bank::upload_scorecard,
        super::bank::scorecard,
        super::bank::activate_scorecard,
        super::bank::list_loan_quality,
        super::bank::declare_loan_quality,
        super::organisation::gov,
        super::gov::list_pools,
        super::gov::pool,
        super::gov::pool_loans,
        super::gov::propose_rule,
        super::gov::start_simulation,
        super::gov::list_simulations,
        super::gov::simulation,
        super::gov::list_claims,
        super::gov::claim,
        super::gov::propose_claim_decision,
        super::gov::get_whitelist,
        super::gov::get_criteria,
        super::gov::put_criteria,
        super::gov::financing_report,
        super::proposals::bank::list,
        super::proposals::bank::get,
        super::proposals::bank::approve,
        super::proposals::bank::send_back,
        super::proposals::gov::list,
        super::proposals::gov::get,
        super::proposals::gov::approve,
        super::proposals::gov::send_back,
        super::admin::list_organisations,
        super::admin::create_organisation,
        super::admin::list_users,
        super::admin::create_user,
        super::admin::disable_user,
        super::admin::enable_user,
        super::admin::reset_password,
        super::admin::list_feeds,
        super::admin::add_feed,
        super::admin::feed_quarantine,
        super::admin::jobs,
        super::health::metrics,
    ),
    components(schemas(crate::error::ErrorBody, crate::error::ErrorDetail, crate::services::enterprise::upload::RowProblem, crate::services::enterprise::applications::FailedGround)),
    modifiers(&BearerAuth),
    tags(
        (name = "operations", description = "Probes and documentation"),
        (name = "auth", description = "Login, token refresh, logout"),
        (name = "enterprise", description = "企知宝: the enterprise view"),
        (name = "bank", description = "银知宝: the bank view"),
        (name = "gov", description = "政知宝: the government view"),
        (name = "admin", description = "The platform operator"),
    )
)]
pub struct ApiDoc;

/// Declares the bearer-token scheme the protected paths refer to.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

#[get("/api/openapi.json")]
pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}

const DOCS_HTML: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Zhirong API</title>
<link rel="stylesheet" href="/api/docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/api/docs/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script>
</body>
</html>
"#;

const DOCS_INIT: &str =
    "window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#swagger-ui' });\n";

#[get("/api/docs")]
pub async fn docs_page() -> HttpResponse {
    HttpResponse::Ok()
        .content_type(ContentType::html())
        .body(DOCS_HTML)
}

#[get("/api/docs/init.js")]
pub async fn docs_init() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .body(DOCS_INIT)
}

#[get("/api/docs/swagger-ui.css")]
pub async fn docs_css() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=86400"))
        .body(include_str!("../../static/swagger-ui/swagger-ui.css"))
}

#[get("/api/docs/swagger-ui-bundle.js")]
pub async fn docs_bundle() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=86400"))
        .body(include_str!("../../static/swagger-ui/swagger-ui-bundle.js"))
}
