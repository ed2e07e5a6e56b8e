//! Shared helpers for machsim's integration tests.

use kernel::{Kernel, RunReport};

/// Runs a kernel to the end and asserts the audit found nothing.
pub fn run_clean(kernel: &mut Kernel) -> RunReport {
    let report = kernel.run();
    assert!(
        report.violations.is_empty(),
        "audit violations: {:#?}",
        report.violations
    );
    report
}
