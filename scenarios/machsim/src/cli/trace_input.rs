//! Where `step` and `export` get a trace: a trace file, or a scenario run on the spot.

use super::input_file::{InputKind, read_input};
use scenario::run::{Overrides, execute, prepare};
use std::path::Path;
use trace::{Trace, read_trace};

/// Reads a trace from `path`: a `.toml` scenario is validated and run (with the
/// stock programs and its own seed and schedule); anything else is read as a trace
/// in either form, from a regular file of at most 1 GiB (read whole, then checked
/// event by event). The error is the text to print, with exit status 2.
pub(crate) fn load_trace(path: &Path, programs: &tasks::Registry) -> Result<Trace, String> {
    if path.extension().is_some_and(|e| e == "toml") {
        let scenario = match super::scenario_file::load(path, programs, false) {
            super::scenario_file::Loaded::Valid(scenario) => scenario,
            super::scenario_file::Loaded::Invalid(text) => return Err(text),
        };
        let resolver = scenario::program_args::resolver(programs);
        let prepared = prepare(&scenario, &resolver, &Overrides::default())
            .map_err(|e| format!("error: {e}\n"))?;
        let result = execute(&scenario, prepared);
        return Ok(Trace {
            header: result.header,
            records: result.trace,
        });
    }
    let bytes = read_input(path, InputKind::Trace).map_err(|e| {
        format!("error: {e}\n  expected a trace (.jsonl or .trace) or a scenario (.toml)\n")
    })?;
    read_trace(&bytes).map_err(|e| format!("error: {}: {e}\n", path.display()))
}
