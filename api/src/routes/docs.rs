//! The OpenAPI document and Swagger UI, served from the binary (no CDN, works offline).

use actix_web::http::header::ContentType;
use actix_web::{HttpResponse, get};
use utoipa::OpenApi;

/// What the document says besides its paths, which come from the routes' one registration
/// ([`super::api`]).
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Zhirong (智融) API",
        description = "IP-pledge financing risk platform: enterprise, bank and government views over one engine."
    ),
    components(schemas(crate::error::ErrorBody, crate::error::ErrorDetail, crate::services::patents::upload::RowProblem, crate::services::applications::FailedGround)),
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

/// The answers every operation can give besides its own, declared once here so the document
/// lists them on every route: 400 from the extractors (a path, query or body that does not
/// parse), 401 and 403 from the role guard, 413 from the body limit, 500, and 503 when the
/// database is unreachable, read-only or full. Each operation under a role's scope also names
/// the roles the guard lets through (`x-roles`, from the guard's own lists), so a contract test
/// can tell a success given to any other role for a leak.
struct CommonAnswers;

impl utoipa::Modify for CommonAnswers {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::extensions::ExtensionsBuilder;
        for (path, item) in openapi.paths.paths.iter_mut() {
            let roles = crate::auth::guard::roles_of_path(path)
                .map(|roles| roles.iter().map(|r| r.as_str()).collect::<Vec<_>>());
            for op in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
                let has_input = op.request_body.is_some()
                    || op.parameters.as_ref().is_some_and(|p| !p.is_empty());
                let names_an_object = op.parameters.as_ref().is_some_and(|ps| {
                    ps.iter()
                        .any(|p| matches!(p.parameter_in, utoipa::openapi::path::ParameterIn::Path))
                });
                let mut answers = vec![
                    (
                        "500",
                        "an internal error; the request id identifies it in the log",
                    ),
                    (
                        "503",
                        "the database is unreachable, busy, read-only or full; nothing was saved",
                    ),
                ];
                if secured {
                    answers.push(("401", "no access token, or one that does not hold"));
                    answers.push(("403", "the role or organisation may not do this"));
                }
                if has_input {
                    answers.push((
                        "400",
                        "a path, query or body that does not parse; `field` names it",
                    ));
                }
                if names_an_object {
                    answers.push((
                        "404",
                        "no such object in the caller's organisation, or a path value that cannot name one",
                    ));
                }
                if op.request_body.is_some() {
                    answers.push(("413", "the body is larger than the limit"));
                }
                for (status, description) in answers {
                    op.responses
                        .responses
                        .entry(status.to_string())
                        .or_insert_with(|| error_answer(description));
                }
                if let Some(roles) = &roles {
                    let ext = ExtensionsBuilder::new()
                        .add("x-roles", roles.clone())
                        .build();
                    match &mut op.extensions {
                        Some(e) => e.merge(ext),
                        None => op.extensions = Some(ext),
                    }
                }
            }
        }
    }
}

fn error_answer(description: &str) -> utoipa::openapi::RefOr<utoipa::openapi::response::Response> {
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build(),
        )
        .build()
        .into()
}

/// 405 with `Allow` for a request whose path is a documented route without its method; with
/// `literal_only`, only for literal routes (`/patents/import`, which a templated route of
/// another method, `PUT /patents/{id}`, would otherwise take for an id).
pub fn wrong_method(path: &str, literal_only: bool) -> Option<HttpResponse> {
    let allowed = methods_of(path, literal_only)?;
    let mut res = crate::error::error_response(
        actix_web::http::StatusCode::METHOD_NOT_ALLOWED,
        "METHOD_NOT_ALLOWED",
        &format!("{path} takes {}", allowed.join(", ")),
        None,
    );
    if let Ok(v) = actix_web::http::header::HeaderValue::from_str(&allowed.join(", ")) {
        res.headers_mut().insert(actix_web::http::header::ALLOW, v);
    }
    Some(res)
}

/// The methods the document gives `path` (a request path, matched against the templates, a
/// `{name}` standing for any one segment), or None when no documented route has that path.
fn methods_of(path: &str, literal_only: bool) -> Option<&'static [&'static str]> {
    static ROUTES: std::sync::OnceLock<Vec<(String, Vec<&'static str>)>> =
        std::sync::OnceLock::new();
    let routes = ROUTES.get_or_init(|| {
        document()
            .paths
            .paths
            .iter()
            .map(|(template, item)| {
                let methods = [
                    ("GET", item.get.is_some()),
                    ("PUT", item.put.is_some()),
                    ("POST", item.post.is_some()),
                    ("DELETE", item.delete.is_some()),
                    ("PATCH", item.patch.is_some()),
                ]
                .into_iter()
                .filter_map(|(m, has)| has.then_some(m))
                .collect();
                (template.clone(), methods)
            })
            .collect()
    });
    let matches = |template: &str| {
        let (mut t, mut p) = (template.split('/'), path.split('/'));
        loop {
            match (t.next(), p.next()) {
                (None, None) => return true,
                (Some(ts), Some(ps)) if ts.starts_with('{') && !ps.is_empty() => {}
                (Some(ts), Some(ps)) if ts == ps => {}
                _ => return false,
            }
        }
    };
    // A literal route (`/patents/template.csv`) before a template that also matches (`/patents/{id}`).
    routes
        .iter()
        .find(|(template, _)| template == path)
        .or_else(|| {
            if literal_only {
                return None;
            }
            routes.iter().find(|(template, _)| matches(template))
        })
        .map(|(_, methods)| methods.as_slice())
}

/// The document, built once (with its modifiers) for the route table and for every download.
pub fn document() -> &'static utoipa::openapi::OpenApi {
    static DOCUMENT: std::sync::OnceLock<utoipa::openapi::OpenApi> = std::sync::OnceLock::new();
    DOCUMENT.get_or_init(|| {
        use utoipa::Modify;
        use utoipa_actix_web::AppExt;
        let (_, mut doc) = actix_web::App::new()
            .into_utoipa_app()
            .openapi(ApiDoc::openapi())
            .configure(super::api)
            .split_for_parts();
        BearerAuth.modify(&mut doc);
        CommonAnswers.modify(&mut doc);
        doc
    })
}

#[get("/api/openapi.json")]
pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().json(document())
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
