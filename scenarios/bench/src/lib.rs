//! Benchmarks: the `machsim bench` suite.
//!
//! The design brief states its performance targets as ratios measured in one
//! run, so this module runs machsim's workloads next to baselines (a
//! `VecDeque`, tokio channels, a Linux pipe) and checks the ratios.
//!
//! - [`harness`]: the [`Workload`] trait, the [`Suite`] that runs workloads
//!   (warm-up, then several runs, reporting the median) and its [`Results`].
//! - [`baseline`]: the baseline workloads, each documenting what it measures.
//! - [`machsim`]: machsim's own message workloads; [`scale`]: machsim at scale
//!   (many tasks, many ports, long runs, memory).
//! - [`memory`]: a resident-memory probe for figures such as bytes per port.
//! - [`report`]: the text table, the JSON lines and the [`Target`] checks.
//! - [`names`]: the workload and implementation names shared by all of them.
//!
//! ```
//! use bench::{Suite, design_targets, evaluate_targets, report_targets, report_text};
//!
//! let mut suite = Suite::baselines(true);
//! suite.retain(|workload, _| workload == "send_receive");
//! let results = suite.run();
//! println!("{}", report_text(&results));
//! println!("{}", report_targets(&evaluate_targets(&results, &design_targets())));
//! ```

pub mod baseline;
pub mod harness;
pub mod machsim;
pub mod memory;
pub mod names;
pub mod report;
pub mod scale;

#[cfg(test)]
mod tests;

pub use harness::{
    Failure, Figure, FigureFn, FnWorkload, Measurement, Results, RunConfig, RunFn, Suite, Workload,
    WorkloadError, median,
};
pub use memory::{measure_bytes_per_item, page_size, resident_bytes};
pub use report::{
    Bound, Metric, Target, TargetOutcome, Verdict, all_met, design_targets, evaluate_targets,
    report_json, report_targets, report_text,
};
