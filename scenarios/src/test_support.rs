//! Helpers shared by the crate's unit tests: running a scenario file with the
//! stock programs, as `machsim run` does, to get a trace to step or export.

use kernel::trace::Trace;
use std::path::Path;

/// Runs the scenario file at `path` with the stock programs and returns its trace;
/// panics if the file does not read, validate or prepare.
pub(crate) fn trace_of(path: &Path) -> Trace {
    let registry = tasks::Registry::stock();
    let bytes =
        std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let name = path.display().to_string();
    let (scenario, diagnostics) = crate::syntax::parse(&name, &bytes, &|p| registry.contains(p));
    let Some(scenario) = scenario.filter(|_| diagnostics.is_empty()) else {
        panic!("{name} is not a valid scenario");
    };
    let resolver = crate::program_args::resolver(&registry);
    let prepared = crate::run::prepare(&scenario, &resolver, &crate::run::Overrides::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let result = crate::run::execute(&scenario, prepared);
    Trace {
        header: result.header,
        records: result.trace,
    }
}

/// Runs the bundled lesson `file` (e.g. `"deadlock.toml"`) and returns its trace.
pub(crate) fn run_bundled(file: &str) -> Trace {
    trace_of(&Path::new(env!("CARGO_MANIFEST_DIR")).join(file))
}
