//! `machsim bench`: the performance suite.

use crate::bench::{
    Suite, design_targets, evaluate_targets, report_json, report_targets, report_text,
};
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

/// Runs the suite and prints its results and target checks.
pub(crate) fn run(args: &BenchArgs) -> ExitCode {
    let mut suite = Suite::baselines(args.quick);
    crate::bench::machsim::register(&mut suite);
    if let Some(only) = &args.only {
        suite.retain(|workload, _| workload.contains(only.as_str()));
    }
    let results = suite.run();
    if args.json {
        print!("{}", report_json(&results));
    } else {
        print!("{}", report_text(&results));
        println!();
        print!(
            "{}",
            report_targets(&evaluate_targets(&results, &design_targets()))
        );
    }
    ExitCode::SUCCESS
}
