//! The scenario parser on any bytes: it never panics, returns a scenario exactly when
//! it reports no diagnostic, and its diagnostics render (small) whatever the file.

#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fuzz_target!(|data: &[u8]| {
    static PROGRAMS: OnceLock<tasks::Registry> = OnceLock::new();
    let programs = PROGRAMS.get_or_init(tasks::Registry::stock);
    let (scenario, diagnostics) = scenario::syntax::parse("fuzz.toml", data, programs);
    assert_eq!(scenario.is_some(), diagnostics.is_empty());
    let text = String::from_utf8_lossy(data);
    let rendered = scenario::diagnostic::render(&diagnostics, &text, false);
    assert!(rendered.len() <= 8_000 * diagnostics.len().max(1));
});
