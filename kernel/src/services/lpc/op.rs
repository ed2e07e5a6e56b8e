//! An LPC call as a request to the kernel port: its id, its name in traces, and
//! its arguments as the trace shows them.

use super::api::{AcceptConnect, PortView};
use crate::envelope::KItem;
use crate::trace::CallName;
use bytes::Bytes;
use ports::Item;
use ports::lpc::{ClientId, PortMessage};

/// One LPC call (a decoded request to the kernel port), in NT's vocabulary.
#[derive(Clone, Debug, PartialEq)]
pub enum LpcOp {
    /// `NtCreatePort`: a named connection port, this task its server.
    CreatePort {
        /// Its NT name.
        name: String,
        /// The connection information it accepts (0..=260).
        max_connection_info_length: u32,
        /// Its longest message, header included (0..=328).
        max_message_length: u32,
    },
    /// `NtConnectPort`: connect to the connection port named `name`, and wait
    /// until its server accepts and completes, or refuses.
    ConnectPort {
        /// The connection port's name.
        name: String,
        /// A section to share, mapped into both tasks.
        client_view: Option<PortView>,
        /// Connection information for the server (cut to 260 bytes).
        connection_info: Bytes,
    },
    /// `NtListenPort`: wait for a connection request, throwing away anything else.
    ListenPort {
        /// A connection-port handle.
        port: u32,
    },
    /// `NtAcceptConnectPort`: answer the connection request of the task `client_id`
    /// names, whose message id is `message_id`.
    AcceptConnectPort {
        /// The client, from the connection request.
        client_id: ClientId,
        /// The connection request's message id.
        message_id: u32,
        /// Accept or refuse, and with what.
        how: AcceptConnect,
    },
    /// `NtCompleteConnectPort`: let an accepted client go on.
    CompleteConnectPort {
        /// A communication-port handle.
        port: u32,
    },
    /// `NtRequestPort`: a datagram.
    RequestPort {
        /// A port handle.
        port: u32,
        /// The message.
        message: PortMessage,
    },
    /// `NtRequestWaitReplyPort`: a request and its reply (or a callback on a
    /// message whose sender waits, when the type is `request`).
    RequestWaitReplyPort {
        /// A port handle.
        port: u32,
        /// The request.
        request: PortMessage,
    },
    /// `NtReplyPort`: a reply, straight into the waiting task's slot.
    ReplyPort {
        /// A port handle.
        port: u32,
        /// The reply, naming the request it answers.
        reply: PortMessage,
    },
    /// `NtReplyWaitReceivePort(Ex)`: an optional reply, then a receive.
    ReplyWaitReceivePort {
        /// A port handle.
        port: u32,
        /// The reply to send first.
        reply: Option<PortMessage>,
        /// How long to wait for a message (`None`: forever).
        timeout_ms: Option<u64>,
    },
    /// `NtReplyWaitReplyPort`: a reply, then a wait for the reply to the same
    /// message id.
    ReplyWaitReplyPort {
        /// A port handle.
        port: u32,
        /// The reply.
        reply: PortMessage,
    },
    /// `NtReadRequestData`: read a range of a waiting client's memory.
    ReadRequestData {
        /// A port handle.
        port: u32,
        /// The request whose data information names the range.
        request: PortMessage,
        /// The data entry's index.
        index: u32,
        /// How many bytes.
        length: u32,
    },
    /// `NtWriteRequestData`: write into a range of a waiting client's memory.
    WriteRequestData {
        /// A port handle.
        port: u32,
        /// The request whose data information names the range.
        request: PortMessage,
        /// The data entry's index.
        index: u32,
        /// The bytes.
        data: Bytes,
    },
    /// `NtRegisterThreadTerminatePort`: send `client_died` through this port when
    /// the task ends.
    RegisterThreadTerminatePort {
        /// A port handle.
        port: u32,
    },
    /// `NtClose` of an LPC port handle.
    Close {
        /// The handle.
        handle: u32,
    },
}

impl LpcOp {
    /// The request's message id (machsim's LPC range, 5401…).
    pub fn id(&self) -> i32 {
        match self {
            LpcOp::CreatePort { .. } => 5401,
            LpcOp::ConnectPort { .. } => 5402,
            LpcOp::ListenPort { .. } => 5403,
            LpcOp::AcceptConnectPort { .. } => 5404,
            LpcOp::CompleteConnectPort { .. } => 5405,
            LpcOp::RequestPort { .. } => 5406,
            LpcOp::RequestWaitReplyPort { .. } => 5407,
            LpcOp::ReplyPort { .. } => 5408,
            LpcOp::ReplyWaitReceivePort { .. } => 5409,
            LpcOp::ReplyWaitReplyPort { .. } => 5410,
            LpcOp::ReadRequestData { .. } => 5411,
            LpcOp::WriteRequestData { .. } => 5412,
            LpcOp::RegisterThreadTerminatePort { .. } => 5413,
            LpcOp::Close { .. } => 5414,
        }
    }

    /// The call's name in traces.
    pub fn name(&self) -> CallName {
        match self {
            LpcOp::CreatePort { .. } => CallName::NtCreatePort,
            LpcOp::ConnectPort { .. } => CallName::NtConnectPort,
            LpcOp::ListenPort { .. } => CallName::NtListenPort,
            LpcOp::AcceptConnectPort { .. } => CallName::NtAcceptConnectPort,
            LpcOp::CompleteConnectPort { .. } => CallName::NtCompleteConnectPort,
            LpcOp::RequestPort { .. } => CallName::NtRequestPort,
            LpcOp::RequestWaitReplyPort { .. } => CallName::NtRequestWaitReplyPort,
            LpcOp::ReplyPort { .. } => CallName::NtReplyPort,
            LpcOp::ReplyWaitReceivePort { .. } => CallName::NtReplyWaitReceivePort,
            LpcOp::ReplyWaitReplyPort { .. } => CallName::NtReplyWaitReplyPort,
            LpcOp::ReadRequestData { .. } => CallName::NtReadRequestData,
            LpcOp::WriteRequestData { .. } => CallName::NtWriteRequestData,
            LpcOp::RegisterThreadTerminatePort { .. } => CallName::NtRegisterThreadTerminatePort,
            LpcOp::Close { .. } => CallName::NtClose,
        }
    }

    /// The request's arguments as message items, for the trace: handles and
    /// numbers as `u32`s, names as strings, and a message as its message id and
    /// data (its header is in the LPC events that follow).
    pub(crate) fn arguments(&self) -> Vec<KItem> {
        let u32_item = |v: u32| KItem::Data(Item::U32(v));
        let bytes_item = |b: &Bytes| KItem::Data(Item::Bytes(b.clone()));
        let message = |port: u32, m: &PortMessage| {
            vec![u32_item(port), u32_item(m.message_id), bytes_item(&m.data)]
        };
        match self {
            LpcOp::CreatePort {
                name,
                max_connection_info_length,
                max_message_length,
            } => vec![
                KItem::Data(Item::Str(name.clone())),
                u32_item(*max_connection_info_length),
                u32_item(*max_message_length),
            ],
            LpcOp::ConnectPort {
                name,
                client_view,
                connection_info,
            } => vec![
                KItem::Data(Item::Str(name.clone())),
                u32_item(client_view.map_or(0, |v| v.section.0)),
                bytes_item(connection_info),
            ],
            LpcOp::ListenPort { port }
            | LpcOp::CompleteConnectPort { port }
            | LpcOp::RegisterThreadTerminatePort { port }
            | LpcOp::Close { handle: port } => vec![u32_item(*port)],
            LpcOp::AcceptConnectPort {
                client_id,
                message_id,
                how,
            } => vec![
                u32_item(client_id.thread),
                u32_item(*message_id),
                KItem::Data(Item::Bool(how.accept)),
                bytes_item(&how.reply_info),
            ],
            LpcOp::RequestPort { port, message: m }
            | LpcOp::RequestWaitReplyPort { port, request: m }
            | LpcOp::ReplyPort { port, reply: m }
            | LpcOp::ReplyWaitReplyPort { port, reply: m } => message(*port, m),
            LpcOp::ReplyWaitReceivePort { port, reply, .. } => match reply {
                Some(m) => message(*port, m),
                None => vec![u32_item(*port)],
            },
            LpcOp::ReadRequestData {
                port,
                request,
                index,
                length,
            } => vec![
                u32_item(*port),
                u32_item(request.message_id),
                u32_item(*index),
                u32_item(*length),
            ],
            LpcOp::WriteRequestData {
                port,
                request,
                index,
                data,
            } => vec![
                u32_item(*port),
                u32_item(request.message_id),
                u32_item(*index),
                bytes_item(data),
            ],
        }
    }
}
