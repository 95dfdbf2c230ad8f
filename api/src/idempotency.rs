//! `Idempotency-Key` on state-changing POSTs of the role scopes: the first response (status and
//! body) is stored under (user, key) and replayed for retries with the same key and the same
//! request, so a retried disbursement or approval happens once. The same key with a different
//! request is refused; a retry while the first is still running gets 409.

use actix_web::body::{self, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, HttpResponse, web};
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::auth::Principal;
use crate::db::schema::idempotency_keys;
use crate::error::ApiError;
use crate::services::patents::upload::MAX_UPLOAD_BYTES;
use crate::state::{AppState, MAX_JSON_BYTES, db_call};

/// The largest body any route takes: a file upload and its multipart envelope. Each handler
/// still applies its own, smaller limit (JSON 256 KiB, uploads 2 MiB).
const MAX_BODY_BYTES: usize = MAX_UPLOAD_BYTES + 64 * 1024;

pub const HEADER: &str = "idempotency-key";

enum Reserved {
    New,
    Replay(u16, String),
}

pub async fn idempotent(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let key = req
        .headers()
        .get(HEADER)
        .map(|v| v.to_str().map(str::to_string));
    let (Method::POST, Some(key)) = (req.method().clone(), key) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let key = match key {
        Ok(k) if !k.is_empty() && k.len() <= 128 && k.bytes().all(|b| b.is_ascii_graphic()) => k,
        _ => {
            return Err(ApiError::bad_request(
                "INVALID_IDEMPOTENCY_KEY",
                "Idempotency-Key: 1 to 128 visible ASCII characters",
                None,
            )
            .into());
        }
    };
    let Some(principal) = req.extensions().get::<Principal>().cloned() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::Internal("no app state".into()))?;

    // Read the body to digest it, then put it back for the handler.
    let bytes = read_body(&mut req).await?;
    let mut h = Sha256::new();
    h.update(req.method().as_str());
    h.update(b" ");
    h.update(req.path());
    h.update(b"\n");
    h.update(&bytes);
    let digest = hex::encode(h.finalize());
    req.set_payload(actix_web::dev::Payload::from(bytes));

    let now = state.clock.now();
    let (user, k, d) = (principal.user_id, key.clone(), digest.clone());
    let reserved = db_call(&state, move |conn| {
        let inserted = diesel::insert_into(idempotency_keys::table)
            .values((
                idempotency_keys::user_id.eq(user),
                idempotency_keys::idem_key.eq(&k),
                idempotency_keys::request_digest.eq(&d),
                idempotency_keys::created_at.eq(now),
            ))
            .execute(conn);
        match inserted {
            Ok(_) => Ok(Reserved::New),
            Err(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            )) => {
                let (stored_digest, status, body): (String, Option<i32>, Option<String>) =
                    idempotency_keys::table
                        .find((user, &k))
                        .select((
                            idempotency_keys::request_digest,
                            idempotency_keys::status_code,
                            idempotency_keys::response_body,
                        ))
                        .first(conn)?;
                if stored_digest != d {
                    return Err(ApiError::Unprocessable {
                        code: "IDEMPOTENCY_KEY_REUSED",
                        message: "this Idempotency-Key was used for a different request".into(),
                    });
                }
                match (status, body) {
                    (Some(s), Some(b)) => Ok(Reserved::Replay(s as u16, b)),
                    _ => Err(ApiError::conflict(
                        "IDEMPOTENCY_IN_PROGRESS",
                        "the first request with this Idempotency-Key is still running",
                    )),
                }
            }
            Err(e) => Err(e.into()),
        }
    })
    .await?;

    if let Reserved::Replay(status, stored) = reserved {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
        let res = HttpResponse::build(status)
            .content_type("application/json")
            .insert_header(("Idempotency-Replayed", "true"))
            .body(stored);
        return Ok(req.into_response(res));
    }

    let res = next.call(req).await?;
    let status = res.status();
    let (http_req, res) = res.into_parts();
    let (res, res_body) = res.into_parts();
    let bytes = body::to_bytes(res_body)
        .await
        .map_err(|_| ApiError::Internal("response body".into()))?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let (user, k) = (principal.user_id, key);
    // Our own failures are not remembered: the retry deserves a real second try.
    let keep = !status.is_server_error();
    db_call(&state, move |conn| {
        if keep {
            diesel::update(idempotency_keys::table.find((user, &k)))
                .set((
                    idempotency_keys::status_code.eq(i32::from(status.as_u16())),
                    idempotency_keys::response_body.eq(&text),
                ))
                .execute(conn)?;
        } else {
            diesel::delete(idempotency_keys::table.find((user, &k))).execute(conn)?;
        }
        Ok(())
    })
    .await?;
    Ok(ServiceResponse::new(
        http_req,
        res.set_body(bytes).map_into_boxed_body(),
    ))
}

/// Reads the whole request body (up to [`MAX_BODY_BYTES`]) so it can be digested and then
/// handed on to the handler unchanged.
async fn read_body(req: &mut ServiceRequest) -> Result<web::Bytes, Error> {
    use futures_util::StreamExt;
    let limit = MAX_BODY_BYTES.max(MAX_JSON_BYTES);
    let mut payload = req.take_payload();
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::Detailed {
                status: StatusCode::PAYLOAD_TOO_LARGE,
                code: "BODY_TOO_LARGE",
                message: format!("the request body is over {limit} bytes"),
                field: None,
                details: serde_json::json!({"max_bytes": limit}),
            }
            .into());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}
