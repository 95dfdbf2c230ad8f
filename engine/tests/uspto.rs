//! The USPTO grant reader against real grants of every schema version (4.0–4.3). The expected
//! values were read by hand from the XML of each document.

// A failed unwrap in a test is a failed test: the workspace ban on unwrap is for library code.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};

use common::d;
use zhirong_engine::EngineError;
use zhirong_engine::uspto::{
    ALWAYS_FLAGS, GrantRecord, grants_to_frame, parse_grants, read_grants,
};
use zhirong_engine::valuation::input::patents_from_frame;
use zhirong_engine::valuation::{InvalidRows, PatentType, ValuationParams, validate, value_batch};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// (id, kind, type, filing, grant, ipc, claims, citations, inventors)
type Row = (
    &'static str,
    &'static str,
    PatentType,
    (i32, u32, u32),
    (i32, u32, u32),
    Option<&'static str>,
    i64,
    i64,
    i64,
);

const INV: PatentType = PatentType::Invention;
const DES: PatentType = PatentType::Design;

fn expected(file: &str) -> Vec<Row> {
    match file {
        // v4.0: IPC edition 7 as <classification-ipc><main-classification>, e.g. "C07C24900";
        // inventors are <applicant app-type="applicant-inventor">; <citation> in <references-cited>.
        "us-grants-v40.xml" => vec![
            (
                "US06838578",
                "B2",
                INV,
                (2002, 7, 3),
                (2005, 1, 4),
                Some("C07C 249/00"),
                10,
                7,
                3,
            ),
            (
                "US06837536",
                "B1",
                INV,
                (2003, 6, 20),
                (2005, 1, 4),
                Some("B62D 35/02"),
                15,
                12,
                1,
            ),
        ],
        "us-grants-v41.xml" => vec![
            (
                "US06981920",
                "B1",
                INV,
                (2004, 7, 12),
                (2006, 1, 3),
                Some("A63J 21/00"),
                9,
                6,
                1,
            ),
            // designs carry a Locarno class only
            (
                "USD0513434",
                "S1",
                DES,
                (2004, 5, 3),
                (2006, 1, 3),
                None,
                1,
                3,
                1,
            ),
        ],
        "us-grants-v42.xml" => vec![
            (
                "US07156135",
                "B1",
                INV,
                (2006, 2, 1),
                (2007, 1, 2),
                Some("B65B 1/04"),
                5,
                4,
                1,
            ),
            (
                "USD0534463",
                "S1",
                DES,
                (2005, 12, 8),
                (2007, 1, 2),
                None,
                1,
                5,
                1,
            ),
            // a plant patent, valued as an invention (20 years from filing)
            (
                "USPP018398",
                "P2",
                INV,
                (2006, 5, 25),
                (2008, 1, 1),
                Some("A01H 5/00"),
                1,
                0,
                1,
            ),
            (
                "US07473832",
                "B2",
                INV,
                (2006, 10, 5),
                (2009, 1, 6),
                Some("G10D 9/02"),
                7,
                3,
                1,
            ),
            (
                "US07641529",
                "B2",
                INV,
                (2007, 5, 7),
                (2010, 1, 5),
                Some("B63C 9/08"),
                20,
                11,
                3,
            ),
            (
                "US08087209",
                "B2",
                INV,
                (2010, 1, 25),
                (2012, 1, 3),
                Some("E04C 2/38"),
                4,
                16,
                1,
            ),
            (
                "USD0656419",
                "S1",
                DES,
                (2011, 1, 19),
                (2012, 3, 27),
                None,
                1,
                2,
                1,
            ),
        ],
        // v4.3: <us-citation> in <us-references-cited>, <inventors><inventor>.
        "us-grants-v43.xml" => vec![
            (
                "US08420588",
                "B2",
                INV,
                (2010, 9, 1),
                (2013, 4, 16),
                Some("C11D 3/20"),
                12,
                6,
                4,
            ),
            (
                "USD0680199",
                "S1",
                DES,
                (2012, 3, 15),
                (2013, 4, 16),
                None,
                1,
                5,
                1,
            ),
        ],
        _ => vec![],
    }
}

fn assert_grant(g: &GrantRecord, e: &Row) {
    let (id, kind, ptype, filing, grant, ipc, claims, cites, inventors) = *e;
    assert_eq!(g.patent_id, id);
    assert_eq!(g.kind, kind, "{id}");
    assert_eq!(g.patent_type, ptype, "{id}");
    assert_eq!(g.filing_date, d(filing.0, filing.1, filing.2), "{id}");
    assert_eq!(g.grant_date, d(grant.0, grant.1, grant.2), "{id}");
    assert_eq!(g.ipc_main.as_deref(), ipc, "{id}");
    assert_eq!(g.claims, claims, "{id} claims");
    assert_eq!(g.number_of_claims, Some(claims), "{id} <number-of-claims>");
    assert_eq!(g.backward_citations, cites, "{id} citations");
    assert_eq!(g.inventors, inventors, "{id} inventors");
    assert_eq!(&g.source_flags[..ALWAYS_FLAGS.len()], &ALWAYS_FLAGS[..]);
}

#[test]
fn thirteen_real_grants_of_four_schema_versions_read_as_checked_by_hand() {
    let mut total = 0;
    for file in [
        "us-grants-v40.xml",
        "us-grants-v41.xml",
        "us-grants-v42.xml",
        "us-grants-v43.xml",
    ] {
        let batch = read_grants(&fixture(file), false).unwrap();
        let want = expected(file);
        assert_eq!(batch.grants.len(), want.len(), "{file}");
        for (g, e) in batch.grants.iter().zip(&want) {
            assert_grant(g, e);
        }
        total += want.len();
    }
    assert_eq!(total, 13);
}

#[test]
fn sequence_listings_are_skipped_not_errors() {
    let batch = read_grants(&fixture("us-grants-v43.xml"), false).unwrap();
    assert_eq!(batch.skipped.len(), 1);
    assert_eq!(batch.skipped[0].index, 3);
    assert!(!batch.skipped[0].invalid);
    assert_eq!(
        batch.skipped[0].reason,
        "not a patent grant (<sequence-cwu>)"
    );
}

#[test]
fn a_plant_patent_is_flagged() {
    let batch = read_grants(&fixture("us-grants-v42.xml"), false).unwrap();
    let plant = batch
        .grants
        .iter()
        .find(|g| g.patent_id == "USPP018398")
        .unwrap();
    assert_eq!(plant.appl_type, "plant");
    assert!(plant.source_flags.contains(&"us_plant_patent"));
}

#[test]
fn grants_become_valid_valuation_input() {
    let batch = read_grants(&fixture("us-grants-v42.xml"), false).unwrap();
    let frame = grants_to_frame(&batch.grants).unwrap();
    assert_eq!(frame.height(), 7);
    let flags = frame
        .column("source_flags")
        .unwrap()
        .str()
        .unwrap()
        .get(0)
        .unwrap()
        .to_owned();
    assert_eq!(
        flags,
        "legal_status_assumed,forward_citations_unknown,family_size_unknown,transfers_unknown,\
         licenses_unknown,litigations_unknown,invalidation_requests_unknown"
    );
    let as_of = d(2013, 1, 1);
    let checked = validate(&frame, as_of, "us-grants-v42.xml", InvalidRows::Reject).unwrap();
    let patents = patents_from_frame(&checked.frame).unwrap();
    assert_eq!(patents[0].patent_id, "US07156135");
    assert_eq!(patents[0].family_size, 1);
    let out = value_batch(
        &frame,
        as_of,
        &ValuationParams::default(),
        InvalidRows::Reject,
        "x",
    )
    .unwrap();
    // No revenue in a grant: valued at zero, flagged.
    let flags = out
        .results
        .column("flags")
        .unwrap()
        .str()
        .unwrap()
        .get(0)
        .unwrap()
        .to_owned();
    assert_eq!(flags, "no_revenue,fee_unknown");
}

fn corrupted() -> Vec<u8> {
    let text = std::fs::read_to_string(fixture("us-grants-v40.xml")).unwrap();
    // Break the second document: a closing tag that does not match its opening tag.
    let second = text.rfind("</invention-title>").unwrap();
    let mut broken = text.clone();
    broken.replace_range(
        second..second + "</invention-title>".len(),
        "</invention-titel>",
    );
    broken.into_bytes()
}

#[test]
fn a_malformed_document_is_an_error_naming_file_document_and_number() {
    let path = Path::new("weekly/ipg050104.xml");
    let err = parse_grants(&corrupted(), path, false).unwrap_err();
    let EngineError::PatentXml {
        index,
        doc_number,
        message,
        ..
    } = &err
    else {
        panic!("{err}")
    };
    assert_eq!(*index, 2);
    assert_eq!(doc_number, "US06837536");
    assert!(message.starts_with("malformed XML at byte"), "{message}");
    assert!(
        err.to_string()
            .starts_with("weekly/ipg050104.xml: document 2 (US06837536): malformed XML"),
        "{err}"
    );
}

#[test]
fn skip_invalid_keeps_reading_after_a_malformed_document() {
    let batch = parse_grants(&corrupted(), Path::new("x.xml"), true).unwrap();
    assert_eq!(batch.grants.len(), 1);
    assert_eq!(batch.grants[0].patent_id, "US06838578");
    assert_eq!(batch.skipped.len(), 1);
    assert!(batch.skipped[0].invalid);
    assert_eq!(batch.skipped[0].doc_number.as_deref(), Some("US06837536"));
}

#[test]
fn a_truncated_document_is_reported() {
    let text = std::fs::read(fixture("us-grants-v40.xml")).unwrap();
    let cut = &text[..text.len() - 2000];
    let err = parse_grants(cut, Path::new("cut.xml"), false).unwrap_err();
    let message = err.to_string();
    assert!(
        message.starts_with("cut.xml: document 2 (US06837536): "),
        "{message}"
    );
}

#[test]
fn a_statutory_invention_registration_is_skipped() {
    let doc = br#"<?xml version="1.0" encoding="UTF-8"?>
<us-patent-grant><us-bibliographic-data-grant>
<publication-reference><document-id><country>US</country><doc-number>H0002140</doc-number><kind>H1</kind><date>20060103</date></document-id></publication-reference>
<application-reference appl-type="sir"><document-id><country>US</country><doc-number>10000000</doc-number><date>20040101</date></document-id></application-reference>
</us-bibliographic-data-grant></us-patent-grant>
"#;
    let batch = parse_grants(doc, Path::new("sir.xml"), false).unwrap();
    assert!(batch.grants.is_empty());
    assert_eq!(batch.skipped[0].doc_number.as_deref(), Some("USH0002140"));
    assert!(!batch.skipped[0].invalid);
}

#[test]
fn a_grant_without_an_application_date_is_an_error() {
    let doc = br#"<?xml version="1.0" encoding="UTF-8"?>
<us-patent-grant><us-bibliographic-data-grant>
<publication-reference><document-id><country>US</country><doc-number>07000001</doc-number><kind>B2</kind><date>20060103</date></document-id></publication-reference>
<application-reference appl-type="utility"><document-id><country>US</country><doc-number>10000000</doc-number><date>2004-01-01</date></document-id></application-reference>
</us-bibliographic-data-grant></us-patent-grant>
"#;
    let err = parse_grants(doc, Path::new("a.xml"), false).unwrap_err();
    assert_eq!(
        err.to_string(),
        "a.xml: document 1 (US07000001): application date missing or not YYYYMMDD: \"2004-01-01\""
    );
}

#[test]
fn a_weekly_file_converts_to_an_input_file_the_valuation_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("grants.csv");
    let batch =
        zhirong_engine::io::uspto_to_input(&fixture("us-grants-v43.xml"), &input, false).unwrap();
    assert_eq!(batch.grants.len(), 2);
    let text = std::fs::read_to_string(&input).unwrap();
    let first = text.lines().nth(1).unwrap();
    assert!(
        first.starts_with(
            "US08420588,invention,2010-09-01,2013-04-16,valid,C11D 3/20,12,0,6,1,4,0,0,0,0,,,,"
        ),
        "{first}"
    );
    let summary = zhirong_engine::io::value_file(
        &input,
        &dir.path().join("values.csv"),
        d(2024, 1, 1),
        &ValuationParams::default(),
        InvalidRows::Reject,
    )
    .unwrap();
    assert_eq!(summary.rows, 2);
    assert_eq!(summary.appraised_fen, 0);
}
