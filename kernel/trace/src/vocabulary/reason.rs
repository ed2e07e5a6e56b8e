//! Why things happen: why a waiting task can run again, why a port or a message was
//! destroyed.

ports::word_enum! {
    /// Why a task that waited (blocked or asleep) can run again (`task_woken`'s
    /// `reason`).
    pub enum WakeReason {
        /// A message arrived for its receive (a Mach receive, or an LPC receive
        /// or listen).
        Message = "message",
        /// A slot opened in the queue it waited to send to.
        Slot = "slot",
        /// A receiver took its message from a rendezvous (zero-limit) port.
        Taken = "taken",
        /// Its timed wait (a bounded LPC receive among them) or its sleep ended.
        Timeout = "timeout",
        /// The port it waited to receive or send on died, or (a receive) its receive
        /// right left the task in a message.
        PortDied = "port_died",
        /// The port it waited to receive on joined a port set (Mach 3.0).
        PortChanged = "port_changed",
        /// The message that arrived is too large for its receive.
        TooLarge = "too_large",
        /// The semaphore it waited on was signalled.
        Signalled = "signalled",
        /// Bytes arrived in the pipe it waited to read.
        Data = "data",
        /// Room opened in the pipe it waited to write.
        Room = "room",
        /// The pipe it waited to read has no writer left.
        Eof = "eof",
        /// The pipe it waited to write has no reader left.
        BrokenPipe = "broken_pipe",
        /// The other side of the FIFO it waited to open arrived.
        Opened = "opened",
        /// A duplex named pipe's client and server met, or an LPC server completed
        /// the task's connection.
        Connected = "connected",
        /// The semaphore it waited on was destroyed.
        Terminated = "terminated",
        /// The named pipe it waited to open was unlinked.
        Unlinked = "unlinked",
        /// An LPC reply arrived in its reply slot.
        Replied = "replied",
        /// An LPC callback (a request from the task it waits on) arrived in its
        /// reply slot.
        Callback = "callback",
        /// The LPC port it waited for a reply through went away: nobody will reply.
        ReplyLost = "reply_lost",
        /// The LPC server refused its connection (or went away before completing it).
        Refused = "refused",
    }
}

ports::word_enum! {
    /// Why a port died (`port_destroyed`'s `reason`).
    pub enum PortDestroyReason {
        /// A task destroyed its receive right (`mach_port_destroy`, `mod_refs`).
        Destroyed = "destroyed",
        /// The task holding its receive right ended.
        ReceiverEnded = "receiver_ended",
        /// The task holding its receive right was killed.
        ReceiverKilled = "receiver_killed",
        /// It was a task's kernel port, and the task ended.
        TaskEnded = "task_ended",
        /// A scenario's `destroy` fault.
        Fault = "fault",
        /// It named a service object (memory, semaphore) that was freed.
        ObjectFreed = "object_freed",
        /// Its receive right arrived in a task whose name space is full.
        NoSpace = "no_space",
        /// Its receive right was in a message that was destroyed.
        MessageDestroyed = "message_destroyed",
    }
}

ports::word_enum! {
    /// Why a message was destroyed unread (`message_destroyed`'s `reason`).
    pub enum MessageDestroyReason {
        /// Its port died with it queued, or died before it arrived.
        PortDestroyed = "port_destroyed",
        /// It was too large for the receive that took it.
        TooLarge = "too_large",
        /// Its sender ended while holding it, blocked.
        SenderEnded = "sender_ended",
        /// It would close a cycle of receive rights in transit (a port's own receive
        /// right sent to it, …), which nobody could ever receive.
        Circular = "circular",
        /// It was a notification to a port that is dead.
        NotifyPortDead = "notify_port_dead",
    }
}
