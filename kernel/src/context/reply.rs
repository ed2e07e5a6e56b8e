//! The typed answers of kernel calls, taken out of the kernel's replies.
//!
//! The kernel parks one [`Reply`] per call: a send's, a receive's, a kernel-port
//! operation's or a service call's result. Each `TaskContext` method asks for the
//! answer it returns, and [`FromReply`] takes it out, or hands the reply back when
//! it is of another kind, which only a kernel bug can cause.

use crate::error::{KernError, ReceiveError, SendError, SendStatus};
use crate::services::{ServiceError, ServiceReply};
use crate::task::{KernReply, Reply};
use bytes::Bytes;
use ports::{Message, PortName, RightSet};

/// The answer one kind of call gets from its reply.
pub(crate) trait FromReply: Sized {
    /// The answer, or the reply back if it is not this call's kind of reply.
    fn from_reply(reply: Reply) -> Result<Self, Reply>;
}

/// Nothing to read: a yield, a sleep, an exit.
impl FromReply for () {
    fn from_reply(_: Reply) -> Result<(), Reply> {
        Ok(())
    }
}

impl FromReply for Result<SendStatus, SendError> {
    fn from_reply(reply: Reply) -> Result<Self, Reply> {
        match reply {
            Reply::Send(result) => Ok(result),
            other => Err(other),
        }
    }
}

impl FromReply for Result<Message, ReceiveError> {
    fn from_reply(reply: Reply) -> Result<Self, Reply> {
        match reply {
            Reply::Receive(result) => Ok(result),
            other => Err(other),
        }
    }
}

/// What a send-then-receive (`mach_msg` with both options) got.
pub(crate) enum SendReceive {
    /// The send went in at once and the receive finished: its result.
    Received(Result<Message, ReceiveError>),
    /// The send failed; nothing was received.
    SendFailed(SendError),
    /// The send had to wait and has now gone in; the receive is still to make.
    SentAfterWait,
}

impl FromReply for SendReceive {
    fn from_reply(reply: Reply) -> Result<Self, Reply> {
        match reply {
            Reply::Receive(result) => Ok(SendReceive::Received(result)),
            Reply::Send(Err(e)) => Ok(SendReceive::SendFailed(e)),
            Reply::Send(Ok(_)) => Ok(SendReceive::SentAfterWait),
            other => Err(other),
        }
    }
}

/// A value a kernel-port operation or a service call returns on success, taken
/// out of the successful reply `R` (a [`KernReply`] or a [`ServiceReply`]).
pub(crate) trait Answer<R>: Sized {
    /// The value, or the reply back if it carries another kind.
    fn from_success(reply: R) -> Result<Self, R>;
}

impl<T: Answer<KernReply>> FromReply for Result<T, KernError> {
    fn from_reply(reply: Reply) -> Result<Self, Reply> {
        match reply {
            Reply::Kern(Ok(success)) => T::from_success(success)
                .map(Ok)
                .map_err(|success| Reply::Kern(Ok(success))),
            Reply::Kern(Err(e)) => Ok(Err(e)),
            other => Err(other),
        }
    }
}

impl<T: Answer<ServiceReply>> FromReply for Result<T, ServiceError> {
    fn from_reply(reply: Reply) -> Result<Self, Reply> {
        match reply {
            Reply::Service(Ok(success)) => T::from_success(success)
                .map(Ok)
                .map_err(|success| Reply::Service(Ok(success))),
            Reply::Service(Err(e)) => Ok(Err(e)),
            other => Err(other),
        }
    }
}

/// One [`Answer`]: the success variant of `$reply` that carries a `$value`.
macro_rules! answer {
    ($(#[$doc:meta])* $reply:ident => $value:ty { $pattern:pat => $answer:expr }) => {
        $(#[$doc])*
        impl Answer<$reply> for $value {
            fn from_success(reply: $reply) -> Result<$value, $reply> {
                match reply {
                    $pattern => Ok($answer),
                    other => Err(other),
                }
            }
        }
    };
}

answer!(
    /// Done; `request_notification`'s previous notify port is not handed out.
    KernReply => () { KernReply::Done | KernReply::Previous(_) => () }
);
answer!(KernReply => PortName { KernReply::Name(name) => name });
answer!(
    /// `port_type`'s rights and user references.
    KernReply => (RightSet, u32) { KernReply::Type { rights, urefs } => (rights, urefs) }
);
answer!(ServiceReply => () { ServiceReply::Done => () });
answer!(
    /// A send right naming a new object.
    ServiceReply => PortName { ServiceReply::Name(name) => name }
);
answer!(
    /// A mapping or pipe-end handle.
    ServiceReply => u32 { ServiceReply::Handle(handle) => handle }
);
answer!(ServiceReply => Written { ServiceReply::Written(n) => Written(n) });
answer!(
    /// A value read from memory.
    ServiceReply => u64 { ServiceReply::Value(value) => value }
);
answer!(
    /// Bytes read from a pipe.
    ServiceReply => Bytes { ServiceReply::Data(data) => data }
);
answer!(
    /// A pipe's (read end, write end).
    ServiceReply => (u32, u32) { ServiceReply::Pipe { read, write } => (read, write) }
);

/// How many bytes a pipe write wrote (a count, where a bare `u32` is a handle).
pub(crate) struct Written(pub(crate) u32);
