//! `machsim export` end to end: each format from a scenario and from both trace
//! forms, and the exit statuses for a bad trace or an unwritable output.

use std::path::PathBuf;
use std::process::ExitCode;
use views::export::{to_chrome, to_mermaid, to_msc};

fn lesson(name: &str) -> trace::Trace {
    harness::trace_of(&harness::lessons_dir().join(format!("{name}.toml")))
}

/// A directory of its own for one test, removed when the test ends.
struct TempDir(PathBuf);

impl TempDir {
    fn new(test: &str) -> TempDir {
        let path =
            std::env::temp_dir().join(format!("machsim-export-{test}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("the temporary directory can be made");
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn machsim(args: &[&str]) -> ExitCode {
    let argv = std::iter::once("machsim").chain(args.iter().copied());
    machsim::cli::main_from(argv, &tasks::Registry::stock())
}

#[test]
fn export_writes_each_format_from_a_scenario_and_from_its_trace_files() {
    let dir = TempDir::new("formats");
    let scenario = harness::lessons_dir().join("server-killed.toml");
    let scenario = scenario.to_str().expect("UTF-8 path");
    let trace = lesson("server-killed");
    let jsonl = dir.0.join("run.jsonl");
    let mut bytes = Vec::new();
    trace::write_jsonl(&mut bytes, &trace.header, &trace.records).expect("written");
    std::fs::write(&jsonl, &bytes).expect("written");
    let binary = dir.0.join("run.trace");
    let mut bytes = Vec::new();
    trace::write_binary(&mut bytes, &trace.header, &trace.records).expect("written");
    std::fs::write(&binary, &bytes).expect("written");
    for (format, expected) in [
        ("mermaid", to_mermaid(&trace)),
        ("chrome", to_chrome(&trace)),
        ("msc", to_msc(&trace)),
    ] {
        for input in [
            scenario,
            jsonl.to_str().expect("UTF-8"),
            binary.to_str().expect("UTF-8"),
        ] {
            let out = dir.0.join(format!("out.{format}"));
            let status = machsim(&[
                "export",
                input,
                "--format",
                format,
                "-o",
                out.to_str().expect("UTF-8"),
            ]);
            assert_eq!(status, ExitCode::SUCCESS, "{format} from {input}");
            let written = std::fs::read_to_string(&out).expect("the export is written");
            assert_eq!(written, expected, "{format} from {input}");
        }
    }
}

#[test]
fn a_bad_trace_exits_2_without_a_panic() {
    let dir = TempDir::new("bad");
    let trace = lesson("server-killed");
    let mut jsonl = Vec::new();
    trace::write_jsonl(&mut jsonl, &trace.header, &trace.records).expect("written");
    let mut binary = Vec::new();
    trace::write_binary(&mut binary, &trace.header, &trace.records).expect("written");

    let newer = String::from_utf8(jsonl.clone()).expect("UTF-8").replacen(
        "\"version\":1",
        "\"version\":2",
        1,
    );
    let torn = &jsonl[..jsonl.len() - 10];
    let corrupt = {
        let mut bytes = binary.clone();
        let at = bytes.iter().position(|b| *b == b'\n').expect("header") + 40;
        bytes.truncate(at + 3);
        bytes[at..].copy_from_slice(&[0xff, 0xff, 0xff]);
        bytes
    };
    for (file, bytes, expected) in [
        ("newer.jsonl", newer.as_bytes(), "line 1"),
        ("torn.jsonl", torn, "torn"),
        ("corrupt.trace", &corrupt[..], "byte offset"),
        ("empty.jsonl", &[][..], "empty"),
    ] {
        let path = dir.0.join(file);
        std::fs::write(&path, bytes).expect("written");
        // The reader's own message names the line or byte offset.
        let error = trace::read_trace(bytes).expect_err(file).to_string();
        assert!(error.contains(expected), "{file}: {error}");
        for format in ["mermaid", "chrome", "msc"] {
            let out = dir.0.join("out");
            let status = machsim(&[
                "export",
                path.to_str().expect("UTF-8"),
                "--format",
                format,
                "-o",
                out.to_str().expect("UTF-8"),
            ]);
            assert_eq!(status, ExitCode::from(2), "{file} as {format}");
            assert!(!out.exists(), "{file}: nothing is written");
        }
    }
    let missing = dir.0.join("missing.jsonl");
    let status = machsim(&[
        "export",
        missing.to_str().expect("UTF-8"),
        "--format",
        "msc",
    ]);
    assert_eq!(status, ExitCode::from(2));
}

#[test]
fn an_output_file_that_cannot_be_written_exits_2() {
    let dir = TempDir::new("unwritable");
    let scenario = harness::lessons_dir().join("deadlock.toml");
    let out = dir.0.join("no-such-dir").join("out.mmd");
    let status = machsim(&[
        "export",
        scenario.to_str().expect("UTF-8"),
        "--format",
        "mermaid",
        "-o",
        out.to_str().expect("UTF-8"),
    ]);
    assert_eq!(status, ExitCode::from(2));
}
