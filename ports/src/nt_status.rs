//! NT status codes with NT's names and numeric values: the results of the LPC calls.
//!
//! Windows NT reports every native call's result as an `NTSTATUS`, a 32-bit value
//! whose top two bits are its severity (`ntstatus.h`). machsim's LPC service
//! answers in them, as Mach's calls answer in [`ReturnCode`](crate::ReturnCode)s;
//! a trace's `kernel_call` carries one or the other.

macro_rules! nt_statuses {
    ($( $(#[$doc:meta])* $variant:ident = $value:expr, $name:literal; )*) => {
        crate::word_enum! {
            /// An `NTSTATUS` the LPC calls return, named after NT's `STATUS_*` code.
            ///
            /// Scenario files and traces spell each one in lower case without the
            /// `STATUS_` prefix (`port_disconnected`); [`NtStatus::value`] is NT's
            /// number (`ntstatus.h`). Only `success` coincides with a Mach name, and it
            /// means the same (value 0 in both).
            pub enum NtStatus {
                $( $(#[$doc])* $variant = $name, )*
            }
        }

        impl NtStatus {
            /// NT's numeric value.
            pub const fn value(self) -> u32 {
                match self { $(NtStatus::$variant => $value,)* }
            }
        }
    };
}

nt_statuses! {
    /// `STATUS_SUCCESS`: the call did what it was asked.
    Success = 0x0000_0000, "success";
    /// `STATUS_TIMEOUT`: a bounded receive (`NtReplyWaitReceivePortEx`) found no
    /// message in time. A success-class value in NT, but no message came.
    Timeout = 0x0000_0102, "timeout";
    /// `STATUS_UNSUCCESSFUL`: the calling thread already has a request outstanding.
    Unsuccessful = 0xC000_0001, "unsuccessful";
    /// `STATUS_ACCESS_VIOLATION`: a data entry names memory the client does not map.
    AccessViolation = 0xC000_0005, "access_violation";
    /// `STATUS_INVALID_HANDLE`: the handle names nothing in this task.
    InvalidHandle = 0xC000_0008, "invalid_handle";
    /// `STATUS_INVALID_CID`: no thread has the client id the message names.
    InvalidCid = 0xC000_000B, "invalid_cid";
    /// `STATUS_INVALID_PARAMETER`: a length, type, id or index makes no sense.
    InvalidParameter = 0xC000_000D, "invalid_parameter";
    /// `STATUS_NO_MEMORY`: the kernel's pool is exhausted (machsim has no pool, so
    /// it never returns this).
    NoMemory = 0xC000_0017, "no_memory";
    /// `STATUS_OBJECT_TYPE_MISMATCH`: the handle names an object of another type.
    ObjectTypeMismatch = 0xC000_0024, "object_type_mismatch";
    /// `STATUS_PORT_MESSAGE_TOO_LONG`: the message is longer than the port allows.
    PortMessageTooLong = 0xC000_002F, "port_message_too_long";
    /// `STATUS_OBJECT_NAME_INVALID`: the port's name is empty.
    ObjectNameInvalid = 0xC000_0033, "object_name_invalid";
    /// `STATUS_OBJECT_NAME_NOT_FOUND`: no connection port has that name.
    ObjectNameNotFound = 0xC000_0034, "object_name_not_found";
    /// `STATUS_OBJECT_NAME_COLLISION`: a connection port already has that name.
    ObjectNameCollision = 0xC000_0035, "object_name_collision";
    /// `STATUS_PORT_DISCONNECTED`: the other side of the connection is gone.
    PortDisconnected = 0xC000_0037, "port_disconnected";
    /// `STATUS_PORT_CONNECTION_REFUSED`: the server refused the connection, or
    /// went away before completing it.
    PortConnectionRefused = 0xC000_0041, "port_connection_refused";
    /// `STATUS_INVALID_PORT_HANDLE`: the port is not of the kind the call needs.
    InvalidPortHandle = 0xC000_0042, "invalid_port_handle";
    /// `STATUS_THREAD_IS_TERMINATING`: the caller is ending (unreachable in
    /// machsim, where a task ends in one atomic step).
    ThreadIsTerminating = 0xC000_004B, "thread_is_terminating";
    /// `STATUS_INSUFFICIENT_RESOURCES`: the task's handle table is full.
    InsufficientResources = 0xC000_009A, "insufficient_resources";
    /// `STATUS_INVALID_PARAMETER_3`: `NtCreatePort`'s connection-information limit
    /// is over 260 bytes.
    InvalidParameter3 = 0xC000_00F1, "invalid_parameter_3";
    /// `STATUS_INVALID_PARAMETER_4`: `NtCreatePort`'s message limit is over 328 bytes.
    InvalidParameter4 = 0xC000_00F2, "invalid_parameter_4";
    /// `STATUS_REPLY_MESSAGE_MISMATCH`: the thread named is not waiting for that
    /// message id (or the caller may not answer it).
    ReplyMessageMismatch = 0xC000_021F, "reply_message_mismatch";
    /// `STATUS_LPC_REPLY_LOST`: the port the caller waited through went away
    /// before anyone replied.
    LpcReplyLost = 0xC000_0253, "lpc_reply_lost";
}

impl NtStatus {
    /// True for `success`.
    pub const fn is_success(self) -> bool {
        matches!(self, NtStatus::Success)
    }

    /// NT's own spelling: `STATUS_PORT_DISCONNECTED`.
    pub fn symbol(self) -> String {
        format!("STATUS_{}", self.as_str().to_ascii_uppercase())
    }
}

impl std::error::Error for NtStatus {}

#[cfg(test)]
mod tests {
    use super::NtStatus;

    #[test]
    fn every_status_round_trips_through_its_name_and_keeps_nts_value() {
        for status in NtStatus::ALL {
            assert_eq!(NtStatus::from_name(status.as_str()), Some(status));
            let json = serde_json::to_string(&status).expect("serialises");
            assert_eq!(json, format!("\"{status}\""));
        }
        assert_eq!(NtStatus::PortDisconnected.value(), 0xC000_0037);
        assert_eq!(NtStatus::ReplyMessageMismatch.value(), 0xC000_021F);
        assert_eq!(NtStatus::LpcReplyLost.value(), 0xC000_0253);
        assert_eq!(NtStatus::Timeout.value(), 0x102);
        assert_eq!(
            NtStatus::PortMessageTooLong.symbol(),
            "STATUS_PORT_MESSAGE_TOO_LONG"
        );
    }

    #[test]
    fn only_success_shares_a_name_with_a_mach_code() {
        for status in NtStatus::ALL {
            let shared = crate::ReturnCode::from_name(status.as_str()).is_some();
            assert_eq!(shared, status == NtStatus::Success, "{status}");
        }
    }
}
