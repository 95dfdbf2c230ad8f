//! Zhirong's scoring engine.
//!
//! Pure and deterministic: every entry point takes its inputs as Polars frames or plain structs, an
//! explicit `as_of` date and a parameter set; nothing here reads the clock or the environment, and
//! the only I/O is in [`io`] and [`uspto`]. The service calls it through `web::block`.

pub mod error;
pub mod io;
pub mod schema;
pub mod uspto;
pub mod valuation;

pub use error::{EngineError, Result};

pub mod scorecard;

/// Model version strings, stored with every result.
pub const VALUATION_MODEL: &str = "zr-val-1";

pub mod pool;
pub mod risk;
