//! The `machsim` command line.
//!
//! This module parses arguments and dispatches; each subcommand lives in its own
//! file. It is the only place that reads files, prints, and chooses exit statuses.

mod bench;

use clap::{CommandFactory, Parser, Subcommand};
use std::process::ExitCode;

/// machsim: a Mach-style microkernel message-passing simulator.
#[derive(Debug, Parser)]
#[command(name = "machsim", version, about, long_about = None, after_help = EXAMPLES)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

const EXAMPLES: &str = "Examples:
  machsim bench                 measure machsim against its baselines
  machsim bench --json --quick  the same, quickly, one JSON object per line
  machsim completions bash > /etc/bash_completion.d/machsim";

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Measures machsim's speed and memory against baselines measured in the same run.
    Bench(bench::BenchArgs),
    /// Prints a shell completion script.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// Runs the command line with the given arguments; returns the exit status.
pub fn main_from<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match cli.command {
        Command::Bench(args) => bench::run(&args),
        Command::Completions { shell } => {
            let mut command = Cli::command();
            clap_complete::generate(shell, &mut command, "machsim", &mut std::io::stdout());
            ExitCode::SUCCESS
        }
    }
}

/// Runs the command line with the process's arguments.
pub fn main() -> ExitCode {
    main_from(std::env::args_os())
}
