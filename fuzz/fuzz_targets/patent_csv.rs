//! The patent upload from CSV: bytes (UTF-8 or not, with or without BOM) to rows, the header
//! check and every row's field check, as `upload::check_file` does before the database. Never a
//! panic; every problem names its row and a real column. The CSV splitter itself is also fed
//! the text directly, and what it returns is written back as CSV and read again unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zhirong_api::services::patents::upload::{self, Upload};
use zhirong_fuzz::check_patent_upload;

/// Writes records as CSV, quoting every field.
fn to_csv(records: &[Vec<String>]) -> String {
    let mut out = String::new();
    for r in records {
        let fields: Vec<String> = r
            .iter()
            .map(|f| format!("\"{}\"", f.replace('"', "\"\"")))
            .collect();
        out.push_str(&fields.join(","));
        out.push_str("\r\n");
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let file = Upload {
        filename: "patents.csv".into(),
        bytes: data.to_vec(),
    };
    let _ = check_patent_upload(&file);
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(records) = upload::parse(text)
    {
        // Blank records are dropped on reading, so a record of one empty field is not kept.
        let kept: Vec<Vec<String>> = records
            .into_iter()
            .filter(|r| !(r.len() == 1 && r[0].trim().is_empty()))
            .collect();
        assert_eq!(upload::parse(&to_csv(&kept)).as_ref(), Ok(&kept));
    }
});
