//! `machsim check`: validates scenario files without running them.

use super::ColorChoice;
use super::scenario_file::{Loaded, load};
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

/// Reports every problem of every file; exit status 2 if any file is invalid.
pub(crate) fn run(args: &CheckArgs, programs: &tasks::Registry) -> ExitCode {
    let color = args.color.enabled();
    let mut failed = false;
    for file in &args.files {
        match load(file, &|name| programs.contains(name), color) {
            Loaded::Valid(scenario) => println!(
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
    if failed {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}
