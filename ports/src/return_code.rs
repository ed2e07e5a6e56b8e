//! Return codes with Mach's names and numeric values.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! return_codes {
    ($( $(#[$doc:meta])* $variant:ident = $value:expr, $name:literal; )*) => {
        /// A result of a kernel call, named after Mach's `kern_return_t` and
        /// `mach_msg_return_t` codes.
        ///
        /// Scenario files and traces spell each one in lower case without the
        /// `MACH_`/`KERN_` prefix (`send_timed_out`); [`ReturnCode::value`] is Mach's
        /// number (Mach 3.0's where the kernels differ).
        #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum ReturnCode {
            $( $(#[$doc])* $variant, )*
        }

        impl ReturnCode {
            /// Every return code, in declaration order.
            pub const ALL: &'static [ReturnCode] = &[$(ReturnCode::$variant),*];

            /// Mach's numeric value.
            pub const fn value(self) -> u32 {
                match self { $(ReturnCode::$variant => $value,)* }
            }

            /// The lower-case name used in scenario files and traces.
            pub const fn as_str(self) -> &'static str {
                match self { $(ReturnCode::$variant => $name,)* }
            }
        }
    };
}

return_codes! {
    /// `KERN_SUCCESS` / `MACH_MSG_SUCCESS`: the operation happened.
    Success = 0, "success";
    /// `MACH_SEND_INVALID_DEST`: the destination name is not a send or send-once
    /// right (unknown, dead, or the wrong right). Nothing happened.
    SendInvalidDest = 0x1000_0003, "send_invalid_dest";
    /// `MACH_SEND_TIMED_OUT`: the queue stayed full for the whole timeout (zero for
    /// no-wait). The message was handed back to the sender.
    SendTimedOut = 0x1000_0004, "send_timed_out";
    /// `MACH_SEND_WILL_NOTIFY`: the queue was full, the message was queued beyond the
    /// limit, and a msg-accepted notification will follow when it is received.
    SendWillNotify = 0x1000_0005, "send_will_notify";
    /// `MACH_SEND_NOTIFY_IN_PROGRESS`: this task already has a forced message
    /// outstanding on this port. The message was handed back.
    SendNotifyInProgress = 0x1000_0006, "send_notify_in_progress";
    /// `MACH_SEND_INVALID_REPLY`: the reply name is not a right that can be sent.
    /// Nothing happened.
    SendInvalidReply = 0x1000_0009, "send_invalid_reply";
    /// `MACH_SEND_INVALID_RIGHT`: the body names a right the sender does not hold.
    /// Nothing happened (machsim checks the whole body before moving any right).
    SendInvalidRight = 0x1000_000a, "send_invalid_right";
    /// `MACH_SEND_INVALID_NOTIFY`: a forced send without a notify port that can receive.
    SendInvalidNotify = 0x1000_000b, "send_invalid_notify";
    /// `MACH_SEND_TOO_LARGE` (XNU's value): the message exceeds the kernel's size limit.
    SendTooLarge = 0x1000_000e, "send_too_large";
    /// `MACH_RCV_INVALID_NAME`: the name is not a receive right or port set.
    RcvInvalidName = 0x1000_4002, "rcv_invalid_name";
    /// `MACH_RCV_TIMED_OUT`: no message came within the timeout (zero for no-wait).
    RcvTimedOut = 0x1000_4003, "rcv_timed_out";
    /// `MACH_RCV_TOO_LARGE`: the message exceeds the receive buffer; destroyed, or
    /// left queued with `large`.
    RcvTooLarge = 0x1000_4004, "rcv_too_large";
    /// `MACH_RCV_PORT_CHANGED`: the port was moved into a set while the task waited.
    RcvPortChanged = 0x1000_4006, "rcv_port_changed";
    /// `MACH_RCV_PORT_DIED`: the port or set died, or its receive right moved away,
    /// while the task waited.
    RcvPortDied = 0x1000_4009, "rcv_port_died";
    /// `MACH_RCV_IN_SET`: the port is a member of a port set; receive on the set.
    RcvInSet = 0x1000_400a, "rcv_in_set";
    /// `KERN_NO_SPACE`: the task's name space is full.
    NoSpace = 3, "no_space";
    /// `KERN_INVALID_ARGUMENT`: an argument makes no sense for the call.
    InvalidArgument = 4, "invalid_argument";
    /// `KERN_NOT_IN_SET`: the port is not in that port set.
    NotInSet = 12, "not_in_set";
    /// `KERN_NAME_EXISTS`: the name already denotes a right.
    NameExists = 13, "name_exists";
    /// `KERN_INVALID_NAME`: the name denotes nothing in the task.
    InvalidName = 15, "invalid_name";
    /// `KERN_INVALID_RIGHT`: the name denotes a right of the wrong kind.
    InvalidRight = 17, "invalid_right";
    /// `KERN_INVALID_VALUE`: a value is out of range.
    InvalidValue = 18, "invalid_value";
    /// `KERN_UREFS_OVERFLOW`: the user-reference count would pass 65535.
    UrefsOverflow = 19, "urefs_overflow";
    /// `KERN_INVALID_CAPABILITY`: the right given is dead or null.
    InvalidCapability = 20, "invalid_capability";
    /// `KERN_RIGHT_EXISTS`: the task already holds that port under another name.
    RightExists = 21, "right_exists";
    /// `KERN_INVALID_ADDRESS`: an offset outside a memory object or mapping.
    InvalidAddress = 1, "invalid_address";
    /// `KERN_OPERATION_TIMED_OUT`: a timed semaphore wait ran out.
    OperationTimedOut = 49, "operation_timed_out";
    /// `KERN_TERMINATED`: the semaphore was destroyed while the task waited.
    Terminated = 37, "terminated";
    /// A pipe service result (machsim's own, no Mach value): end of file, every
    /// write end is closed and nothing is left to read.
    Eof = 0x2000_0001, "eof";
    /// A pipe service result (POSIX `EPIPE`): writing with no read end open.
    BrokenPipe = 0x2000_0002, "broken_pipe";
    /// A pipe service result (POSIX `EBADF`): the handle names no open end in
    /// this task.
    BadHandle = 0x2000_0003, "bad_handle";
    /// A pipe service result (POSIX `EAGAIN`): a no-wait read or write or open
    /// could not proceed at once.
    WouldBlock = 0x2000_0004, "would_block";
    /// A pipe service result (POSIX `ENOENT`): no named pipe has that path.
    NoSuchPath = 0x2000_0005, "no_such_path";
}

impl ReturnCode {
    /// Parses the lower-case name used by scenario files and traces.
    pub fn from_name(name: &str) -> Option<ReturnCode> {
        ReturnCode::ALL.iter().copied().find(|c| c.as_str() == name)
    }

    /// True for `success`.
    pub const fn is_success(self) -> bool {
        matches!(self, ReturnCode::Success)
    }
}

impl fmt::Display for ReturnCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::error::Error for ReturnCode {}

#[cfg(test)]
mod tests {
    use super::ReturnCode;

    #[test]
    fn every_code_round_trips_through_its_name_and_keeps_machs_value() {
        for code in ReturnCode::ALL {
            assert_eq!(ReturnCode::from_name(code.as_str()), Some(*code));
        }
        assert_eq!(ReturnCode::SendTimedOut.value(), 0x1000_0004);
        assert_eq!(ReturnCode::RcvPortDied.value(), 0x1000_4009);
        assert_eq!(ReturnCode::UrefsOverflow.value(), 19);
        assert_eq!(ReturnCode::from_name("send_timeout"), None);
    }
}
