//! Column names of the engine's frames.
//!
//! This is the only file that spells them: the model, the readers and writers and the tests all
//! refer to these constants, so a renamed column is one edit and a typo is a compile error.

/// Valuation input (VALUATION.md, "Input: one row per patent").
pub mod input {
    pub const PATENT_ID: &str = "patent_id";
    pub const PATENT_TYPE: &str = "patent_type";
    pub const FILING_DATE: &str = "filing_date";
    pub const GRANT_DATE: &str = "grant_date";
    pub const LEGAL_STATUS: &str = "legal_status";
    pub const IPC_MAIN: &str = "ipc_main";
    pub const CLAIMS: &str = "claims";
    pub const FORWARD_CITATIONS: &str = "forward_citations";
    pub const BACKWARD_CITATIONS: &str = "backward_citations";
    pub const FAMILY_SIZE: &str = "family_size";
    pub const INVENTORS: &str = "inventors";
    pub const TRANSFERS: &str = "transfers";
    pub const LICENSES: &str = "licenses";
    pub const LITIGATIONS: &str = "litigations";
    pub const INVALIDATION_REQUESTS: &str = "invalidation_requests";
    pub const FEE_PAID_UNTIL: &str = "fee_paid_until";
    pub const REVENUE_FEN: &str = "revenue_fen";
    pub const ROYALTY_RATE: &str = "royalty_rate";

    /// Count columns, all required non-negative integers.
    pub const COUNTS: [&str; 9] = [
        CLAIMS,
        FORWARD_CITATIONS,
        BACKWARD_CITATIONS,
        FAMILY_SIZE,
        INVENTORS,
        TRANSFERS,
        LICENSES,
        LITIGATIONS,
        INVALIDATION_REQUESTS,
    ];

    /// Every input column in documented order.
    pub const ALL: [&str; 18] = [
        PATENT_ID,
        PATENT_TYPE,
        FILING_DATE,
        GRANT_DATE,
        LEGAL_STATUS,
        IPC_MAIN,
        CLAIMS,
        FORWARD_CITATIONS,
        BACKWARD_CITATIONS,
        FAMILY_SIZE,
        INVENTORS,
        TRANSFERS,
        LICENSES,
        LITIGATIONS,
        INVALIDATION_REQUESTS,
        FEE_PAID_UNTIL,
        REVENUE_FEN,
        ROYALTY_RATE,
    ];

    /// Columns that may be absent from a file altogether (then all values are missing).
    pub const OPTIONAL: [&str; 5] = [
        GRANT_DATE,
        IPC_MAIN,
        FEE_PAID_UNTIL,
        REVENUE_FEN,
        ROYALTY_RATE,
    ];

    /// Extra column written by the USPTO reader: what the source could not tell us.
    pub const SOURCE_FLAGS: &str = "source_flags";
}

/// Valuation output (VALUATION.md, "Output"), in the documented order.
pub mod output {
    pub const PATENT_ID: &str = "patent_id";
    pub const TERM_YEARS: &str = "term_years";
    pub const REMAINING_YEARS: &str = "remaining_years";
    pub const LVD: &str = "lvd";
    pub const TVD: &str = "tvd";
    pub const EVD: &str = "evd";
    pub const PVD: &str = "pvd";
    pub const ROYALTY_RATE: &str = "royalty_rate";
    pub const ECONOMIC_LIFE: &str = "economic_life";
    pub const DISCOUNT_RATE: &str = "discount_rate";
    pub const APPRAISED_FEN: &str = "appraised_fen";
    pub const LEGAL_FACTOR: &str = "legal_factor";
    pub const FEE_FACTOR: &str = "fee_factor";
    pub const PLEDGE_RATE: &str = "pledge_rate";
    pub const ELIGIBLE: &str = "eligible";
    pub const COLLATERAL_FEN: &str = "collateral_fen";
    pub const FLAGS: &str = "flags";
    pub const MODEL_VERSION: &str = "model_version";

    pub const ALL: [&str; 18] = [
        PATENT_ID,
        TERM_YEARS,
        REMAINING_YEARS,
        LVD,
        TVD,
        EVD,
        PVD,
        ROYALTY_RATE,
        ECONOMIC_LIFE,
        DISCOUNT_RATE,
        APPRAISED_FEN,
        LEGAL_FACTOR,
        FEE_FACTOR,
        PLEDGE_RATE,
        ELIGIBLE,
        COLLATERAL_FEN,
        FLAGS,
        MODEL_VERSION,
    ];
}

/// Rejected-rows file written in the lenient mode.
pub mod rejected {
    pub const ROW: &str = "row";
    pub const PATENT_ID: &str = "patent_id";
    pub const REASONS: &str = "reasons";
}
