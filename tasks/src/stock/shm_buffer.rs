//! The textbook's shared buffer, as [`shm_producer`](super::shm_producer) and
//! [`shm_consumer`](super::shm_consumer) lay it out in a memory object.
//!
//! # Layout
//! Every value is a little-endian `u64`, read and written with one kernel call each
//! (`memory_read`, `memory_write`), so another task may run between any two of them:
//!
//! | offset | field | written by |
//! |---|---|---|
//! | 0 | `in`: where the next item goes | producers, after the slot |
//! | 8 | `out`: where the next item comes from | consumers, after reading the slot |
//! | 16 + 8·k | slot k | producers |
//!
//! The object starts zeroed, so `in = out = 0`, and a slot never written reads 0:
//! that is why items are numbered from 1.
//!
//! - **Bounded** (`kind = "bounded"`): `slots` slots (the textbook's `BUFFER_SIZE`),
//!   indices wrap modulo `slots`. Empty when `in == out`; full when
//!   `(in + 1) % slots == out`, so without semaphores only `slots − 1` slots are
//!   ever used. The object needs at least `16 + 8·slots` bytes.
//! - **Unbounded** (`kind = "unbounded"`): indices only grow and slot k holds item
//!   k; empty when `in == out`, never full. The object's size still bounds it: it
//!   holds `(size − 16) / 8` items, and a producer that runs past the end crashes
//!   saying so.
//!
//! # Synchronisation
//! - `sync = "semaphores"`: the textbook's semaphores. A producer waits on `empty`
//!   (bounded only) before filling a slot and signals `full` after; a consumer
//!   waits on `full` and signals `empty` (bounded only). They count items and free
//!   slots, so nobody polls; give `empty` the value `slots` to use every slot (the
//!   semaphore, not `in == out`, now says when the buffer is full), or `slots − 1`
//!   to match the unsynchronised version.
//! - `sync = "none"`: the first version of the textbook's chapter on processes:
//!   busy-wait, reading `in` and `out` until there is room (or an item), at most
//!   `patience` times in a row.
//! - `mutex` (either way): a semaphore of value 1 taken around reading the index,
//!   touching the slot and advancing the index.
//!
//! With one producer and one consumer, `sync = "none"` is correct: each index has
//! one writer, who writes it after the slot (Lamport's single-producer,
//! single-consumer ring buffer). With two producers, both may read the same `in`
//! and fill the same slot: one item is overwritten (lost). With two consumers,
//! both may read the same `out` and take the same item (duplicated). Counting
//! semaphores do not prevent that; `mutex` does.

use crate::args::{ArgError, ArgType, ArgValue, Args};
use crate::registry::ArgDoc;
use kernel::{PortName, ServiceError, TaskContext, Width};

/// Where `in` is.
pub const IN_OFFSET: u32 = 0;
/// Where `out` is.
pub const OUT_OFFSET: u32 = 8;
/// Where slot 0 is; slot k is at `SLOTS_OFFSET + 8·k`.
pub const SLOTS_OFFSET: u32 = 16;
/// The bytes of one slot (and of `in` and `out`).
pub const SLOT_BYTES: u32 = 8;

/// The shape of the buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BufferKind {
    /// A circular buffer of this many slots (`BUFFER_SIZE`, at least 2).
    Bounded(u32),
    /// Indices only grow; the memory object's size bounds how many items fit.
    Unbounded,
}

impl BufferKind {
    /// The bytes of memory object a bounded buffer needs (`None`: unbounded).
    pub fn bytes_needed(self) -> Option<u32> {
        match self {
            BufferKind::Bounded(slots) => Some(SLOTS_OFFSET + SLOT_BYTES * slots),
            BufferKind::Unbounded => None,
        }
    }

    /// The index after `index`.
    pub fn next(self, index: u64) -> u64 {
        match self {
            BufferKind::Bounded(slots) => (index + 1) % u64::from(slots),
            BufferKind::Unbounded => index + 1,
        }
    }
}

/// How producers and consumers keep out of each other's way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Synchronisation {
    /// Counting semaphores, by label: `empty` counts free slots (bounded only),
    /// `full` counts items.
    Semaphores {
        /// The label of the semaphore counting free slots.
        empty: String,
        /// The label of the semaphore counting items.
        full: String,
    },
    /// Nothing: busy-wait on `in` and `out`.
    None,
}

/// The arguments `shm_producer` and `shm_consumer` share.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BufferArgs {
    /// The label of the memory object (a send right to it, from `[[memory]]`).
    pub buffer: String,
    /// Bounded or unbounded.
    pub kind: BufferKind,
    /// Semaphores or nothing.
    pub sync: Synchronisation,
    /// The label of a semaphore of value 1 taken around each index update.
    pub mutex: Option<String>,
    /// Unsynchronised: failed polls in a row (buffer full, or empty) before giving up.
    pub patience: u64,
    /// Unsynchronised: virtual milliseconds to sleep after a failed poll (0: poll
    /// again at once; every poll is two kernel calls, so others run meanwhile).
    pub poll_ms: u64,
    /// With semaphores: the longest wait on one, in virtual milliseconds (`None`:
    /// forever).
    pub timeout_ms: Option<u64>,
    /// Virtual milliseconds to sleep between two items.
    pub delay_ms: u64,
}

impl Default for BufferArgs {
    fn default() -> Self {
        BufferArgs {
            buffer: "buffer".to_string(),
            kind: BufferKind::Bounded(4),
            sync: Synchronisation::Semaphores {
                empty: "empty".to_string(),
                full: "full".to_string(),
            },
            mutex: None,
            patience: 100,
            poll_ms: 0,
            timeout_ms: None,
            delay_ms: 0,
        }
    }
}

/// The shared arguments' documentation, for both programs' `ARGS`.
pub(crate) const BUFFER_ARGS: [ArgDoc; 10] = [
    ArgDoc::optional(
        "buffer",
        ArgType::Str,
        "\"buffer\"",
        "label of the memory object holding the buffer; this task must hold a send right for it",
    ),
    ArgDoc::optional(
        "kind",
        ArgType::Str,
        "\"bounded\"",
        "\"bounded\" (circular, `slots` slots) or \"unbounded\" (indices only grow)",
    ),
    ArgDoc::optional(
        "slots",
        ArgType::Int,
        "4",
        "BUFFER_SIZE of a bounded buffer, at least 2 (slots − 1 usable without semaphores); \
         the object needs 16 + 8·slots bytes",
    ),
    ArgDoc::optional(
        "sync",
        ArgType::Str,
        "\"semaphores\"",
        "\"semaphores\" (wait on `empty`/`full`) or \"none\" (busy-wait on `in` and `out`)",
    ),
    ArgDoc::optional(
        "empty",
        ArgType::Str,
        "\"empty\"",
        "label of the semaphore counting free slots (bounded, with semaphores)",
    ),
    ArgDoc::optional(
        "full",
        ArgType::Str,
        "\"full\"",
        "label of the semaphore counting items (with semaphores)",
    ),
    ArgDoc::optional(
        "mutex",
        ArgType::Str,
        "none",
        "label of a semaphore of value 1 held while reading an index, touching its slot and \
         advancing it; needed when several producers or several consumers share the buffer",
    ),
    ArgDoc::optional(
        "patience",
        ArgType::Int,
        "100",
        "without semaphores: failed polls in a row (buffer full or empty) before giving up",
    ),
    ArgDoc::optional(
        "poll_ms",
        ArgType::Int,
        "0",
        "without semaphores: virtual milliseconds to sleep after a failed poll",
    ),
    ArgDoc::optional(
        "timeout_ms",
        ArgType::Int,
        "forever",
        "with semaphores (or a mutex): the longest wait on one, in virtual milliseconds, \
         before giving up",
    ),
];

/// `delay_ms`'s documentation (its meaning differs a little between the two).
pub(crate) const fn delay_doc(meaning: &'static str) -> ArgDoc {
    ArgDoc::optional("delay_ms", ArgType::Int, "0", meaning)
}

impl BufferArgs {
    /// Reads the shared arguments.
    ///
    /// # Errors
    /// An [`ArgError`] naming the argument: a wrong type, a negative number, an
    /// unknown `kind` or `sync`, `slots` below 2 or too large for a memory object,
    /// or `empty` given for an unbounded buffer.
    pub fn from_args(args: &Args) -> Result<BufferArgs, ArgError> {
        let kind = match args.str_or("kind", "bounded")? {
            "bounded" => {
                let slots = args.u64_or("slots", 4)?;
                // The slots after `in` and `out` must fit a u32 offset.
                let max = u64::from((u32::MAX - SLOTS_OFFSET) / SLOT_BYTES);
                let slots = u32::try_from(slots)
                    .ok()
                    .filter(|s| (2..=max).contains(&u64::from(*s)))
                    .ok_or_else(|| {
                        ArgError::invalid(
                            "slots",
                            &ArgValue::Int(i64::try_from(slots).unwrap_or(i64::MAX)),
                            format!("must be from 2 to {max}"),
                        )
                    })?;
                BufferKind::Bounded(slots)
            }
            "unbounded" => {
                if let Some(slots) = args.opt_int("slots")? {
                    return Err(ArgError::invalid(
                        "slots",
                        &ArgValue::Int(slots),
                        "is for a bounded buffer; an unbounded one is as large as its memory object",
                    ));
                }
                BufferKind::Unbounded
            }
            other => {
                return Err(ArgError::invalid(
                    "kind",
                    &ArgValue::from(other),
                    "expected \"bounded\" or \"unbounded\"",
                ));
            }
        };
        let sync = match args.str_or("sync", "semaphores")? {
            "semaphores" => {
                if kind == BufferKind::Unbounded
                    && let Some(empty) = args.opt_str("empty")?
                {
                    return Err(ArgError::invalid(
                        "empty",
                        &ArgValue::from(empty),
                        "is for a bounded buffer: an unbounded one is never full",
                    ));
                }
                Synchronisation::Semaphores {
                    empty: args.str_or("empty", "empty")?.to_string(),
                    full: args.str_or("full", "full")?.to_string(),
                }
            }
            "none" => {
                for name in ["empty", "full"] {
                    if let Some(label) = args.opt_str(name)? {
                        return Err(ArgError::invalid(
                            name,
                            &ArgValue::from(label),
                            "is for sync = \"semaphores\"",
                        ));
                    }
                }
                Synchronisation::None
            }
            other => {
                return Err(ArgError::invalid(
                    "sync",
                    &ArgValue::from(other),
                    "expected \"semaphores\" or \"none\"",
                ));
            }
        };
        Ok(BufferArgs {
            buffer: args.str_or("buffer", "buffer")?.to_string(),
            kind,
            sync,
            mutex: args.opt_str("mutex")?.map(str::to_string),
            patience: args.u64_or("patience", 100)?,
            poll_ms: args.u64_or("poll_ms", 0)?,
            timeout_ms: args.opt_u64("timeout_ms")?,
            delay_ms: args.u64_or("delay_ms", 0)?,
        })
    }
}

/// Reads `first` and `count` as item numbers: `first` ≥ 1 (0 is a slot never
/// written) and the last item at most `i32::MAX`, so an exit code can name it.
pub(crate) fn item_range(args: &Args, default_count: u64) -> Result<(u64, u64), ArgError> {
    let first = args.u64_or("first", 1)?;
    let count = args.u64_or("count", default_count)?;
    check_range("first", first, count)?;
    Ok((first, count))
}

/// Checks that items `first .. first + count` are numbers from 1 to `i32::MAX`.
pub(crate) fn check_range(name: &str, first: u64, count: u64) -> Result<(), ArgError> {
    let limit = i32::MAX as u64;
    if first == 0 {
        return Err(ArgError::invalid(
            name,
            &ArgValue::Int(0),
            "items are numbered from 1: 0 marks a slot never written",
        ));
    }
    if first.saturating_add(count).saturating_sub(1) > limit {
        return Err(ArgError::invalid(
            name,
            &ArgValue::Int(i64::try_from(first).unwrap_or(i64::MAX)),
            format!("the last item, first + count − 1, must be at most {limit}"),
        ));
    }
    Ok(())
}

/// A task's view of the buffer: its mapping and the semaphores it uses.
pub(crate) struct Mapped {
    pub(crate) program: &'static str,
    pub(crate) args: BufferArgs,
    pub(crate) mapping: u32,
    /// (empty, full), with semaphores.
    pub(crate) semaphores: Option<(Option<PortName>, PortName)>,
    pub(crate) mutex: Option<PortName>,
}

/// Why a wait ended without the semaphore.
pub(crate) enum Waited {
    Got,
    TimedOut,
}

impl Mapped {
    /// Finds the memory object and semaphores by label and maps the object.
    pub(crate) async fn open(
        cx: &TaskContext,
        program: &'static str,
        args: BufferArgs,
    ) -> Result<Mapped, String> {
        let right = |label: &str, what: &str, section: &str| {
            cx.lookup(label).ok_or_else(|| {
                format!(
                    "{program}: this task holds no right for the {what} `{label}`; \
                     name it among the holders of its {section}"
                )
            })
        };
        let object = right(&args.buffer, "memory object", "[[memory]]")?;
        let semaphores = match &args.sync {
            Synchronisation::Semaphores { empty, full } => {
                let empty = match args.kind {
                    BufferKind::Bounded(_) => Some(right(empty, "semaphore", "[[semaphore]]")?),
                    BufferKind::Unbounded => None,
                };
                Some((empty, right(full, "semaphore", "[[semaphore]]")?))
            }
            Synchronisation::None => None,
        };
        let mutex = match &args.mutex {
            Some(label) => Some(right(label, "semaphore", "[[semaphore]]")?),
            None => None,
        };
        let mapping = cx
            .memory_map(object)
            .await
            .map_err(|e| format!("{program}: mapping `{}`: {e}", args.buffer))?;
        Ok(Mapped {
            program,
            args,
            mapping,
            semaphores,
            mutex,
        })
    }

    /// Reads the `u64` at `offset`.
    pub(crate) async fn read(
        &self,
        cx: &TaskContext,
        offset: u32,
        what: &str,
    ) -> Result<u64, String> {
        cx.memory_read(self.mapping, offset, Width::U64)
            .await
            .map_err(|e| self.memory_error(&e, offset, what))
    }

    /// Writes the `u64` `value` at `offset`.
    pub(crate) async fn write(
        &self,
        cx: &TaskContext,
        offset: u32,
        value: u64,
        what: &str,
    ) -> Result<(), String> {
        cx.memory_write(self.mapping, offset, Width::U64, value)
            .await
            .map_err(|e| self.memory_error(&e, offset, what))
    }

    fn memory_error(&self, e: &ServiceError, offset: u32, what: &str) -> String {
        let program = self.program;
        let buffer = &self.args.buffer;
        match (e, self.args.kind) {
            (ServiceError::InvalidAddress, BufferKind::Bounded(slots)) => format!(
                "{program}: {what} at offset {offset} is outside `{buffer}`: a bounded buffer of \
                 {slots} slots needs {} bytes",
                SLOTS_OFFSET + SLOT_BYTES * slots
            ),
            (ServiceError::InvalidAddress, BufferKind::Unbounded) => format!(
                "{program}: {what} at offset {offset} is outside `{buffer}`: the unbounded buffer \
                 ran out of memory object (make it larger)"
            ),
            _ => format!("{program}: {what} in `{buffer}`: {e}"),
        }
    }

    /// The offset of slot `index`, checking it is a slot of this buffer.
    pub(crate) fn slot_offset(&self, index: u64) -> Result<u32, String> {
        if let BufferKind::Bounded(slots) = self.args.kind
            && index >= u64::from(slots)
        {
            return Err(format!(
                "{}: index {index} read from `{}` is not a slot of a {slots}-slot buffer; \
                 do producers and consumers agree on `slots`?",
                self.program, self.args.buffer
            ));
        }
        u32::try_from(index)
            .ok()
            .and_then(|i| i.checked_mul(SLOT_BYTES))
            .and_then(|o| o.checked_add(SLOTS_OFFSET))
            .ok_or_else(|| {
                format!(
                    "{}: slot {index} of `{}` lies past any memory object",
                    self.program, self.args.buffer
                )
            })
    }

    /// Waits on a semaphore (for at most `timeout_ms`, if given).
    pub(crate) async fn wait(
        &self,
        cx: &TaskContext,
        semaphore: PortName,
        what: &str,
    ) -> Result<Waited, String> {
        let result = match self.args.timeout_ms {
            Some(ms) => cx.semaphore_timed_wait(semaphore, ms).await,
            None => cx.semaphore_wait(semaphore).await,
        };
        match result {
            Ok(()) => Ok(Waited::Got),
            Err(ServiceError::OperationTimedOut) => Ok(Waited::TimedOut),
            Err(e) => Err(format!("{}: waiting on {what}: {e}", self.program)),
        }
    }

    /// Signals a semaphore.
    pub(crate) async fn signal(
        &self,
        cx: &TaskContext,
        semaphore: PortName,
        what: &str,
    ) -> Result<(), String> {
        cx.semaphore_signal(semaphore)
            .await
            .map_err(|e| format!("{}: signalling {what}: {e}", self.program))
    }

    /// Takes the mutex, if there is one.
    pub(crate) async fn lock(&self, cx: &TaskContext) -> Result<Waited, String> {
        match self.mutex {
            Some(mutex) => self.wait(cx, mutex, "the mutex").await,
            None => Ok(Waited::Got),
        }
    }

    /// Gives the mutex back, if there is one.
    pub(crate) async fn unlock(&self, cx: &TaskContext) -> Result<(), String> {
        match self.mutex {
            Some(mutex) => self.signal(cx, mutex, "the mutex").await,
            None => Ok(()),
        }
    }

    /// After a failed poll: true to poll again, false when patience ran out.
    pub(crate) async fn after_failed_poll(&self, cx: &TaskContext, failed: &mut u64) -> bool {
        *failed += 1;
        if *failed >= self.args.patience {
            return false;
        }
        if self.args.poll_ms > 0 {
            cx.sleep(self.args.poll_ms).await;
        }
        true
    }

    /// Unmaps the buffer (the task's end would, too; this shows it in the trace).
    pub(crate) async fn close(self, cx: &TaskContext) -> Result<(), String> {
        cx.memory_unmap(self.mapping)
            .await
            .map_err(|e| format!("{}: unmapping `{}`: {e}", self.program, self.args.buffer))
    }
}
