//! Chinese patent application numbers: any text is accepted or refused without a panic; an
//! accepted number prints in the stored form, which parses back to the same number (also with
//! the `ZL`/`CN` prefix, spaces and a lower-case `x`), and agrees with its own type digit.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zhirong_api::domain::PatentNumber;
use zhirong_engine::valuation::PatentType;

const TYPES: [PatentType; 3] = [
    PatentType::Invention,
    PatentType::UtilityModel,
    PatentType::Design,
];

fuzz_target!(|data: &[u8]| {
    // Numbers built from parts (the demo generator's path) carry a valid check.
    if let [a, b, t, s0, s1, s2, s3, ..] = *data {
        let year = u16::from_le_bytes([a, b]) % 10_000;
        let kind = TYPES[usize::from(t) % 3];
        let serial = u32::from_le_bytes([s0, s1, s2, s3]);
        let built = PatentNumber::new_style(year, kind, serial);
        assert_eq!(PatentNumber::parse(built.as_str()).as_ref(), Ok(&built));
        assert_eq!(built.patent_type(), kind);
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for stated in TYPES {
        let _ = PatentNumber::parse_for(text, stated);
    }
    let Ok(number) = PatentNumber::parse(text) else {
        return;
    };
    let shown = number.to_string();
    assert!(
        shown.len() == 14 || shown.len() == 10,
        "stored form {shown}"
    );
    assert_eq!(PatentNumber::parse(&shown).as_ref(), Ok(&number));
    let decorated = format!("zl {}", shown.replace('X', "x"));
    assert_eq!(PatentNumber::parse(&decorated).as_ref(), Ok(&number));
    assert_eq!(
        PatentNumber::parse_for(&shown, number.patent_type()).as_ref(),
        Ok(&number)
    );
});
