//! `machsim bench`: the performance suite.

use bench::{Suite, design_targets, evaluate_targets, report_json, report_targets, report_text};
use std::process::ExitCode;

/// Arguments of `machsim bench`.
#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    /// One JSON object per line instead of a table.
    #[arg(long)]
    json: bool,
    /// Fewer messages and runs: a smoke test, not a measurement.
    #[arg(long)]
    quick: bool,
    /// Only workloads whose name contains this.
    #[arg(long)]
    only: Option<String>,
}

/// Runs the suite and prints its results and target checks; exit status 2 when they
/// cannot be written.
pub(crate) fn run(args: &BenchArgs, stdout: &mut dyn std::io::Write) -> ExitCode {
    let mut suite = Suite::baselines(args.quick);
    bench::machsim::register(&mut suite);
    if let Some(only) = &args.only {
        let names = suite.names().join(", ");
        suite.retain(|workload, _| workload.contains(only.as_str()));
        if suite.is_empty() {
            eprintln!("error: no workload matches --only {only}; the workloads are {names}");
            return ExitCode::from(2);
        }
    }
    let results = suite.run();
    let text = if args.json {
        report_json(&results)
    } else {
        format!(
            "{}\n{}",
            report_text(&results),
            report_targets(&evaluate_targets(&results, &design_targets()))
        )
    };
    super::output::print_all(stdout, text.as_bytes())
}
