//! `shm_producer`: puts numbered items into the textbook's buffer in shared memory.
//!
//! The producer half of the textbook's producer and consumer over shared memory
//! (the buffer, its layout and the synchronisation are described in
//! [`shm_buffer`](super::shm_buffer)). It puts the items `first`, `first + 1`, …,
//! `first + count − 1`, each as a `u64`; give several producers distinct `first`s so
//! a consumer can tell every item apart.
//!
//! # Protocol
//! For each item, one kernel call per line:
//!
//! ```text
//! semaphore_wait(empty)                 with semaphores, bounded
//! semaphore_wait(mutex)                 with a mutex
//! i = memory_read(in)
//! o = memory_read(out)                  without semaphores, bounded: full if (i+1) % slots == o
//! memory_write(slot i, item)
//! memory_write(in, next(i))
//! semaphore_signal(mutex)               with a mutex
//! semaphore_signal(full)                with semaphores
//! ```
//!
//! Without semaphores a full bounded buffer is polled again (after `poll_ms`), at
//! most `patience` times in a row. Two producers without a mutex can both read the
//! same `i` between the `memory_read(in)` and the `memory_write(in, …)`: both fill
//! slot `i`, and the first item is lost.
//!
//! # Ending
//! The exit code is the number of items not put: 0 means all `count`. It stops early
//! when a full buffer stays full for `patience` polls, or when a semaphore wait runs
//! past `timeout_ms`. It crashes if it holds no right for the memory object or a
//! semaphore it needs, if the object is too small for the buffer, or if a semaphore
//! is destroyed while it waits.

use super::shm_buffer::{
    BUFFER_ARGS, BufferArgs, BufferKind, IN_OFFSET, Mapped, OUT_OFFSET, Waited, delay_doc,
    item_range,
};
use crate::args::{ArgError, ArgType, Args};
use crate::registry::{ArgDoc, Program};
use kernel::{TaskContext, TaskExit};

/// The `shm_producer` program with its arguments.
///
/// # Examples
/// A producer and a consumer over a bounded buffer of 4 slots, with semaphores:
/// ```
/// use kernel::{Kernel, TaskExit};
/// use tasks::stock::{ShmConsumer, ShmProducer};
///
/// let mut kernel = Kernel::builder().build();
/// kernel.spawn("producer", |cx| ShmProducer { count: 6, ..ShmProducer::default() }.run(cx));
/// kernel.spawn("consumer", |cx| ShmConsumer::expecting(1, 6).run(cx));
/// kernel.create_memory_object("buffer", 16 + 8 * 4, &["producer", "consumer"]).unwrap();
/// kernel.create_semaphore("empty", 4, &["producer", "consumer"]).unwrap();
/// kernel.create_semaphore("full", 0, &["producer", "consumer"]).unwrap();
/// let report = kernel.run();
/// assert_eq!(report.outcome.as_str(), "completed");
/// let exits = kernel.inspect(|k| k.tasks().into_iter().map(|t| t.exit).collect::<Vec<_>>());
/// assert_eq!(exits, [Some(TaskExit::Exited(0)), Some(TaskExit::Exited(0))]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShmProducer {
    /// The buffer and how to synchronise on it.
    pub buffer: BufferArgs,
    /// How many items to put.
    pub count: u64,
    /// The first item (at least 1).
    pub first: u64,
}

impl Default for ShmProducer {
    fn default() -> Self {
        ShmProducer {
            buffer: BufferArgs::default(),
            count: 10,
            first: 1,
        }
    }
}

impl ShmProducer {
    /// The name it is registered under.
    pub const NAME: &'static str = "shm_producer";

    /// Its description in program listings.
    pub const DESCRIPTION: &'static str = "Puts the items first, first+1, ... (count of them, \
        u64) into the textbook's buffer in the memory object `buffer`: [in, out, slots...], \
        bounded (circular, `slots` slots) or unbounded. With sync = \"semaphores\" it waits on \
        `empty` (bounded) and signals `full`; with \"none\" it busy-waits while the buffer is \
        full, at most `patience` polls in a row. `mutex` guards reading and advancing `in`. \
        Exit code: items not put (0 = all).";

    /// Its arguments.
    pub const ARGS: &'static [ArgDoc] = &[
        BUFFER_ARGS[0],
        BUFFER_ARGS[1],
        BUFFER_ARGS[2],
        BUFFER_ARGS[3],
        BUFFER_ARGS[4],
        BUFFER_ARGS[5],
        BUFFER_ARGS[6],
        ArgDoc::optional("count", ArgType::Int, "10", "items to put"),
        ArgDoc::optional(
            "first",
            ArgType::Int,
            "1",
            "the first item; give each producer its own range so items can be told apart",
        ),
        BUFFER_ARGS[7],
        BUFFER_ARGS[8],
        BUFFER_ARGS[9],
        delay_doc("virtual milliseconds to sleep between two items"),
    ];

    /// Reads the arguments, falling back to the defaults.
    ///
    /// # Errors
    /// An [`ArgError`] naming the argument: a wrong type, a negative number, an
    /// unknown `kind` or `sync`, `slots` below 2, `first` 0, or a last item past
    /// `i32::MAX`.
    pub fn from_args(args: &Args) -> Result<ShmProducer, ArgError> {
        let buffer = BufferArgs::from_args(args)?;
        let (first, count) = item_range(args, 10)?;
        Ok(ShmProducer {
            buffer,
            count,
            first,
        })
    }

    /// The program, ready to spawn.
    pub fn program(self) -> Program {
        Program::new(move |cx| self.run(cx))
    }

    /// Puts every item; see the [module documentation](self) for the exit code.
    pub async fn run(self, cx: TaskContext) -> TaskExit {
        super::exit_with(self.produce(&cx).await)
    }

    /// Returns the number of items not put.
    async fn produce(&self, cx: &TaskContext) -> Result<u64, String> {
        if self.count == 0 {
            return Ok(0);
        }
        let buffer = Mapped::open(cx, Self::NAME, self.buffer.clone()).await?;
        let mut put = 0;
        for item in self.first..self.first + self.count {
            if item > self.first && self.buffer.delay_ms > 0 {
                cx.sleep(self.buffer.delay_ms).await;
            }
            if !put_one(cx, &buffer, item).await? {
                break;
            }
            put += 1;
        }
        buffer.close(cx).await?;
        Ok(self.count - put)
    }
}

/// Puts one item; false when it gave up (patience or a timeout ran out).
async fn put_one(cx: &TaskContext, buffer: &Mapped, item: u64) -> Result<bool, String> {
    if let Some((Some(empty), _)) = buffer.semaphores
        && let Waited::TimedOut = buffer.wait(cx, empty, "`empty`").await?
    {
        return Ok(false);
    }
    let mut failed = 0;
    loop {
        if let Waited::TimedOut = buffer.lock(cx).await? {
            return Ok(false);
        }
        let index = buffer.read(cx, IN_OFFSET, "reading `in`").await?;
        if buffer.semaphores.is_none()
            && let BufferKind::Bounded(slots) = buffer.args.kind
        {
            let out = buffer.read(cx, OUT_OFFSET, "reading `out`").await?;
            if (index + 1) % u64::from(slots) == out {
                // Full: poll again, or give up.
                buffer.unlock(cx).await?;
                if buffer.after_failed_poll(cx, &mut failed).await {
                    continue;
                }
                return Ok(false);
            }
        }
        let slot = buffer.slot_offset(index)?;
        buffer.write(cx, slot, item, "writing a slot").await?;
        let next = buffer.args.kind.next(index);
        buffer.write(cx, IN_OFFSET, next, "writing `in`").await?;
        buffer.unlock(cx).await?;
        break;
    }
    if let Some((_, full)) = buffer.semaphores {
        buffer.signal(cx, full, "`full`").await?;
    }
    Ok(true)
}

/// The registry's constructor for `shm_producer`.
pub(crate) fn construct(args: &Args) -> Result<Program, ArgError> {
    Ok(ShmProducer::from_args(args)?.program())
}
