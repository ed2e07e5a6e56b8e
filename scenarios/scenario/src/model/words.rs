//! The closed vocabularies of scenario files: one table of (word, value) pairs per type.
//!
//! A fixed word in a file (`op = "send"`, `right = "copy_send"`, `expect = "rcv_timed_out"`)
//! is read through its type's [`Word`] table, the one place that spells it for the format:
//! the parser looks the word up there, lists the table's words in "expected one of …", and
//! suggests the nearest of them for a typo.
//!
//! Where the kernel has a type for the meaning (`kernel::Disposition`, `kernel::ReturnCode`,
//! `kernel::NotificationKind`, `kernel::Width`, `kernel::PipeMode`, `kernel::Access`,
//! `kernel::ScheduleKind`), the table maps the word to the kernel's own value, so the model
//! holds what the kernel takes and nothing converts it afterwards. The words stay written
//! here because the scenario format is a contract of its own (`docs/spec/scenario-format.md`);
//! the tests check that each agrees with the kernel's spelling in traces. The scenario's
//! own words (ops, item types, expected outcomes) are enums made by `words!`, which writes
//! the enum, its table and its spelling from one list.

use kernel::{
    Access, Disposition, NotificationKind, PipeMode, ReturnCode, RightKind, RightSet, ScheduleKind,
    Width,
};

/// A closed vocabulary of scenario-file words and the values they stand for.
pub trait Word: Copy + PartialEq + 'static {
    /// What one of these words is called in messages ("op", "result", ...).
    const NOUN: &'static str;
    /// Every word with its value, in the order the spec lists them.
    const WORDS: &'static [(&'static str, Self)];

    /// The value `word` stands for, if it is one of the words.
    fn from_word(word: &str) -> Option<Self> {
        lookup(Self::WORDS, word)
    }
}

/// The value `word` stands for in `table`.
pub fn lookup<T: Copy>(table: &[(&str, T)], word: &str) -> Option<T> {
    table
        .iter()
        .find(|(spelling, _)| *spelling == word)
        .map(|(_, value)| *value)
}

/// The words of `table`, in its order.
pub fn spellings<T>(table: &'static [(&'static str, T)]) -> impl Iterator<Item = &'static str> {
    table.iter().map(|(word, _)| *word)
}

/// Defines an enum of scenario words with its [`Word`] table and `as_str`, from one list.
///
/// Adding a word (a new op) is one line here, and the parser, its diagnostics and its
/// suggestions pick it up.
macro_rules! words {
    (
        $(#[$meta:meta])*
        pub enum $name:ident ($noun:literal) {
            $( $(#[$variant_meta:meta])* $variant:ident = $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $( $(#[$variant_meta])* $variant, )+
        }

        impl $name {
            /// The spelling used in scenario files.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text,)+
                }
            }
        }

        impl $crate::model::Word for $name {
            const NOUN: &'static str = $noun;
            const WORDS: &'static [(&'static str, Self)] = &[$(($text, Self::$variant)),+];
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, formatter: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                formatter.write_str(self.as_str())
            }
        }
    };
}

/// How a port right travels in a message (Mach's `MACH_MSG_TYPE_*` dispositions).
impl Word for Disposition {
    const NOUN: &'static str = "disposition";
    const WORDS: &'static [(&'static str, Self)] = &[
        ("move_receive", Disposition::MoveReceive),
        ("move_send", Disposition::MoveSend),
        ("move_send_once", Disposition::MoveSendOnce),
        ("copy_send", Disposition::CopySend),
        ("make_send", Disposition::MakeSend),
        ("make_send_once", Disposition::MakeSendOnce),
    ];
}

/// The dispositions a `send` step's `right` may have (a send or send-once right), in the
/// order its diagnostic lists them.
pub const SEND_RIGHTS: &[Disposition] = &[
    Disposition::CopySend,
    Disposition::MoveSend,
    Disposition::MakeSend,
    Disposition::MoveSendOnce,
    Disposition::MakeSendOnce,
];

/// A kind of notification message, named after Mach's `MACH_NOTIFY_*`.
impl Word for NotificationKind {
    const NOUN: &'static str = "notification kind";
    const WORDS: &'static [(&'static str, Self)] = &[
        ("port_deleted", NotificationKind::PortDeleted),
        ("msg_accepted", NotificationKind::MsgAccepted),
        ("port_destroyed", NotificationKind::PortDestroyed),
        ("no_senders", NotificationKind::NoSenders),
        ("send_once", NotificationKind::SendOnce),
        ("dead_name", NotificationKind::DeadName),
    ];
}

/// What one of [`REQUESTABLE_NOTIFICATIONS`] is called in messages.
pub const NOTIFICATION_REQUEST: &str = "notification request";

/// The notifications `request_notification`'s `kind` may ask for. Only these three can be
/// requested (Mach: `mach_port_request_notification`); the other kinds are the kernel's
/// answers to sends and rights.
pub const REQUESTABLE_NOTIFICATIONS: &[(&str, NotificationKind)] = &[
    ("dead_name", NotificationKind::DeadName),
    ("no_senders", NotificationKind::NoSenders),
    ("port_destroyed", NotificationKind::PortDestroyed),
];

/// What `expect_right`'s `is` says the task holds under a label: each combination of rights
/// one name can denote.
impl Word for RightSet {
    const NOUN: &'static str = "right";
    const WORDS: &'static [(&'static str, Self)] = &[
        ("receive", RightSet::of(RightKind::Receive)),
        ("send", RightSet::of(RightKind::Send)),
        ("send_once", RightSet::of(RightKind::SendOnce)),
        ("dead_name", RightSet::of(RightKind::DeadName)),
        (
            "receive+send",
            RightSet::of(RightKind::Receive).with(RightKind::Send),
        ),
        ("none", RightSet::NONE),
        // An extension: the label is a port set's name.
        ("port_set", RightSet::of(RightKind::PortSet)),
    ];
}

/// A step's result, named after Mach's return codes in lower case without the
/// `MACH_`/`KERN_` prefix.
///
/// Mach's codes come first, in the contract's order; then the services' (an extension):
/// Mach's codes that only services return, then the pipe results, which are POSIX's.
impl Word for ReturnCode {
    const NOUN: &'static str = "result";
    const WORDS: &'static [(&'static str, Self)] = &[
        ("success", ReturnCode::Success),
        ("send_invalid_dest", ReturnCode::SendInvalidDest),
        ("send_timed_out", ReturnCode::SendTimedOut),
        ("send_will_notify", ReturnCode::SendWillNotify),
        ("send_notify_in_progress", ReturnCode::SendNotifyInProgress),
        ("send_invalid_reply", ReturnCode::SendInvalidReply),
        ("send_invalid_right", ReturnCode::SendInvalidRight),
        ("send_invalid_notify", ReturnCode::SendInvalidNotify),
        ("send_too_large", ReturnCode::SendTooLarge),
        ("rcv_invalid_name", ReturnCode::RcvInvalidName),
        ("rcv_timed_out", ReturnCode::RcvTimedOut),
        ("rcv_too_large", ReturnCode::RcvTooLarge),
        ("rcv_port_died", ReturnCode::RcvPortDied),
        ("rcv_port_changed", ReturnCode::RcvPortChanged),
        ("rcv_in_set", ReturnCode::RcvInSet),
        ("invalid_name", ReturnCode::InvalidName),
        ("invalid_right", ReturnCode::InvalidRight),
        ("invalid_value", ReturnCode::InvalidValue),
        ("invalid_argument", ReturnCode::InvalidArgument),
        // An extension: a notify port that is not a receive right.
        ("invalid_capability", ReturnCode::InvalidCapability),
        ("name_exists", ReturnCode::NameExists),
        ("right_exists", ReturnCode::RightExists),
        ("not_in_set", ReturnCode::NotInSet),
        ("urefs_overflow", ReturnCode::UrefsOverflow),
        ("no_space", ReturnCode::NoSpace),
        // Services: Mach codes.
        ("invalid_address", ReturnCode::InvalidAddress),
        ("operation_timed_out", ReturnCode::OperationTimedOut),
        ("terminated", ReturnCode::Terminated),
        // Services: pipes, after POSIX.
        ("eof", ReturnCode::Eof),
        ("broken_pipe", ReturnCode::BrokenPipe),
        ("bad_handle", ReturnCode::BadHandle),
        ("would_block", ReturnCode::WouldBlock),
        ("no_such_path", ReturnCode::NoSuchPath),
    ];
}

/// How many bytes a `memory_read` or `memory_write` moves (`width`), little-endian.
impl Word for Width {
    const NOUN: &'static str = "width";
    const WORDS: &'static [(&'static str, Self)] = &[
        ("u8", Width::U8),
        ("u16", Width::U16),
        ("u32", Width::U32),
        ("u64", Width::U64),
    ];
}

/// The kind of a named pipe (`mode`): a UNIX FIFO or a Windows-style duplex pipe.
impl Word for PipeMode {
    const NOUN: &'static str = "named pipe mode";
    const WORDS: &'static [(&'static str, Self)] =
        &[("fifo", PipeMode::Fifo), ("duplex", PipeMode::Duplex)];
}

/// How `named_pipe_open` opens a named pipe (`access`): `O_RDONLY`, `O_WRONLY`, `O_RDWR`
/// (or a duplex pipe's client end).
impl Word for Access {
    const NOUN: &'static str = "access";
    const WORDS: &'static [(&'static str, Self)] = &[
        ("read", Access::Read),
        ("write", Access::Write),
        ("read_write", Access::ReadWrite),
    ];
}

/// How the scheduler picks among runnable tasks (`[scenario] schedule`).
impl Word for ScheduleKind {
    const NOUN: &'static str = "schedule";
    const WORDS: &'static [(&'static str, Self)] = &[
        ("round_robin", ScheduleKind::RoundRobin),
        ("random", ScheduleKind::Random),
        // The depth `--schedule pct` gives too (the kernel's `FromStr`); a test holds them
        // together.
        (
            "pct",
            ScheduleKind::Pct {
                depth: ScheduleKind::DEFAULT_PCT_DEPTH,
            },
        ),
    ];
}

#[cfg(test)]
mod tests {
    use super::{REQUESTABLE_NOTIFICATIONS, SEND_RIGHTS, Word, lookup};
    use kernel::{
        Access, Disposition, NotificationKind, PipeMode, ReturnCode, RightSet, ScheduleKind, Width,
    };

    /// Each word is in its table once, and stands for the value it is paired with.
    fn one_value_per_word<W: Word + std::fmt::Debug>() {
        for (index, (word, value)) in W::WORDS.iter().enumerate() {
            assert_eq!(W::from_word(word), Some(*value), "{word}");
            assert!(
                W::WORDS[..index].iter().all(|(earlier, _)| earlier != word),
                "`{word}` is listed twice"
            );
        }
        assert_eq!(W::from_word("no such word"), None);
    }

    #[test]
    fn every_word_stands_for_one_value() {
        one_value_per_word::<Disposition>();
        one_value_per_word::<NotificationKind>();
        one_value_per_word::<ReturnCode>();
        one_value_per_word::<Width>();
        one_value_per_word::<PipeMode>();
        one_value_per_word::<Access>();
        one_value_per_word::<ScheduleKind>();
        one_value_per_word::<RightSet>();
    }

    #[test]
    fn the_formats_words_are_the_kernels_spellings() {
        // The contract's 24 Mach codes, `invalid_capability`, and the services' 8; every
        // code the kernel returns can be expected.
        assert_eq!(ReturnCode::WORDS.len(), 33);
        for code in ReturnCode::ALL {
            assert_eq!(lookup(ReturnCode::WORDS, code.as_str()), Some(*code));
        }
        for disposition in Disposition::ALL {
            assert_eq!(
                Disposition::from_word(disposition.as_str()),
                Some(disposition)
            );
        }
        assert_eq!(Disposition::WORDS.len(), Disposition::ALL.len());
        for kind in NotificationKind::ALL {
            assert_eq!(NotificationKind::from_word(kind.as_str()), Some(kind));
        }
        assert_eq!(NotificationKind::WORDS.len(), NotificationKind::ALL.len());
        for (word, mode) in PipeMode::WORDS {
            assert_eq!(mode.as_str(), *word);
        }
        for (word, access) in Access::WORDS {
            assert_eq!(access.as_str(), *word);
        }
        for (word, schedule) in ScheduleKind::WORDS {
            assert_eq!(word.parse::<ScheduleKind>(), Ok(*schedule));
            assert_eq!(schedule.as_str(), *word);
        }
        for (word, rights) in RightSet::WORDS {
            assert_eq!(rights.as_str(), *word);
        }
        for (word, width) in Width::WORDS {
            assert_eq!(format!("u{}", width.bytes() * 8), *word);
        }
    }

    #[test]
    fn the_restricted_lists_are_words_of_their_types() {
        for (word, kind) in REQUESTABLE_NOTIFICATIONS {
            assert_eq!(NotificationKind::from_word(word), Some(*kind));
        }
        for right in SEND_RIGHTS {
            assert!(right.is_send_type());
        }
        let sendable = Disposition::ALL.iter().filter(|d| d.is_send_type()).count();
        assert_eq!(SEND_RIGHTS.len(), sendable);
    }
}
