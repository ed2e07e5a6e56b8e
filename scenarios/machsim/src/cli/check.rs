//! `machsim check`: validates scenario files without running them.

use super::ColorChoice;
use super::output::Printer;
use super::scenario_file::{Loaded, load};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `machsim check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The scenario files.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// When to use colour.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

/// Reports every problem of every file; exit status 2 if any file is invalid or the
/// output cannot be written.
pub(crate) fn run(
    args: &CheckArgs,
    programs: &tasks::Registry,
    stdout: &mut dyn Write,
) -> ExitCode {
    let color = args.color.enabled_for_stderr();
    let mut failed = false;
    let mut out = Printer::new(stdout);
    for file in &args.files {
        match load(file, programs, color) {
            Loaded::Valid(scenario) => writeln!(
                out,
                "{}: ok ({} tasks, {} ports, {} port sets, {} faults)",
                file.display(),
                scenario.tasks.len(),
                scenario.ports.len(),
                scenario.port_sets.len(),
                scenario.faults.len()
            ),
            Loaded::Invalid(text) => {
                failed = true;
                eprint!("{text}");
            }
        }
    }
    match out.finish() {
        Err(error) => error.exit(),
        Ok(()) if failed => ExitCode::from(2),
        Ok(()) => ExitCode::SUCCESS,
    }
}
