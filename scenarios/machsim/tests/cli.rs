//! End-to-end tests of the `machsim` command line.
//!
//! Most tests run the real binary (`CARGO_BIN_EXE_machsim`) from the `scenarios`
//! directory, so file names in its output are short and the same on every machine,
//! and check its exit status against the scenario format's contract: 0 every
//! expectation holds, 1 an expectation failed, 2 the file or the command line is
//! wrong. Runs are deterministic (virtual time, seeded schedules), so their output
//! can be snapshotted; nothing here sleeps or looks at the wall clock.
//!
//! The last tests exercise `scenarios/machsim/examples/custom_machsim.rs`, a user's own
//! `machsim` with an extra task program. An example cannot be imported, and running
//! it through `cargo run --example` from a test would rebuild inside the test and
//! contend for the build lock. So the example's source is compiled a second time
//! here as a module (`#[path]` below): the tests call the very `registry()` its
//! `main` passes to `machsim::cli::main_with`, and drive the command line in
//! process with `machsim::cli::main_from`. `cargo test` also builds the example
//! itself, which keeps it compiling in CI.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// The example's source, as a module: see the file's documentation.
#[path = "../examples/custom_machsim.rs"]
#[allow(dead_code)] // its `main`, which only the example binary calls
mod custom_machsim;

/// What one run of the binary printed, and its exit status.
#[derive(Debug)]
struct Output {
    status: i32,
    stdout: String,
    stderr: String,
}

/// The `scenarios` directory: the bundled lessons are here, this crate's test data
/// under `machsim/tests/data`.
fn package_dir() -> PathBuf {
    harness::lessons_dir()
}

/// Runs `machsim` with `args` in the `scenarios` directory.
fn machsim(args: &[&str]) -> Output {
    machsim_writing_to(args, std::process::Stdio::piped())
}

/// Runs `machsim` with `args` in the `scenarios` directory, its standard output going
/// to `stdout` (captured only when it is a pipe).
fn machsim_writing_to(args: &[&str], stdout: std::process::Stdio) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_machsim"))
        .args(args)
        .current_dir(package_dir())
        .env_remove("NO_COLOR")
        .stdout(stdout)
        .output()
        .expect("the machsim binary starts");
    Output {
        status: output
            .status
            .code()
            .expect("machsim exits with a status, not a signal"),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

/// A directory of its own for one test, removed when the test ends.
struct TempDir(PathBuf);

impl TempDir {
    fn new(test: &str) -> TempDir {
        let path = std::env::temp_dir().join(format!("machsim-cli-{test}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("the temporary directory can be made");
        TempDir(path)
    }

    /// A path in the directory, as a string for the command line.
    fn file(&self, name: &str) -> String {
        self.0.join(name).to_str().expect("UTF-8 path").to_string()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The summary part of `machsim run`'s output: from the outcome line to the end.
fn summary_part(stdout: &str) -> &str {
    let start = stdout
        .find("outcome:")
        .expect("the output has an outcome line");
    &stdout[start..]
}

fn read(path: &str) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

// ---------------------------------------------------------------------------------
// run: passing scenarios, output options

#[test]
fn run_on_a_passing_scenario_exits_0_and_prints_the_account_and_the_summary() {
    let out = machsim(&["run", "--color", "never", "policy-no-wait.toml"]);
    assert_eq!(out.status, 0, "{out:?}");
    assert!(
        out.stdout
            .starts_with("policy: no wait (seed 0, round_robin)\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("writer  send to queue fails: send_timed_out")
    );
    assert!(out.stdout.contains("outcome: completed"));
    assert!(out.stdout.contains("✓ outcome (line 40): completed"));
    assert!(out.stdout.ends_with("every expectation holds\n"));
    assert!(!out.stdout.contains('✗'));
    assert_eq!(out.stderr, "");
}

#[test]
fn run_with_quiet_prints_the_summary_but_no_event_account() {
    let out = machsim(&["run", "--quiet", "--color", "never", "policy-no-wait.toml"]);
    assert_eq!(out.status, 0, "{out:?}");
    assert!(
        out.stdout
            .starts_with("policy: no wait (seed 0, round_robin)\n")
    );
    assert!(out.stdout.contains("outcome: completed"));
    assert!(out.stdout.contains("every expectation holds"));
    for event in ["writer starts", "sends m1", "sleeps until", "reader exits"] {
        assert!(
            !out.stdout.contains(event),
            "--quiet printed the event account ({event:?}):\n{}",
            out.stdout
        );
    }
    // The title line, a blank line, then the same summary as without `--quiet`.
    let full = machsim(&["run", "--color", "never", "policy-no-wait.toml"]);
    let summary = summary_part(&full.stdout);
    assert_eq!(
        out.stdout,
        format!("policy: no wait (seed 0, round_robin)\n\n{summary}")
    );
    // The short flag is the same flag.
    let short = machsim(&["run", "-q", "--color", "never", "policy-no-wait.toml"]);
    assert_eq!(short.stdout, out.stdout);
}

#[test]
fn run_with_color_never_prints_no_ansi_escapes() {
    let out = machsim(&["run", "--color", "never", "policy-no-wait.toml"]);
    assert_eq!(out.status, 0, "{out:?}");
    assert!(!out.stdout.contains('\x1b'), "{}", out.stdout);
    // A pipe is not a terminal, so `auto` means no colour either.
    let auto = machsim(&["run", "policy-no-wait.toml"]);
    assert_eq!(auto.stdout, out.stdout);
}

#[test]
fn run_with_color_always_prints_ansi_escapes() {
    let out = machsim(&["run", "--color", "always", "policy-no-wait.toml"]);
    assert_eq!(out.status, 0, "{out:?}");
    assert!(out.stdout.contains("\x1b["), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("\x1b[32mevery expectation holds\x1b[0m")
    );
}

// ---------------------------------------------------------------------------------
// run: failed expectations (exit 1)

#[test]
fn run_on_a_failing_scenario_exits_1_and_lists_each_failed_expectation() {
    let out = machsim(&[
        "run",
        "--color",
        "never",
        "machsim/tests/data/failing-expectations.toml",
    ]);
    assert_eq!(out.status, 1, "{out:?}");
    assert_eq!(out.stderr, "");
    let summary = summary_part(&out.stdout);
    // Each ✗ names the task, the step's line, the virtual time, expected and got.
    assert!(summary.contains(
        "✗ send step in writer (line 23) at 5.000 ms: expected send_timed_out, got success"
    ));
    assert!(summary.contains(
        "✗ receive step in reader (line 31) at 10.000 ms: expected a message with id 3, got id 2"
    ));
    assert!(summary.contains("✗ delivered queue (line 37): expected 3, got 2"));
    assert_eq!(summary.matches('✗').count(), 4);
    assert!(summary.ends_with("4 expectation(s) failed\n"));
    insta::assert_snapshot!("failing_expectations_summary", summary);
}

// ---------------------------------------------------------------------------------
// run: invalid files and command lines (exit 2)

#[test]
fn run_on_an_invalid_file_exits_2_with_every_diagnostic_at_file_line_column() {
    let out = machsim(&["run", "--color", "never", "machsim/tests/data/invalid.toml"]);
    assert_eq!(out.status, 2, "{out:?}");
    assert_eq!(out.stdout, "", "nothing runs");
    for place in [
        "machsim/tests/data/invalid.toml:5:12",
        "machsim/tests/data/invalid.toml:10:12",
        "machsim/tests/data/invalid.toml:15:10",
        "machsim/tests/data/invalid.toml:16:25",
        "machsim/tests/data/invalid.toml:21:59",
    ] {
        assert!(
            out.stderr.contains(place),
            "{place} missing:\n{}",
            out.stderr
        );
    }
    assert!(out.stderr.contains("did you mean `send`?"));
    assert!(out.stderr.contains("did you mean `requests`?"));
    assert!(!out.stderr.contains('\x1b'));
    // miette pads some lines with a trailing space, which editors and hooks strip from
    // snapshot files; the snapshot is about the text, so it is compared without them.
    let stderr: String = out
        .stderr
        .lines()
        .map(|l| l.trim_end().to_string() + "\n")
        .collect();
    insta::assert_snapshot!("invalid_file_stderr", stderr);
}

#[test]
fn run_on_a_missing_file_exits_2_and_says_it_cannot_read_it() {
    let out = machsim(&["run", "machsim/tests/data/no-such-file.toml"]);
    assert_eq!(out.status, 2, "{out:?}");
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr
            .starts_with("error: cannot read machsim/tests/data/no-such-file.toml: "),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("expected a scenario file (TOML)"));
}

#[test]
fn run_on_a_file_that_is_not_utf8_exits_2_and_points_at_the_bad_byte() {
    let dir = TempDir::new("not_utf8");
    let file = dir.file("latin1.toml");
    // "café" saved as Latin-1: 0xE9 alone is not UTF-8.
    std::fs::write(&file, b"[scenario]\nname = \"caf\xe9\"\n").unwrap();
    let out = machsim(&["run", "--color", "never", &file]);
    assert_eq!(out.status, 2, "{out:?}");
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr
            .contains("the file is not UTF-8: byte 22 (0xe9) is not valid"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(&format!("{file}:2:12")),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("save the file as UTF-8"));
}

#[test]
fn run_on_an_empty_file_exits_2_and_says_the_file_is_empty() {
    let dir = TempDir::new("empty");
    let file = dir.file("empty.toml");
    std::fs::write(&file, b"").unwrap();
    let out = machsim(&["run", "--color", "never", &file]);
    assert_eq!(out.status, 2, "{out:?}");
    assert_eq!(out.stdout, "");
    assert!(out.stderr.contains("the file is empty"), "{}", out.stderr);
    assert!(out.stderr.contains("start with `[scenario]`"));
}

#[test]
fn run_with_an_unknown_schedule_exits_2_and_lists_the_schedules() {
    let out = machsim(&["run", "--schedule", "fast", "policy-no-wait.toml"]);
    assert_eq!(out.status, 2, "{out:?}");
    assert_eq!(out.stdout, "");
    assert!(out.stderr.contains("'fast'"), "{}", out.stderr);
    assert!(out.stderr.contains("round_robin, random, pct"));
}

#[test]
fn run_with_a_negative_seed_exits_2() {
    for seed in [["--seed", "-1"], ["--seed", "many"]] {
        let out = machsim(&["run", seed[0], seed[1], "policy-no-wait.toml"]);
        assert_eq!(out.status, 2, "{seed:?}: {out:?}");
        assert_eq!(out.stdout, "");
        assert!(out.stderr.starts_with("error: "), "{}", out.stderr);
    }
}

#[test]
fn an_unknown_subcommand_or_a_missing_file_argument_exits_2() {
    for args in [
        &["frobnicate"][..],
        &[],
        &["run"],
        &["check"],
        &["run", "--no-such-flag", "policy-no-wait.toml"],
        &["completions", "tcsh"],
    ] {
        let out = machsim(args);
        assert_eq!(out.status, 2, "{args:?}: {out:?}");
        assert!(!out.stderr.is_empty(), "{args:?} printed no error");
    }
}

// ---------------------------------------------------------------------------------
// run --trace, --seed, --schedule

#[test]
fn run_with_trace_writes_json_lines_and_binary_traces_that_start_with_the_header() {
    let dir = TempDir::new("trace_forms");
    // The binary form's header carries its own version (2: fixed words encoded as
    // variant indices); JSON Lines stays at 1.
    for (name, version) in [("out.jsonl", 1), ("out.trace", 2)] {
        let path = dir.file(name);
        let out = machsim(&["run", "--quiet", "policy-no-wait.toml", "--trace", &path]);
        assert_eq!(out.status, 0, "{out:?}");
        assert!(
            out.stdout.ends_with(&format!("trace written to {path}\n")),
            "{}",
            out.stdout
        );
        let bytes = read(&path);
        let header = bytes.split(|b| *b == b'\n').next().unwrap();
        let header: serde_json::Value = serde_json::from_slice(header).expect("a JSON header");
        assert_eq!(header["format"], "machsim-trace", "{name}");
        assert_eq!(header["version"], version, "{name}");
        assert_eq!(header["scenario"], "policy: no wait", "{name}");
        assert_eq!(header["seed"], 0, "{name}");
        assert_eq!(header["schedule"], "round_robin", "{name}");
    }
}

#[test]
fn the_json_lines_and_binary_traces_of_one_run_read_back_to_the_same_records() {
    let dir = TempDir::new("trace_same_records");
    let (jsonl, binary) = (dir.file("run.jsonl"), dir.file("run.trace"));
    for path in [&jsonl, &binary] {
        let out = machsim(&["run", "--quiet", "shared-mailbox.toml", "--trace", path]);
        assert_eq!(out.status, 0, "{out:?}");
    }
    let jsonl_bytes = read(&jsonl);
    let binary_bytes = read(&binary);
    assert_ne!(jsonl_bytes, binary_bytes, "two forms, not one");
    let from_jsonl = kernel::trace::read_trace(&jsonl_bytes).expect("the JSON Lines trace reads");
    let from_binary = kernel::trace::read_trace(&binary_bytes).expect("the binary trace reads");
    assert_eq!(from_jsonl.header, from_binary.header);
    assert!(!from_jsonl.records.is_empty());
    assert_eq!(from_jsonl.records, from_binary.records);
}

#[test]
fn two_runs_with_the_same_seed_write_byte_identical_traces() {
    let dir = TempDir::new("trace_deterministic");
    // A random schedule, so the seed matters.
    for extension in ["jsonl", "trace"] {
        let first = dir.file(&format!("first.{extension}"));
        let second = dir.file(&format!("second.{extension}"));
        for path in [&first, &second] {
            let out = machsim(&[
                "run",
                "--quiet",
                "--seed",
                "5",
                "shared-mailbox.toml",
                "--trace",
                path,
            ]);
            assert_eq!(out.status, 0, "{out:?}");
        }
        assert_eq!(read(&first), read(&second), "{extension} traces differ");
    }
}

#[test]
fn seed_and_schedule_on_the_command_line_override_the_file() {
    let dir = TempDir::new("overrides");
    // The file says `schedule = "random"`, `seed = 3`.
    let default = machsim(&["run", "--quiet", "--color", "never", "shared-mailbox.toml"]);
    assert_eq!(default.status, 0, "{default:?}");
    assert!(
        default
            .stdout
            .starts_with("shared mailbox (seed 3, random)\n")
    );

    let path = dir.file("overridden.jsonl");
    let out = machsim(&[
        "run",
        "--quiet",
        "--color",
        "never",
        "--seed",
        "11",
        "--schedule",
        "round_robin",
        "--trace",
        &path,
        "shared-mailbox.toml",
    ]);
    assert_eq!(out.status, 0, "{out:?}");
    assert!(
        out.stdout
            .starts_with("shared mailbox (seed 11, round_robin)\n"),
        "{}",
        out.stdout
    );
    let trace = kernel::trace::read_trace(&read(&path)).expect("the trace reads");
    assert_eq!(trace.header.seed, 11);
    assert_eq!(trace.header.schedule.as_str(), "round_robin");
}

#[test]
fn run_with_a_trace_path_of_another_extension_exits_2_before_running() {
    let dir = TempDir::new("trace_bad_extension");
    for name in ["out.txt", "out"] {
        let path = dir.file(name);
        let out = machsim(&["run", "policy-no-wait.toml", "--trace", &path]);
        assert_eq!(out.status, 2, "{out:?}");
        assert_eq!(out.stdout, "", "the scenario must not run");
        assert!(
            out.stderr.contains("expected a path ending in .jsonl"),
            "{}",
            out.stderr
        );
        assert!(!Path::new(&path).exists(), "{name} was written");
    }
}

// ---------------------------------------------------------------------------------
// check

#[test]
fn check_reports_every_invalid_file_and_exits_2() {
    let out = machsim(&[
        "check",
        "--color",
        "never",
        "machsim/tests/data/invalid.toml",
        "policy-no-wait.toml",
        "machsim/tests/data/not-toml.toml",
    ]);
    assert_eq!(out.status, 2, "{out:?}");
    assert_eq!(
        out.stdout,
        "policy-no-wait.toml: ok (2 tasks, 1 ports, 0 port sets, 0 faults)\n"
    );
    assert!(out.stderr.contains("machsim/tests/data/invalid.toml:5:12"));
    assert!(out.stderr.contains("machsim/tests/data/invalid.toml:21:59"));
    assert!(out.stderr.contains("machsim/tests/data/not-toml.toml:3:10"));
    assert!(out.stderr.contains("not valid TOML: unclosed table"));
    assert!(out.stderr.contains("error: 5 problems found"));
    assert!(out.stderr.contains("error: 1 problem found"));
}

#[test]
fn check_with_only_valid_files_prints_one_ok_line_each_and_exits_0() {
    // Every bundled lesson, and the data file that is valid but fails when run.
    let mut files: Vec<String> = std::fs::read_dir(package_dir())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".toml") && name != "Cargo.toml")
        .collect();
    files.sort();
    assert!(files.len() >= 20, "the bundled lessons: {files:?}");
    files.push("machsim/tests/data/failing-expectations.toml".to_string());
    let mut args = vec!["check"];
    args.extend(files.iter().map(String::as_str));
    let out = machsim(&args);
    assert_eq!(out.status, 0, "{out:?}");
    assert_eq!(out.stderr, "");
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), files.len(), "{}", out.stdout);
    for (line, file) in lines.iter().zip(&files) {
        assert!(line.starts_with(&format!("{file}: ok (")), "{line}");
    }
}

#[test]
fn run_refuses_a_bad_program_argument_with_exit_2_before_running() {
    let out = machsim(&[
        "run",
        "--color",
        "never",
        "machsim/tests/data/bad-program-args.toml",
    ]);
    assert_eq!(out.status, 2, "{out:?}");
    assert_eq!(out.stdout, "", "nothing runs");
    assert!(
        out.stderr
            .contains("machsim/tests/data/bad-program-args.toml:"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("argument `count` must be an integer, not a string"),
        "{}",
        out.stderr
    );
}

/// The scenario format lists bad program arguments among a file's errors, which
/// `check` lists and `run` refuses before anything runs; the guide
/// (`docs/guide/writing-a-task.md`) promises that `machsim check` reports them.
#[test]
fn check_reports_a_bad_program_argument_as_run_does() {
    let out = machsim(&[
        "check",
        "--color",
        "never",
        "machsim/tests/data/bad-program-args.toml",
    ]);
    assert_eq!(out.status, 2, "{out:?}");
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr
            .contains("argument `count` must be an integer, not a string"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("machsim/tests/data/bad-program-args.toml:18:"),
        "{}",
        out.stderr
    );
}

// ---------------------------------------------------------------------------------
// completions, help, version, bench

#[test]
fn completions_print_a_script_for_bash_zsh_and_fish() {
    for shell in ["bash", "zsh", "fish"] {
        let out = machsim(&["completions", shell]);
        assert_eq!(out.status, 0, "{shell}: {out:?}");
        assert!(out.stdout.contains("machsim"), "{shell}");
        // Every subcommand can be completed.
        for subcommand in ["run", "check", "bench", "completions"] {
            assert!(out.stdout.contains(subcommand), "{shell}: {subcommand}");
        }
        assert_eq!(out.stderr, "");
    }
}

#[test]
fn help_shows_the_subcommands_and_the_examples_section() {
    let out = machsim(&["--help"]);
    assert_eq!(out.status, 0, "{out:?}");
    assert!(out.stdout.contains("Usage: machsim <COMMAND>"));
    for subcommand in ["run", "check", "bench", "completions"] {
        assert!(out.stdout.contains(&format!("\n  {subcommand} ")));
    }
    assert!(out.stdout.contains("\nExamples:\n"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("machsim run scenarios/full-queue-policies.toml")
    );
    assert!(out.stdout.contains("machsim check scenarios/deadlock.toml"));
}

#[test]
fn version_prints_machsim_and_its_version() {
    let out = machsim(&["--version"]);
    assert_eq!(out.status, 0, "{out:?}");
    assert_eq!(out.stdout, "machsim 0.1.0\n");
    assert_eq!(
        out.stdout,
        concat!("machsim ", env!("CARGO_PKG_VERSION"), "\n")
    );
}

#[test]
fn bench_quick_json_prints_one_object_per_line_with_the_documented_keys() {
    let out = machsim(&["bench", "--quick", "--json", "--only", "send_receive"]);
    assert_eq!(out.status, 0, "{out:?}");
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(!lines.is_empty(), "no results");
    let mut impls = Vec::new();
    for line in lines {
        let object: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{line}: {e}"));
        assert_eq!(object["workload"], "send_receive", "{line}");
        assert!(object["ns_per_msg"].is_number(), "{line}");
        assert!(
            object["runs"].as_u64().is_some_and(|runs| runs >= 1),
            "{line}"
        );
        impls.push(
            object["impl"]
                .as_str()
                .expect("impl is a string")
                .to_string(),
        );
    }
    assert!(impls.iter().any(|i| i == "machsim"), "{impls:?}");
}

#[test]
fn bench_only_selects_a_figure_and_names_every_choice_when_nothing_matches() {
    // `idle_port_memory` is a figure, not a timed workload: --only must find it.
    let out = machsim(&["bench", "--quick", "--json", "--only", "idle_port_memory"]);
    assert_eq!(out.status, 0, "{out:?}");
    assert!(out.stdout.contains("idle_port_memory"), "{out:?}");
    let out = machsim(&["bench", "--quick", "--only", "no_such_workload"]);
    assert_eq!(out.status, 2, "{out:?}");
    for name in [
        "send_receive",
        "request_reply",
        "pipe_rtt",
        "many_ports",
        "idle_port_memory",
    ] {
        assert!(
            out.stderr.contains(name),
            "{name} missing from {}",
            out.stderr
        );
    }
}

// ---------------------------------------------------------------------------------
// A user's own machsim: scenarios/machsim/examples/custom_machsim.rs

const CUSTOM_SCENARIO: &str = "machsim/examples/custom_machsim.toml";

fn custom_scenario_path() -> String {
    package_dir()
        .join(CUSTOM_SCENARIO)
        .to_str()
        .expect("UTF-8 path")
        .to_string()
}

#[test]
fn the_custom_machsim_registers_its_program_beside_the_stock_ones() {
    let registry = custom_machsim::registry();
    assert!(registry.contains("doubler"));
    for stock in tasks::Registry::stock().names() {
        assert!(registry.contains(stock), "{stock} is missing");
    }
    let info = registry.info("doubler").unwrap();
    assert_eq!(
        info.args.iter().map(|a| a.name).collect::<Vec<_>>(),
        ["port", "count"]
    );
}

#[test]
fn the_custom_machsim_validates_its_scenario_which_the_stock_machsim_refuses() {
    let path = custom_scenario_path();
    let check = ["machsim", "check", "--color", "never", path.as_str()];
    assert_eq!(
        machsim::cli::main_from(check, &custom_machsim::registry()),
        ExitCode::SUCCESS
    );
    assert_eq!(
        machsim::cli::main_from(check, &tasks::Registry::stock()),
        ExitCode::from(2)
    );
    // `run` refuses it before running anything, too.
    let run = ["machsim", "run", "--color", "never", path.as_str()];
    assert_eq!(
        machsim::cli::main_from(run, &tasks::Registry::stock()),
        ExitCode::from(2)
    );
    // And so does the stock binary.
    let out = machsim(&["check", "--color", "never", CUSTOM_SCENARIO]);
    assert_eq!(out.status, 2, "{out:?}");
    assert!(
        out.stderr
            .contains("no program named `doubler` is registered")
    );
}

/// What `machsim run` does with the custom registry, through the library.
///
/// `main_from(["machsim", "run", ...])` would do the same, but it prints the account
/// straight to the process's standard output, which the test harness does not capture;
/// the pieces it calls are public, so the run is judged here without that noise. The
/// registry reaches `run`'s loading step through `main_from` in the test above.
#[test]
fn the_custom_machsim_runs_its_scenario_and_every_expectation_holds() {
    let registry = custom_machsim::registry();
    let bytes = read(&custom_scenario_path());
    let (scenario, diagnostics) = scenario::syntax::parse(CUSTOM_SCENARIO, &bytes, &registry);
    assert_eq!(diagnostics, []);
    let scenario = scenario.expect("the scenario is valid");
    let resolver = scenario::program_args::resolver(&registry);
    let prepared =
        scenario::run::prepare(&scenario, &resolver, &scenario::run::Overrides::default())
            .expect("the kernel is built");
    let result = scenario::run::execute(&scenario, prepared);
    let summary = machsim::summary::summary(&result, views::story::Style { color: false });
    assert!(result.passed(), "{summary}");
    assert!(summary.contains("exit doubler (line 42): 0"), "{summary}");
    assert!(summary.ends_with("every expectation holds\n"), "{summary}");
}

// ---------------------------------------------------------------------------------
// bounds: input files that are not regular or too large, output that cannot be
// written, diagnostics on enormous lines (issue 14)

/// Runs `machsim` with `args` in the `scenarios` directory, its standard output a
/// pipe whose reading end is already closed: every write fails with `EPIPE`, at once
/// and every time (no race with a reader that closes late).
fn machsim_into_a_closed_pipe(args: &[&str]) -> Output {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    machsim_writing_to(args, writer.into())
}

/// A writer that fails as a full disk does.
struct Full;

impl std::io::Write for Full {
    fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
        Err(std::io::Error::from_raw_os_error(28))
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Every command that prints, on a lesson or a trace made from one.
const PRINTING_COMMANDS: &[&[&str]] = &[
    &["run", "--color", "never", "deadlock.toml"],
    &["step", "deadlock.toml", "--at", "3", "--color", "never"],
    &["step", "deadlock.toml", "--json"],
    &["check", "deadlock.toml"],
    &["export", "deadlock.toml", "--format", "msc"],
    &["completions", "bash"],
];

#[test]
fn every_command_that_prints_reports_a_closed_standard_output_and_exits_2() {
    for args in PRINTING_COMMANDS {
        let out = machsim_into_a_closed_pipe(args);
        assert_eq!(out.status, 2, "{args:?}: {out:?}");
        assert!(
            out.stderr
                .starts_with("error: cannot write to standard output: "),
            "{args:?}: {}",
            out.stderr
        );
        assert!(!out.stderr.contains("panicked"), "{args:?}: {}", out.stderr);
    }
}

#[test]
fn every_command_that_prints_reports_a_full_standard_output_and_exits_2() {
    let lessons = package_dir();
    for args in PRINTING_COMMANDS {
        let args: Vec<String> = args
            .iter()
            .map(|arg| match arg.strip_suffix(".toml") {
                Some(_) => lessons.join(arg).display().to_string(),
                None => (*arg).to_string(),
            })
            .collect();
        let line = std::iter::once("machsim".to_string()).chain(args.iter().cloned());
        let status = machsim::cli::main_to(line, &tasks::Registry::stock(), &mut Full);
        assert_eq!(status, ExitCode::from(2), "{args:?}");
    }
}

#[cfg(target_os = "linux")]
#[test]
fn run_into_dev_full_exits_2_while_its_trace_is_still_written() {
    let dir = TempDir::new("dev_full");
    let trace = dir.file("run.jsonl");
    let full = std::fs::File::create("/dev/full").expect("/dev/full opens");
    let out = machsim_writing_to(&["run", "deadlock.toml", "--trace", &trace], full.into());
    assert_eq!(out.status, 2, "{out:?}");
    assert!(
        out.stderr
            .starts_with("error: cannot write to standard output: No space left"),
        "{}",
        out.stderr
    );
    assert!(read(&trace).starts_with(b"{\"format\":\"machsim-trace\""));
}

#[test]
fn an_input_that_is_not_a_regular_file_is_refused_naming_what_it_is() {
    let dir = TempDir::new("not_a_file");
    for args in [
        &["check", dir.0.to_str().expect("UTF-8")][..],
        &["step", dir.0.to_str().expect("UTF-8"), "--at", "0"][..],
    ] {
        let out = machsim(args);
        assert_eq!(out.status, 2, "{out:?}");
        assert!(
            out.stderr.contains("it is a directory, not a regular file"),
            "{}",
            out.stderr
        );
    }
    #[cfg(target_os = "linux")]
    {
        let out = machsim(&["run", "/dev/zero"]);
        assert_eq!(out.status, 2, "{out:?}");
        assert!(
            out.stderr.starts_with(
                "error: cannot read /dev/zero: it is a character device, not a regular file"
            ),
            "{}",
            out.stderr
        );
    }
}

/// A FIFO with no writer: opening it would wait for a writer forever.
#[cfg(unix)]
#[test]
fn a_fifo_is_refused_without_waiting_for_a_writer() {
    let dir = TempDir::new("fifo");
    let fifo = dir.file("scenario.toml");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    for command in ["check", "step", "export"] {
        let mut args = vec![command, fifo.as_str()];
        if command == "export" {
            args.extend(["--format", "msc"]);
        }
        let out = machsim(&args);
        assert_eq!(out.status, 2, "{out:?}");
        assert!(
            out.stderr
                .contains("it is a named pipe (FIFO), not a regular file"),
            "{}",
            out.stderr
        );
    }
}

#[test]
fn a_file_over_its_size_limit_is_refused_naming_the_limit() {
    let dir = TempDir::new("too_large");
    for (name, command, limit, what) in [
        (
            "huge.toml",
            "check",
            16 << 20,
            "16 MiB, the limit for a scenario file",
        ),
        (
            "huge.jsonl",
            "step",
            1 << 30,
            "1024 MiB, the limit for a trace file",
        ),
    ] {
        let path = dir.file(name);
        // Sparse: the hole takes no disk.
        let file = std::fs::File::create(&path).expect("a temporary file");
        file.set_len(limit + 1).expect("the file grows");
        let out = machsim(&[command, &path]);
        assert_eq!(out.status, 2, "{out:?}");
        let expected =
            format!("error: cannot read {path}: it is larger than {what} ({limit} bytes)");
        assert!(out.stderr.starts_with(&expected), "{}", out.stderr);
    }
}

#[test]
fn a_problem_past_column_65535_is_rendered_by_check_and_run_without_a_panic() {
    let dir = TempDir::new("wide");
    let file = dir.file("wide.toml");
    let text = format!(
        "[scenario]\nname = \"x\"\n{}seed = \"bad\"\n",
        "\t".repeat(16_400)
    );
    std::fs::write(&file, text).expect("the file is written");
    for command in ["check", "run"] {
        let out = machsim(&[command, "--color", "never", &file]);
        assert_eq!(out.status, 2, "{command}: {out:?}");
        assert!(
            out.stderr.contains(&format!("[{file}:3:16408]")),
            "{command}: {}",
            out.stderr
        );
        assert!(out.stderr.len() < 2_000, "{command}: {}", out.stderr);
    }
}
