//! `machsim export`: draws a run's trace for a viewer.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use views::export::{to_chrome, to_mermaid, to_msc};

/// Arguments of `machsim export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// A trace (`.jsonl` or `.trace`), or a scenario (`.toml`) to run first.
    file: PathBuf,
    /// What to draw.
    #[arg(long, value_enum)]
    format: Format,
    /// Writes to this file instead of standard output.
    #[arg(short, long, value_name = "PATH")]
    output: Option<PathBuf>,
}

/// The export formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// A Mermaid sequence diagram (Markdown, GitHub, mermaid.live).
    Mermaid,
    /// Chrome trace-event JSON (ui.perfetto.dev, chrome://tracing).
    Chrome,
    /// An ASCII message sequence chart for the terminal.
    Msc,
}

/// Exports the trace; exit 0, or 2 when the input is wrong or the output (the file,
/// or standard output) cannot be written.
pub(crate) fn run(
    args: &ExportArgs,
    programs: &tasks::Registry,
    stdout: &mut dyn Write,
) -> ExitCode {
    let trace = match super::trace_input::load_trace(&args.file, programs) {
        Ok(trace) => trace,
        Err(text) => {
            eprint!("{text}");
            return ExitCode::from(2);
        }
    };
    let text = match args.format {
        Format::Mermaid => to_mermaid(&trace),
        Format::Chrome => to_chrome(&trace),
        Format::Msc => to_msc(&trace),
    };
    match &args.output {
        Some(path) => match std::fs::write(path, text.as_bytes()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: cannot write {}: {e}", path.display());
                ExitCode::from(2)
            }
        },
        None => super::output::print_all(stdout, text.as_bytes()),
    }
}
