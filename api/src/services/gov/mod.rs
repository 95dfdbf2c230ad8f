//! The government view (政知宝): a district office's risk-compensation pools, the claims banks
//! file on them, financing reports, pool risk and the enterprise whitelist. Every function takes
//! the caller's district and reads only what concerns it: another district's pool, loan or claim
//! is "not found".

pub mod claims;
pub mod pools;
pub mod reports;
pub mod simulations;
pub mod whitelist;
