//! `pipe_writer` and `pipe_reader` over an ordinary pipe and a FIFO.

use super::{exit_of, run_allowing_crashes, run_clean};
use crate::stock::pipe_writer::PipeSource;
use crate::stock::{PipeReader, PipeWriter};
use crate::{Args, Registry};
use kernel::{Kernel, PipeMode, TaskExit};

/// A parent that makes a pipe of `capacity` bytes, labels its ends "read" and
/// "write", spawns `reader` as its child "child", then runs `writer` itself.
fn parent_and_child(
    kernel: &mut Kernel,
    capacity: Option<u32>,
    writer: PipeWriter,
    reader: PipeReader,
) {
    kernel.spawn("parent", move |cx| async move {
        let (read, write) = match cx.pipe(capacity).await {
            Ok(ends) => ends,
            Err(e) => return TaskExit::Crashed(e.to_string()),
        };
        cx.label_handle(read, "read");
        cx.label_handle(write, "write");
        if let Err(e) = cx.spawn("child", move |cx| reader.run(cx)).await {
            return TaskExit::Crashed(e.to_string());
        }
        writer.run(cx).await
    });
}

fn writer(count: u64) -> PipeWriter {
    PipeWriter {
        count,
        close: vec!["read".to_string()],
        ..PipeWriter::default()
    }
}

fn reader() -> PipeReader {
    PipeReader {
        close: vec!["write".to_string()],
        ..PipeReader::default()
    }
}

#[test]
fn a_child_reads_everything_its_parent_writes_then_end_of_file() {
    let mut kernel = Kernel::builder().build();
    let reader = PipeReader {
        max: 12,
        ..reader()
    };
    parent_and_child(&mut kernel, Some(16), writer(9), reader);
    let report = run_clean(&mut kernel);
    assert_eq!(report.outcome.as_str(), "completed");
    assert_eq!(exit_of(&kernel, "parent"), Some(TaskExit::Exited(0)));
    // 12-byte reads split items; every whole item is still counted once.
    assert_eq!(exit_of(&kernel, "child"), Some(TaskExit::Exited(9)));
    assert!(kernel.inspect(|k| k.pipes()).is_empty());
}

#[test]
fn a_reader_that_stops_early_gives_the_writer_a_broken_pipe() {
    let mut kernel = Kernel::builder().build();
    let reader = PipeReader {
        count: Some(3),
        ..reader()
    };
    // A small pipe, so the writer is still writing when the reader leaves.
    parent_and_child(&mut kernel, Some(16), writer(10), reader);
    run_clean(&mut kernel);
    assert_eq!(exit_of(&kernel, "child"), Some(TaskExit::Exited(3)));
    let Some(TaskExit::Exited(unwritten)) = exit_of(&kernel, "parent") else {
        panic!("the writer crashed")
    };
    assert!(unwritten > 0 && unwritten < 10, "{unwritten}");
}

#[test]
fn a_reader_that_keeps_its_copy_of_the_write_end_never_sees_end_of_file() {
    let mut kernel = Kernel::builder().build();
    parent_and_child(&mut kernel, None, writer(2), PipeReader::default());
    let report = run_clean(&mut kernel);
    assert_eq!(report.outcome.as_str(), "deadlock");
}

#[test]
fn a_missing_end_is_a_crash_that_says_why_a_child_may_lack_it() {
    let mut kernel = Kernel::builder().build();
    kernel.spawn("orphan", |cx| PipeReader::default().run(cx));
    run_allowing_crashes(&mut kernel);
    assert_eq!(
        exit_of(&kernel, "orphan"),
        Some(TaskExit::Crashed(
            "pipe_reader: this task holds no pipe end labelled `read` (a child gets its \
             parent's ends only if it is spawned after the pipe was made)"
                .to_string()
        ))
    );
}

#[test]
fn two_unrelated_tasks_meet_at_a_fifo_that_the_reader_unlinks() {
    let mut kernel = Kernel::builder().build();
    let path = "/tmp/items".to_string();
    let w = PipeWriter {
        source: PipeSource::Path(path.clone()),
        count: 5,
        ..PipeWriter::default()
    };
    let r = PipeReader {
        source: PipeSource::Path(path.clone()),
        unlink: true,
        ..PipeReader::default()
    };
    kernel.spawn_at("writer", 2, |cx| w.run(cx));
    kernel.spawn_at("reader", 1, |cx| r.run(cx));
    kernel
        .create_named_pipe(&path, PipeMode::Fifo, None)
        .unwrap();
    let report = run_clean(&mut kernel);
    assert_eq!(report.outcome.as_str(), "completed");
    assert_eq!(exit_of(&kernel, "writer"), Some(TaskExit::Exited(0)));
    assert_eq!(exit_of(&kernel, "reader"), Some(TaskExit::Exited(5)));
    assert!(kernel.inspect(|k| k.named_pipes()).is_empty());
}

#[test]
fn pipe_arguments_are_checked_by_name() {
    let registry = Registry::stock();
    let w = PipeWriter::from_args(&Args::new().with("path", "/p").with("first", 5)).unwrap();
    assert_eq!(w.source, PipeSource::Path("/p".to_string()));
    assert_eq!(w.first, 5);
    for (program, args, message) in [
        (
            "pipe_writer",
            Args::new().with("end", "w").with("path", "/p"),
            "not both",
        ),
        ("pipe_reader", Args::new().with("max", 0), "from 1"),
        (
            "pipe_reader",
            Args::new().with("unlink", true),
            "give `path`",
        ),
        (
            "pipe_reader",
            Args::new().with("close", vec![crate::ArgValue::Int(3)]),
            "a string",
        ),
    ] {
        let text = registry.validate(program, &args).unwrap_err().to_string();
        assert!(text.contains(message), "{program}: {text}");
    }
}
