//! The labels the kernel makes itself, which a file's own labels must not take.
//!
//! The kernel labels each task's kernel port `task.kernel`, its notify port `task.notify` and
//! its direct mailbox `task.direct`, and a label used a second time `label#2` (then `#3`, …).
//! The parser refuses a file's label that could be one of these, the runner names a task's
//! notify port when it puts it in a set, and the judges read `label#N` as `label`; each does
//! so through these functions, so the rule is written once.

/// The suffixes of the labels the kernel gives every task's own ports.
pub const TASK_PORT_SUFFIXES: [&str; 3] = [".kernel", ".notify", ".direct"];

/// What separates a reused label from its number (`requests#2`).
const REUSE_MARK: char = '#';

/// Whether `label` has the shape of a label the kernel makes: a task's own port, or a
/// reused label's numbered copy.
pub fn is_kernel_made(label: &str) -> bool {
    label.contains(REUSE_MARK)
        || TASK_PORT_SUFFIXES
            .iter()
            .any(|suffix| label.ends_with(suffix))
}

/// The label of `task`'s notify port.
pub fn notify_port(task: &str) -> String {
    format!("{task}.notify")
}

/// The label a file wrote for a port the kernel labelled `label`: `requests#2`, the second
/// port allocated as `requests`, is `requests`.
pub fn as_written(label: &str) -> &str {
    match label.split_once(REUSE_MARK) {
        Some((written, _)) => written,
        None => label,
    }
}

#[cfg(test)]
mod tests {
    use super::{as_written, is_kernel_made, notify_port};

    #[test]
    fn the_kernels_labels_are_recognised_and_read_back() {
        assert!(is_kernel_made("client.kernel"));
        assert!(is_kernel_made(&notify_port("client")));
        assert!(is_kernel_made("client.direct"));
        assert!(is_kernel_made("reply#2"));
        assert!(!is_kernel_made("client.kernels"));
        assert_eq!(as_written("reply#2"), "reply");
        assert_eq!(as_written("reply"), "reply");
    }
}
