//! machsim's own message workloads, measured beside the baselines.
//!
//! Each builds its kernel and tasks untimed, then times [`Kernel::run`] (for the
//! traced variant, with the binary trace streamed to a writer as it is recorded),
//! so the figure is the cost of moving messages through the simulated kernel:
//! traps, rights, queues, scheduling. The workloads at scale are in
//! [`crate::scale`].

use super::harness::{FnWorkload, Suite, WorkloadError};
use super::names::{MACHSIM, MACHSIM_BINARY_TRACE, MACHSIM_TWO_CALLS, REQUEST_REPLY, SEND_RECEIVE};
use bytes::Bytes;
use kernel::trace::{TraceHeader, write_binary_header};
use kernel::{
    Disposition, Item, Kernel, Message, PortName, QueueLimit, ReceiveOptions, ReceivePolicy,
    ScheduleKind, SendPolicy, TaskContext,
};
use std::time::{Duration, Instant};

/// The body every workload carries: 64 bytes, as in the baselines.
const BODY: [u8; 64] = [0x5a; 64];

fn body() -> Item {
    Item::Bytes(Bytes::copy_from_slice(&BODY))
}

/// A kernel for a workload, with no step limit; with `trace`, the binary trace is
/// streamed, header first as a `.trace` file gets it, to a writer that discards
/// it (so the figure is the kernel's cost of tracing, not a disk's).
pub(crate) fn kernel(trace: bool) -> Kernel {
    let builder = Kernel::builder().step_limit(u64::MAX);
    if !trace {
        return builder.build();
    }
    let mut out = std::io::sink();
    let header = TraceHeader::new("bench", 0, ScheduleKind::RoundRobin);
    // Nothing is written anywhere: a sink cannot fail.
    let _ = write_binary_header(&mut out, &header);
    builder.stream_binary_trace_to(out).build()
}

/// Runs `kernel` to its end, timed; an error unless every task completed cleanly.
pub(crate) fn finish(mut kernel: Kernel) -> Result<Duration, WorkloadError> {
    let start = Instant::now();
    let report = kernel.run();
    let elapsed = start.elapsed();
    if !matches!(report.outcome, kernel::Outcome::Completed) || !report.violations.is_empty() {
        return Err(WorkloadError::new(format!(
            "run ended {} with violations {:?}",
            report.outcome.as_str(),
            report.violations
        )));
    }
    Ok(elapsed)
}

/// Sends a message with the 64-byte body to `port` and receives it back, in one
/// `mach_msg` (the future of [`kernel::TaskContext::send_receive`] itself, so
/// the workloads measure no extra layer).
pub(crate) fn echo(
    cx: &TaskContext,
    port: PortName,
) -> impl Future<Output = Result<Message, kernel::Error>> + '_ {
    cx.send_receive(
        Message::new(port, 1).with(body()),
        SendPolicy::Block,
        port,
        ReceivePolicy::Block,
        ReceiveOptions::default(),
    )
}

/// `send_receive`: one task sends a 64-byte body to its own port and receives it,
/// in one `mach_msg` (send, then receive: [`kernel::TaskContext::send_receive`]).
pub fn send_receive(messages: u64) -> Result<Duration, WorkloadError> {
    let mut kernel = kernel(false);
    kernel.spawn("solo", move |cx| async move {
        let port = cx.allocate_port(QueueLimit::DEFAULT, Some("self")).await?;
        cx.make_send(port).await?;
        for _ in 0..messages {
            std::hint::black_box(echo(&cx, port).await?);
        }
        Ok::<(), kernel::Error>(())
    });
    finish(kernel)
}

/// `request_reply`: a client sends a request through a send right carrying a
/// make-send-once reply right and waits for the reply in the same `mach_msg`; the
/// server replies through the send-once right and waits for the next request in the
/// same `mach_msg`, as Mach RPC does. Per round trip.
pub fn request_reply(round_trips: u64, trace: bool) -> Result<Duration, WorkloadError> {
    let mut kernel = kernel(trace);
    spawn_pair(&mut kernel, &Pair::default(), round_trips)?;
    finish(kernel)
}

/// The names of one client/server pair: its tasks and its two ports' labels.
pub(crate) struct Pair {
    server: String,
    client: String,
    requests: String,
    replies: String,
}

impl Default for Pair {
    /// The one pair of `request_reply`.
    fn default() -> Self {
        Pair {
            server: "server".into(),
            client: "client".into(),
            requests: "requests".into(),
            replies: "replies".into(),
        }
    }
}

impl Pair {
    /// The `index`-th pair of `many_tasks`.
    pub(crate) fn numbered(index: u64) -> Pair {
        Pair {
            server: format!("server{index}"),
            client: format!("client{index}"),
            requests: format!("requests{index}"),
            replies: format!("replies{index}"),
        }
    }
}

/// Spawns a server and a client that make `round_trips` request/reply round trips
/// (see [`request_reply`]), with their ports.
pub(crate) fn spawn_pair(
    kernel: &mut Kernel,
    pair: &Pair,
    round_trips: u64,
) -> Result<(), WorkloadError> {
    let requests = pair.requests.clone();
    kernel.spawn(&pair.server, move |cx| async move {
        let port = cx.lookup(&requests).ok_or("no requests port")?;
        let options = ReceiveOptions::default();
        let mut request = cx.receive(port, ReceivePolicy::Block, options).await?;
        for served in 1..=round_trips {
            let mut reply = Message::new(request.header.reply, request.id() + 1);
            reply.body = std::mem::take(&mut request.body);
            if served == round_trips {
                cx.send(reply, SendPolicy::Block).await?;
                break;
            }
            request = cx
                .send_receive(
                    reply,
                    SendPolicy::Block,
                    port,
                    ReceivePolicy::Block,
                    options,
                )
                .await?;
        }
        Ok::<(), kernel::Error>(())
    });
    let (requests, replies) = (pair.requests.clone(), pair.replies.clone());
    kernel.spawn(&pair.client, move |cx| async move {
        let server = cx.lookup(&requests).ok_or("no requests port")?;
        let reply_port = cx.lookup(&replies).ok_or("no reply port")?;
        for _ in 0..round_trips {
            let request = Message::new(server, 1)
                .with_reply(reply_port, Disposition::MakeSendOnce)
                .with(body());
            let reply = cx
                .send_receive(
                    request,
                    SendPolicy::Block,
                    reply_port,
                    ReceivePolicy::Block,
                    ReceiveOptions::default(),
                )
                .await?;
            std::hint::black_box(reply);
        }
        Ok::<(), kernel::Error>(())
    });
    setup_pair(kernel, pair)
}

fn setup_pair(kernel: &mut Kernel, pair: &Pair) -> Result<(), WorkloadError> {
    kernel
        .allocate_port(&pair.server, &pair.requests, QueueLimit::DEFAULT)
        .map_err(WorkloadError::new)?;
    kernel
        .allocate_port(&pair.client, &pair.replies, QueueLimit::DEFAULT)
        .map_err(WorkloadError::new)?;
    kernel
        .give_send_right(&pair.client, &pair.requests)
        .map_err(WorkloadError::new)?;
    Ok(())
}

/// `request_reply` with separate send and receive calls on both sides: four
/// traps per round trip instead of two.
pub fn request_reply_four_calls(round_trips: u64) -> Result<Duration, WorkloadError> {
    let mut kernel = kernel(false);
    kernel.spawn("server", move |cx| async move {
        let port = cx.lookup("requests").ok_or("no requests port")?;
        for _ in 0..round_trips {
            let request = cx
                .receive(port, ReceivePolicy::Block, ReceiveOptions::default())
                .await?;
            let mut reply = Message::new(request.header.reply, request.id() + 1);
            reply.body = request.body;
            cx.send(reply, SendPolicy::Block).await?;
        }
        Ok::<(), kernel::Error>(())
    });
    kernel.spawn("client", move |cx| async move {
        let server = cx.lookup("requests").ok_or("no requests port")?;
        let reply_port = cx.lookup("replies").ok_or("no reply port")?;
        for _ in 0..round_trips {
            let request = Message::new(server, 1)
                .with_reply(reply_port, Disposition::MakeSendOnce)
                .with(body());
            cx.send(request, SendPolicy::Block).await?;
            let reply = cx
                .receive(reply_port, ReceivePolicy::Block, ReceiveOptions::default())
                .await?;
            std::hint::black_box(reply);
        }
        Ok::<(), kernel::Error>(())
    });
    setup_pair(&mut kernel, &Pair::default())?;
    finish(kernel)
}

/// Adds machsim's workloads and figures to `suite`, those at scale too.
pub fn register(suite: &mut Suite) {
    suite.add(FnWorkload::new(
        SEND_RECEIVE,
        MACHSIM,
        1_000_000,
        send_receive,
    ));
    suite.add(FnWorkload::new(REQUEST_REPLY, MACHSIM, 500_000, |n| {
        request_reply(n, false)
    }));
    suite.add(FnWorkload::new(
        REQUEST_REPLY,
        MACHSIM_TWO_CALLS,
        500_000,
        request_reply_four_calls,
    ));
    suite.add(FnWorkload::new(
        REQUEST_REPLY,
        MACHSIM_BINARY_TRACE,
        200_000,
        |n| request_reply(n, true),
    ));
    crate::scale::register(suite);
}
