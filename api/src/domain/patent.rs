//! The patent record of the service, declared once: the fields an enterprise gives for a patent
//! (the valuation inputs of VALUATION.md with the number in `patent_number`, plus title and
//! co-ownership) as the database stores them (insert, update, read back), as the API shows and
//! documents them, and as the upload template lays them out; and their conversion into the
//! engine's input.
//!
//! A new indicator is a field here, its template column and example cell beside it, and a
//! migration pair; one the model uses is also a field of the engine's `PatentInput` (its one
//! declaration of the input, with its column in `engine/src/schema.rs`) and a line of the `From`
//! below.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;
use zhirong_engine::valuation::{LegalStatus, PatentInput, PatentType};

use super::PatentNumber;
use crate::db::schema::patents;

// Checked values: `services::patents::check_fields` makes them from text, the demo generator
// builds them. Writing them sets every column, `None` as NULL (clearing a grant date or a fee
// date is an edit too); the typed columns are stored in their spelling.
/// The fields of one patent: the valuation inputs of VALUATION.md with the number in
/// `patent_number`, plus title and co-ownership. In a request body, counts may also be numeric
/// strings, and an empty value is an unknown one.
#[derive(
    Debug,
    Clone,
    PartialEq,
    Insertable,
    AsChangeset,
    Queryable,
    Selectable,
    Serialize,
    utoipa::ToSchema,
)]
#[diesel(table_name = patents, treat_none_as_null = true)]
pub struct PatentFields {
    /// CN application number, e.g. ZL201310699744.2 (stored and shown as 201310699744.2); its
    /// type digit must match patent_type.
    #[diesel(serialize_as = String, deserialize_as = String)]
    #[schema(value_type = String)]
    pub patent_number: PatentNumber,
    /// invention, utility_model or design
    #[diesel(serialize_as = String, deserialize_as = String)]
    #[schema(value_type = String)]
    pub patent_type: PatentType,
    /// At most 300 characters; empty when not given.
    #[schema(required = false)]
    pub title: String,
    pub filing_date: NaiveDate,
    pub grant_date: Option<NaiveDate>,
    /// valid, under_invalidation, pending, lapsed, invalidated, expired
    #[diesel(serialize_as = String, deserialize_as = String)]
    #[schema(value_type = String)]
    pub legal_status: LegalStatus,
    pub ipc_main: Option<String>,
    pub claims: i32,
    pub forward_citations: i32,
    pub backward_citations: i32,
    /// At least 1: the home filing.
    pub family_size: i32,
    pub inventors: i32,
    pub transfers: i32,
    pub licenses: i32,
    pub litigations: i32,
    pub invalidation_requests: i32,
    pub fee_paid_until: Option<NaiveDate>,
    pub revenue_fen: Option<i64>,
    /// Strictly between 0 and 1.
    pub royalty_rate: Option<f64>,
    /// 0 when not given.
    #[schema(required = false)]
    pub co_owners: i32,
    /// false when not given.
    #[schema(required = false)]
    pub co_owner_consent: bool,
}

/// The columns of a patent in the upload template, in its order, and whether a row must fill
/// each: the fields of [`PatentFields`] (a test holds them together).
pub const COLUMNS: [(&str, bool); 21] = [
    ("patent_number", true),
    ("patent_type", true),
    ("title", false),
    ("filing_date", true),
    ("grant_date", false),
    ("legal_status", true),
    ("ipc_main", false),
    ("claims", true),
    ("forward_citations", true),
    ("backward_citations", true),
    ("family_size", true),
    ("inventors", true),
    ("transfers", true),
    ("licenses", true),
    ("litigations", true),
    ("invalidation_requests", true),
    ("fee_paid_until", false),
    ("revenue_fen", false),
    ("royalty_rate", false),
    ("co_owners", false),
    ("co_owner_consent", false),
];

/// The template's example row, cell by cell in the order of [`COLUMNS`].
pub const TEMPLATE_EXAMPLE: [&str; COLUMNS.len()] = [
    "ZL201310699744.2",
    "invention",
    "一种数据加密传输方法",
    "2013-12-18",
    "2016-08-24",
    "valid",
    "H04L 9/32",
    "12",
    "8",
    "15",
    "3",
    "4",
    "0",
    "1",
    "0",
    "0",
    "2027-12-18",
    "250000000",
    "",
    "0",
    "false",
];

/// The engine's input for a patent: its number is the engine's `patent_id`, the counts widen.
impl From<&PatentFields> for PatentInput {
    fn from(p: &PatentFields) -> Self {
        PatentInput {
            patent_id: p.patent_number.to_string(),
            patent_type: p.patent_type,
            filing_date: p.filing_date,
            grant_date: p.grant_date,
            legal_status: p.legal_status,
            ipc_main: p.ipc_main.clone(),
            claims: i64::from(p.claims),
            forward_citations: i64::from(p.forward_citations),
            backward_citations: i64::from(p.backward_citations),
            family_size: i64::from(p.family_size),
            inventors: i64::from(p.inventors),
            transfers: i64::from(p.transfers),
            licenses: i64::from(p.licenses),
            litigations: i64::from(p.litigations),
            invalidation_requests: i64::from(p.invalidation_requests),
            fee_paid_until: p.fee_paid_until,
            revenue_fen: p.revenue_fen,
            royalty_rate: p.royalty_rate,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::collections::BTreeSet;

    use super::*;

    fn example() -> PatentFields {
        PatentFields {
            patent_number: PatentNumber::new_style(2013, PatentType::Invention, 10_699_744),
            patent_type: PatentType::Invention,
            title: "一种数据加密传输方法".into(),
            filing_date: NaiveDate::from_ymd_opt(2013, 12, 18).unwrap(),
            grant_date: None,
            legal_status: LegalStatus::UnderInvalidation,
            ipc_main: None,
            claims: 12,
            forward_citations: 8,
            backward_citations: 15,
            family_size: 3,
            inventors: 4,
            transfers: 0,
            licenses: 1,
            litigations: 0,
            invalidation_requests: 1,
            fee_paid_until: None,
            revenue_fen: Some(250_000_000),
            royalty_rate: None,
            co_owners: 0,
            co_owner_consent: false,
        }
    }

    /// The template's columns are the struct's fields, and the required ones are those the
    /// OpenAPI document marks required.
    #[test]
    fn the_template_columns_are_the_declared_fields() {
        let shown = serde_json::to_value(example()).unwrap();
        let fields: BTreeSet<&str> = shown
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        let columns: BTreeSet<&str> = COLUMNS.iter().map(|(c, _)| *c).collect();
        assert_eq!(fields, columns);
        let utoipa::openapi::RefOr::T(utoipa::openapi::schema::Schema::Object(schema)) =
            <PatentFields as utoipa::PartialSchema>::schema()
        else {
            panic!("PatentFields is documented as an object");
        };
        let required: BTreeSet<&str> = COLUMNS.iter().filter(|c| c.1).map(|c| c.0).collect();
        assert_eq!(
            schema
                .required
                .iter()
                .map(String::as_str)
                .collect::<BTreeSet<_>>(),
            required
        );
    }

    /// The API shows the typed fields in their spellings, as it did when they were text.
    #[test]
    fn typed_fields_are_shown_in_their_spelling() {
        let shown = serde_json::to_value(example()).unwrap();
        assert_eq!(shown["patent_number"], "201310699744.2");
        assert_eq!(shown["patent_type"], "invention");
        assert_eq!(shown["legal_status"], "under_invalidation");
        assert_eq!(shown["filing_date"], "2013-12-18");
        assert_eq!(shown["grant_date"], serde_json::Value::Null);
    }

    #[test]
    fn the_engine_input_carries_every_indicator() {
        let input = PatentInput::from(&example());
        assert_eq!(input.patent_id, "201310699744.2");
        assert_eq!(input.legal_status, LegalStatus::UnderInvalidation);
        assert_eq!(
            (input.claims, input.family_size, input.licenses),
            (12, 3, 1)
        );
        assert_eq!(input.revenue_fen, Some(250_000_000));
    }
}
