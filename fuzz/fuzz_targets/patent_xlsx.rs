//! The patent upload from an .xlsx workbook: the sheet (and shared strings) XML behind a valid
//! zip, or the raw file, through calamine and the same header and row checks as a CSV. Never a
//! panic, only a refusal or rows with named problems.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zhirong_api::services::patents::upload::Upload;
use zhirong_fuzz::{check_financials_upload, check_patent_upload, xlsx_of};

fuzz_target!(|data: &[u8]| {
    zhirong_fuzz::line_panic_hook();
    let file = Upload {
        filename: "patents.xlsx".into(),
        bytes: xlsx_of(data),
    };
    let _ = check_patent_upload(&file);
    let _ = check_financials_upload(&file);
});
