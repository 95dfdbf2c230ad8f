//! Use cases between the handlers (or the CLI) and the database: each validates, enforces who may
//! do what, writes in one transaction and appends to the audit log.

pub mod admin;
pub mod auth;
pub mod bank;
pub mod enterprise;
pub mod gov;
pub mod proposals;
pub mod users;
