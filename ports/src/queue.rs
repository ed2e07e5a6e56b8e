//! Message queues, their limits, and the policies for a full or empty queue.

use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::fmt;

/// A port's queue limit (Mach's `qlimit`).
///
/// Full means `messages >= limit`. `Bounded(0)` is the textbook's zero-capacity link,
/// a rendezvous: always full to an ordinary sender, whose message is handed straight
/// to a receiver that takes it.
///
/// Traces and views write it as text, a number or `unbounded` (`"5"`,
/// `"unbounded"`), as [`Display`](fmt::Display) shows it; the binary form writes
/// an optional number (none for unbounded).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
#[doc(alias = "qlimit")]
pub enum QueueLimit {
    /// At most this many messages before ordinary senders see a full queue.
    Bounded(u32),
    /// Never full.
    Unbounded,
}

impl QueueLimit {
    /// Mach's default limit, `MACH_PORT_QLIMIT_DEFAULT`.
    pub const DEFAULT: QueueLimit = QueueLimit::Bounded(5);
    /// The largest bounded limit (XNU's `MACH_PORT_QLIMIT_MAX`).
    pub const MAX: u32 = 1024;

    /// The limit for `n`, or `None` when `n` is over [`QueueLimit::MAX`].
    pub fn bounded(n: u32) -> Option<QueueLimit> {
        (n <= Self::MAX).then_some(QueueLimit::Bounded(n))
    }

    /// True when a queue holding `len` messages is full for an ordinary sender.
    pub fn is_full(self, len: usize) -> bool {
        match self {
            QueueLimit::Bounded(n) => len >= n as usize,
            QueueLimit::Unbounded => false,
        }
    }

    /// True for a zero-capacity (rendezvous) link.
    pub fn is_rendezvous(self) -> bool {
        self == QueueLimit::Bounded(0)
    }
}

impl Default for QueueLimit {
    fn default() -> Self {
        QueueLimit::DEFAULT
    }
}

impl fmt::Debug for QueueLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for QueueLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QueueLimit::Bounded(n) => write!(f, "{n}"),
            QueueLimit::Unbounded => f.write_str("unbounded"),
        }
    }
}

impl std::str::FromStr for QueueLimit {
    type Err = String;
    /// Parses what [`Display`](fmt::Display) writes: a number or `unbounded`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "unbounded" => Ok(QueueLimit::Unbounded),
            number => number.parse().map(QueueLimit::Bounded).map_err(|_| {
                format!("expected a queue limit (a number or `unbounded`), found {number:?}")
            }),
        }
    }
}

impl Serialize for QueueLimit {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            serializer.collect_str(self)
        } else {
            match self {
                QueueLimit::Bounded(n) => serializer.serialize_some(n),
                QueueLimit::Unbounded => serializer.serialize_none(),
            }
        }
    }
}

impl<'de> Deserialize<'de> for QueueLimit {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        if deserializer.is_human_readable() {
            let text = String::deserialize(deserializer)?;
            text.parse().map_err(serde::de::Error::custom)
        } else {
            Ok(Option::<u32>::deserialize(deserializer)?
                .map_or(QueueLimit::Unbounded, QueueLimit::Bounded))
        }
    }
}

/// What a send does when the destination queue is full (the textbook's four
/// choices, as Mach 3.0 implements them, plus wait-then-cache).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SendPolicy {
    /// Wait until there is room (Mach: `MACH_SEND_MSG`).
    #[default]
    Block,
    /// Wait at most this many milliseconds, then fail with `send_timed_out`
    /// (Mach: `MACH_SEND_TIMEOUT`).
    Timeout(u64),
    /// Fail at once with `send_timed_out` (Mach: `MACH_SEND_TIMEOUT` with 0).
    NoWait,
    /// Queue the message beyond the limit at once and return `send_will_notify`; a
    /// msg-accepted notification follows when it is received (Mach 3.0:
    /// `MACH_SEND_NOTIFY`, the textbook's kernel cache).
    Notify,
    /// Wait at most this many milliseconds, then act as [`SendPolicy::Notify`]
    /// (Mach 3.0: `MACH_SEND_NOTIFY | MACH_SEND_TIMEOUT`).
    NotifyAfter(u64),
}

impl SendPolicy {
    /// How long a full queue may make the sender wait: `None` is forever,
    /// `Some(0)` not at all.
    pub fn wait_ms(self) -> Option<u64> {
        match self {
            SendPolicy::Block => None,
            SendPolicy::Timeout(ms) | SendPolicy::NotifyAfter(ms) => Some(ms),
            SendPolicy::NoWait | SendPolicy::Notify => Some(0),
        }
    }

    /// True when a send still finding the queue full after its wait is forced in.
    pub fn forces_after_wait(self) -> bool {
        matches!(self, SendPolicy::Notify | SendPolicy::NotifyAfter(_))
    }
}

/// What a receive does when there is no message.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReceivePolicy {
    /// Wait for a message.
    #[default]
    Block,
    /// Fail at once with `rcv_timed_out` (Mach: `MACH_RCV_TIMEOUT` with 0).
    NoWait,
    /// Wait at most this many milliseconds (Mach: `MACH_RCV_TIMEOUT`).
    Timeout(u64),
}

impl ReceivePolicy {
    /// How long an empty queue may make the receiver wait: `None` is forever.
    pub fn wait_ms(self) -> Option<u64> {
        match self {
            ReceivePolicy::Block => None,
            ReceivePolicy::NoWait => Some(0),
            ReceivePolicy::Timeout(ms) => Some(ms),
        }
    }
}

/// A FIFO of messages with a limit (Mach's `ipc_mqueue`).
///
/// The queue only answers questions and moves messages; who waits and who is woken
/// is the kernel's business. Messages forced beyond the limit (send-once
/// destinations, kernel messages, `notify`) are counted like any other, so later
/// ordinary senders see a full queue until it drains below the limit, as in Mach.
#[derive(Clone, Debug, Default)]
pub struct MessageQueue<T> {
    messages: VecDeque<T>,
    limit: QueueLimit,
}

impl<T> MessageQueue<T> {
    /// An empty queue with `limit`.
    pub fn new(limit: QueueLimit) -> Self {
        MessageQueue {
            messages: VecDeque::new(),
            limit,
        }
    }

    /// The limit.
    pub fn limit(&self) -> QueueLimit {
        self.limit
    }

    /// Changes the limit; queued messages are never evicted (Mach).
    pub fn set_limit(&mut self, limit: QueueLimit) {
        self.limit = limit;
    }

    /// Messages queued.
    pub fn len(&self) -> usize {
        self.messages.len()
    }

    /// True when nothing is queued.
    pub fn is_empty(&self) -> bool {
        self.messages.is_empty()
    }

    /// True when an ordinary sender must wait (or fail, or force).
    pub fn is_full(&self) -> bool {
        self.limit.is_full(self.messages.len())
    }

    /// Appends a message at the tail, whatever the limit: the caller has decided that
    /// it may go in (room, a send-once destination, a kernel message, or forced).
    pub fn push(&mut self, message: T) {
        self.messages.push_back(message);
    }

    /// Takes the oldest message.
    pub fn pop(&mut self) -> Option<T> {
        self.messages.pop_front()
    }

    /// The oldest message.
    pub fn front(&self) -> Option<&T> {
        self.messages.front()
    }

    /// Takes the oldest message that satisfies `accept`, leaving the others in order.
    pub fn take_first(&mut self, mut accept: impl FnMut(&T) -> bool) -> Option<T> {
        let at = self.messages.iter().position(&mut accept)?;
        self.messages.remove(at)
    }

    /// The oldest message that satisfies `accept`.
    pub fn find(&self, accept: impl FnMut(&T) -> bool) -> Option<&T> {
        let mut accept = accept;
        self.messages.iter().find(|m| accept(m))
    }

    /// The queued messages, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.messages.iter()
    }

    /// Removes and returns every message, oldest first (the port died).
    pub fn drain(&mut self) -> impl Iterator<Item = T> + '_ {
        self.messages.drain(..)
    }
}

#[cfg(test)]
mod tests;
