//! `machsim bench`: the performance suite.

use bench::{
    Suite, all_met, design_targets, evaluate_targets, report_json, report_targets, report_text,
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
    /// Only workloads whose name contains this (and the targets on them).
    #[arg(long)]
    only: Option<String>,
    /// Exits with status 1 if a target is missed (or could not be measured).
    #[arg(long)]
    check: bool,
}

/// Runs the suite and prints its results and target checks; exit status 2 when they
/// cannot be written.
pub(crate) fn run(args: &BenchArgs, stdout: &mut dyn std::io::Write) -> ExitCode {
    let mut suite = Suite::baselines(args.quick);
    bench::machsim::register(&mut suite);
    let mut targets = design_targets();
    if let Some(only) = &args.only {
        let names = suite.names().join(", ");
        suite.retain(|workload, _| workload.contains(only.as_str()));
        if suite.is_empty() {
            eprintln!("error: no workload matches --only {only}; the workloads are {names}");
            return ExitCode::from(2);
        }
        // A target on a workload left out is not missed, only not checked.
        let kept = suite.names();
        targets.retain(|t| t.metrics().all(|m| kept.contains(&m.workload())));
    }
    let results = suite.run();
    let outcomes = evaluate_targets(&results, &targets);
    let text = if args.json {
        report_json(&results)
    } else {
        format!("{}\n{}", report_text(&results), report_targets(&outcomes))
    };
    let mut printer = super::output::Printer::new(stdout);
    printer.print(text.as_bytes());
    match printer.finish() {
        Err(error) => error.exit(),
        Ok(()) if args.check && !all_met(&outcomes) => ExitCode::from(1),
        Ok(()) => ExitCode::SUCCESS,
    }
}
