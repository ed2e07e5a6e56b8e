//! `consumer`: receives numbered messages and checks their order per sender.
//!
//! The consumer half of the textbook's bounded buffer, and a checker: Mach
//! guarantees that messages from one sender to one port arrive in the order sent,
//! and this program fails loudly if a run ever shows otherwise.
//!
//! # Messages
//! It reads what a [`producer`](super::producer) sends: a body starting with a
//! `u64` sequence number, then optionally a `str` naming the sender (messages
//! without one count as one unnamed sender). Numbers from each sender must start at
//! 1 and go up by one. Any rights a message carries are destroyed.
//!
//! # Ending
//! - After `count` messages: exit code 0.
//! - When no sender is left (the no-senders notification, which queues behind
//!   every message sent before it, so none is missed), when the port dies, or when
//!   nothing arrives within `timeout_ms`: exit code 0 if no `count` was given,
//!   otherwise a crash saying how many of `count` arrived.
//! - A number out of order or repeated: a crash naming the sender and both
//!   numbers. A number skipped (a gap): the same, unless `allow_gaps` is true, as it
//!   should be for producers whose policy may drop messages.
//! - A message that does not start with a `u64`: a crash.
//!
//! Without `count` or `timeout_ms`, a consumer whose producers keep their send
//! rights but stop sending waits forever, and the run ends in a deadlock. The same
//! holds when `port` names a port set, which has no no-senders notification.

use crate::args::{ArgError, ArgType, Args};
use crate::registry::{ArgDoc, Program};
use crate::serve::{self, Incoming, Service};
use kernel::{Item, Message, ReceivePolicy, TaskContext, TaskExit, TaskOutput};
use std::collections::BTreeMap;

/// The `consumer` program with its arguments.
///
/// # Examples
/// Two producers, one bounded queue; the consumer ends when both have exited.
/// ```
/// use kernel::{Kernel, QueueLimit};
/// use tasks::stock::{Consumer, Producer};
///
/// let mut kernel = Kernel::builder().build();
/// for name in ["a", "b"] {
///     kernel.spawn(name, |cx| Producer { count: 5, ..Producer::default() }.run(cx));
/// }
/// kernel.spawn("consumer", |cx| Consumer::default().run(cx));
/// kernel.allocate_port("consumer", "buffer", QueueLimit::Bounded(1)).unwrap();
/// kernel.give_send_right("a", "buffer").unwrap();
/// kernel.give_send_right("b", "buffer").unwrap();
/// let report = kernel.run();
/// assert_eq!(report.outcome.as_str(), "completed");
/// let consumer = kernel.inspect(|k| k.tasks().into_iter().find(|t| t.name == "consumer"));
/// assert_eq!(consumer.unwrap().exit, Some(kernel::TaskExit::Exited(0)));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Consumer {
    /// The label of the port (or port set) it receives on.
    pub port: String,
    /// How many messages to receive; `None` receives until no sender is left, the
    /// port dies or a receive times out.
    pub count: Option<u64>,
    /// The longest wait for one message, in virtual milliseconds; `None` waits
    /// forever.
    pub timeout_ms: Option<u64>,
    /// Accept skipped sequence numbers (order is still checked).
    pub allow_gaps: bool,
    /// Virtual milliseconds spent on each message (a slow consumer fills queues).
    pub delay_ms: u64,
}

impl Default for Consumer {
    fn default() -> Self {
        Consumer {
            port: "buffer".to_string(),
            count: None,
            timeout_ms: None,
            allow_gaps: false,
            delay_ms: 0,
        }
    }
}

impl Consumer {
    /// The name it is registered under.
    pub const NAME: &'static str = "consumer";

    /// Its description in program listings.
    pub const DESCRIPTION: &'static str = "Receives messages on `port` and checks that each \
        sender's u64 sequence numbers (first item; the optional str second item names the \
        sender) arrive as 1, 2, 3, ... with no reordering and, unless `allow_gaps`, no gaps; \
        crashes naming the sender on a violation. Spends `delay_ms` on each message. Exits 0 \
        after `count` messages, or without `count` when no sender is left, the port dies or \
        nothing arrives within `timeout_ms`; with `count`, ending early is a crash.";

    /// Its arguments.
    pub const ARGS: &'static [ArgDoc] = &[
        ArgDoc::optional(
            "port",
            ArgType::Str,
            "\"buffer\"",
            "label of the port (or port set) to receive on; this task must hold its receive right",
        ),
        ArgDoc::optional(
            "count",
            ArgType::Int,
            "until no senders",
            "messages to receive; ending before that is a crash",
        ),
        ArgDoc::optional(
            "timeout_ms",
            ArgType::Int,
            "wait forever",
            "the longest wait for one message, in virtual milliseconds",
        ),
        ArgDoc::optional(
            "allow_gaps",
            ArgType::Bool,
            "false",
            "accept skipped sequence numbers (for producers that drop messages)",
        ),
        ArgDoc::optional(
            "delay_ms",
            ArgType::Int,
            "0",
            "virtual milliseconds spent on each message",
        ),
    ];

    /// Reads the arguments, falling back to the defaults.
    ///
    /// # Errors
    /// An [`ArgError`] naming the argument: wrong type or a negative number.
    pub fn from_args(args: &Args) -> Result<Consumer, ArgError> {
        Ok(Consumer {
            port: args.str_or("port", "buffer")?.to_string(),
            count: args.opt_u64("count")?,
            timeout_ms: args.opt_u64("timeout_ms")?,
            allow_gaps: args.bool_or("allow_gaps", false)?,
            delay_ms: args.u64_or("delay_ms", 0)?,
        })
    }

    /// The program, ready to spawn.
    pub fn program(self) -> Program {
        Program::new(move |cx| self.run(cx))
    }

    /// Receives and checks; see the [module documentation](self) for how it ends.
    pub async fn run(self, cx: TaskContext) -> TaskExit {
        self.consume(&cx).await.into_exit()
    }

    async fn consume(&self, cx: &TaskContext) -> Result<(), String> {
        if self.count == Some(0) {
            return Ok(());
        }
        let service = Service::open(cx, Self::NAME, &self.port).await?;
        let policy = self
            .timeout_ms
            .map_or(ReceivePolicy::Block, ReceivePolicy::Timeout);
        let mut order = Order::default();
        loop {
            let why = match service.next(cx, policy).await {
                Ok(Incoming::Request(message)) => {
                    let checked = order.check(self.allow_gaps, &message);
                    serve::destroy_received(cx, message).await;
                    checked.map_err(|e| format!("{}: {e}", Self::NAME))?;
                    if self.count.is_some_and(|count| order.received >= count) {
                        return Ok(());
                    }
                    if self.delay_ms > 0 {
                        cx.sleep(self.delay_ms).await;
                    }
                    continue;
                }
                Ok(Incoming::NoSenders) => "no sender is left".to_string(),
                Ok(Incoming::PortDied) => "the port died".to_string(),
                Ok(Incoming::TimedOut) => format!(
                    "nothing arrived within {} ms",
                    self.timeout_ms.unwrap_or_default()
                ),
                Err(e) => {
                    return Err(format!("{}: receive on `{}`: {e}", Self::NAME, self.port));
                }
            };
            return match self.count {
                Some(count) => Err(format!(
                    "{}: received {} of {count} messages: {why}",
                    Self::NAME,
                    order.received
                )),
                None => Ok(()),
            };
        }
    }
}

/// The last sequence number seen from each sender.
#[derive(Default)]
struct Order {
    /// By sender name: ordered, so nothing depends on hashing.
    last: BTreeMap<String, u64>,
    received: u64,
}

impl Order {
    /// Records one message, or says what is wrong with its number.
    fn check(&mut self, allow_gaps: bool, message: &Message) -> Result<(), String> {
        self.received += 1;
        let Some(Item::U64(seq)) = message.body.first() else {
            return Err(format!(
                "message {} (id {}) does not start with a u64 sequence number",
                self.received,
                message.id()
            ));
        };
        let sender = match message.body.get(1) {
            Some(Item::Str(name)) => name.clone(),
            _ => String::new(),
        };
        let who = if sender.is_empty() {
            "an unnamed sender".to_string()
        } else {
            format!("`{sender}`")
        };
        let last = self.last.entry(sender).or_insert(0);
        if *seq <= *last {
            return Err(format!(
                "out of order: from {who}, sequence {seq} arrived after {last}"
            ));
        }
        if *seq != *last + 1 && !allow_gaps {
            return Err(format!(
                "gap: from {who}, expected sequence {}, got {seq}",
                *last + 1
            ));
        }
        *last = *seq;
        Ok(())
    }
}

/// The registry's constructor for `consumer`.
pub(crate) fn construct(args: &Args) -> Result<Program, ArgError> {
    Ok(Consumer::from_args(args)?.program())
}
