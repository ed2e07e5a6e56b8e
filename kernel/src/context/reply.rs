//! The typed answers of kernel calls, taken out of the kernel's replies.
//!
//! The kernel parks one [`Reply`] per call: a send's, a receive's, a kernel-port
//! operation's or a service call's result. Each `TaskContext` method asks for the
//! answer it returns, and [`FromReply`] takes it out, or hands the reply back when
//! it is of another kind, which only a kernel bug can cause.

use crate::error::{ConnectError, KernError, LpcError, ReceiveError, SendError, SendStatus};
use crate::services::lpc::{LpcAnswer, LpcOut};
use crate::services::{Accepted, Connection, Received, ServiceError, ServiceReply};
use crate::task::{KernReply, Reply};
use bytes::Bytes;
use ports::lpc::PortMessage;
use ports::{Message, NtStatus, PortName, RightSet};

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

/// An LPC call's answer: its out-parameters on `success`, NT's status otherwise.
impl<T: Answer<LpcOut>> FromReply for Result<T, LpcError> {
    fn from_reply(reply: Reply) -> Result<Self, Reply> {
        match reply {
            Reply::Lpc(LpcAnswer { status, out }) if status.is_success() => T::from_success(out)
                .map(Ok)
                .map_err(|out| Reply::Lpc(LpcAnswer { status, out })),
            Reply::Lpc(LpcAnswer { status, .. }) => Ok(Err(LpcError(status))),
            other => Err(other),
        }
    }
}

/// A connect's answer: the connection, or NT's status with the server's answer
/// (which a refused client still gets).
impl FromReply for Result<Connection, ConnectError> {
    fn from_reply(reply: Reply) -> Result<Self, Reply> {
        match reply {
            Reply::Lpc(LpcAnswer {
                status: NtStatus::Success,
                out: LpcOut::Connection(connection),
            }) => Ok(Ok(connection)),
            Reply::Lpc(LpcAnswer { status, out }) if !status.is_success() => {
                let connection_info = match out {
                    LpcOut::ConnectionInfo(info) => info,
                    _ => Bytes::new(),
                };
                Ok(Err(ConnectError {
                    status,
                    connection_info,
                }))
            }
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

answer!(LpcOut => () { LpcOut::Nothing => () });
answer!(
    /// A new LPC port's handle.
    LpcOut => u32 { LpcOut::Handle(handle) => handle }
);
answer!(
    /// A message out of the reply slot: a reply or a callback.
    LpcOut => PortMessage { LpcOut::Message(message) => message }
);
answer!(
    /// A message out of a queue, with its context.
    LpcOut => Received { LpcOut::Received(received) => received }
);
answer!(LpcOut => Accepted { LpcOut::Accepted(accepted) => accepted });
answer!(
    /// Bytes read from a waiting client's memory.
    LpcOut => Bytes { LpcOut::Data(data) => data }
);
answer!(
    /// Bytes written into a waiting client's memory.
    LpcOut => Written { LpcOut::Count(n) => Written(n) }
);

/// How many bytes a write wrote (a count, where a bare `u32` is a handle).
pub(crate) struct Written(pub(crate) u32);
