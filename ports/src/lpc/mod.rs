//! Windows NT's local procedure call (LPC) as data: the message header and its
//! length rules, the message types, the port kinds and the client id.
//!
//! NT 5.x's LPC (the textbook's "Windows XP") is the second real IPC system
//! machsim models beside Mach. What a task writes and reads is here, as NT's own
//! types (`lpctypes.h`); the ports, queues and reply slots are the kernel's
//! (`kernel::services::lpc`). The sizes are NT's 32-bit ones: a 24-byte header, a
//! design limit of 256 bytes of data, at most 328 bytes in all (304 of data), and
//! at most 260 bytes of connection information (ReactOS's `media/doc/LPC.txt`).

mod client_id;
mod message;
mod message_type;
mod port_kind;

pub use client_id::ClientId;
pub use message::{DataEntry, PortMessage};
pub use message_type::LpcMessageType;
pub use port_kind::LpcPortKind;

/// `sizeof(PORT_MESSAGE)` on 32-bit NT: the header every LPC message starts with.
pub const PORT_MESSAGE_HEADER_LENGTH: u16 = 24;

/// `PORT_MAXIMUM_MESSAGE_LENGTH`: NT's design limit on a message's data (the
/// textbook's 256 bytes); larger data goes through a section.
pub const PORT_MAXIMUM_MESSAGE_LENGTH: u16 = 256;

/// `LPC_MAX_MESSAGE_LENGTH` (0x148): the largest total length, header included,
/// a port may allow (304 bytes of data).
pub const LPC_MAX_MESSAGE_LENGTH: u16 = 328;

/// `LPC_MAX_DATA_LENGTH` (0x104): the most connection information a connect or
/// an accept carries; longer information is cut to it.
pub const LPC_MAX_CONNECTION_INFO_LENGTH: u16 = 260;

/// machsim's default port limit: the textbook's 256 bytes of data plus the header.
pub const DEFAULT_MAX_MESSAGE_LENGTH: u16 =
    PORT_MAXIMUM_MESSAGE_LENGTH + PORT_MESSAGE_HEADER_LENGTH;
