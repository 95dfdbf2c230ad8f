//! The USPTO grant XML reader: any bytes give grants, skipped documents or one error naming the
//! document, never a panic; with `skip_invalid` never an error; the grants always make a
//! valuation input frame, one row each.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use zhirong_engine::uspto;

fuzz_target!(|data: &[u8]| {
    let path = Path::new("fuzz.xml");
    let strict = uspto::parse_grants(data, path, false);
    let lenient = uspto::parse_grants(data, path, true).expect("skip_invalid never fails");
    if let Ok(batch) = &strict {
        assert_eq!(batch, &lenient);
    }
    for g in &lenient.grants {
        assert!(!g.patent_id.is_empty());
        assert!(g.claims >= 0 && g.inventors >= 0 && g.backward_citations >= 0);
    }
    let frame = uspto::grants_to_frame(&lenient.grants).expect("grants make a frame");
    assert_eq!(frame.height(), lenient.grants.len());
    if let Ok(raw) = std::str::from_utf8(data) {
        let _ = uspto::format_old_ipc(raw);
    }
});
