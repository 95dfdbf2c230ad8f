//! USCC (统一社会信用代码) parsing: any text is accepted or refused without a panic; an
//! accepted code prints as the canonical form, which parses back to the same code, and the
//! check character is the one `with_check` computes for the first 17 characters.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zhirong_api::domain::Uscc;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(code) = Uscc::parse(text) {
        let shown = code.to_string();
        assert_eq!(shown.len(), 18);
        assert_eq!(
            Uscc::parse(&shown).as_ref(),
            Ok(&code),
            "round trip of {shown}"
        );
        assert_eq!(Uscc::parse(&shown.to_ascii_lowercase()).as_ref(), Ok(&code));
        assert_eq!(Uscc::with_check(&shown[..17]).as_ref(), Ok(&code));
        assert!(code.division_code().bytes().all(|b| b.is_ascii_digit()));
    } else if let Err(e) = Uscc::parse(text) {
        assert!(!e.to_string().is_empty());
    }
    // The demo generator's completion of 17 characters must not panic either.
    if let Ok(code) = Uscc::with_check(text) {
        assert_eq!(Uscc::parse(code.as_str()).as_ref(), Ok(&code));
    }
});
