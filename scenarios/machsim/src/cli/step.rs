//! `machsim step`: the kernel's state after any event of a trace, rebuilt from the
//! trace alone: the interactive stepper on a terminal, or the state after one event
//! as text or JSON for scripts.

use super::ColorChoice;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use views::stepper::{self, State};

const STEP_HELP: &str = "Interactive or not:
  Without --at and --json, when standard output is a terminal, step opens the
  interactive stepper: the event list, tasks, ports and their queues, the detail of
  the current event and its message. Arrows (or h/l, n/p) step, g N jumps to an
  event, : T to a virtual time in ms, / searches, t/o/m follow a task, a port, a
  message; ? lists every key; q quits. Otherwise (--at given, --json, or output
  piped or redirected) it prints the state after one event and exits.

Examples:
  machsim step scenarios/deadlock.toml              step through it interactively
  machsim step run.jsonl --at 42                    the state after event 42
  machsim step run.trace --at 42 --json | jq .tasks for scripts";

/// Arguments of `machsim step`.
#[derive(Debug, clap::Args)]
#[command(after_help = STEP_HELP)]
pub struct StepArgs {
    /// A trace (.jsonl or .trace), or a scenario (.toml) to run on the spot.
    file: PathBuf,
    /// Prints the state after event N and exits (0: before the first event). Without
    /// --at: the interactive stepper on a terminal, else the state after the last event.
    #[arg(long, value_name = "N")]
    at: Option<u64>,
    /// Prints the state as one JSON document instead of text (never interactive).
    #[arg(long)]
    json: bool,
    /// When to use colour, in the printed state and in the interactive stepper
    /// (auto: on a terminal and when NO_COLOR is unset).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

/// True when `step` opens the interactive stepper: no --at, no --json, and standard
/// output is a terminal.
fn interactive(args: &StepArgs, stdout_is_terminal: bool) -> bool {
    args.at.is_none() && !args.json && stdout_is_terminal
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

/// Opens the interactive stepper on the terminal, or prints the state after event
/// `--at` (or the last); exit status 0, or 2 when the file cannot be read, `--at` is
/// past the end, the output cannot be written, or the terminal fails.
pub(crate) fn run(args: &StepArgs, programs: &tasks::Registry, stdout: &mut dyn Write) -> ExitCode {
    if interactive(args, std::io::stdout().is_terminal()) {
        return run_interactive(args, programs);
    }
    match output(args, programs) {
        Ok(text) => super::output::print_all(stdout, text.as_bytes()),
        Err(text) => {
            eprint!("{text}");
            ExitCode::from(2)
        }
    }
}

/// The interactive stepper over the file's trace.
fn run_interactive(args: &StepArgs, programs: &tasks::Registry) -> ExitCode {
    let trace = match super::trace_input::load_trace(&args.file, programs) {
        Ok(trace) => trace,
        Err(text) => {
            eprint!("{text}");
            return ExitCode::from(2);
        }
    };
    let stepper = stepper::Stepper::new(trace);
    match crate::tui::run(&stepper, args.color.enabled()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: the interactive stepper failed: {e}");
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
        harness::lessons_dir().join(name).display().to_string()
    }

    /// A temporary file removed when dropped.
    struct TempFile(PathBuf);

    impl Drop for TempFile {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }

    #[test]
    fn the_stepper_is_interactive_only_on_a_terminal_without_at_or_json() {
        let file = scenario("deadlock.toml");
        let plain = args(&["machsim", "step", &file]);
        assert!(interactive(&plain, true));
        assert!(!interactive(&plain, false));
        assert!(!interactive(
            &args(&["machsim", "step", &file, "--at", "3"]),
            true
        ));
        assert!(!interactive(
            &args(&["machsim", "step", &file, "--json"]),
            true
        ));
        assert!(interactive(
            &args(&["machsim", "step", &file, "--color", "never"]),
            true
        ));
    }

    #[test]
    fn the_help_says_when_the_stepper_is_interactive() {
        use clap::CommandFactory;
        let mut command = super::super::Cli::command();
        let step = command
            .find_subcommand_mut("step")
            .expect("step is a subcommand");
        let help = step.render_long_help().to_string();
        assert!(help.contains("opens the\n  interactive stepper"), "{help}");
        assert!(
            help.contains("Otherwise (--at given, --json, or output"),
            "{help}"
        );
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
        trace::write_jsonl(&mut bytes, &trace.header, &trace.records).expect("memory");
        std::fs::write(&jsonl.0, &bytes).expect("the temporary file is written");
        bytes.clear();
        trace::write_binary(&mut bytes, &trace.header, &trace.records).expect("memory");
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
