//! The one test harness of machsim's crates: a run that must end clean, scenario
//! files run as `machsim run` runs them, and the bundled lessons.
//!
//! The integration tests (`tests/it`) and the unit tests of `tasks`, `views` and
//! `machsim` use it as a dev-dependency, so every crate judges a run the same way.

use kernel::{Kernel, RunReport};

/// Runs a kernel to the end and asserts the audit found nothing and no task
/// crashed: a failed `?` or `assert!` inside a task ends it as `Crashed`, and would
/// otherwise pass unseen.
pub fn run_clean(kernel: &mut Kernel) -> RunReport {
    let report = run_allowing_crashes(kernel);
    let crashed = report.crashed();
    assert!(crashed.is_empty(), "tasks crashed: {crashed:#?}");
    report
}

/// Runs a kernel to the end and asserts the run found no kernel bug (the audit's
/// violations, a panic in kernel code); for tests in which a task is meant to
/// crash (they check its end themselves).
pub fn run_allowing_crashes(kernel: &mut Kernel) -> RunReport {
    let report = kernel.run();
    assert!(
        report.violations.is_empty(),
        "kernel bugs: {:#?}",
        report.violations
    );
    report
}

/// Parses and prepares a scenario file with the stock programs, panicking with the
/// rendered diagnostics if it does not validate.
pub fn prepare_scenario_file(
    path: &std::path::Path,
) -> (scenario::model::Scenario, scenario::run::Prepared) {
    let registry = tasks::Registry::stock();
    let bytes =
        std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let name = path.display().to_string();
    let (scenario, diagnostics) = scenario::syntax::parse(&name, &bytes, &registry);
    let Some(scenario) = scenario.filter(|_| diagnostics.is_empty()) else {
        let text = String::from_utf8_lossy(&bytes);
        panic!(
            "{}",
            scenario::diagnostic::render(&diagnostics, &text, false)
        );
    };
    let resolver = scenario::program_args::resolver(&registry);
    let prepared =
        scenario::run::prepare(&scenario, &resolver, &scenario::run::Overrides::default())
            .unwrap_or_else(|e| panic!("{e}"));
    (scenario, prepared)
}

/// Parses and runs a scenario file with the stock programs, panicking with the
/// rendered diagnostics if it does not validate.
pub fn run_scenario_file(path: &std::path::Path) -> scenario::run::RunResult {
    let (scenario, prepared) = prepare_scenario_file(path);
    scenario::run::execute(&scenario, prepared)
}

/// The bundled scenario files, in name order.
pub fn bundled_scenarios() -> Vec<std::path::PathBuf> {
    let dir = lessons_dir();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("the scenarios folder exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml") && !p.ends_with("Cargo.toml"))
        .collect();
    files.sort();
    files
}

/// The folder of the bundled lessons (`scenarios/` at the workspace root).
pub fn lessons_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios")
}

/// Runs the scenario file at `path` with the stock programs and returns its trace;
/// panics if the file does not read, validate or prepare.
pub fn trace_of(path: &std::path::Path) -> trace::Trace {
    let result = run_scenario_file(path);
    trace::Trace {
        header: result.header,
        records: result.trace,
    }
}

/// Runs the bundled lesson `file` (e.g. `"deadlock.toml"`) and returns its trace.
pub fn run_bundled(file: &str) -> trace::Trace {
    trace_of(&lessons_dir().join(file))
}
