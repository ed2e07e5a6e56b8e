//! A trace streamed to the embedder's writer: the bytes of the `.trace` file a
//! kept trace gives, nothing kept in the kernel, and a failing writer reported.

use super::Kernel;
use crate::trace::{TraceHeader, write_binary, write_binary_header};
use crate::{
    KernelBuilder, Message, Outcome, QueueLimit, ReceiveOptions, ReceivePolicy, ScheduleKind,
    SendPolicy,
};
use std::io::{self, Write};
use std::sync::{Arc, Mutex};

/// A writer the test reads back after the run; it fails once it holds `limit`
/// bytes, or on flush when asked to.
#[derive(Clone, Default)]
struct File {
    bytes: Arc<Mutex<Vec<u8>>>,
    limit: Option<usize>,
    fail_flush: bool,
}

impl File {
    fn contents(&self) -> Vec<u8> {
        self.bytes.lock().unwrap().clone()
    }
}

impl Write for File {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let mut held = self.bytes.lock().unwrap();
        if self
            .limit
            .is_some_and(|limit| held.len() + bytes.len() > limit)
        {
            return Err(io::Error::other("disk full"));
        }
        held.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.fail_flush {
            return Err(io::Error::other("flush refused"));
        }
        Ok(())
    }
}

const SEED: u64 = 5;

fn header() -> TraceHeader {
    TraceHeader::new("ping", SEED, ScheduleKind::Random)
}

/// Three tasks: two ping a third, which answers each, under a random schedule.
fn ping_pong(builder: KernelBuilder) -> Kernel {
    let mut kernel = builder.seed(SEED).schedule(ScheduleKind::Random).build();
    kernel.spawn("echo", |cx| async move {
        let inbox = cx.lookup("inbox").ok_or("no inbox")?;
        for _ in 0..6 {
            let got = cx
                .receive(inbox, ReceivePolicy::Block, ReceiveOptions::default())
                .await?;
            let reply = Message::new(got.header.reply, got.id() + 1).with(crate::Item::U32(7));
            cx.send(reply, SendPolicy::Block).await?;
        }
        Ok::<(), crate::Error>(())
    });
    for name in ["a", "b"] {
        kernel.spawn(name, |cx| async move {
            let inbox = cx.lookup("inbox").ok_or("no inbox")?;
            let mine = cx.allocate_port(QueueLimit::DEFAULT, Some("mine")).await?;
            for _ in 0..3 {
                let request = Message::new(inbox, 1)
                    .with_reply(mine, crate::Disposition::MakeSendOnce)
                    .with(crate::Item::Str("ping".into()));
                cx.send_receive(
                    request,
                    SendPolicy::Block,
                    mine,
                    ReceivePolicy::Block,
                    ReceiveOptions::default(),
                )
                .await?;
            }
            Ok::<(), crate::Error>(())
        });
    }
    kernel
        .allocate_port("echo", "inbox", QueueLimit::DEFAULT)
        .unwrap();
    kernel.give_send_right("a", "inbox").unwrap();
    kernel.give_send_right("b", "inbox").unwrap();
    kernel
}

/// The `.trace` file of a run that kept its records.
fn kept_file() -> Vec<u8> {
    let mut kernel = ping_pong(Kernel::builder().trace(true));
    assert_eq!(kernel.run().outcome, Outcome::Completed);
    let mut file = Vec::new();
    write_binary(&mut file, &header(), &kernel.take_trace()).unwrap();
    file
}

#[test]
fn a_trace_streamed_to_a_writer_is_the_file_a_kept_trace_gives_and_nothing_is_kept() {
    let file = File::default();
    write_binary_header(&mut file.clone(), &header()).unwrap();
    let mut kernel = ping_pong(Kernel::builder().stream_binary_trace_to(file.clone()));
    let report = kernel.run();
    assert_eq!(report.outcome, Outcome::Completed);
    assert!(report.violations.is_empty(), "{:?}", report.violations);
    assert!(kernel.trace().is_empty(), "a streamed trace is not kept");
    assert_eq!(file.contents(), kept_file());
}

#[test]
fn a_kernel_set_up_with_a_kept_trace_streams_what_it_kept_and_keeps_it() {
    let file = File::default();
    write_binary_header(&mut file.clone(), &header()).unwrap();
    let mut kernel = ping_pong(Kernel::builder().trace(true));
    let set_up = kernel.trace().len();
    assert!(set_up > 0);
    kernel.stream_binary_trace_to(file.clone());
    assert_eq!(kernel.run().outcome, Outcome::Completed);
    assert!(kernel.trace().len() > set_up, "the records are still kept");
    assert_eq!(file.contents(), kept_file());
}

#[test]
fn a_writer_that_fails_stops_the_run_with_its_error() {
    let file = File {
        limit: Some(600),
        ..File::default()
    };
    let mut kernel = ping_pong(Kernel::builder().stream_binary_trace_to(file.clone()));
    let report = kernel.run();
    assert_eq!(
        report.outcome,
        Outcome::TraceWriteFailed("disk full".into())
    );
    assert_eq!(report.outcome.as_str(), "trace_write_failed");
    assert!(report.violations.is_empty(), "{:?}", report.violations);
    assert!(report.crashed().is_empty(), "{:?}", report.tasks);
    assert!(file.contents().len() <= 600);
}

#[test]
fn a_writer_that_cannot_flush_at_the_end_is_reported_too() {
    let file = File {
        fail_flush: true,
        ..File::default()
    };
    let mut kernel = ping_pong(Kernel::builder().stream_binary_trace_to(file));
    let report = kernel.run();
    assert_eq!(
        report.outcome,
        Outcome::TraceWriteFailed("flush refused".into())
    );
}
