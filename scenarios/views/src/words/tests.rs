//! One sentence, said two ways.

use super::{Outcome, sentence};
use crate::stepper::State;
use ports::ReturnCode;
use trace::{Event, Label, TraceRecord};

fn record(task: Option<&str>, event: Event) -> TraceRecord {
    TraceRecord {
        seq: 1,
        t_ns: 0,
        task: task.map(Label::from),
        event,
    }
}

#[test]
fn the_account_tells_a_result_after_a_colon_and_a_note_in_brackets() {
    let failed = record(
        Some("writer"),
        Event::SendFailed {
            port: Some(Label::from("queue")),
            code: ReturnCode::SendTimedOut,
        },
    );
    let said = sentence(&failed, &State::new());
    assert_eq!(said.outcome, Some(Outcome::Result("send_timed_out".into())));
    assert_eq!(said.told(), "send to queue fails: send_timed_out");
    assert_eq!(said.noted(), "send to queue fails (send_timed_out)");
}

#[test]
fn a_sentence_about_another_task_names_it_in_the_account_only() {
    let crashed = record(
        Some("worker"),
        Event::TaskCrashed {
            name: Label::from("worker"),
            reason: "null pointer".into(),
        },
    );
    let said = sentence(&crashed, &State::new());
    assert_eq!(said.told(), "worker crashes: null pointer");
    assert_eq!(said.noted(), "crashes (null pointer)");
    // A pipe end a parent's spawn hands its child is about the child.
    let inherited = record(
        Some("parent"),
        Event::PipeEndOpened {
            pipe: Label::from("pipe3"),
            holder: Label::from("child"),
            handle: 3,
            end: trace::PipeSide::Read,
        },
    );
    let said = sentence(&inherited, &State::new());
    assert_eq!(said.subject, Some(Label::from("child")));
    assert_eq!(said.told(), "child holds the read end of pipe3 as handle 3");
    // The same end opened by its holder is about the task that caused it.
    let own = record(Some("child"), inherited.event.clone());
    assert_eq!(sentence(&own, &State::new()).subject, None);
}
