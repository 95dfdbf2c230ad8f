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
    paths(super::health::healthz, super::health::readyz),
    components(schemas(crate::error::ErrorBody, crate::error::ErrorDetail)),
    tags((name = "operations", description = "Probes and documentation"))
)]
pub struct ApiDoc;

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
