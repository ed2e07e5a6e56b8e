//! Reading and validating a scenario file for `run` and `check`.

use scenario::diagnostic::{Diagnostic, render};
use scenario::model::Scenario;
use std::path::Path;

/// A scenario read and validated, or the text to print for why not.
pub(crate) enum Loaded {
    Valid(Box<Scenario>),
    Invalid(String),
}

/// Reads `path`, parses it and checks every program's arguments, rendering every
/// diagnostic.
pub(crate) fn load(path: &Path, programs: &tasks::Registry, color: bool) -> Loaded {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => {
            return Loaded::Invalid(format!(
                "error: cannot read {}: {e}\n  expected a scenario file (TOML), e.g. scenarios/full-queue-policies.toml\n",
                path.display()
            ));
        }
    };
    let file_name = path.display().to_string();
    let (scenario, mut diagnostics) =
        scenario::syntax::parse(&file_name, &bytes, &|name| programs.contains(name));
    if let Some(scenario) = &scenario {
        let text = String::from_utf8_lossy(&bytes);
        diagnostics.extend(check_program_args(scenario, programs, &file_name, &text));
    }
    match scenario {
        Some(scenario) if diagnostics.is_empty() => Loaded::Valid(Box::new(scenario)),
        _ => Loaded::Invalid(report(&diagnostics, &bytes, color)),
    }
}

/// Builds every `program` task's program from its `args`, so a bad argument is a
/// file error found before anything runs (by `check` as by `run`). The diagnostic
/// points at the argument's key when it can find it after the task's header.
fn check_program_args(
    scenario: &Scenario,
    programs: &tasks::Registry,
    file: &str,
    text: &str,
) -> Vec<Diagnostic> {
    let line_start = |line: u32| -> usize {
        text.split_inclusive('\n')
            .take(line.saturating_sub(1) as usize)
            .map(str::len)
            .sum()
    };
    let mut found = Vec::new();
    for task in &scenario.tasks {
        let scenario::model::TaskBody::Program { name, args } = &task.body else {
            continue;
        };
        let args = match scenario::program_args::from_toml(args) {
            Ok(args) => args,
            Err(message) => {
                let at = line_start(task.line);
                found.push(Diagnostic::new(file, text, at..at, message));
                continue;
            }
        };
        if let Err(error) = programs.validate(name, &args) {
            let header = line_start(task.line);
            let (key, message) = match &error {
                tasks::BuildError::Args { error, .. } => {
                    (Some(error.name().to_string()), error.to_string())
                }
                other => (None, other.to_string()),
            };
            let at = key
                .and_then(|key| {
                    let after = text.get(header..)?;
                    let args_at = after.find("args")?;
                    let key_at = after[args_at..].find(key.as_str())?;
                    Some(header + args_at + key_at..header + args_at + key_at + key.len())
                })
                .unwrap_or(header..header);
            found.push(
                Diagnostic::new(file, text, at, format!("program `{name}`: {message}"))
                    .with_expected(format!(
                        "arguments that `{name}` accepts (see `docs/scenarios.md`)"
                    )),
            );
        }
    }
    found
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
