//! Use cases between the handlers (or the CLI) and the database, one folder per business object
//! (not per audience: the audiences are route prefixes and guards in `routes/`). Each use case
//! validates, enforces who may do what, writes in one transaction and appends to the audit log.

pub mod alerts;
pub mod applications;
pub mod auth;
pub mod claims;
pub mod disposals;
pub mod financials;
pub mod loans;
pub mod monitoring;
pub mod organisations;
pub mod patents;
pub mod pledges;
pub mod pools;
pub mod proposals;
pub mod reports;
pub mod risk;
pub mod scorecards;
pub mod users;
pub mod valuations;
pub mod whitelist;
