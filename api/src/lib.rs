//! Zhirong's service: the HTTP API, the database, the demo data and the command line.
//! `main.rs` only parses the command line and calls [`cli::run`].

pub mod auth;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod export;
pub mod feeds;
pub mod idempotency;
pub mod routes;
pub mod scheduler;
pub mod services;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod workflow;
