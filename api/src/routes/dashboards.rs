//! The web front end (dashboards/), embedded at build time by `api/build.rs`: exact file paths
//! are served as they are (hashed assets with a year's cache), every other path outside `/api`
//! gets `index.html` so the app's own router handles it (history routing). Unknown `/api` paths
//! keep their JSON 404. A binary built without `dashboards/dist` says so at `/`.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::{HttpRequest, HttpResponse};

use crate::error::error_response;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/dashboards.rs"));
}

/// Hashed file names under `/assets/` never change their content.
const ASSET_CACHE: &str = "public, max-age=31536000, immutable";

fn file(path: &str) -> Option<(&'static [u8], &'static str)> {
    embedded::FILES
        .iter()
        .find(|(p, _, _)| *p == path)
        .map(|(_, bytes, content_type)| (*bytes, *content_type))
}

/// Everything no other route took.
pub async fn serve(req: HttpRequest) -> HttpResponse {
    let path = req.path();
    let is_api = path == "/api" || path.starts_with("/api/");
    // A documented route asked with a method it does not have: 405 naming the ones it has.
    if let Some(res) = super::docs::wrong_method(path, false) {
        return res;
    }
    if is_api || !(req.method() == Method::GET || req.method() == Method::HEAD) {
        return error_response(StatusCode::NOT_FOUND, "NOT_FOUND", "no such route", None);
    }
    if path != "/" {
        if let Some((bytes, content_type)) = file(path) {
            let cache = if path.starts_with("/assets/") {
                ASSET_CACHE
            } else {
                "no-cache"
            };
            return HttpResponse::Ok()
                .content_type(content_type)
                .insert_header((header::CACHE_CONTROL, HeaderValue::from_static(cache)))
                .body(bytes);
        }
        // A missing file (a name with an extension) is a 404, not the app.
        let last = path.rsplit('/').next().unwrap_or_default();
        if last.contains('.') {
            return error_response(StatusCode::NOT_FOUND, "NOT_FOUND", "no such file", None);
        }
    }
    match file("/index.html") {
        Some((bytes, content_type)) => HttpResponse::Ok()
            .content_type(content_type)
            .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-cache")))
            .body(bytes),
        None => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-cache")))
            .body(NOT_BUILT),
    }
}

const NOT_BUILT: &str = r#"<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>智融 Zhirong</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto">
<h1>智融 Zhirong</h1>
<p>知识产权质押融资风险平台 — IP-pledge financing risk platform.</p>
<p>仪表盘未构建。The dashboards were not built into this binary: run <code>npm ci &amp;&amp; npm run build</code>
in <code>dashboards/</code>, then build the binary again.</p>
<ul>
<li><a href="/api/docs">API documentation (Swagger UI)</a></li>
<li><a href="/readyz">Readiness</a></li>
</ul>
</body></html>
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::body::to_bytes;
    use actix_web::test::TestRequest;

    async fn get(path: &str) -> HttpResponse {
        serve(TestRequest::get().uri(path).to_http_request()).await
    }

    #[actix_web::test]
    async fn unknown_api_paths_keep_the_json_404() {
        let res = get("/api/no-such-route").await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        let body = to_bytes(res.into_body()).await.unwrap();
        assert!(String::from_utf8_lossy(&body).contains("\"NOT_FOUND\""));
    }

    #[actix_web::test]
    async fn history_routes_get_the_app_page_uncached() {
        for path in ["/", "/gov/claims", "/bank/applications/12"] {
            let res = get(path).await;
            assert_eq!(res.status(), StatusCode::OK, "{path}");
            assert_eq!(
                res.headers().get(header::CACHE_CONTROL).unwrap(),
                "no-cache"
            );
            let body = to_bytes(res.into_body()).await.unwrap();
            let html = String::from_utf8_lossy(&body);
            assert!(html.contains("<div id=\"app\">") || html.contains("were not built"));
        }
    }

    #[actix_web::test]
    async fn a_missing_file_is_a_404_not_the_app() {
        assert_eq!(
            get("/assets/missing.js").await.status(),
            StatusCode::NOT_FOUND
        );
        let post = serve(TestRequest::post().uri("/gov").to_http_request()).await;
        assert_eq!(post.status(), StatusCode::NOT_FOUND);
    }

    #[actix_web::test]
    async fn embedded_assets_are_cached_for_a_year() {
        if let Some((path, _, _)) = embedded::FILES
            .iter()
            .find(|(p, _, _)| p.starts_with("/assets/"))
        {
            let res = get(path).await;
            assert_eq!(res.status(), StatusCode::OK);
            assert_eq!(
                res.headers().get(header::CACHE_CONTROL).unwrap(),
                ASSET_CACHE
            );
        }
    }
}
