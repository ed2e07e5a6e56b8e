//! Who holds a port's receive right, or took a message: a task or the kernel.

use super::one_word;
use crate::Label;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// The receiver a `port_allocated` or `message_received` names: a task, the kernel,
/// or (while a receive right travels in a message) nobody.
///
/// In JSON it is one string, as it always was: the task's name, or the words
/// `kernel` and `none`; so a task named `kernel` or `none` reads back as the word.
/// The binary form tags the variant and cannot mistake one for the other.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Receiver {
    /// A task, by its name.
    Task(Label),
    /// The kernel: a task's kernel port, a service object's port, or a request the
    /// kernel took from a kernel port. Written `kernel`.
    Kernel,
    /// Nobody: the receive right is in transit in a message. Written `none`.
    InTransit,
}

impl Receiver {
    /// The JSON word for [`Receiver::Kernel`].
    pub const KERNEL: &'static str = "kernel";
    /// The JSON word for [`Receiver::InTransit`].
    pub const IN_TRANSIT: &'static str = "none";

    /// The receiver as JSON writes it: the task's name, `kernel` or `none`.
    pub fn as_str(&self) -> &str {
        match self {
            Receiver::Task(name) => name,
            Receiver::Kernel => Self::KERNEL,
            Receiver::InTransit => Self::IN_TRANSIT,
        }
    }

    /// The receiver JSON's `text` stands for.
    pub fn from_text(text: &str) -> Receiver {
        match text {
            Self::KERNEL => Receiver::Kernel,
            Self::IN_TRANSIT => Receiver::InTransit,
            name => Receiver::Task(Label::from(name)),
        }
    }

    /// The task's name, when a task is the receiver.
    pub fn task(&self) -> Option<&Label> {
        match self {
            Receiver::Task(name) => Some(name),
            Receiver::Kernel | Receiver::InTransit => None,
        }
    }
}

impl fmt::Display for Receiver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The binary form's encoding: an ordinary tagged enum.
#[derive(Serialize, Deserialize)]
#[serde(remote = "Receiver")]
enum Tagged {
    Task(Label),
    Kernel,
    InTransit,
}

impl Serialize for Receiver {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        one_word::serialize(self, self.as_str(), serializer, Tagged::serialize)
    }
}

impl<'de> Deserialize<'de> for Receiver {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        one_word::deserialize(
            deserializer,
            |word| Ok(Receiver::from_text(word)),
            Tagged::deserialize,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::Receiver;

    #[test]
    fn json_writes_the_name_or_the_word_and_reads_it_back() {
        for (receiver, json) in [
            (Receiver::Task("server".into()), "\"server\""),
            (Receiver::Kernel, "\"kernel\""),
            (Receiver::InTransit, "\"none\""),
        ] {
            assert_eq!(serde_json::to_string(&receiver).unwrap(), json);
            assert_eq!(serde_json::from_str::<Receiver>(json).unwrap(), receiver);
        }
    }

    #[test]
    fn the_binary_form_keeps_a_task_named_like_a_word() {
        let task = Receiver::Task("kernel".into());
        let bytes = postcard::to_allocvec(&task).unwrap();
        assert_eq!(postcard::from_bytes::<Receiver>(&bytes).unwrap(), task);
        let kernel = postcard::to_allocvec(&Receiver::Kernel).unwrap();
        assert_eq!(
            postcard::from_bytes::<Receiver>(&kernel).unwrap(),
            Receiver::Kernel
        );
    }
}
