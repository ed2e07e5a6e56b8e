//! `shm_consumer`: takes numbered items from the textbook's buffer in shared
//! memory and says which went missing or came twice.
//!
//! The consumer half of the textbook's producer and consumer over shared memory
//! (the buffer, its layout and the synchronisation are described in
//! [`shm_buffer`](super::shm_buffer)), and a checker: it knows which items the
//! producers put (`items`, or `first` and `count` for one producer), so its exit
//! code can pin the race of unsynchronised producers to one item.
//!
//! # Protocol
//! For each item, one kernel call per line:
//!
//! ```text
//! semaphore_wait(full)                  with semaphores
//! semaphore_wait(mutex)                 with a mutex
//! i = memory_read(in)                   without semaphores: empty if i == o
//! o = memory_read(out)
//! item = memory_read(slot o)
//! memory_write(out, next(o))
//! semaphore_signal(mutex)               with a mutex
//! semaphore_signal(empty)               with semaphores, bounded
//! ```
//!
//! Without semaphores an empty buffer is polled again (after `poll_ms`), at most
//! `patience` times in a row: then it gives up, since it cannot tell a slow
//! producer from one whose item was lost. Two consumers without a mutex can both
//! read the same `o` before either advances `out`: both take the same item.
//!
//! # Ending
//! It stops after taking `count` items (by default, as many as `items` lists), when
//! an empty buffer stays empty for `patience` polls, or when a semaphore wait runs
//! past `timeout_ms`. With `check` (the default) the exit code says what it took:
//!
//! - `0`: every expected item exactly once;
//! - `k > 0`: item `k` never came (the smallest such item): it was lost, or is
//!   still in the buffer;
//! - `-k`: none is missing, but item `k` came twice (the first repeat taken).
//!
//! A value that is no expected item (such as 0, read from a slot never written)
//! takes the place of one, which is then missing. Without `check` (for one of
//! several consumers, each of which takes only some of the items) the exit code is
//! the number of items taken. It crashes if it holds no right for the memory
//! object or a semaphore it needs, if the object is too small for the buffer, or if
//! a semaphore is destroyed while it waits.

use super::shm_buffer::{
    BUFFER_ARGS, BufferArgs, IN_OFFSET, Mapped, OUT_OFFSET, Waited, check_range, delay_doc,
    item_range,
};
use crate::args::{ArgError, ArgType, ArgValue, Args};
use crate::registry::{ArgDoc, Program};
use kernel::{TaskContext, TaskExit};
use std::collections::BTreeSet;

/// The `shm_consumer` program with its arguments.
///
/// # Examples
/// Two producers without synchronisation, taking turns call by call (round
/// robin): both read `in = 0`, both fill slot 0, and item 1 is overwritten by 101.
/// ```
/// use kernel::{Kernel, TaskExit};
/// use tasks::stock::shm_buffer::{BufferArgs, Synchronisation};
/// use tasks::stock::{ShmConsumer, ShmProducer};
///
/// let buffer = BufferArgs { sync: Synchronisation::None, patience: 20, ..BufferArgs::default() };
/// let p1 = ShmProducer { buffer: buffer.clone(), count: 2, first: 1 };
/// let p2 = ShmProducer { buffer: buffer.clone(), count: 2, first: 101 };
/// let consumer = ShmConsumer { buffer, ..ShmConsumer::expecting_ranges(&[(1, 2), (101, 2)]) };
/// let mut kernel = Kernel::builder().build();
/// kernel.spawn("p1", |cx| p1.run(cx));
/// kernel.spawn("p2", |cx| p2.run(cx));
/// kernel.spawn("consumer", |cx| consumer.run(cx));
/// kernel.create_memory_object("buffer", 48, &["p1", "p2", "consumer"]).unwrap();
/// kernel.run();
/// let exit = kernel.inspect(|k| k.tasks().into_iter().find(|t| t.name == "consumer").unwrap().exit);
/// assert_eq!(exit, Some(TaskExit::Exited(1)), "item 1 was lost");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShmConsumer {
    /// The buffer and how to synchronise on it.
    pub buffer: BufferArgs,
    /// How many items to take.
    pub count: u64,
    /// The items the producers put, as ranges (first, count), one per producer.
    pub items: Vec<(u64, u64)>,
    /// Judge what it took against `items` (exit code 0, k or −k); otherwise the exit
    /// code is the number taken.
    pub check: bool,
}

impl Default for ShmConsumer {
    fn default() -> Self {
        ShmConsumer::expecting(1, 10)
    }
}

impl ShmConsumer {
    /// The name it is registered under.
    pub const NAME: &'static str = "shm_consumer";

    /// Its description in program listings.
    pub const DESCRIPTION: &'static str = "Takes items (u64) from the textbook's buffer in the \
        memory object `buffer` (see shm_producer): with sync = \"semaphores\" it waits on `full` \
        and signals `empty` (bounded); with \"none\" it busy-waits while the buffer is empty, at \
        most `patience` polls in a row, then gives up. `mutex` guards reading and advancing \
        `out`. It takes `count` items (default: all of `items`, the ranges { first, count } the \
        producers put, or first..first+count for one producer). Exit code, with `check`: 0 if \
        every expected item came exactly once, k if item k never came (the smallest), -k if \
        none is missing but item k came twice; without `check`: the number of items taken.";

    /// Its arguments.
    pub const ARGS: &'static [ArgDoc] = &[
        BUFFER_ARGS[0],
        BUFFER_ARGS[1],
        BUFFER_ARGS[2],
        BUFFER_ARGS[3],
        BUFFER_ARGS[4],
        BUFFER_ARGS[5],
        BUFFER_ARGS[6],
        ArgDoc::optional(
            "count",
            ArgType::Int,
            "all of `items`, or 10",
            "items to take before exiting",
        ),
        ArgDoc::optional(
            "first",
            ArgType::Int,
            "1",
            "the first item of a single producer, which puts first..first+count",
        ),
        ArgDoc::optional(
            "items",
            ArgType::List,
            "[{ first, count }]",
            "the items the producers put, one table { first = F, count = N } per producer \
             (instead of `first`)",
        ),
        ArgDoc::optional(
            "check",
            ArgType::Bool,
            "true",
            "judge the items taken against `items` (exit 0, k missing, -k repeated); false: \
             exit with the number taken, for one of several consumers",
        ),
        BUFFER_ARGS[7],
        BUFFER_ARGS[8],
        BUFFER_ARGS[9],
        delay_doc("virtual milliseconds spent on each item taken"),
    ];

    /// A consumer expecting the items `first .. first + count` from one producer,
    /// over the default buffer.
    pub fn expecting(first: u64, count: u64) -> ShmConsumer {
        ShmConsumer::expecting_ranges(&[(first, count)])
    }

    /// A consumer expecting the ranges (first, count), one per producer, and taking
    /// as many items as they hold, over the default buffer.
    pub fn expecting_ranges(ranges: &[(u64, u64)]) -> ShmConsumer {
        ShmConsumer {
            buffer: BufferArgs::default(),
            count: ranges.iter().map(|(_, n)| n).sum(),
            items: ranges.to_vec(),
            check: true,
        }
    }

    /// Reads the arguments, falling back to the defaults.
    ///
    /// # Errors
    /// An [`ArgError`] naming the argument: a wrong type, a negative number, an
    /// unknown `kind` or `sync`, `slots` below 2, an item 0 or past `i32::MAX`, an
    /// `items` entry that is not `{ first = F, count = N }`, or both `items` and
    /// `first`.
    pub fn from_args(args: &Args) -> Result<ShmConsumer, ArgError> {
        let buffer = BufferArgs::from_args(args)?;
        let check = args.bool_or("check", true)?;
        let (count, items) = match args.opt_list("items")? {
            None => {
                let (first, count) = item_range(args, 10)?;
                (count, vec![(first, count)])
            }
            Some(list) => {
                if let Some(first) = args.opt_int("first")? {
                    return Err(ArgError::invalid(
                        "first",
                        &ArgValue::Int(first),
                        "give either `first` or `items`, not both",
                    ));
                }
                let items = list
                    .iter()
                    .map(parse_range)
                    .collect::<Result<Vec<_>, _>>()?;
                let total = items.iter().map(|(_, n)| n).sum();
                (args.u64_or("count", total)?, items)
            }
        };
        Ok(ShmConsumer {
            buffer,
            count,
            items,
            check,
        })
    }

    /// The program, ready to spawn.
    pub fn program(self) -> Program {
        Program::new(move |cx| self.run(cx))
    }

    /// Takes and judges; see the [module documentation](self) for the exit code.
    pub async fn run(self, cx: TaskContext) -> TaskExit {
        let taken = self.consume(&cx).await;
        super::exit_with(taken.map(|taken| {
            if self.check {
                verdict(&self.items, &taken)
            } else {
                super::saturating_code(taken.len())
            }
        }))
    }

    /// Returns the items taken, in order.
    async fn consume(&self, cx: &TaskContext) -> Result<Vec<u64>, String> {
        let mut taken = Vec::new();
        if self.count == 0 {
            return Ok(taken);
        }
        let buffer = Mapped::open(cx, Self::NAME, self.buffer.clone()).await?;
        while (taken.len() as u64) < self.count {
            if !taken.is_empty() && self.buffer.delay_ms > 0 {
                cx.sleep(self.buffer.delay_ms).await;
            }
            match take_one(cx, &buffer).await? {
                Some(item) => taken.push(item),
                None => break,
            }
        }
        buffer.close(cx).await?;
        Ok(taken)
    }
}

/// One `items` entry: `{ first = F, count = N }`.
fn parse_range(value: &ArgValue) -> Result<(u64, u64), ArgError> {
    let ArgValue::Table(table) = value else {
        return Err(ArgError::invalid(
            "items",
            value,
            "each entry is a table { first = F, count = N }",
        ));
    };
    if let Some((name, _)) = table.iter().find(|(n, _)| !matches!(*n, "first" | "count")) {
        return Err(ArgError::invalid(
            "items",
            value,
            format!("unknown key `{name}`: each entry is {{ first = F, count = N }}"),
        ));
    }
    let first = table.u64("first").map_err(|_| {
        ArgError::invalid(
            "items",
            value,
            "each entry needs `first`, an integer from 1",
        )
    })?;
    let count = table.u64("count").map_err(|_| {
        ArgError::invalid(
            "items",
            value,
            "each entry needs `count`, an integer, 0 or more",
        )
    })?;
    check_range("items", first, count)?;
    Ok((first, count))
}

/// The exit code of a checking consumer: 0, the smallest missing item, or minus
/// the first repeated one.
pub(crate) fn verdict(items: &[(u64, u64)], taken: &[u64]) -> i32 {
    let got: BTreeSet<u64> = taken.iter().copied().collect();
    let missing = items
        .iter()
        .flat_map(|&(first, count)| first..first + count)
        .filter(|item| !got.contains(item))
        .min();
    if let Some(item) = missing {
        return i32::try_from(item).unwrap_or(i32::MAX);
    }
    let mut seen = BTreeSet::new();
    match taken.iter().find(|item| !seen.insert(**item)) {
        Some(&item) => -i32::try_from(item).unwrap_or(i32::MAX),
        None => 0,
    }
}

/// Takes one item; `None` when it gave up (patience or a timeout ran out).
async fn take_one(cx: &TaskContext, buffer: &Mapped) -> Result<Option<u64>, String> {
    if let Some((_, full)) = buffer.semaphores
        && let Waited::TimedOut = buffer.wait(cx, full, "`full`").await?
    {
        return Ok(None);
    }
    let mut failed = 0;
    let item = loop {
        if let Waited::TimedOut = buffer.lock(cx).await? {
            return Ok(None);
        }
        let index = if buffer.semaphores.is_none() {
            let producers_at = buffer.read(cx, IN_OFFSET, "reading `in`").await?;
            let index = buffer.read(cx, OUT_OFFSET, "reading `out`").await?;
            if producers_at == index {
                // Empty: poll again, or give up.
                buffer.unlock(cx).await?;
                if buffer.after_failed_poll(cx, &mut failed).await {
                    continue;
                }
                return Ok(None);
            }
            index
        } else {
            buffer.read(cx, OUT_OFFSET, "reading `out`").await?
        };
        let slot = buffer.slot_offset(index)?;
        let item = buffer.read(cx, slot, "reading a slot").await?;
        let next = buffer.args.kind.next(index);
        buffer.write(cx, OUT_OFFSET, next, "writing `out`").await?;
        buffer.unlock(cx).await?;
        break item;
    };
    if let Some((Some(empty), _)) = buffer.semaphores {
        buffer.signal(cx, empty, "`empty`").await?;
    }
    Ok(Some(item))
}

/// The registry's constructor for `shm_consumer`.
pub(crate) fn construct(args: &Args) -> Result<Program, ArgError> {
    Ok(ShmConsumer::from_args(args)?.program())
}
