//! The type of an LPC message (`LPC_TYPE` in `lpctypes.h`).

crate::word_enum! {
    /// What an LPC message is, with NT's numbers (`LPC_TYPE`): declared in NT's
    /// order, so [`LpcMessageType::value`] is its position.
    ///
    /// A task writes `new_message` (0) on what it sends, or `request` on a
    /// callback; the kernel sets every other type. `lost_reply`, `exception`,
    /// `debug_event`, `error_event` and `connection_refused` exist in NT's list
    /// but machsim never makes them (NT 5.x's LPC code never does either).
    pub enum LpcMessageType {
        /// `LPC_NEW_MESSAGE` (0): the "no type" a task writes; never delivered.
        NewMessage = "new_message",
        /// `LPC_REQUEST` (1): a request waiting for its reply, or a callback.
        Request = "request",
        /// `LPC_REPLY` (2): a reply, handed straight into the waiting task's slot.
        Reply = "reply",
        /// `LPC_DATAGRAM` (3): a one-way message (`NtRequestPort`).
        Datagram = "datagram",
        /// `LPC_LOST_REPLY` (4): never made.
        LostReply = "lost_reply",
        /// `LPC_PORT_CLOSED` (5): the kernel's word that a client port went.
        PortClosed = "port_closed",
        /// `LPC_CLIENT_DIED` (6): the kernel's word that a client task ended,
        /// sent through the ports it registered.
        ClientDied = "client_died",
        /// `LPC_EXCEPTION` (7): never made.
        Exception = "exception",
        /// `LPC_DEBUG_EVENT` (8): never made.
        DebugEvent = "debug_event",
        /// `LPC_ERROR_EVENT` (9): never made.
        ErrorEvent = "error_event",
        /// `LPC_CONNECTION_REQUEST` (10): a client's connect, queued for the server.
        ConnectionRequest = "connection_request",
        /// `LPC_CONNECTION_REFUSED` (11): never made.
        ConnectionRefused = "connection_refused",
    }
}

impl LpcMessageType {
    /// NT's number for the type.
    pub const fn value(self) -> u16 {
        self as u16
    }

    /// The type NT numbers `value`.
    pub fn from_value(value: u16) -> Option<LpcMessageType> {
        LpcMessageType::ALL.get(usize::from(value)).copied()
    }

    /// True for the types only the kernel makes (`port_closed`, `client_died`).
    pub const fn is_kernel_made(self) -> bool {
        matches!(
            self,
            LpcMessageType::PortClosed | LpcMessageType::ClientDied
        )
    }
}

#[cfg(test)]
mod tests {
    use super::LpcMessageType;

    #[test]
    fn each_type_keeps_nts_number() {
        assert_eq!(LpcMessageType::NewMessage.value(), 0);
        assert_eq!(LpcMessageType::Datagram.value(), 3);
        assert_eq!(LpcMessageType::ClientDied.value(), 6);
        assert_eq!(LpcMessageType::ConnectionRequest.value(), 10);
        assert_eq!(LpcMessageType::ConnectionRefused.value(), 11);
        for t in LpcMessageType::ALL {
            assert_eq!(LpcMessageType::from_value(t.value()), Some(t));
        }
        assert_eq!(LpcMessageType::from_value(12), None);
    }
}
