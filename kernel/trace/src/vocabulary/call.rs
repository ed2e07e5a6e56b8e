//! The names of the calls a `kernel_call` event ends.

ports::word_enum! {
    /// A call a `kernel_call` event reports the result of: a kernel-port operation,
    /// a service call, or a refused `spawn`.
    pub enum CallName {
        /// `mach_port_allocate(RECEIVE)`.
        Allocate = "allocate",
        /// `mach_port_allocate(PORT_SET)`.
        AllocateSet = "allocate_set",
        /// `mach_port_insert_right(MAKE_SEND)` on the task's own receive right.
        MakeSend = "make_send",
        /// `mach_port_deallocate`.
        Deallocate = "deallocate",
        /// `mach_port_destroy`.
        Destroy = "destroy",
        /// `mach_port_mod_refs`.
        ModRefs = "mod_refs",
        /// `mach_port_set_qlimit`.
        SetQueueLimit = "set_queue_limit",
        /// `mach_port_request_notification`.
        RequestNotification = "request_notification",
        /// `mach_port_move_member`.
        MoveMember = "move_member",
        /// Take a port out of a named set.
        RemoveMember = "remove_member",
        /// `mach_port_type`.
        PortType = "port_type",
        /// `mach_port_insert_right`.
        InsertRight = "insert_right",
        /// `mach_port_extract_right`.
        ExtractRight = "extract_right",
        /// Make a memory object.
        MemoryCreate = "memory_create",
        /// Map a memory object.
        MemoryMap = "memory_map",
        /// Read a value from a mapping.
        MemoryRead = "memory_read",
        /// Write a value into a mapping.
        MemoryWrite = "memory_write",
        /// Unmap a mapping.
        MemoryUnmap = "memory_unmap",
        /// Make a memory object from an out-of-line region.
        MemoryFromOol = "memory_from_ool",
        /// `semaphore_create`.
        SemaphoreCreate = "semaphore_create",
        /// `semaphore_wait` / `semaphore_timedwait`.
        SemaphoreWait = "semaphore_wait",
        /// `semaphore_signal`.
        SemaphoreSignal = "semaphore_signal",
        /// `semaphore_destroy`.
        SemaphoreDestroy = "semaphore_destroy",
        /// `pipe()`.
        Pipe = "pipe",
        /// `read(2)` on a pipe end.
        PipeRead = "pipe_read",
        /// `write(2)` on a pipe end.
        PipeWrite = "pipe_write",
        /// `close(2)` on a pipe end.
        PipeClose = "pipe_close",
        /// Make a named pipe.
        NamedPipeCreate = "named_pipe_create",
        /// Open a named pipe.
        NamedPipeOpen = "named_pipe_open",
        /// Accept a client of a duplex named pipe.
        NamedPipeAccept = "named_pipe_accept",
        /// Remove a named pipe's name.
        NamedPipeUnlink = "named_pipe_unlink",
        /// A `spawn` the kernel refused (a spawn that succeeds shows as its
        /// `task_started`).
        Spawn = "spawn",
        /// Read bytes from a mapping in one call.
        MemoryReadBytes = "memory_read_bytes",
        /// Write bytes into a mapping in one call.
        MemoryWriteBytes = "memory_write_bytes",
        /// `NtCreatePort`: a named connection port.
        NtCreatePort = "nt_create_port",
        /// `NtConnectPort`.
        NtConnectPort = "nt_connect_port",
        /// `NtListenPort`.
        NtListenPort = "nt_listen_port",
        /// `NtAcceptConnectPort`.
        NtAcceptConnectPort = "nt_accept_connect_port",
        /// `NtCompleteConnectPort`.
        NtCompleteConnectPort = "nt_complete_connect_port",
        /// `NtRequestPort`: a datagram.
        NtRequestPort = "nt_request_port",
        /// `NtRequestWaitReplyPort`: a request (or a callback) and its reply.
        NtRequestWaitReplyPort = "nt_request_wait_reply_port",
        /// `NtReplyPort`.
        NtReplyPort = "nt_reply_port",
        /// `NtReplyWaitReceivePort(Ex)`.
        NtReplyWaitReceivePort = "nt_reply_wait_receive_port",
        /// `NtReplyWaitReplyPort`.
        NtReplyWaitReplyPort = "nt_reply_wait_reply_port",
        /// `NtReadRequestData`.
        NtReadRequestData = "nt_read_request_data",
        /// `NtWriteRequestData`.
        NtWriteRequestData = "nt_write_request_data",
        /// `NtRegisterThreadTerminatePort`.
        NtRegisterThreadTerminatePort = "nt_register_thread_terminate_port",
        /// `NtClose` of an LPC port.
        NtClose = "nt_close",
    }
}

impl CallName {
    /// True for the services' calls (shared memory, semaphores, pipes, named
    /// pipes, LPC), which say what they did in their own events; false for the
    /// kernel-port operations and `spawn`.
    pub const fn is_service(self) -> bool {
        self.is_lpc()
            || matches!(
                self,
                CallName::MemoryCreate
                    | CallName::MemoryMap
                    | CallName::MemoryRead
                    | CallName::MemoryWrite
                    | CallName::MemoryUnmap
                    | CallName::MemoryFromOol
                    | CallName::SemaphoreCreate
                    | CallName::SemaphoreWait
                    | CallName::SemaphoreSignal
                    | CallName::SemaphoreDestroy
                    | CallName::Pipe
                    | CallName::PipeRead
                    | CallName::PipeWrite
                    | CallName::PipeClose
                    | CallName::NamedPipeCreate
                    | CallName::NamedPipeOpen
                    | CallName::NamedPipeAccept
                    | CallName::NamedPipeUnlink
                    | CallName::MemoryReadBytes
                    | CallName::MemoryWriteBytes
            )
    }

    /// True for the LPC calls, whose results are NT statuses.
    pub const fn is_lpc(self) -> bool {
        matches!(
            self,
            CallName::NtCreatePort
                | CallName::NtConnectPort
                | CallName::NtListenPort
                | CallName::NtAcceptConnectPort
                | CallName::NtCompleteConnectPort
                | CallName::NtRequestPort
                | CallName::NtRequestWaitReplyPort
                | CallName::NtReplyPort
                | CallName::NtReplyWaitReceivePort
                | CallName::NtReplyWaitReplyPort
                | CallName::NtReadRequestData
                | CallName::NtWriteRequestData
                | CallName::NtRegisterThreadTerminatePort
                | CallName::NtClose
        )
    }
}

#[cfg(test)]
mod tests {
    use super::CallName;

    /// The rule the views used before the enum: a service call's name starts with
    /// its service's prefix.
    #[test]
    fn the_service_calls_are_those_with_a_service_prefix() {
        for call in CallName::ALL {
            let name = call.as_str();
            let prefixed = ["memory_", "semaphore_", "pipe", "named_pipe_", "nt_"]
                .iter()
                .any(|prefix| name.starts_with(prefix));
            assert_eq!(call.is_service(), prefixed, "{name}");
            assert_eq!(call.is_lpc(), name.starts_with("nt_"), "{name}");
        }
    }
}
