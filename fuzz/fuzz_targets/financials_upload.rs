//! The financial statements upload (CSV, or .xlsx when the input starts with `PK`, see
//! `xlsx_of`): the header check and every row's check as `financials::import` does before the
//! database. Never a panic; accepted rows hold years 1990 to today and no negative amounts.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zhirong_api::services::patents::upload::Upload;
use zhirong_fuzz::{check_financials_upload, xlsx_of};

fuzz_target!(|data: &[u8]| {
    zhirong_fuzz::line_panic_hook();
    let (filename, bytes) = match data.strip_prefix(b"XLSX\0") {
        Some(rest) => ("statements.xlsx", xlsx_of(rest)),
        None => ("statements.csv", data.to_vec()),
    };
    let file = Upload {
        filename: filename.into(),
        bytes,
    };
    let _ = check_financials_upload(&file);
});
