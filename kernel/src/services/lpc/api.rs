//! What a task passes to the LPC calls and gets back from them, beside NT's
//! message ([`PortMessage`](ports::lpc::PortMessage)): views, connections,
//! accepts, received messages.

use bytes::Bytes;
use ports::PortName;
use ports::lpc::PortMessage;

/// A section offered as a port view (NT's `PORT_VIEW`): a right naming a memory
/// object, mapped whole into both tasks of the connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PortView {
    /// A send right to a memory object.
    pub section: PortName,
}

/// The other side's section, mapped into this task (NT's `REMOTE_PORT_VIEW`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RemotePortView {
    /// This task's mapping handle.
    pub mapping: u32,
    /// The section's size in bytes.
    pub size: u32,
}

/// What a completed `NtConnectPort` gives the client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Connection {
    /// The client port's handle.
    pub port: u32,
    /// The port's limit on a message, header included (`MaxMessageLength`).
    pub max_message_length: u16,
    /// The server's answer (its reply connection information).
    pub connection_info: Bytes,
    /// The client's own section, mapped into it at connect (its mapping handle).
    pub client_view: Option<u32>,
    /// The server's section, mapped into the client at accept.
    pub server_view: Option<RemotePortView>,
}

/// How a server answers a connection request (`NtAcceptConnectPort`'s arguments).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AcceptConnect {
    /// Accept (true) or refuse.
    pub accept: bool,
    /// The connection's context, given back with every message of it (default:
    /// the communication port's handle, as NT uses the port when given none).
    pub context: Option<u64>,
    /// Connection information for the client (even a refused one gets it).
    pub reply_info: Bytes,
    /// The server's own section, mapped into both tasks.
    pub server_view: Option<PortView>,
}

impl AcceptConnect {
    /// Accept the connection.
    pub fn accept() -> AcceptConnect {
        AcceptConnect {
            accept: true,
            ..AcceptConnect::default()
        }
    }

    /// Refuse the connection.
    pub fn refuse() -> AcceptConnect {
        AcceptConnect::default()
    }

    /// With this context.
    pub fn with_context(mut self, context: u64) -> AcceptConnect {
        self.context = Some(context);
        self
    }

    /// With this answer for the client.
    pub fn with_reply_info(mut self, info: impl Into<Bytes>) -> AcceptConnect {
        self.reply_info = info.into();
        self
    }

    /// Offering this section as the server's view.
    pub fn with_server_view(mut self, view: PortView) -> AcceptConnect {
        self.server_view = Some(view);
        self
    }
}

/// What `NtAcceptConnectPort` made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Accepted {
    /// The new communication port's handle (`None` when refusing).
    pub port: Option<u32>,
    /// The client's section, mapped into the server.
    pub client_view: Option<RemotePortView>,
    /// The server's own section, mapped into the server (its mapping handle).
    pub server_view: Option<u32>,
}

/// A message taken from a queue, with its connection's context.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Received {
    /// The message, its header filled in by the kernel.
    pub message: PortMessage,
    /// The context of the connection it came through (`PortContext`; 0 for a
    /// connection request, and for what a client port receives).
    pub context: u64,
}
