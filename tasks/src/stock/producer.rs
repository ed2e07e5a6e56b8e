//! `producer`: sends numbered messages to a port under a full-queue policy.
//!
//! The producer half of the textbook's bounded buffer: a port's queue is the
//! buffer, its queue limit the bound, and `policy` says what the producer does when
//! the buffer is full (Mach's four answers: wait, wait at most N ms, do not wait,
//! or let the kernel cache one message and notify).
//!
//! # Messages
//! Message `k` (for `k` in `1..=count`) has id `k` and the body `[u64 k, str
//! <this task's name>]`, followed by `bytes` of `size` zeros when `size > 0`. The
//! name lets a [`consumer`](super::consumer) check the order per producer.
//!
//! # Policies
//! - `"block"`: wait for room (Mach: `MACH_SEND_MSG`).
//! - `"no_wait"`: a full queue fails the send at once (`send_timed_out`).
//! - `"timeout:N"`: wait at most N virtual ms, then fail (`MACH_SEND_TIMEOUT`).
//! - `"notify"`: a full queue takes the message anyway and the kernel notifies the
//!   producer when it is received (`MACH_SEND_NOTIFY`, the kernel cache). Only one
//!   such message per port may be outstanding; a send that finds one
//!   (`send_notify_in_progress`) waits for the msg-accepted notification on the
//!   task's notify port and tries again, so no message is lost.
//! - `"notify_after:N"`: wait at most N ms, then as `"notify"`.
//!
//! A message whose send failed is handed back by the kernel; the producer destroys
//! it and goes on with the next number (the consumer then sees a gap).
//!
//! # Ending
//! The exit code is the number of messages not delivered: sends that timed out,
//! plus, if the port died (the send right became a dead name), every message not
//! yet sent. So 0 means all `count` were sent. It crashes if it holds no send right
//! for `port`, or on any other send error (such as `send_too_large`).

use crate::args::{ArgError, ArgType, ArgValue, Args};
use crate::registry::{ArgDoc, Program};
use crate::serve;
use bytes::Bytes;
use kernel::{
    Config, Item, Message, NotificationKind, ReceiveOptions, ReceivePolicy, SendError, SendPolicy,
    TaskContext, TaskExit,
};

/// The `producer` program with its arguments.
///
/// # Examples
/// ```
/// use kernel::{Kernel, QueueLimit, SendPolicy, TaskExit};
/// use tasks::stock::{Consumer, Producer};
///
/// let mut kernel = Kernel::builder().build();
/// let producer = Producer { count: 20, policy: SendPolicy::Block, ..Producer::default() };
/// kernel.spawn("producer", |cx| producer.run(cx));
/// kernel.spawn("consumer", |cx| Consumer { count: Some(20), ..Consumer::default() }.run(cx));
/// kernel.allocate_port("consumer", "buffer", QueueLimit::Bounded(2)).unwrap();
/// kernel.give_send_right("producer", "buffer").unwrap();
/// let report = kernel.run();
/// assert_eq!(report.outcome.as_str(), "completed");
/// let exits = kernel.inspect(|k| k.tasks().into_iter().map(|t| t.exit).collect::<Vec<_>>());
/// assert_eq!(exits, [Some(TaskExit::Exited(0)), Some(TaskExit::Exited(0))]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Producer {
    /// The label of the port it sends to.
    pub port: String,
    /// How many messages to send.
    pub count: u32,
    /// What to do when the queue is full.
    pub policy: SendPolicy,
    /// Virtual milliseconds to sleep between sends.
    pub delay_ms: u64,
    /// Zero bytes appended to each message, to make it larger.
    pub size: usize,
}

impl Default for Producer {
    fn default() -> Self {
        Producer {
            port: "buffer".to_string(),
            count: 10,
            policy: SendPolicy::Block,
            delay_ms: 0,
            size: 0,
        }
    }
}

impl Producer {
    /// The name it is registered under.
    pub const NAME: &'static str = "producer";

    /// Its description in program listings.
    pub const DESCRIPTION: &'static str = "Sends `count` messages to `port`: message k has \
        id k and body [u64 k, str <task name>] plus `size` zero bytes, with `delay_ms` \
        between sends. A full queue is handled by `policy`: \"block\", \"no_wait\", \
        \"timeout:N\", \"notify\" (the kernel cache; waits for msg-accepted before caching \
        another) or \"notify_after:N\". A failed send is dropped and the next number sent. \
        Exit code: messages not delivered (timed out, or unsent because the port died).";

    /// Its arguments.
    pub const ARGS: &'static [ArgDoc] = &[
        ArgDoc::optional(
            "port",
            ArgType::Str,
            "\"buffer\"",
            "label of the port to send to; this task must hold a send right for it",
        ),
        ArgDoc::optional("count", ArgType::Int, "10", "messages to send"),
        ArgDoc::optional(
            "policy",
            ArgType::Str,
            "\"block\"",
            "full-queue policy: \"block\", \"no_wait\", \"timeout:N\", \"notify\" or \"notify_after:N\"",
        ),
        ArgDoc::optional(
            "delay_ms",
            ArgType::Int,
            "0",
            "virtual milliseconds to sleep between sends",
        ),
        ArgDoc::optional(
            "size",
            ArgType::Int,
            "0",
            "zero bytes appended to each message",
        ),
    ];

    /// Reads the arguments, falling back to the defaults.
    ///
    /// # Errors
    /// An [`ArgError`] naming the argument: wrong type, a negative number, a
    /// `count` over 2^31 - 1 (message ids are `i32`), a `size` over the kernel's
    /// default message limit, or a policy not listed above.
    pub fn from_args(args: &Args) -> Result<Producer, ArgError> {
        let count = args.u64_or("count", 10)?;
        let count = u32::try_from(count)
            .ok()
            .filter(|c| i32::try_from(*c).is_ok())
            .ok_or_else(|| ArgError::Invalid {
                name: "count".to_string(),
                value: count.to_string(),
                reason: "must fit a message id (at most 2147483647)".to_string(),
            })?;
        let size = args.u64_or("size", 0)?;
        let limit = Config::default().max_message_bytes;
        let size = usize::try_from(size)
            .ok()
            .filter(|_| size <= u64::from(limit))
            .ok_or_else(|| ArgError::Invalid {
                name: "size".to_string(),
                value: size.to_string(),
                reason: format!("must be at most the kernel's message limit, {limit} bytes"),
            })?;
        let policy = match args.opt_str("policy")? {
            None => SendPolicy::Block,
            Some(text) => parse_policy(text).ok_or_else(|| {
                ArgError::invalid(
                    "policy",
                    &ArgValue::from(text),
                    "expected \"block\", \"no_wait\", \"timeout:N\", \"notify\" or \"notify_after:N\" \
                     (N in milliseconds)",
                )
            })?,
        };
        Ok(Producer {
            port: args.str_or("port", "buffer")?.to_string(),
            count,
            policy,
            delay_ms: args.u64_or("delay_ms", 0)?,
            size,
        })
    }

    /// The program, ready to spawn.
    pub fn program(self) -> Program {
        Program::new(move |cx| self.run(cx))
    }

    /// Sends every message; see the [module documentation](self) for the exit code.
    pub async fn run(self, cx: TaskContext) -> TaskExit {
        super::exit_with(self.produce(&cx).await)
    }

    /// Returns the number of messages not delivered.
    async fn produce(&self, cx: &TaskContext) -> Result<u32, String> {
        if self.count == 0 {
            return Ok(0);
        }
        let port = cx.lookup(&self.port).ok_or_else(|| {
            format!(
                "{}: this task holds no right for the port `{}`; give it a send right",
                Self::NAME,
                self.port
            )
        })?;
        // One buffer shared by every message: `Bytes` clones are reference counts.
        let filler = Bytes::from(vec![0u8; self.size]);
        let mut failed = 0u32;
        for seq in 1..=self.count {
            if seq > 1 && self.delay_ms > 0 {
                cx.sleep(self.delay_ms).await;
            }
            // `from_args` keeps `count` within `i32`, so every `seq` is a valid id.
            let id = i32::try_from(seq).unwrap_or(i32::MAX);
            let mut message = Message::new(port, id)
                .with(Item::U64(u64::from(seq)))
                .with(Item::Str(cx.name().to_string()));
            if self.size > 0 {
                message.push(Item::Bytes(filler.clone()));
            }
            loop {
                match cx.send(message, self.policy).await {
                    Ok(_) => break,
                    Err(SendError::NotifyInProgress(back)) => {
                        wait_for_acceptance(cx).await?;
                        message = back;
                    }
                    Err(SendError::TimedOut(back)) => {
                        serve::destroy_returned(cx, back).await;
                        failed += 1;
                        break;
                    }
                    Err(SendError::InvalidDest(back)) => {
                        // The port died: its send right is a dead name now.
                        serve::destroy_returned(cx, back).await;
                        return Ok(failed + (self.count - seq + 1));
                    }
                    Err(e) => {
                        return Err(format!(
                            "{}: send {seq} to `{}`: {e}",
                            Self::NAME,
                            self.port
                        ));
                    }
                }
            }
        }
        Ok(failed)
    }
}

/// Waits on the notify port until the kernel says the cached message was received
/// (msg-accepted) or will never be (a send-once notification: the port died).
async fn wait_for_acceptance(cx: &TaskContext) -> Result<(), String> {
    loop {
        let note = cx
            .receive(
                cx.notify_port(),
                ReceivePolicy::Block,
                ReceiveOptions::default(),
            )
            .await
            .map_err(|e| format!("{}: waiting for msg-accepted: {e}", Producer::NAME))?;
        let kind = NotificationKind::from_id(note.id());
        serve::destroy_received(cx, note).await;
        if matches!(
            kind,
            Some(NotificationKind::MsgAccepted | NotificationKind::SendOnce)
        ) {
            return Ok(());
        }
    }
}

/// Parses a policy as the `policy` argument writes it: `"block"`, `"no_wait"`,
/// `"notify"`, `"timeout:N"` or `"notify_after:N"` (N in virtual milliseconds).
///
/// # Examples
/// ```
/// use kernel::SendPolicy;
/// use tasks::stock::producer::parse_policy;
///
/// assert_eq!(parse_policy("timeout:50"), Some(SendPolicy::Timeout(50)));
/// assert_eq!(parse_policy("notify_after:5"), Some(SendPolicy::NotifyAfter(5)));
/// assert_eq!(parse_policy("sometimes"), None);
/// ```
pub fn parse_policy(text: &str) -> Option<SendPolicy> {
    match text {
        "block" => Some(SendPolicy::Block),
        "no_wait" => Some(SendPolicy::NoWait),
        "notify" => Some(SendPolicy::Notify),
        _ => {
            let (kind, ms) = text.split_once(':')?;
            let ms = ms.trim().parse::<u64>().ok()?;
            match kind.trim() {
                "timeout" => Some(SendPolicy::Timeout(ms)),
                "notify_after" => Some(SendPolicy::NotifyAfter(ms)),
                _ => None,
            }
        }
    }
}

/// The registry's constructor for `producer`.
pub(crate) fn construct(args: &Args) -> Result<Program, ArgError> {
    Ok(Producer::from_args(args)?.program())
}
