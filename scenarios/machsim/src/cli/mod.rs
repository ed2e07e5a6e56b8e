//! The `machsim` command line.
//!
//! This module parses arguments and dispatches; each subcommand lives in its own
//! file. It is the only place that reads files, prints, and chooses exit statuses.
//! Input files are bounded (`input_file`), and output that cannot be written is an
//! error with exit status 2 (`output`).

mod bench;
mod check;
mod export;
mod input_file;
mod output;
mod run;
mod scenario_file;
mod step;
mod trace_input;

use clap::{CommandFactory, Parser, Subcommand};
use std::io::Write;
use std::process::ExitCode;

/// machsim: a Mach-style microkernel message-passing simulator.
#[derive(Debug, Parser)]
#[command(
    name = "machsim",
    version,
    about = "A Mach-style microkernel message-passing simulator: run scenarios, check them, measure the kernel",
    long_about = None,
    after_help = EXAMPLES
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

const EXAMPLES: &str = "Examples:
  machsim run scenarios/full-queue-policies.toml
  machsim run scenarios/deadlock.toml --seed 3 --schedule random --trace run.jsonl
  machsim check scenarios/deadlock.toml scenarios/pipe-parent-child.toml
  machsim export scenarios/deadlock.toml --format mermaid -o deadlock.mmd
  machsim bench                 measure machsim against its baselines
  machsim bench --json --quick  the same, quickly, one JSON object per line
  machsim completions bash > /etc/bash_completion.d/machsim";

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Runs a scenario file and reports what happened (exit 0: every expectation
    /// holds; 1: one failed; 2: the file or the command line is wrong).
    Run(run::RunArgs),
    /// Validates scenario files without running them, reporting every problem.
    Check(check::CheckArgs),
    /// Shows the kernel's state after any event of a trace, rebuilt from the trace alone.
    ///
    /// Tasks and what each waits on, ports with their queues, blocked senders and
    /// notification requests, dead ports, port sets, messages in flight and every
    /// task's name space. Without --at, on a terminal: the interactive stepper (forward
    /// and backward, jumps, search); otherwise the state after the last event. Exit 2
    /// if the file cannot be read or --at is past the last event.
    Step(step::StepArgs),
    /// Measures machsim's speed and memory against baselines measured in the same run.
    Bench(bench::BenchArgs),
    /// Draws a run's trace (or a scenario, run first) as a Mermaid sequence diagram,
    /// Chrome trace-event JSON (Perfetto) or an ASCII message sequence chart.
    Export(export::ExportArgs),
    /// Prints a shell completion script.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// When to colour output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// When standard output is a terminal and `NO_COLOR` is unset.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

impl ColorChoice {
    /// Whether to colour what goes to standard output.
    fn enabled(self) -> bool {
        use std::io::IsTerminal;
        self.decide(std::io::stdout().is_terminal())
    }

    /// Whether to colour what goes to standard error (diagnostics).
    fn enabled_for_stderr(self) -> bool {
        use std::io::IsTerminal;
        self.decide(std::io::stderr().is_terminal())
    }

    fn decide(self, terminal: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => std::env::var_os("NO_COLOR").is_none() && terminal,
        }
    }
}

/// Runs the command line with the process's arguments and the stock programs.
pub fn main() -> ExitCode {
    main_with(tasks::Registry::stock())
}

/// Runs the command line with the process's arguments and `programs` registered:
/// how a user builds their own `machsim` with their own task programs.
pub fn main_with(programs: tasks::Registry) -> ExitCode {
    main_from(std::env::args_os(), &programs)
}

/// Runs the command line with the given arguments; returns the exit status.
pub fn main_from<I, T>(args: I, programs: &tasks::Registry) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    // Not locked for the whole command: the interactive stepper draws through its own
    // handle on standard output.
    main_to(args, programs, &mut std::io::stdout())
}

/// Runs the command line with the given arguments, writing what the commands print to
/// `stdout`; returns the exit status. A failed write of `stdout` is reported on standard
/// error, with exit status 2.
///
/// `--help` and `--version`, which clap prints, and the interactive stepper, which
/// draws on the terminal, still use the process's standard output.
pub fn main_to<I, T>(args: I, programs: &tasks::Registry, stdout: &mut dyn Write) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let printed = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                match printed {
                    Ok(()) => ExitCode::SUCCESS,
                    Err(error) => output::OutputError::from(error).exit(),
                }
            };
        }
    };
    match cli.command {
        Command::Run(args) => run::run(&args, programs, stdout),
        Command::Check(args) => check::run(&args, programs, stdout),
        Command::Step(args) => step::run(&args, programs, stdout),
        Command::Bench(args) => bench::run(&args, stdout),
        Command::Export(args) => export::run(&args, programs, stdout),
        Command::Completions { shell } => {
            // clap_complete panics when its writer fails, so the script is made in
            // memory and printed like any other output.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "machsim", &mut script);
            output::print_all(stdout, &script)
        }
    }
}
