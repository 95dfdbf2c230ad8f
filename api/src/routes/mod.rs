//! HTTP handlers, one file per resource; each extracts, calls one service and maps the result.
//! The role scopes (`/api/enterprise`, `/api/bank`, `/api/gov`, `/api/admin`) arrive with their
//! issues.

pub mod docs;
pub mod health;
