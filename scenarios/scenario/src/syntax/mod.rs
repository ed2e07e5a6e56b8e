//! Parsing and validation of scenario files (`docs/spec/scenario-format.md`).
//!
//! [`parse`] never fails and never stops at the first problem: it returns the scenario when
//! the file is valid, and every diagnostic it found, in file order. The stages, one module
//! each:
//!
//! 1. `lexical`: the bytes are UTF-8, not empty, and nest at most 64 levels deep, checked by
//!    loops before any recursive parser sees the text.
//! 2. TOML, through `toml`'s spanned document, so every value keeps its byte span.
//! 3. `document` (the sections, `[scenario]`, ports, sets, faults), `task`, `expect`,
//!    `steps`, `body`, `policy`: shapes, types, ranges and defaults into the
//!    [`crate::model`], through the typed reads of `reader`, recording names in `symbols`.
//!    The services' sections and steps (an extension) are read by `service_sections` and
//!    `services`. A program's `args` are checked by the registry that will build it.
//! 4. `validate`: cross-references (duplicates, undeclared names, spawn targets, sets), and
//!    `service_checks`: the services' handle names and named-pipe paths.
//!
//! A TOML syntax error stops the pipeline after stage 2: what a damaged document means is
//! a guess, and checks on a guess would report problems that are not in the file.

mod body;
mod document;
mod expect;
mod lexical;
mod policy;
mod reader;
mod service_checks;
mod service_sections;
mod services;
mod sink;
mod steps;
mod suggest;
mod symbols;
mod task;
mod validate;

#[cfg(test)]
mod limit_tests;
#[cfg(test)]
mod property_tests;
#[cfg(test)]
mod service_tests;
#[cfg(test)]
mod tests;

use toml::de::DeTable;

use crate::diagnostic::Diagnostic;
use crate::model::{MAX_NESTING, MAX_SOURCE_BYTES, Scenario};
use reader::Reader;
use sink::Sink;

/// Parses and validates a scenario file.
///
/// `file_name` names the file in diagnostics and in [`Scenario::source_name`]; `source` is
/// its contents as read; `programs` are the programs a `program = "..."` task may name,
/// which check their `args` as they would to be built.
///
/// Returns the scenario if and only if there is no diagnostic; the diagnostics are in file
/// order. For a file that is not UTF-8, the diagnostics' spans are offsets into
/// `String::from_utf8_lossy(source)`, which is the text to give
/// [`crate::diagnostic::render`].
///
/// A source over [`MAX_SOURCE_BYTES`] is refused whole, with one diagnostic.
///
/// Never panics, and its time is linear in the size of the file (bar the TOML parser's own).
pub fn parse(
    file_name: &str,
    source: &[u8],
    programs: &tasks::Registry,
) -> (Option<Scenario>, Vec<Diagnostic>) {
    if source.len() > MAX_SOURCE_BYTES {
        return (None, vec![too_large(file_name, source.len())]);
    }
    let text = match lexical::decode(source) {
        Ok(text) => text,
        Err(not_utf8) => return (None, not_utf8_diagnostics(file_name, &not_utf8)),
    };
    let mut sink = Sink::new(file_name, text);
    if lexical::is_blank(text) {
        sink.error(0..0, "the file is empty")
            .expected("a scenario: a [scenario] table with a `name`, and [[task]]s")
            .help("start with `[scenario]` and `name = \"...\"`");
        return (None, sink.finish());
    }
    if let Some(offset) = lexical::find_too_deep(text, MAX_NESTING) {
        sink.error(
            offset..offset + 1,
            format!("arrays and tables nested more than {MAX_NESTING} levels deep"),
        )
        .expected(format!("at most {MAX_NESTING} levels of nesting"));
        return (None, sink.finish());
    }
    let (root, toml_errors) = DeTable::parse_recoverable(text);
    if !toml_errors.is_empty() {
        report_toml_errors(&mut sink, &toml_errors, text.len());
        return (None, sink.finish());
    }
    let mut reader = Reader::new(sink);
    let scenario = reader.read_document(root.get_ref(), file_name, programs);
    reader.validate();
    let diagnostics = reader.sink.finish();
    if diagnostics.is_empty() {
        (Some(scenario), diagnostics)
    } else {
        (None, diagnostics)
    }
}

/// The programs the parser's tests register: `echo_server`, whose arguments are all
/// optional, one of each type (the stock echo server's would refuse what the tests write),
/// and `needs_port`, whose one argument is required.
#[cfg(test)]
pub(crate) fn test_programs() -> tasks::Registry {
    use tasks::{ArgDoc, ArgType, Program, Registry};
    let mut registry = Registry::new();
    registry.register(
        "echo_server",
        "Does nothing; takes one optional argument of each type.",
        &[
            ArgDoc::optional("port", ArgType::Str, "none", "a string"),
            ArgDoc::optional("limit", ArgType::Int, "0", "an integer"),
            ArgDoc::optional("ratio", ArgType::Float, "0", "a number"),
            ArgDoc::optional("tags", ArgType::List, "none", "a list"),
            ArgDoc::optional("nested", ArgType::Table, "none", "a table"),
        ],
        |_| Ok(Program::new(|_cx| async {})),
    );
    registry.register(
        "needs_port",
        "Does nothing; must be given a port.",
        &[ArgDoc::required("port", ArgType::Str, "a string")],
        |_| Ok(Program::new(|_cx| async {})),
    );
    registry
}

/// The one diagnostic of a source over [`MAX_SOURCE_BYTES`], at its start.
fn too_large(file_name: &str, size: usize) -> Diagnostic {
    Diagnostic {
        file: file_name.to_owned(),
        span: 0..0,
        line: 1,
        column: 1,
        message: format!(
            "the file is too large: {size} bytes, over the limit of {MAX_SOURCE_BYTES} bytes (16 MiB)"
        ),
        expected: Some(format!("a scenario of at most {MAX_SOURCE_BYTES} bytes")),
        help: None,
    }
}

/// One diagnostic per invalid UTF-8 sequence, located in the lossy text.
fn not_utf8_diagnostics(file_name: &str, not_utf8: &lexical::NotUtf8) -> Vec<Diagnostic> {
    let mut sink = Sink::new(file_name, &not_utf8.lossy);
    for invalid in &not_utf8.invalid {
        let bytes: Vec<String> = invalid
            .bytes
            .iter()
            .map(|byte| format!("0x{byte:02x}"))
            .collect();
        sink.error(
            invalid.lossy_span.clone(),
            format!(
                "the file is not UTF-8: byte {} ({}) is not valid",
                invalid.byte_offset,
                bytes.join(" ")
            ),
        )
        .expected("UTF-8 text")
        .help("save the file as UTF-8");
    }
    sink.finish()
}

/// TOML syntax errors, the first of each line, split into what went wrong and what was
/// expected.
///
/// The TOML parser recovers from an error by guessing, and one mistake (an unclosed array)
/// can make it report every following token; past the first error of a line, those are
/// echoes of it, while independent mistakes on other lines are all kept.
fn report_toml_errors(sink: &mut Sink<'_>, errors: &[toml::de::Error], text_len: usize) {
    let mut located: Vec<(std::ops::Range<usize>, &toml::de::Error)> = errors
        .iter()
        .map(|error| (error.span().unwrap_or(text_len..text_len), error))
        .collect();
    located.sort_by_key(|(span, _)| span.start);
    let mut last_line = None;
    for (span, error) in located {
        let line = sink.line(span.start);
        if last_line == Some(line) {
            continue;
        }
        last_line = Some(line);
        let message = error.message().trim();
        // toml words its errors "invalid X, expected Y".
        let (what, expected) = match message.split_once(", expected ") {
            // "expected nothing" means "remove this", which the message already says.
            Some((what, "nothing")) => (what, None),
            Some((what, expected)) => (what, Some(expected)),
            None => (message, None),
        };
        let report = sink.error(span, format!("not valid TOML: {what}"));
        if let Some(expected) = expected {
            report.expected(expected.to_owned());
        }
    }
}
