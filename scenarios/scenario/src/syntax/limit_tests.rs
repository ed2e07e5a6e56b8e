//! Tests of the bounds every input gets (issue 14): a diagnostic stays small and renders
//! whatever the file's lines, a file over the size limit is refused whole, and names are
//! printable.

use crate::diagnostic::render;
use crate::model::MAX_SOURCE_BYTES;

use super::{parse, test_programs};

/// The diagnostics of `text`, which must have some, rendered without colour.
fn rendered(text: &str) -> (Vec<crate::diagnostic::Diagnostic>, String) {
    let (scenario, diagnostics) = parse("big.toml", text.as_bytes(), &test_programs());
    assert!(scenario.is_none() && !diagnostics.is_empty());
    let out = render(&diagnostics, text, false);
    (diagnostics, out)
}

#[test]
fn a_problem_past_column_65535_renders_with_its_column_and_a_cut_line() {
    // miette pads the marker line with a 16-bit formatting width: 16,400 tabs (drawn as
    // four columns each) put it past 65,535 and used to panic.
    let text = format!(
        "[scenario]\nname = \"x\"\n{}seed = \"bad\"\n",
        "\t".repeat(16_400)
    );
    let (diagnostics, out) = rendered(&text);
    assert_eq!((diagnostics[0].line, diagnostics[0].column), (3, 16_408));
    assert!(out.contains("[big.toml:3:16408]"), "{out}");
    assert!(out.contains("…") && out.contains("seed = \"bad\""), "{out}");
    assert!(out.len() < 1_000, "{} bytes:\n{out}", out.len());
}

#[test]
fn a_problem_on_a_very_long_line_quotes_only_its_neighbourhood() {
    let filler = "a".repeat(100_000);
    let text = format!("[scenario]\nname = \"{filler}\"\nseed = -1 {filler}\n");
    let (diagnostics, out) = rendered(&text);
    assert_eq!(diagnostics[0].line, 3);
    assert!(out.len() < 2_000, "{} bytes", out.len());
    assert!(out.contains("seed = -1"), "{out}");
}

#[test]
fn a_long_name_is_cut_in_the_message() {
    let long = "q".repeat(100_000);
    let text = format!("[scenario]\nname = \"x\"\n{long} = 1\n");
    let (diagnostics, out) = rendered(&text);
    let message = &diagnostics[0].message;
    assert!(message.starts_with("unknown key `qqq"), "{message}");
    assert!(message.len() < 200, "{message}");
    assert!(out.len() < 2_000, "{} bytes", out.len());
}

#[test]
fn a_file_over_the_size_limit_is_refused_whole() {
    let mut source = b"[scenario]\nname = \"x\"\n".to_vec();
    source.resize(MAX_SOURCE_BYTES + 1, b'\n');
    let (scenario, diagnostics) = parse("big.toml", &source, &test_programs());
    assert!(scenario.is_none());
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(
        diagnostics[0].to_string(),
        "big.toml:1:1: the file is too large: 16777217 bytes, over the limit of 16777216 bytes (16 MiB); expected a scenario of at most 16777216 bytes"
    );
}

#[test]
fn two_task_names_that_differ_by_a_nul_are_refused_at_the_name() {
    let text = "[scenario]\nname = \"x\"\n\n[[task]]\nname = \"a\"\nsteps = []\n\n[[task]]\nname = \"a\\u0000\"\nsteps = []\n";
    let (diagnostics, _) = rendered(text);
    let found: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(
        found,
        [
            "big.toml:9:8: `name` holds a control character (U+0000): `a\\u{0}`; expected a name of printable characters"
        ]
    );
}

#[test]
fn every_kind_of_name_must_be_printable() {
    let text = "[scenario]\nname = \"x\\u001b[31m\"\n\n\
        [[port]]\nname = \"p\\n\"\nreceiver = \"a\"\n\n\
        [[port_set]]\nname = \"s\\t\"\nreceiver = \"a\"\nmembers = []\n\n\
        [[named_pipe]]\npath = \"/tmp/\\u007f\"\nmode = \"fifo\"\n\n\
        [[task]]\nname = \"a\"\nsteps = [\n  { op = \"allocate\", port = \"r\\u0085\" },\n  { op = \"send\", port = \"\\u0000\" },\n]\n\n\
        [[task]]\nname = \"b\"\nprogram = \"echo_server\\r\"\n";
    let (diagnostics, _) = rendered(text);
    let lines: Vec<u32> = diagnostics
        .iter()
        .filter(|d| d.message.contains("holds a control character"))
        .map(|d| d.line)
        .collect();
    assert_eq!(lines, [2, 5, 9, 14, 20, 21, 26], "{diagnostics:#?}");
}
