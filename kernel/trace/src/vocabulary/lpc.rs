//! The LPC service's words only the trace needs: why an LPC message was
//! destroyed, what a task waits for, which side a view serves, which way request
//! data moved.

ports::word_enum! {
    /// Why an LPC message was destroyed unread (`lpc_message_destroyed`'s `reason`).
    pub enum LpcDestroyReason {
        /// The port whose queue held it was deleted.
        PortDeleted = "port_deleted",
        /// The connection port's last handle was closed, and its queue flushed.
        ConnectionPortClosed = "connection_port_closed",
        /// `NtListenPort` took it and threw it away: it was not a connection request.
        ListenDiscarded = "listen_discarded",
        /// It was parked in the slot of a task that ended before taking it.
        ReceiverEnded = "receiver_ended",
        /// Its sender ended before anyone took it (a connection request).
        SenderEnded = "sender_ended",
    }
}

ports::word_enum! {
    /// What a task blocked in an LPC call waits for (`lpc_wait_started`'s `kind`).
    pub enum LpcWaitKind {
        /// `NtConnectPort`: the server's accept and complete, or its refusal.
        Connect = "connect",
        /// `NtRequestWaitReplyPort`, `NtReplyWaitReplyPort`: a reply (or a
        /// callback) in its slot.
        Reply = "reply",
        /// `NtReplyWaitReceivePort`: a message in a queue.
        Receive = "receive",
        /// `NtListenPort`: a connection request in a queue.
        Listen = "listen",
    }
}

ports::word_enum! {
    /// Whose section a port view maps (`lpc_view_mapped`'s `view`).
    pub enum ViewSide {
        /// The client's section, passed to `NtConnectPort`.
        Client = "client",
        /// The server's section, passed to `NtAcceptConnectPort`.
        Server = "server",
    }
}

ports::word_enum! {
    /// Which way request data moved (`lpc_request_data_copied`'s `direction`).
    pub enum CopyDirection {
        /// `NtReadRequestData`: from the waiting client's memory to the server.
        Read = "read",
        /// `NtWriteRequestData`: from the server into the waiting client's memory.
        Write = "write",
    }
}
