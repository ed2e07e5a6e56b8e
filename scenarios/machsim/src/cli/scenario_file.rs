//! Reading and validating a scenario file for `run` and `check`.

use super::input_file::{InputKind, read_input};
use scenario::diagnostic::{Diagnostic, render};
use scenario::model::Scenario;
use std::path::Path;

/// A scenario read and validated, or the text to print for why not.
pub(crate) enum Loaded {
    Valid(Box<Scenario>),
    Invalid(String),
}

/// Reads `path` (a regular file of at most 16 MiB) and parses it (the parser checks
/// every program's arguments against `programs`), rendering every diagnostic.
pub(crate) fn load(path: &Path, programs: &tasks::Registry, color: bool) -> Loaded {
    let bytes = match read_input(path, InputKind::Scenario) {
        Ok(bytes) => bytes,
        Err(e) => {
            return Loaded::Invalid(format!(
                "error: {e}\n  expected a scenario file (TOML), e.g. scenarios/full-queue-policies.toml\n"
            ));
        }
    };
    let file_name = path.display().to_string();
    let (scenario, diagnostics) = scenario::syntax::parse(&file_name, &bytes, programs);
    match scenario {
        Some(scenario) if diagnostics.is_empty() => Loaded::Valid(Box::new(scenario)),
        _ => Loaded::Invalid(report(&diagnostics, &bytes, color)),
    }
}

fn report(diagnostics: &[Diagnostic], bytes: &[u8], color: bool) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut out = render(diagnostics, &text, color);
    let count = diagnostics.len();
    out.push_str(&format!(
        "\nerror: {count} problem{} found; nothing was run\n",
        if count == 1 { "" } else { "s" }
    ));
    out
}
