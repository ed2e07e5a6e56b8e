//! machsim at scale: many tasks, many ports, long runs, and what memory costs.
//!
//! The cost of a message must not grow with the number of tasks or ports, with
//! the length of the run, or with tracing: each workload here measures one of
//! those, next to the figure it is compared with in the same run.

use super::harness::{FnWorkload, Suite, WorkloadError};
use super::machsim::{Pair, echo, finish, kernel, request_reply, spawn_pair};
use super::memory::measure_bytes_per_item;
use super::names::{
    BYTES_PER_PORT, BYTES_PER_ROUND_TRIP, IDLE_PORT_MEMORY, MACHSIM, MACHSIM_1E4, MACHSIM_1E7,
    MACHSIM_BINARY_TRACE, MACHSIM_BINARY_TRACE_1E4, MACHSIM_BINARY_TRACE_1E7, MANY_PORTS,
    MANY_TASKS, REQUEST_REPLY_SCALE, TRACE_MEMORY,
};
use kernel::QueueLimit;
use std::time::Duration;

/// Client/server pairs in the `many_tasks` workload (twice as many tasks).
pub const MANY_TASKS_PAIRS: u64 = 50_000;

/// `many_tasks`: 100,000 tasks in 50,000 client/server pairs, each pair doing
/// `request_reply`'s round trips, all runnable at once; per round trip. Shows that
/// the cost of a round trip does not grow with the number of tasks (the ready
/// queue, task switches and exits stay constant-time).
pub fn many_tasks(round_trips: u64) -> Result<Duration, WorkloadError> {
    let pairs = MANY_TASKS_PAIRS.min(round_trips).max(1);
    let per_pair = (round_trips / pairs).max(1);
    let mut kernel = kernel(false);
    for index in 0..pairs {
        spawn_pair(&mut kernel, &Pair::numbered(index), per_pair)?;
    }
    finish(kernel)
}

/// Ports in the `many_ports` workload.
pub const MANY_PORTS_COUNT: u64 = 10_000;

/// `many_ports`: one task holds 10,000 ports and sends then receives a message on
/// each in turn, round after round; per message. Shows that the cost per message
/// does not grow with the size of the name space and port table.
pub fn many_ports(messages: u64) -> Result<Duration, WorkloadError> {
    let ports = MANY_PORTS_COUNT.min(messages).max(1);
    let rounds = (messages / ports).max(1);
    let mut kernel = kernel(false);
    kernel.spawn("many", move |cx| async move {
        let mut names = Vec::with_capacity(ports as usize);
        for _ in 0..ports {
            let port = cx.allocate_port(QueueLimit::DEFAULT, None).await?;
            cx.make_send(port).await?;
            names.push(port);
        }
        for _ in 0..rounds {
            for &port in &names {
                std::hint::black_box(echo(&cx, port).await?);
            }
        }
        Ok::<(), kernel::Error>(())
    });
    // The timed run includes allocating the ports (2 calls per port against
    // 2 × 100 rounds of traffic per port), so set-up is under 1% of the figure.
    finish(kernel)
}

/// Resident bytes per idle port: a kernel with one task holding `count` ports.
pub fn idle_port_bytes(count: usize) -> Option<f64> {
    measure_bytes_per_item(count, |n| {
        let mut kernel = kernel(false);
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

/// Resident bytes a traced run holds per round trip: `round_trips` request/reply
/// round trips with the binary trace streamed to a writer, the kernel still alive
/// at the end. Near zero when the trace is streamed (a trace kept in memory holds
/// hundreds of bytes per round trip).
pub fn trace_bytes_per_round_trip(round_trips: usize) -> Result<f64, WorkloadError> {
    let mut kernel = kernel(true);
    spawn_pair(&mut kernel, &Pair::default(), round_trips as u64)?;
    measure_bytes_per_item(round_trips, |_| {
        kernel.run();
        kernel
    })
    .ok_or_else(unreadable)
}

fn unreadable() -> WorkloadError {
    WorkloadError::new("resident memory is not readable here")
}

/// Adds the workloads and figures at scale to `suite`.
pub fn register(suite: &mut Suite) {
    suite.add(FnWorkload::new(MANY_PORTS, MACHSIM, 1_000_000, many_ports).quick_messages(20_000));
    suite.add(
        FnWorkload::new(MANY_TASKS, MACHSIM, 20 * MANY_TASKS_PAIRS, many_tasks)
            .quick_messages(MANY_TASKS_PAIRS),
    );
    // The cost per round trip at 10⁴ and at 10⁷ round trips, trace off and on. A
    // run of 10⁷ is long enough to warm itself up, and three of them are enough.
    for (implementation, round_trips, trace) in [
        (MACHSIM_1E4, 10_000, false),
        (MACHSIM_1E7, 10_000_000, false),
        (MACHSIM_BINARY_TRACE_1E4, 10_000, true),
        (MACHSIM_BINARY_TRACE_1E7, 10_000_000, true),
    ] {
        let workload =
            FnWorkload::new(REQUEST_REPLY_SCALE, implementation, round_trips, move |n| {
                request_reply(n, trace)
            });
        suite.add(if round_trips > 10_000 {
            workload.long_runs(3)
        } else {
            workload
        });
    }
    suite.add_figure(IDLE_PORT_MEMORY, MACHSIM, BYTES_PER_PORT, |quick| {
        let count = if quick { 20_000 } else { 1_000_000 };
        idle_port_bytes(count).ok_or_else(unreadable)
    });
    suite.add_figure(
        TRACE_MEMORY,
        MACHSIM_BINARY_TRACE,
        BYTES_PER_ROUND_TRIP,
        |quick| {
            let round_trips = if quick { 10_000 } else { 1_000_000 };
            trace_bytes_per_round_trip(round_trips)
        },
    );
}
