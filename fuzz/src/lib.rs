//! Helpers shared by the fuzz targets: the pure part of the patent and financial-statement
//! uploads (bytes to rows, rows to checked fields or row problems) without the database, and a
//! small .xlsx builder so the sheet XML can be fuzzed behind a valid zip.

use std::io::Write as _;

use chrono::NaiveDate;
use zhirong_api::services::patents::upload::{self, RowProblem, Upload};
use zhirong_api::services::{financials, patents};
use zhirong_engine::schema;
use zhirong_engine::valuation::{PatentInput, input};

/// Replaces libfuzzer-sys's panic hook, which aborts on every panic, even one the code under
/// test catches (the .xlsx reader contains calamine's panics), by one that prints a line. A
/// panic that escapes the target still aborts: libfuzzer-sys runs each input under
/// `catch_unwind`.
pub fn line_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| std::panic::set_hook(Box::new(|info| eprintln!("panic: {info}"))));
}

/// The China calendar date the row checks compare against (fixed, so runs are reproducible).
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 21).unwrap_or_default()
}

/// What the upload's checks made of a file: the error, or the good rows and the problems.
#[derive(Debug)]
pub enum Outcome {
    /// Refused as a whole (not readable, bad header, no rows ...).
    Refused,
    Checked {
        good: usize,
        problems: Vec<RowProblem>,
    },
}

/// `upload::check_rows` as the importers call it, without the database: a refused file is
/// `Refused`; every problem of a checked one must name a row and a real column.
fn check_upload<T>(
    file: &Upload,
    columns: &[(&str, bool)],
    check: impl Fn(&dyn Fn(&str) -> Option<String>) -> Result<T, Vec<patents::FieldProblem>>,
) -> Outcome {
    let checked = upload::check_rows(file, columns, |_, get| {
        let outcome = check(get);
        if let Err(ps) = &outcome {
            assert!(!ps.is_empty(), "a refused row names at least one problem");
        }
        outcome
    });
    let Ok((good, problems)) = checked else {
        return Outcome::Refused;
    };
    for p in &problems {
        assert!(p.row >= 1, "a row problem names a data row");
        assert!(
            p.column == "*" || columns.iter().any(|(c, _)| *c == p.column),
            "problem names unknown column {}",
            p.column
        );
        assert!(!p.reason.is_empty());
    }
    Outcome::Checked {
        good: good.len(),
        problems,
    }
}

/// The patent upload's checks over one file.
pub fn check_patent_upload(file: &Upload) -> Outcome {
    let today = today();
    check_upload(file, &patents::COLUMNS, |get| {
        patents::check_fields(get, today).inspect(|f| {
            assert_eq!(f.patent_number.patent_type(), f.patent_type);
            assert!(f.grant_date.is_none_or(|g| g >= f.filing_date));
            // An accepted patent keeps the engine's value rules: the engine takes it as it is.
            let input = PatentInput::from(f);
            assert!(input::check_filing_date(input.filing_date, today).is_ok());
            for (column, count) in schema::input::COUNTS.into_iter().zip([
                input.claims,
                input.forward_citations,
                input.backward_citations,
                input.family_size,
                input.inventors,
                input.transfers,
                input.licenses,
                input.litigations,
                input.invalidation_requests,
            ]) {
                assert!(
                    input::check_count(column, count).is_ok(),
                    "{column} {count}"
                );
            }
            assert!(
                input
                    .royalty_rate
                    .is_none_or(|r| input::check_royalty_rate(r).is_ok())
            );
        })
    })
}

/// The financial statements upload's checks over one file.
pub fn check_financials_upload(file: &Upload) -> Outcome {
    let today = today();
    check_upload(file, &financials::COLUMNS, |get| {
        financials::check_fields(get, today).inspect(|s| {
            assert!((1990..=2026).contains(&s.fiscal_year));
            assert!(s.revenue_fen >= 0 && s.assets_fen >= 0 && s.liabilities_fen >= 0);
            assert!(s.headcount >= 0);
        })
    })
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"#;
const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
/// Cell styles 1 to 4: a built-in date, a custom date, a duration and a date-time format.
const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\-mm\-dd"/></numFmts><cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="164" applyNumberFormat="1"/><xf numFmtId="46" applyNumberFormat="1"/><xf numFmtId="22" applyNumberFormat="1"/></cellXfs></styleSheet>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="patents" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#;

/// The fuzz input of the .xlsx targets as a file: input starting with `PK` is the file itself
/// (the zip layer is fuzzed); otherwise it is `sheet1.xml`, a NUL byte and `sharedStrings.xml`,
/// wrapped in a workbook whose other parts are fixed (the XML is fuzzed behind valid CRCs;
/// cell styles `s="1"` to `s="4"` are date, date, duration and date-time formats).
pub fn xlsx_of(data: &[u8]) -> Vec<u8> {
    if data.starts_with(b"PK") {
        return data.to_vec();
    }
    let (sheet, strings) = match data.iter().position(|&b| b == 0) {
        Some(p) => (&data[..p], &data[p + 1..]),
        None => (data, &b""[..]),
    };
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let parts: [(&str, &[u8]); 7] = [
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", ROOT_RELS.as_bytes()),
        ("xl/workbook.xml", WORKBOOK.as_bytes()),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.as_bytes()),
        ("xl/styles.xml", STYLES.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet),
        ("xl/sharedStrings.xml", strings),
    ];
    for (name, bytes) in parts {
        zip.start_file(name, options).expect("zip entry");
        zip.write_all(bytes).expect("zip write");
    }
    zip.finish().expect("zip finish").into_inner()
}
