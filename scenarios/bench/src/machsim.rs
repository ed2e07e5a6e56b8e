//! machsim's own workloads, measured beside the baselines.
//!
//! Each builds its kernel and tasks untimed, then times [`Kernel::run`] (and, for
//! the traced variant, encoding the binary trace), so the figure is the cost of
//! moving messages through the simulated kernel: traps, rights, queues, scheduling.

use super::harness::{FnWorkload, Suite, WorkloadError};
use super::memory::measure_bytes_per_item;
use super::names::{
    BYTES_PER_PORT, IDLE_PORT_MEMORY, MACHSIM, MACHSIM_BINARY_TRACE, MACHSIM_TWO_CALLS, MANY_PORTS,
    MANY_TASKS, REQUEST_REPLY, SEND_RECEIVE,
};
use bytes::Bytes;
use kernel::{
    Disposition, Item, Kernel, Message, QueueLimit, ReceiveOptions, ReceivePolicy, SendPolicy,
};
use std::time::{Duration, Instant};

/// The body every workload carries: 64 bytes, as in the baselines.
const BODY: [u8; 64] = [0x5a; 64];

fn body() -> Item {
    Item::Bytes(Bytes::copy_from_slice(&BODY))
}

fn finish(mut kernel: Kernel, trace: bool) -> Result<Duration, WorkloadError> {
    let start = Instant::now();
    let report = kernel.run();
    if trace {
        let header = kernel::trace::TraceHeader::new("bench", 0, kernel::ScheduleKind::RoundRobin);
        std::hint::black_box(kernel.take_binary_trace(&header)?);
    }
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

/// `send_receive`: one task sends a 64-byte body to its own port and receives it,
/// in one `mach_msg` (send, then receive: [`kernel::TaskContext::send_receive`]).
pub fn send_receive(messages: u64) -> Result<Duration, WorkloadError> {
    let mut kernel = Kernel::builder().step_limit(u64::MAX).build();
    kernel.spawn("solo", move |cx| async move {
        let port = cx.allocate_port(QueueLimit::DEFAULT, Some("self")).await?;
        cx.make_send(port).await?;
        for _ in 0..messages {
            let message = Message::new(port, 1).with(body());
            let got = cx
                .send_receive(
                    message,
                    SendPolicy::Block,
                    port,
                    ReceivePolicy::Block,
                    ReceiveOptions::default(),
                )
                .await?;
            std::hint::black_box(got);
        }
        Ok::<(), kernel::Error>(())
    });
    finish(kernel, false)
}

/// `request_reply`: a client sends a request through a send right carrying a
/// make-send-once reply right and waits for the reply in the same `mach_msg`; the
/// server replies through the send-once right and waits for the next request in the
/// same `mach_msg`, as Mach RPC does. Per round trip.
pub fn request_reply(round_trips: u64, trace: bool) -> Result<Duration, WorkloadError> {
    let builder = Kernel::builder().step_limit(u64::MAX);
    let mut kernel = if trace {
        builder.stream_binary_trace()
    } else {
        builder
    }
    .build();
    spawn_pair(&mut kernel, &Pair::default(), round_trips)?;
    finish(kernel, trace)
}

/// The names of one client/server pair: its tasks and its two ports' labels.
struct Pair {
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
    fn numbered(index: u64) -> Pair {
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
fn spawn_pair(kernel: &mut Kernel, pair: &Pair, round_trips: u64) -> Result<(), WorkloadError> {
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

/// Client/server pairs in the `many_tasks` workload (twice as many tasks).
pub const MANY_TASKS_PAIRS: u64 = 50_000;

/// `many_tasks`: 100,000 tasks in 50,000 client/server pairs, each pair doing
/// `request_reply`'s round trips, all runnable at once; per round trip. Shows that
/// the cost of a round trip does not grow with the number of tasks (the ready
/// queue, task switches and exits stay constant-time).
pub fn many_tasks(round_trips: u64) -> Result<Duration, WorkloadError> {
    let pairs = MANY_TASKS_PAIRS.min(round_trips).max(1);
    let per_pair = (round_trips / pairs).max(1);
    let mut kernel = Kernel::builder().step_limit(u64::MAX).build();
    for index in 0..pairs {
        spawn_pair(&mut kernel, &Pair::numbered(index), per_pair)?;
    }
    finish(kernel, false)
}

/// `request_reply` with separate send and receive calls on both sides: four
/// traps per round trip instead of two.
pub fn request_reply_four_calls(round_trips: u64) -> Result<Duration, WorkloadError> {
    let mut kernel = Kernel::builder().step_limit(u64::MAX).build();
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
    finish(kernel, false)
}

/// Ports in the `many_ports` workload.
pub const MANY_PORTS_COUNT: u64 = 10_000;

/// `many_ports`: one task holds 10,000 ports and sends then receives a message on
/// each in turn, round after round; per message. Shows that the cost per message
/// does not grow with the size of the name space and port table.
pub fn many_ports(messages: u64) -> Result<Duration, WorkloadError> {
    let ports = MANY_PORTS_COUNT.min(messages).max(1);
    let rounds = (messages / ports).max(1);
    let mut kernel = Kernel::builder().step_limit(u64::MAX).build();
    kernel.spawn("many", move |cx| async move {
        let mut names = Vec::with_capacity(ports as usize);
        for _ in 0..ports {
            let port = cx.allocate_port(QueueLimit::DEFAULT, None).await?;
            cx.make_send(port).await?;
            names.push(port);
        }
        for _ in 0..rounds {
            for &port in &names {
                let message = Message::new(port, 1).with(body());
                let got = cx
                    .send_receive(
                        message,
                        SendPolicy::Block,
                        port,
                        ReceivePolicy::Block,
                        ReceiveOptions::default(),
                    )
                    .await?;
                std::hint::black_box(got);
            }
        }
        Ok::<(), kernel::Error>(())
    });
    // The timed run includes allocating the ports (2 calls per port against
    // 2 × 100 rounds of traffic per port), so set-up is under 1% of the figure.
    finish(kernel, false)
}

/// Resident bytes per idle port: a kernel with one task holding `count` ports.
pub fn idle_port_bytes(count: usize) -> Option<f64> {
    measure_bytes_per_item(count, |n| {
        let mut kernel = Kernel::builder().step_limit(u64::MAX).build();
        kernel.spawn("holder", move |cx| async move {
            for _ in 0..n {
                cx.allocate_port(QueueLimit::DEFAULT, None).await?;
            }
            // Stay alive holding every port, so the run ends with them idle.
            cx.sleep(1).await;
            Ok::<(), kernel::KernError>(())
        });
        for _ in 0..=n {
            if !kernel.step() {
                break;
            }
        }
        kernel
    })
}

/// Adds machsim's workloads and figures to `suite`.
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
    suite.add(FnWorkload::new(MANY_PORTS, MACHSIM, 1_000_000, many_ports).quick_messages(20_000));
    suite.add(
        FnWorkload::new(MANY_TASKS, MACHSIM, 20 * MANY_TASKS_PAIRS, many_tasks)
            .quick_messages(MANY_TASKS_PAIRS),
    );
    suite.add_figure(IDLE_PORT_MEMORY, MACHSIM, BYTES_PER_PORT, |quick| {
        let count = if quick { 20_000 } else { 1_000_000 };
        idle_port_bytes(count)
            .ok_or_else(|| WorkloadError::new("resident memory is not readable here"))
    });
}
