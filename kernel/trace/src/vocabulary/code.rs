//! The result a `kernel_call` reports: Mach's return code, or NT's status.

use super::{CallName, one_word};
use ports::{NtStatus, ReturnCode};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// The result of a call a `kernel_call` event ends: a Mach [`ReturnCode`] for the
/// Mach calls and the services, an [`NtStatus`] for the LPC calls.
///
/// In JSON it is one word, as `kernel_call`'s `code` always was: the code's
/// lower-case name. The two families share one name, `success` (value 0 in both),
/// which reads back as Mach's unless the reader knows the call: the JSON Lines
/// reader reads an LPC call's `success` as NT's ([`Code::for_call`]). The binary
/// form tags the family and cannot mistake one for the other.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Code {
    /// A Mach return code (`kern_return_t`, `mach_msg_return_t`, or a service's).
    Mach(ReturnCode),
    /// An NT status (the LPC calls).
    Nt(NtStatus),
}

impl Code {
    /// The word traces and scenario files write.
    pub const fn as_str(self) -> &'static str {
        match self {
            Code::Mach(code) => code.as_str(),
            Code::Nt(status) => status.as_str(),
        }
    }

    /// The code `word` names: Mach's first, so `success` is Mach's.
    pub fn from_name(word: &str) -> Option<Code> {
        ReturnCode::from_name(word)
            .map(Code::Mach)
            .or_else(|| NtStatus::from_name(word).map(Code::Nt))
    }

    /// True for success in either family.
    pub const fn is_success(self) -> bool {
        match self {
            Code::Mach(code) => code.is_success(),
            Code::Nt(status) => status.is_success(),
        }
    }

    /// The Mach return code, if it is one.
    pub const fn mach(self) -> Option<ReturnCode> {
        match self {
            Code::Mach(code) => Some(code),
            Code::Nt(_) => None,
        }
    }

    /// The NT status, if it is one.
    pub const fn nt(self) -> Option<NtStatus> {
        match self {
            Code::Nt(status) => Some(status),
            Code::Mach(_) => None,
        }
    }

    /// This code as the result of `call`: a `success` read as Mach's is NT's when
    /// the call is an LPC call (the one name the families share).
    pub fn for_call(self, call: CallName) -> Code {
        match self {
            Code::Mach(ReturnCode::Success) if call.is_lpc() => Code::Nt(NtStatus::Success),
            other => other,
        }
    }
}

impl From<ReturnCode> for Code {
    fn from(code: ReturnCode) -> Code {
        Code::Mach(code)
    }
}

impl From<NtStatus> for Code {
    fn from(status: NtStatus) -> Code {
        Code::Nt(status)
    }
}

/// A code compares equal to the Mach code it holds.
impl PartialEq<ReturnCode> for Code {
    fn eq(&self, other: &ReturnCode) -> bool {
        *self == Code::Mach(*other)
    }
}

/// A code compares equal to the NT status it holds.
impl PartialEq<NtStatus> for Code {
    fn eq(&self, other: &NtStatus) -> bool {
        *self == Code::Nt(*other)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The binary form's encoding: an ordinary tagged enum.
#[derive(Serialize, Deserialize)]
#[serde(remote = "Code")]
enum Tagged {
    Mach(ReturnCode),
    Nt(NtStatus),
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        one_word::serialize(self, self.as_str(), serializer, Tagged::serialize)
    }
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let parse = |word: &str| {
            Code::from_name(word).ok_or_else(|| {
                format!("expected a Mach return code or an NT status, found {word:?}")
            })
        };
        one_word::deserialize(deserializer, parse, Tagged::deserialize)
    }
}

#[cfg(test)]
mod tests {
    use super::Code;
    use crate::CallName;
    use ports::{NtStatus, ReturnCode};

    #[test]
    fn json_writes_the_codes_name_and_reads_it_back() {
        for (code, json) in [
            (Code::Mach(ReturnCode::SendTimedOut), "\"send_timed_out\""),
            (
                Code::Nt(NtStatus::PortDisconnected),
                "\"port_disconnected\"",
            ),
            (Code::Mach(ReturnCode::Success), "\"success\""),
        ] {
            assert_eq!(serde_json::to_string(&code).unwrap(), json);
            assert_eq!(serde_json::from_str::<Code>(json).unwrap(), code);
        }
        let nt_success = serde_json::to_string(&Code::Nt(NtStatus::Success)).unwrap();
        assert_eq!(nt_success, "\"success\"");
        assert!(serde_json::from_str::<Code>("\"no_such_code\"").is_err());
    }

    #[test]
    fn the_binary_form_keeps_the_family_of_success() {
        for code in [Code::Nt(NtStatus::Success), Code::Mach(ReturnCode::Success)] {
            let bytes = postcard::to_allocvec(&code).unwrap();
            assert_eq!(postcard::from_bytes::<Code>(&bytes).unwrap(), code);
        }
    }

    #[test]
    fn an_lpc_calls_success_is_nts() {
        let read = Code::Mach(ReturnCode::Success);
        assert_eq!(read.for_call(CallName::NtReplyPort), NtStatus::Success);
        assert_eq!(read.for_call(CallName::Allocate), ReturnCode::Success);
        assert!(read.is_success() && Code::Nt(NtStatus::Success).is_success());
    }
}
