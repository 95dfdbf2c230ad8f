//! Every bad-input rule of VALUATION.md, asserted on the message a user gets from a CSV file.

// A failed unwrap in a test is a failed test: the workspace ban on unwrap is for library code.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};

use common::d;
use zhirong_engine::EngineError;
use zhirong_engine::io::{rejected_path_for, value_file};
use zhirong_engine::valuation::{InvalidRows, ValuationParams};

const HEADER: &str = "patent_id,patent_type,filing_date,grant_date,legal_status,ipc_main,claims,\
forward_citations,backward_citations,family_size,inventors,transfers,licenses,litigations,\
invalidation_requests,fee_paid_until,revenue_fen,royalty_rate";

fn row(id: &str) -> String {
    format!(
        "{id},invention,2020-03-15,2022-06-01,valid,H04L 9/32,10,5,10,2,3,1,0,1,0,2026-03-14,100000000,"
    )
}

/// A row with one field (by column position) replaced.
fn row_with(id: &str, column: usize, value: &str) -> String {
    let r = row(id);
    let mut fields: Vec<&str> = r.split(',').collect();
    fields[column] = value;
    fields.join(",")
}

struct Case {
    _dir: tempfile::TempDir,
    input: PathBuf,
    output: PathBuf,
}

fn csv(header: &str, rows: &[String]) -> Case {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("patents.csv");
    let mut text = format!("{header}\n");
    for r in rows {
        text.push_str(r);
        text.push('\n');
    }
    std::fs::write(&input, text).unwrap();
    let output = dir.path().join("values.csv");
    Case {
        _dir: dir,
        input,
        output,
    }
}

fn rejection(case: &Case) -> String {
    let err = value_file(
        &case.input,
        &case.output,
        d(2025, 3, 15),
        &ValuationParams::default(),
        InvalidRows::Reject,
    )
    .unwrap_err();
    assert!(matches!(err, EngineError::BadInput(_)), "{err}");
    assert!(err.is_bad_input());
    assert!(
        !case.output.exists(),
        "nothing is written for a rejected batch"
    );
    err.to_string()
}

fn one_problem(input: &Path, problem: &str) -> String {
    format!(
        "{}: invalid valuation input, 1 problem; the batch is rejected\n  {problem}",
        input.display()
    )
}

#[test]
fn a_missing_required_column_is_named() {
    let header = HEADER.replace(",claims,", ",");
    let r: String = {
        let full = row("CN1");
        let mut f: Vec<&str> = full.split(',').collect();
        f.remove(6);
        f.join(",")
    };
    let case = csv(&header, &[r]);
    assert_eq!(
        rejection(&case),
        one_problem(&case.input, "column claims: required column missing")
    );
}

#[test]
fn optional_columns_may_be_absent() {
    let header = "patent_id,patent_type,filing_date,legal_status,claims,forward_citations,\
backward_citations,family_size,inventors,transfers,licenses,litigations,invalidation_requests";
    let case = csv(
        header,
        &["CN1,invention,2020-03-15,valid,10,5,10,2,3,1,0,1,0".to_owned()],
    );
    let summary = value_file(
        &case.input,
        &case.output,
        d(2025, 3, 15),
        &ValuationParams::default(),
        InvalidRows::Reject,
    )
    .unwrap();
    assert_eq!(summary.rows, 1);
    assert_eq!(summary.appraised_fen, 0);
}

#[test]
fn an_unknown_patent_type_is_named() {
    let case = csv(HEADER, &[row("CN1"), row_with("CN2", 1, "patent")]);
    assert_eq!(
        rejection(&case),
        one_problem(
            &case.input,
            "row 2, column patent_type: unknown patent_type 'patent' (expected invention, \
             utility_model or design)"
        )
    );
}

#[test]
fn an_unknown_legal_status_is_named() {
    let case = csv(HEADER, &[row_with("CN1", 4, "alive")]);
    assert_eq!(
        rejection(&case),
        one_problem(
            &case.input,
            "row 1, column legal_status: unknown legal_status 'alive' (expected valid, \
             under_invalidation, pending, lapsed, invalidated or expired)"
        )
    );
}

#[test]
fn a_negative_count_is_named() {
    let case = csv(HEADER, &[row_with("CN1", 7, "-3")]);
    assert_eq!(
        rejection(&case),
        one_problem(
            &case.input,
            "row 1, column forward_citations: negative count -3"
        )
    );
}

#[test]
fn a_family_size_below_one_is_named() {
    let case = csv(HEADER, &[row_with("CN1", 9, "0")]);
    assert_eq!(
        rejection(&case),
        one_problem(
            &case.input,
            "row 1, column family_size: family_size must be at least 1 (the home filing), got 0"
        )
    );
}

#[test]
fn an_unparseable_date_is_named() {
    let case = csv(HEADER, &[row_with("CN1", 15, "2026/03/14")]);
    assert_eq!(
        rejection(&case),
        one_problem(
            &case.input,
            "row 1, column fee_paid_until: unparseable date '2026/03/14' (expected YYYY-MM-DD)"
        )
    );
    let case = csv(HEADER, &[row_with("CN1", 2, "2020-02-30")]);
    assert_eq!(
        rejection(&case),
        one_problem(
            &case.input,
            "row 1, column filing_date: unparseable date '2020-02-30' (expected YYYY-MM-DD)"
        )
    );
}

#[test]
fn a_filing_date_after_the_valuation_date_is_named() {
    let case = csv(HEADER, &[row_with("CN1", 2, "2025-03-16")]);
    assert_eq!(
        rejection(&case),
        one_problem(
            &case.input,
            "row 1, column filing_date: filing date 2025-03-16 is after the valuation date 2025-03-15"
        )
    );
}

#[test]
fn a_duplicate_patent_id_is_named_with_its_first_row() {
    let case = csv(HEADER, &[row("CN1"), row("CN2"), row("CN1")]);
    assert_eq!(
        rejection(&case),
        one_problem(
            &case.input,
            "row 3, column patent_id: duplicate patent_id 'CN1' (first in row 1)"
        )
    );
}

#[test]
fn a_royalty_rate_outside_zero_one_is_named() {
    for bad in ["0", "1", "1.5", "-0.1"] {
        let case = csv(HEADER, &[row_with("CN1", 17, bad)]);
        let shown = bad.parse::<f64>().unwrap();
        assert_eq!(
            rejection(&case),
            one_problem(
                &case.input,
                &format!(
                    "row 1, column royalty_rate: royalty_rate must be strictly between 0 and 1, got {shown}"
                )
            )
        );
    }
}

#[test]
fn a_missing_required_value_and_a_non_number_are_named() {
    let case = csv(HEADER, &[row_with("CN1", 6, ""), row_with("CN2", 8, "ten")]);
    let input = case.input.display().to_string();
    assert_eq!(
        rejection(&case),
        format!(
            "{input}: invalid valuation input, 2 problems; the batch is rejected\n  \
             row 1, column claims: missing value\n  \
             row 2, column backward_citations: not a whole number: 'ten'"
        )
    );
}

#[test]
fn only_the_first_ten_problems_are_listed_with_a_count_of_the_rest() {
    let rows: Vec<String> = (1..=13)
        .map(|k| row_with(&format!("CN{k}"), 10, "-1"))
        .collect();
    let case = csv(HEADER, &rows);
    let message = rejection(&case);
    let lines: Vec<&str> = message.lines().collect();
    assert_eq!(
        lines[0],
        format!(
            "{}: invalid valuation input, 13 problems; the batch is rejected",
            case.input.display()
        )
    );
    assert_eq!(lines[1], "  row 1, column inventors: negative count -1");
    assert_eq!(lines[10], "  row 10, column inventors: negative count -1");
    assert_eq!(lines[11], "  ... and 3 more");
    assert_eq!(lines.len(), 12);
}

#[test]
fn skip_invalid_values_the_good_rows_and_writes_the_rejected_ones() {
    let case = csv(
        HEADER,
        &[
            row("CN1"),
            row_with("CN2", 1, "patent"),
            row("CN3"),
            row("CN1"),
        ],
    );
    let summary = value_file(
        &case.input,
        &case.output,
        d(2025, 3, 15),
        &ValuationParams::default(),
        InvalidRows::Skip,
    )
    .unwrap();
    assert_eq!(summary.rows, 2);
    assert_eq!(summary.eligible, 2);
    assert_eq!(summary.appraised_fen, 2 * 12_547_226);
    assert_eq!(summary.collateral_fen, 2 * 3_136_807);
    assert_eq!(summary.rejected.len(), 2);
    assert_eq!(summary.rejected[0].row, 2);
    assert_eq!(summary.rejected[0].patent_id.as_deref(), Some("CN2"));
    assert_eq!(
        summary.rejected[1].reasons,
        vec!["patent_id: duplicate patent_id 'CN1' (first in row 1)".to_owned()]
    );
    let rejected_file = rejected_path_for(&case.output);
    assert_eq!(
        summary.rejected_output.as_deref(),
        Some(rejected_file.as_path())
    );
    let text = std::fs::read_to_string(&rejected_file).unwrap();
    assert_eq!(
        text,
        "row,patent_id,reasons\n\
         2,CN2,\"patent_type: unknown patent_type 'patent' (expected invention, utility_model or design)\"\n\
         4,CN1,patent_id: duplicate patent_id 'CN1' (first in row 1)\n"
    );
    let values = std::fs::read_to_string(&case.output).unwrap();
    let ids: Vec<&str> = values
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(ids, ["CN1", "CN3"]);
}

#[test]
fn a_missing_column_rejects_the_batch_even_when_skipping_invalid_rows() {
    let header = HEADER.replace(",legal_status,", ",");
    let full = row("CN1");
    let mut f: Vec<&str> = full.split(',').collect();
    f.remove(4);
    let case = csv(&header, &[f.join(",")]);
    let err = value_file(
        &case.input,
        &case.output,
        d(2025, 3, 15),
        &ValuationParams::default(),
        InvalidRows::Skip,
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        one_problem(&case.input, "column legal_status: required column missing")
    );
}

#[test]
fn errors_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.csv");
    let err = value_file(
        &missing,
        &dir.path().join("out.csv"),
        d(2025, 3, 15),
        &ValuationParams::default(),
        InvalidRows::Reject,
    )
    .unwrap_err();
    assert!(
        err.to_string().starts_with(&missing.display().to_string()),
        "{err}"
    );
    let err = value_file(
        &dir.path().join("in.xlsx"),
        &dir.path().join("out.csv"),
        d(2025, 3, 15),
        &ValuationParams::default(),
        InvalidRows::Reject,
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("in.xlsx: unsupported file type"),
        "{err}"
    );
}
