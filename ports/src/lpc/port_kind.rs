//! The kinds of LPC port machsim models.

crate::word_enum! {
    /// An LPC port's kind (NT keeps it in the port's flags, `LPCP_PORT_TYPE_MASK`).
    ///
    /// NT's fourth kind, the unnamed (loopback) port, is not modelled.
    pub enum LpcPortKind {
        /// `LPCP_CONNECTION_PORT` (1): a server's named port; its one queue takes
        /// the connection requests and every connected client's messages.
        Connection = "connection",
        /// `LPCP_COMMUNICATION_PORT` (3): the server's end of one connection.
        Communication = "communication",
        /// `LPCP_CLIENT_PORT` (4): the client's end of one connection; its queue
        /// takes the server's datagrams.
        Client = "client",
    }
}

impl LpcPortKind {
    /// NT's number for the kind (`LPCP_*_PORT`).
    pub const fn value(self) -> u32 {
        match self {
            LpcPortKind::Connection => 1,
            LpcPortKind::Communication => 3,
            LpcPortKind::Client => 4,
        }
    }
}
