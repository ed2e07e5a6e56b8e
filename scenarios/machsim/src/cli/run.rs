//! `machsim run`: runs a scenario and reports what happened.

use super::ColorChoice;
use super::output::Printer;
use super::scenario_file::{Loaded, load};
use crate::summary::summary;
use kernel::Outcome;
use scenario::run::{Overrides, execute, prepare};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use trace::{write_binary_header, write_jsonl};
use views::story::{Style, account};

/// Arguments of `machsim run`.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// The scenario file.
    file: PathBuf,
    /// The seed, instead of the file's.
    #[arg(long)]
    seed: Option<u64>,
    /// The schedule, instead of the file's.
    #[arg(long, value_parser = ["round_robin", "random", "pct"])]
    schedule: Option<String>,
    /// Writes the trace: JSON Lines for `.jsonl`, the binary form for `.trace`.
    #[arg(long, value_name = "PATH")]
    trace: Option<PathBuf>,
    /// Prints only the summary, not the account of every event.
    #[arg(long, short)]
    quiet: bool,
    /// When to use colour.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

enum TraceForm {
    Jsonl,
    Binary,
}

/// Where the trace goes: JSON Lines, written from the kept trace after the run,
/// or the binary form, already streamed to its file by the kernel as it ran.
enum TraceOut {
    Jsonl(std::fs::File),
    Streamed,
}

/// Runs the scenario; the exit status is 0, 1 or 2 as the scenario format says (2 also
/// when the account and summary cannot be written).
pub(crate) fn run(args: &RunArgs, programs: &tasks::Registry, stdout: &mut dyn Write) -> ExitCode {
    let color = args.color.enabled();
    let trace_form = match &args.trace {
        None => None,
        Some(path) => match path.extension().and_then(|e| e.to_str()) {
            Some("jsonl") => Some(TraceForm::Jsonl),
            Some("trace") => Some(TraceForm::Binary),
            _ => {
                eprintln!(
                    "error: --trace {}: expected a path ending in .jsonl (JSON Lines) or .trace (binary)",
                    path.display()
                );
                return ExitCode::from(2);
            }
        },
    };
    let scenario = match load(&args.file, programs, args.color.enabled_for_stderr()) {
        Loaded::Valid(scenario) => scenario,
        Loaded::Invalid(text) => {
            eprint!("{text}");
            return ExitCode::from(2);
        }
    };
    let overrides = Overrides {
        seed: args.seed,
        schedule: args.schedule.as_deref().and_then(|s| s.parse().ok()),
    };
    let resolver = scenario::program_args::resolver(programs);
    let mut prepared = match prepare(&scenario, &resolver, &overrides) {
        Ok(prepared) => prepared,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    // Open the trace file before running, so a path that cannot be written is
    // refused (exit 2) before anything runs, not after the run's verdict. The
    // binary form is streamed to it as the run records it.
    let trace_out = match (&args.trace, trace_form) {
        (Some(path), Some(form)) => match std::fs::File::create(path) {
            Ok(file) => match form {
                TraceForm::Jsonl => Some((path, TraceOut::Jsonl(file))),
                TraceForm::Binary => {
                    let mut out = std::io::BufWriter::new(file);
                    if let Err(e) = write_binary_header(&mut out, prepared.header()) {
                        eprintln!("error: cannot write the trace to {}: {e}", path.display());
                        return ExitCode::from(2);
                    }
                    prepared.kernel_mut().stream_binary_trace_to(out);
                    Some((path, TraceOut::Streamed))
                }
            },
            Err(e) => {
                eprintln!("error: cannot write the trace to {}: {e}", path.display());
                return ExitCode::from(2);
            }
        },
        _ => None,
    };
    let result = execute(&scenario, prepared);
    let style = Style { color };
    let mut out = Printer::new(stdout);
    writeln!(
        out,
        "{} (seed {}, {})",
        scenario.name, result.header.seed, result.header.schedule
    );
    if !args.quiet {
        write!(out, "\n{}", account(&result.trace, style));
    }
    write!(out, "\n{}", summary(&result, style));
    if let Some((path, trace_out)) = trace_out {
        let written = match trace_out {
            TraceOut::Jsonl(file) => {
                let mut file = std::io::BufWriter::new(file);
                write_jsonl(&mut file, &result.header, &result.trace).and_then(|()| file.flush())
            }
            TraceOut::Streamed => match &result.report.outcome {
                Outcome::TraceWriteFailed(e) => Err(std::io::Error::other(e.clone())),
                _ => Ok(()),
            },
        };
        match written {
            Ok(()) => {
                writeln!(out, "trace written to {}", path.display());
            }
            Err(e) => {
                eprintln!("error: cannot write the trace to {}: {e}", path.display());
                return ExitCode::from(2);
            }
        }
    }
    match out.finish() {
        Err(error) => error.exit(),
        Ok(()) if result.passed() => ExitCode::SUCCESS,
        Ok(()) => ExitCode::from(1),
    }
}
