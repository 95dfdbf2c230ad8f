//! Domain types that parse their input, so an invalid value cannot exist past the entry point.

pub mod industry;
pub mod instant;
pub mod money;
pub mod patent;
pub mod patent_number;
pub mod schedule;
pub mod status;
pub mod text;
pub mod uscc;

pub use money::Fen;
pub use patent::PatentFields;
pub use patent_number::PatentNumber;
pub use uscc::Uscc;
