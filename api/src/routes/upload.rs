//! Files sent to the service: the multipart form an upload comes in, and how much of a file with
//! bad rows is written. Shared by every audience that uploads (patents, statements, scorecards).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, web};
use futures_util::StreamExt;
use serde::Deserialize;

use crate::error::ApiError;
use crate::services::patents::upload::{MAX_UPLOAD_BYTES, Upload};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// `all` (default): nothing is written unless every row is good. `valid_only`: the good rows
    /// are written and the bad ones reported.
    pub mode: Option<String>,
}

/// Whether an upload writes only its good rows.
pub fn valid_only(mode: Option<&str>) -> Result<bool, ApiError> {
    match mode {
        None | Some("all") => Ok(false),
        Some("valid_only") => Ok(true),
        Some(_) => Err(ApiError::bad_request(
            "INVALID_MODE",
            "mode is all or valid_only",
            Some("mode"),
        )),
    }
}

/// Reads the uploaded file (the multipart field `file`, or the first field with a file name).
pub async fn read_upload(req: &HttpRequest, payload: web::Payload) -> Result<Upload, ApiError> {
    let bad_form = |m: String| ApiError::bad_request("BAD_UPLOAD", m, Some("file"));
    let mut form = actix_multipart::Multipart::new(req.headers(), payload);
    while let Some(field) = form.next().await {
        let mut field = field.map_err(|e| bad_form(format!("not a multipart form: {e}")))?;
        let disposition = field.content_disposition().cloned();
        let is_file = disposition
            .as_ref()
            .is_some_and(|d| d.get_name() == Some("file") || d.get_filename().is_some());
        let filename = disposition
            .as_ref()
            .and_then(|d| d.get_filename())
            .unwrap_or("")
            .to_string();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|e| bad_form(format!("upload interrupted: {e}")))?;
            if bytes.len() + chunk.len() > MAX_UPLOAD_BYTES {
                return Err(ApiError::Detailed {
                    status: StatusCode::PAYLOAD_TOO_LARGE,
                    code: "UPLOAD_TOO_LARGE",
                    message: format!("the file is over {MAX_UPLOAD_BYTES} bytes; split it"),
                    field: Some("file".into()),
                    details: serde_json::json!({"max_bytes": MAX_UPLOAD_BYTES}),
                });
            }
            bytes.extend_from_slice(&chunk);
        }
        if is_file {
            return Ok(Upload { filename, bytes });
        }
    }
    Err(bad_form(
        "no file in the form: send it as the multipart field 'file'".into(),
    ))
}
