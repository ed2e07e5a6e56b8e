//! `machsim step`: the kernel's state after any event of a trace, rebuilt from the
//! trace alone.

use super::ColorChoice;
use crate::stepper::{self, State};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `machsim step`.
#[derive(Debug, clap::Args)]
pub struct StepArgs {
    /// A trace (.jsonl or .trace), or a scenario (.toml) to run on the spot.
    file: PathBuf,
    /// The event to show the state after (0: before the first event; without --at:
    /// the last event).
    #[arg(long, value_name = "N")]
    at: Option<u64>,
    /// Prints the state as one JSON document instead of text.
    #[arg(long)]
    json: bool,
    /// When to use colour.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

/// What `step` prints, or the error to print with exit status 2.
pub(crate) fn output(args: &StepArgs, programs: &tasks::Registry) -> Result<String, String> {
    let trace = super::trace_input::load_trace(&args.file, programs)?;
    let last = trace.records.len() as u64;
    let at = args.at.unwrap_or(last);
    if at > last {
        let last_text = match trace.records.last() {
            Some(record) => format!("its last event is {last} ({})", stepper::describe(record)),
            None => "it has no events; only --at 0 exists".to_string(),
        };
        return Err(format!(
            "error: --at {at} is beyond the end of {}: {last_text}\n",
            args.file.display()
        ));
    }
    let upto = usize::try_from(at).unwrap_or(usize::MAX);
    let records = &trace.records[..upto];
    let state = State::from_records(records);
    let event = records.last();
    if args.json {
        let document = stepper::json(&trace.header, &state, event, last);
        let mut text = serde_json::to_string_pretty(&document)
            .map_err(|e| format!("error: cannot write JSON: {e}\n"))?;
        text.push('\n');
        Ok(text)
    } else {
        Ok(stepper::text(
            &trace.header,
            &state,
            event,
            last,
            args.color.enabled(),
        ))
    }
}

/// Prints the state after event `--at` (or the last); exit status 0, or 2 when the
/// file cannot be read or `--at` is past the end.
pub(crate) fn run(args: &StepArgs, programs: &tasks::Registry) -> ExitCode {
    match output(args, programs) {
        Ok(text) => {
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(text.as_bytes());
            let _ = out.flush();
            ExitCode::SUCCESS
        }
        Err(text) => {
            eprint!("{text}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn args(line: &[&str]) -> StepArgs {
        match super::super::Cli::try_parse_from(line) {
            Ok(super::super::Cli {
                command: super::super::Command::Step(args),
            }) => args,
            other => panic!("`{line:?}` does not parse as step: {other:?}"),
        }
    }

    fn scenario(name: &str) -> String {
        format!("{}/{name}", env!("CARGO_MANIFEST_DIR"))
    }

    /// A temporary file removed when dropped.
    struct TempFile(PathBuf);

    impl Drop for TempFile {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }

    #[test]
    fn at_beyond_the_end_names_the_last_event() {
        let file = scenario("deadlock.toml");
        let error = output(
            &args(&["machsim", "step", &file, "--at", "1000"]),
            &tasks::Registry::stock(),
        )
        .expect_err("1000 is past the end");
        assert!(
            error.starts_with("error: --at 1000 is beyond the end of")
                && error.contains("its last event is 20 (event 20 at"),
            "{error}"
        );
    }

    #[test]
    fn at_zero_is_the_state_before_any_event() {
        let file = scenario("deadlock.toml");
        let text = output(
            &args(&["machsim", "step", &file, "--at", "0", "--color", "never"]),
            &tasks::Registry::stock(),
        )
        .expect("event 0 exists");
        assert!(text.contains("state after event 0 of 20"), "{text}");
        assert!(text.contains("before the first event"), "{text}");
        assert!(text.contains("tasks (0)"), "{text}");
    }

    #[test]
    fn without_at_the_state_after_the_last_event_is_shown() {
        let file = scenario("deadlock.toml");
        let text = output(
            &args(&["machsim", "step", &file, "--color", "never"]),
            &tasks::Registry::stock(),
        )
        .expect("the scenario runs");
        assert!(text.contains("state after event 20 of 20"), "{text}");
    }

    #[test]
    fn an_unreadable_file_is_an_error() {
        let error = output(
            &args(&["machsim", "step", "/no/such/trace.jsonl"]),
            &tasks::Registry::stock(),
        )
        .expect_err("the file does not exist");
        assert!(
            error.contains("cannot read /no/such/trace.jsonl"),
            "{error}"
        );
    }

    #[test]
    fn a_jsonl_trace_and_a_binary_trace_of_one_run_print_the_same() {
        let trace = super::super::trace_input::load_trace(
            std::path::Path::new(&scenario("port-destroyed.toml")),
            &tasks::Registry::stock(),
        )
        .expect("the scenario runs");
        let dir = std::env::temp_dir();
        let stem = format!("machsim-step-{}", std::process::id());
        let jsonl = TempFile(dir.join(format!("{stem}.jsonl")));
        let binary = TempFile(dir.join(format!("{stem}.trace")));
        let mut bytes = Vec::new();
        kernel::trace::write_jsonl(&mut bytes, &trace.header, &trace.records).expect("memory");
        std::fs::write(&jsonl.0, &bytes).expect("the temporary file is written");
        bytes.clear();
        kernel::trace::write_binary(&mut bytes, &trace.header, &trace.records).expect("memory");
        std::fs::write(&binary.0, &bytes).expect("the temporary file is written");
        let registry = tasks::Registry::stock();
        let last = trace.records.len();
        for at in [0, 1, last / 2, last] {
            for json in [false, true] {
                let line = |file: &PathBuf| {
                    let file = file.to_str().expect("UTF-8 path").to_string();
                    let at = at.to_string();
                    let mut line = vec!["machsim", "step", &file, "--at", &at, "--color", "never"]
                        .into_iter()
                        .map(String::from)
                        .collect::<Vec<_>>();
                    if json {
                        line.push("--json".into());
                    }
                    line
                };
                let parse = |line: Vec<String>| {
                    let line: Vec<&str> = line.iter().map(String::as_str).collect();
                    args(&line)
                };
                let from_jsonl = output(&parse(line(&jsonl.0)), &registry).expect("reads");
                let from_binary = output(&parse(line(&binary.0)), &registry).expect("reads");
                assert_eq!(from_jsonl, from_binary, "--at {at}, json {json}");
            }
        }
    }
}
