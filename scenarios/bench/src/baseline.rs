//! Baseline workloads: what machsim's numbers are compared to, in the same run.
//!
//! Each baseline is the cheapest honest way to do the same job without
//! machsim, so a ratio to it says what the simulator's machinery costs. All
//! messages carry a 64-byte body, like the machsim workloads they are compared
//! with. Only the message loop is timed; building queues, runtimes, threads
//! and pipes happens before the clock starts.

use std::collections::VecDeque;
use std::hint::black_box;
use std::io::{Read, Write};
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use crate::harness::{FnWorkload, Suite, WorkloadError};
use crate::names::{
    PIPE, PIPE_RTT, REQUEST_REPLY, SEND_RECEIVE, TOKIO_MPSC, VECDEQUE, VECDEQUE_INLINE,
};

/// The size of every baseline message body, in bytes.
pub const BODY_SIZE: usize = 64;

/// The queue bound used by the baselines: Mach's default queue limit.
pub const QUEUE_CAPACITY: usize = 5;

/// Messages per full-mode run of the `VecDeque` baselines (a hundredth quick).
pub const VECDEQUE_MESSAGES: u64 = 1_000_000;

/// Round trips per full-mode run of the tokio baseline (a hundredth quick).
pub const TOKIO_ROUND_TRIPS: u64 = 200_000;

/// Round trips per full-mode run of the pipe baseline (a hundredth quick).
///
/// Kept small because each costs microseconds: two system calls and two
/// thread wake-ups per direction.
pub const PIPE_ROUND_TRIPS: u64 = 10_000;

/// A small fixed header, shaped like a Mach message header.
#[derive(Debug, Clone, Copy)]
struct Header {
    destination: u32,
    reply: u32,
    id: u32,
    size: u32,
}

/// A header plus an owned heap body, as a machsim message has.
#[derive(Debug)]
struct Message {
    header: Header,
    body: Box<[u8]>,
}

impl Message {
    /// Builds message `sequence`, allocating its body from a 64-byte array.
    ///
    /// The body depends on `sequence` (through `black_box`) so the
    /// compiler cannot build it once and reuse it.
    fn new(sequence: u64) -> Self {
        let mut bytes = [0u8; BODY_SIZE];
        bytes[0] = sequence as u8;
        let bytes = black_box(bytes);
        Self {
            header: Header {
                destination: 1,
                reply: 2,
                id: sequence as u32,
                size: BODY_SIZE as u32,
            },
            body: Box::new(bytes),
        }
    }

    /// Reads the fields a receiver would look at, into one number.
    fn digest(&self) -> u64 {
        u64::from(self.header.destination)
            ^ u64::from(self.header.reply)
            ^ u64::from(self.header.id)
            ^ u64::from(self.header.size)
            ^ u64::from(self.body[0])
    }
}

/// Registers every baseline in `suite` and makes each its workload's reference.
pub fn register(suite: &mut Suite) {
    suite
        .add(FnWorkload::new(
            SEND_RECEIVE,
            VECDEQUE,
            VECDEQUE_MESSAGES,
            |n| Ok(vecdeque_send_receive(n)),
        ))
        .add(FnWorkload::new(
            SEND_RECEIVE,
            VECDEQUE_INLINE,
            VECDEQUE_MESSAGES,
            |n| Ok(vecdeque_inline_send_receive(n)),
        ))
        .add(FnWorkload::new(
            REQUEST_REPLY,
            TOKIO_MPSC,
            TOKIO_ROUND_TRIPS,
            tokio_mpsc_request_reply,
        ))
        .add(FnWorkload::new(
            PIPE_RTT,
            PIPE,
            PIPE_ROUND_TRIPS,
            pipe_round_trip,
        ))
        .set_reference(SEND_RECEIVE, VECDEQUE)
        .set_reference(REQUEST_REPLY, TOKIO_MPSC)
        .set_reference(PIPE_RTT, PIPE);
}

/// `send_receive/vecdeque`: one thread pushes a message onto a bounded
/// `VecDeque` and pops it, `messages` times.
///
/// Each message is a small header plus a 64-byte body freshly allocated
/// (`Box<[u8]>`) from a 64-byte array, and freed after the pop: the
/// like-for-like floor for machsim's send+receive, whose messages also own
/// an allocated body. The queue has capacity [`QUEUE_CAPACITY`], allocated
/// before timing; every push checks the bound as a bounded port queue does.
/// The popped message's header and first body byte are read and passed
/// through `black_box`, so neither the allocation nor the queue operations
/// can be optimised away. Returns the time of the whole loop.
pub fn vecdeque_send_receive(messages: u64) -> Duration {
    let mut queue: VecDeque<Message> = VecDeque::with_capacity(QUEUE_CAPACITY);
    let mut digest = 0u64;
    let start = Instant::now();
    for sequence in 0..messages {
        let message = Message::new(sequence);
        if queue.len() < QUEUE_CAPACITY {
            queue.push_back(message);
        }
        if let Some(received) = black_box(&mut queue).pop_front() {
            digest ^= black_box(&received).digest();
        }
    }
    let elapsed = start.elapsed();
    black_box(digest);
    elapsed
}

/// `send_receive/vecdeque_inline`: one thread pushes a `[u8; 64]` by value
/// onto a bounded `VecDeque` and pops it, `messages` times.
///
/// No header and no allocation: the bare data-structure floor, to show how
/// much of `vecdeque` is the allocator. Same capacity check and
/// `black_box` discipline as [`vecdeque_send_receive`].
pub fn vecdeque_inline_send_receive(messages: u64) -> Duration {
    let mut queue: VecDeque<[u8; BODY_SIZE]> = VecDeque::with_capacity(QUEUE_CAPACITY);
    let mut digest = 0u64;
    let start = Instant::now();
    for sequence in 0..messages {
        let mut body = [0u8; BODY_SIZE];
        body[0] = sequence as u8;
        if queue.len() < QUEUE_CAPACITY {
            queue.push_back(black_box(body));
        }
        if let Some(received) = black_box(&mut queue).pop_front() {
            digest ^= u64::from(black_box(&received)[0]);
        }
    }
    let elapsed = start.elapsed();
    black_box(digest);
    elapsed
}

/// `request_reply/tokio_mpsc`: two tokio tasks ping-pong `round_trips` times
/// over two bounded `mpsc` channels (capacity [`QUEUE_CAPACITY`]) on a
/// current-thread runtime.
///
/// The client allocates a request (header plus 64-byte heap body, as in
/// [`vecdeque_send_receive`]) and sends it; the server receives it and sends
/// the same message back as the reply (an echo server: no second
/// allocation); the client receives the reply and frees it. One "message" is
/// one round trip. Both tasks are spawned; the time is taken inside the
/// client, from before its first send to after its last receive, so building
/// the runtime and spawning are not counted.
///
/// # Errors
///
/// When the runtime cannot be built or a task panics or stops early.
pub fn tokio_mpsc_request_reply(round_trips: u64) -> Result<Duration, WorkloadError> {
    let runtime = tokio::runtime::Builder::new_current_thread().build()?;
    runtime.block_on(async move {
        let (request_tx, mut request_rx) = mpsc::channel::<Message>(QUEUE_CAPACITY);
        let (reply_tx, mut reply_rx) = mpsc::channel::<Message>(QUEUE_CAPACITY);
        let server = tokio::spawn(async move {
            while let Some(request) = request_rx.recv().await {
                if reply_tx.send(request).await.is_err() {
                    break;
                }
            }
        });
        let client = tokio::spawn(async move {
            let mut digest = 0u64;
            let start = Instant::now();
            for sequence in 0..round_trips {
                if request_tx.send(Message::new(sequence)).await.is_err() {
                    return Err(WorkloadError::new("the echo server stopped early"));
                }
                match reply_rx.recv().await {
                    Some(reply) => digest ^= black_box(&reply).digest(),
                    None => return Err(WorkloadError::new("the echo server stopped early")),
                }
            }
            let elapsed = start.elapsed();
            black_box(digest);
            Ok(elapsed)
        });
        let elapsed = client.await.map_err(WorkloadError::new)?;
        server.await.map_err(WorkloadError::new)?;
        elapsed
    })
}

/// `pipe_rtt/pipe`: a round trip through two Linux pipes between two threads,
/// `round_trips` times.
///
/// The measuring thread writes 64 bytes into the request pipe and blocks
/// reading 64 bytes from the reply pipe; an echo thread reads the 64 bytes
/// and writes them back. Each round trip is therefore four system calls
/// and two thread wake-ups through the kernel: a real kernel IPC round trip.
/// (Threads rather than processes; the kernel path of a pipe is the same.)
/// Creating the pipes and the thread is not timed; the loop is.
///
/// # Errors
///
/// When a pipe or the thread cannot be created, or a read or write fails.
pub fn pipe_round_trip(round_trips: u64) -> Result<Duration, WorkloadError> {
    let (mut request_rx, mut request_tx) = std::io::pipe()?;
    let (mut reply_rx, mut reply_tx) = std::io::pipe()?;
    let echo = std::thread::Builder::new()
        .name("bench-pipe-echo".to_owned())
        .spawn(move || -> std::io::Result<()> {
            let mut buffer = [0u8; BODY_SIZE];
            loop {
                match request_rx.read_exact(&mut buffer) {
                    Ok(()) => reply_tx.write_all(&buffer)?,
                    // The measuring side closed its end: the run is over.
                    Err(error) if error.kind() == std::io::ErrorKind::UnexpectedEof => {
                        return Ok(());
                    }
                    Err(error) => return Err(error),
                }
            }
        })?;
    let timed = (|| -> std::io::Result<Duration> {
        let mut body = [0u8; BODY_SIZE];
        let mut digest = 0u64;
        let start = Instant::now();
        for sequence in 0..round_trips {
            body[0] = sequence as u8;
            request_tx.write_all(&body)?;
            reply_rx.read_exact(&mut body)?;
            digest ^= u64::from(body[0]);
        }
        let elapsed = start.elapsed();
        black_box(digest);
        Ok(elapsed)
    })();
    // Closing the request pipe ends the echo thread, whatever happened above.
    drop(request_tx);
    let echoed = echo
        .join()
        .map_err(|_| WorkloadError::new("the pipe echo thread panicked"))?;
    let elapsed = timed?;
    echoed?;
    Ok(elapsed)
}
