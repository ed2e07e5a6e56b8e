//! Kernel bugs are told apart from task faults: a panic in kernel code is a
//! violation that stops the run, never the crash of the task it ran for.

use super::Kernel;
use crate::context::lock;
use crate::state::{Fault, KernelState};
use crate::syscall::Call;
use crate::{KernError, PortName};
use crate::{Message, Outcome, QueueLimit, SendPolicy, TaskEnd, TaskExit, ViolationKind};
use ports::TaskId;

/// A task id the kernel never handed out: using it breaks the kernel's invariant
/// that every task id it holds names a task, so the kernel panics.
const NO_TASK: TaskId = TaskId::new(99, 0);

fn break_invariant(kernel: &Kernel, f: impl FnOnce(&mut KernelState)) {
    f(&mut lock(&kernel.state));
}

/// A sender whose port says a task that does not exist waits on it.
fn kernel_with_a_broken_port() -> Kernel {
    let mut kernel = Kernel::builder().build();
    kernel.spawn("sender", |cx| async move {
        let inbox = cx.lookup("inbox").ok_or("no right")?;
        cx.send(Message::new(inbox, 1), SendPolicy::Block)
            .await
            .map(drop)
            .map_err(|e| e.to_string())
    });
    kernel.spawn("receiver", |cx| async move { cx.sleep(1).await });
    kernel
        .allocate_port("receiver", "inbox", QueueLimit::DEFAULT)
        .unwrap();
    kernel.give_send_right("sender", "inbox").unwrap();
    break_invariant(&kernel, |state| {
        let port = state.port_by_label("inbox").unwrap();
        state.port_mut(port).unwrap().waiting_receiver = Some(NO_TASK);
    });
    kernel
}

#[test]
fn a_panic_inside_a_kernel_call_is_a_kernel_bug_and_not_the_callers_crash() {
    let mut kernel = kernel_with_a_broken_port();
    let report = kernel.run();
    assert_eq!(report.outcome, Outcome::KernelBug);
    assert_eq!(report.outcome.as_str(), "kernel_bug");
    let bug = &report.violations[0];
    assert_eq!(bug.kind, ViolationKind::KernelPanic);
    assert!(
        bug.message
            .starts_with("kernel panic in a kernel call (polling sender): "),
        "{bug}"
    );
    assert!(report.crashed().is_empty(), "{:?}", report.tasks);
    assert_eq!(report.task_end("sender"), Some(&TaskEnd::Runnable));
}

#[test]
fn stepping_stops_at_a_kernel_bug_too() {
    let mut kernel = kernel_with_a_broken_port();
    let mut steps = 0;
    while kernel.step() {
        steps += 1;
        assert!(steps < 100, "the run did not stop");
    }
    let report = kernel.run();
    assert_eq!(report.outcome, Outcome::KernelBug);
    assert!(report.crashed().is_empty(), "{:?}", report.tasks);
}

#[test]
fn a_panic_in_kernel_code_a_task_reaches_outside_a_call_is_a_kernel_bug_too() {
    let mut kernel = Kernel::builder().build();
    kernel.spawn("asker", |cx| async move {
        cx.yield_now().await;
        // What `lookup` and the handle labels do: kernel code run on the task's
        // behalf without a trap.
        cx.with_state(|state| state.task(NO_TASK).steps);
    });
    let report = kernel.run();
    assert_eq!(report.outcome, Outcome::KernelBug);
    assert_eq!(report.violations[0].kind, ViolationKind::KernelPanic);
    assert!(report.crashed().is_empty(), "{:?}", report.tasks);
}

#[test]
fn a_reply_of_another_kind_than_the_call_awaits_is_a_kernel_bug() {
    let mut kernel = Kernel::builder().build();
    kernel.spawn("asker", |cx| async move {
        // A yield is answered with a kernel-port success that carries no name: a
        // call awaiting a name from it stands for a kernel answering wrongly.
        let _: Result<PortName, KernError> = cx.call(Call::Yield).await;
    });
    let report = kernel.run();
    assert_eq!(report.outcome, Outcome::KernelBug);
    assert_eq!(report.violations[0].kind, ViolationKind::WrongReply);
    assert!(
        report.violations[0]
            .message
            .contains("answered with Kern(Ok(Done))"),
        "{}",
        report.violations[0]
    );
    assert_eq!(report.task_end("asker"), Some(&TaskEnd::Runnable));
}

#[test]
fn a_panic_while_a_timer_fires_is_a_kernel_bug_that_stops_the_run() {
    let mut kernel = Kernel::builder().build();
    kernel.spawn("sleeper", |cx| async move { cx.sleep(50).await });
    kernel.schedule_fault(10, Some("sleeper"), None).unwrap();
    break_invariant(&kernel, |state| state.faults[0] = Fault::Kill(NO_TASK));
    let report = kernel.run();
    assert_eq!(report.outcome, Outcome::KernelBug);
    assert_eq!(report.end_ns, 10_000_000);
    assert!(
        report.violations[0]
            .message
            .starts_with("kernel panic in the run loop: "),
        "{:?}",
        report.violations
    );
    assert_eq!(
        report.task_end("sleeper"),
        Some(&TaskEnd::Waiting("sleeping".into()))
    );
}

#[test]
fn a_tasks_own_panic_is_its_crash_and_the_run_goes_on() {
    let mut kernel = Kernel::builder().build();
    kernel.spawn("careless", |cx| async move {
        cx.yield_now().await;
        if cx.now_ns() == 0 {
            panic!("oops");
        }
    });
    kernel.spawn("steady", |cx| async move { cx.sleep(5).await });
    let report = kernel.run();
    assert_eq!(report.outcome, Outcome::Completed);
    assert!(report.violations.is_empty(), "{:?}", report.violations);
    assert_eq!(report.crashed(), [("careless", "panicked: oops")]);
    assert_eq!(
        report.task_end("steady"),
        Some(&TaskEnd::Ended(TaskExit::Exited(0)))
    );
}

#[test]
fn a_panic_in_a_programs_constructor_is_its_crash() {
    let mut kernel = Kernel::builder().build();
    kernel.spawn("eager", |_cx| -> std::future::Ready<()> {
        panic!("no future")
    });
    let report = kernel.run();
    assert_eq!(report.outcome, Outcome::Completed);
    assert_eq!(report.crashed(), [("eager", "panicked: no future")]);
}

#[test]
fn the_report_says_what_each_task_still_waits_on() {
    let mut kernel = Kernel::builder().build();
    kernel.spawn("waiter", |cx| async move {
        let inbox = cx.lookup("inbox").ok_or("no right")?;
        cx.receive(inbox, crate::ReceivePolicy::Block, Default::default())
            .await
            .map(drop)
            .map_err(|e| e.to_string())
    });
    kernel.declare("never", |cx| async move { cx.yield_now().await });
    kernel
        .allocate_port("waiter", "inbox", QueueLimit::DEFAULT)
        .unwrap();
    let report = kernel.run();
    assert_eq!(report.outcome.as_str(), "deadlock");
    assert_eq!(
        report.tasks,
        [
            crate::TaskReport {
                name: "waiter".into(),
                end: TaskEnd::Waiting("receiving on inbox".into()),
            },
            crate::TaskReport {
                name: "never".into(),
                end: TaskEnd::NotStarted,
            },
        ]
    );
}
