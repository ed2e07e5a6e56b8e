//! The stepper's fold against the kernel itself: for every bundled scenario, and
//! for kernel programs that use the services (shared memory, semaphores, pipes,
//! named pipes), driven one `Kernel::step()` at a time, the state rebuilt from the
//! trace so far must be the state `Kernel::inspect` reports, field by field: tasks
//! (state, steps, blocked time, parent), ports (receiver, limit, queue, set,
//! blocked senders, notification requests), where each message is, name spaces,
//! and the services' objects and handles.

use bytes::Bytes;
use harness::bundled_scenarios;
use kernel::inspect::{MessagePlace, TaskInfo};
use kernel::{
    Access, Disposition, Item, Kernel, Message, Ool, PipeMode, QueueLimit, ReceiveOptions,
    ReceivePolicy, ScheduleKind, SendPolicy, ServiceError, Width,
};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use views::stepper::{Place, State};

use crate::workloads::{self, share, take_right, with_inboxes};

mod lpc;

/// Who spawned whom (child → parent), known from the program or the scenario:
/// the kernel keeps no parent once a spawn is done, so the fold's parents are
/// checked against the spawns the run was written to make.
type Parents = BTreeMap<String, String>;

/// The parents a scenario's scripts make: the task whose `spawn` step names each
/// child (a child two tasks may spawn is left out: which one does is the run's).
fn scenario_parents(scenario: &scenario::model::Scenario) -> Parents {
    fn spawns<'a>(steps: &'a [scenario::model::Step], out: &mut Vec<&'a str>) {
        for step in steps {
            match &step.op {
                scenario::model::Op::Spawn { task } => out.push(task),
                scenario::model::Op::Repeat { steps, .. } => spawns(steps, out),
                _ => {}
            }
        }
    }
    let mut parents = Parents::new();
    let mut ambiguous = BTreeSet::new();
    for task in &scenario.tasks {
        let scenario::model::TaskBody::Steps(steps) = &task.body else {
            continue;
        };
        let mut children = Vec::new();
        spawns(steps, &mut children);
        for child in children {
            if let Some(other) = parents.insert(child.to_string(), task.name.clone())
                && other != task.name
            {
                ambiguous.insert(child.to_string());
            }
        }
    }
    parents.retain(|child, _| !ambiguous.contains(child));
    parents
}

fn parents(pairs: &[(&str, &str)]) -> Parents {
    pairs
        .iter()
        .map(|(child, parent)| (child.to_string(), parent.to_string()))
        .collect()
}

/// Parses and prepares a bundled scenario with the stock programs, without running
/// it, with the parents its scripts make.
fn prepare(path: &Path) -> (scenario::run::Prepared, Parents) {
    let (scenario, prepared) = harness::prepare_scenario_file(path);
    (prepared, scenario_parents(&scenario))
}

/// Every difference between the fold and the kernel, one line each.
fn differences(state: &State, kernel: &Kernel, parents: &Parents) -> Vec<String> {
    let mut out = Vec::new();
    let (tasks, ports, spaces) = kernel.inspect(|i| {
        let tasks = i.tasks();
        let spaces: Vec<_> = tasks
            .iter()
            .map(|t| {
                let names: BTreeSet<(u32, String, String, u32)> = i
                    .space(&t.name)
                    .into_iter()
                    .map(|(name, label, rights, urefs)| {
                        (name.0, label, rights.as_str().to_string(), urefs)
                    })
                    .collect();
                (t.name.clone(), names)
            })
            .collect();
        (tasks, i.ports(), spaces)
    });

    let folded: Vec<&str> = state.tasks().map(|t| &*t.name).collect();
    let actual: Vec<&str> = tasks.iter().map(|t| t.name.as_str()).collect();
    if folded != actual {
        out.push(format!("tasks: fold {folded:?}, kernel {actual:?}"));
    }
    for task in &tasks {
        let Some(f) = state.task(&task.name) else {
            continue;
        };
        if f.status.class() != task.state {
            out.push(format!(
                "task {}: state: fold {}, kernel {}",
                task.name,
                f.status.class(),
                task.state
            ));
        }
        task_differences(f, task, parents, &mut out);
        if f.blocked_ns != task.blocked_ns {
            out.push(format!(
                "task {}: blocked_ns: fold {}, kernel {}",
                task.name, f.blocked_ns, task.blocked_ns
            ));
        }
    }

    let fold = state.ports().map(|p| (&*p.label, p));
    let alive = ports.iter().map(|p| (p.label.as_str(), p));
    for (label, f, k) in paired("port", fold, alive, &mut out) {
        let mut field = |name: &str, fold: String, kernel: String| {
            if fold != kernel {
                out.push(format!(
                    "port {label}: {name}: fold {fold}, kernel {kernel}"
                ));
            }
        };
        field(
            "receiver",
            f.receiver.as_str().to_string(),
            k.receiver.clone(),
        );
        field("limit", f.capacity.to_string(), k.limit.to_string());
        field(
            "queue",
            format!("{:?}", f.queue.iter().collect::<Vec<_>>()),
            format!("{:?}", k.queue.iter().collect::<Vec<_>>()),
        );
        field(
            "set",
            format!("{:?}", f.set.as_deref()),
            format!("{:?}", k.set.as_deref()),
        );
        field(
            "blocked_senders",
            format!(
                "{:?}",
                f.blocked_senders
                    .iter()
                    .map(|b| &*b.task)
                    .collect::<Vec<_>>()
            ),
            format!("{:?}", k.blocked_senders),
        );
    }

    for (task, names) in spaces {
        let fold: BTreeSet<(u32, String, String, u32)> = state
            .space(&task)
            .into_iter()
            .map(|e| (e.name, e.object.to_string(), e.rights.to_string(), e.urefs))
            .collect();
        for missing in names.difference(&fold) {
            out.push(format!("space of {task}: {missing:?} only in the kernel"));
        }
        for extra in fold.difference(&names) {
            out.push(format!("space of {task}: {extra:?} only in the fold"));
        }
    }

    requests_differences(state, kernel, &mut out);
    message_differences(state, kernel, &mut out);
    services_differences(state, kernel, &tasks, &mut out);
    lpc::differences(state, kernel, &mut out);

    for problem in state.inconsistencies() {
        out.push(format!(
            "inconsistency at event {}: {}",
            problem.seq, problem.problem
        ));
    }
    out
}

/// A task's steps and parent.
///
/// A step is a kernel call the trace shows, and the kernel counts exactly those: a
/// task's own end is not a step, and a `send_receive` is two (its send and its
/// receive phase), so fold and kernel agree exactly.
fn task_differences(
    fold: &views::stepper::Task,
    task: &TaskInfo,
    parents: &Parents,
    out: &mut Vec<String>,
) {
    if fold.steps != task.steps {
        out.push(format!(
            "task {}: steps: fold {}, kernel {}",
            task.name, fold.steps, task.steps
        ));
    }
    let parent = if task.state == "not_started" {
        None
    } else {
        parents.get(&task.name).map(String::as_str)
    };
    if fold.parent.as_deref() != parent {
        out.push(format!(
            "task {}: parent: fold {:?}, spawned by {parent:?}",
            task.name, fold.parent
        ));
    }
}

/// Notification requests: (port, kind, notify port, and for a dead-name request
/// the task that asked), in any order.
fn requests_differences(state: &State, kernel: &Kernel, out: &mut Vec<String>) {
    let mut fold: Vec<(String, String, String, Option<String>)> = state
        .ports()
        .flat_map(|p| {
            p.requests.iter().map(|r| {
                let holder = (r.kind == kernel::NotificationKind::DeadName)
                    .then(|| r.by.as_deref().unwrap_or("?").to_string());
                (
                    p.label.to_string(),
                    r.kind.to_string(),
                    r.notify.to_string(),
                    holder,
                )
            })
        })
        .collect();
    let mut actual: Vec<(String, String, String, Option<String>)> = kernel
        .inspect(|i| i.notification_requests())
        .into_iter()
        .map(|r| (r.port, r.kind.to_string(), r.notify, r.holder))
        .collect();
    fold.sort();
    actual.sort();
    if fold != actual {
        out.push(format!(
            "notification requests: fold {fold:?}, kernel {actual:?}"
        ));
    }
}

/// Where each message is: queued on which port at which place, or held by which
/// blocked sender; between two steps none is on its way in.
fn message_differences(state: &State, kernel: &Kernel, out: &mut Vec<String>) {
    let fold: Vec<(u64, String)> = state
        .messages()
        .map(|m| {
            let place = match &m.place {
                Place::Queued { port, .. } => {
                    let position = state
                        .port(port)
                        .and_then(|p| p.queue.iter().position(|q| *q == m.msg));
                    match position {
                        Some(position) => format!("queued on {port} at {position}"),
                        None => format!("queued on {port}, not in its queue"),
                    }
                }
                Place::HeldBySender { task, port } => {
                    format!("held by {task} for {port}")
                }
                Place::Entering => "entering".to_string(),
            };
            (m.msg, place)
        })
        .collect();
    let actual: Vec<(u64, String)> = kernel
        .inspect(|i| i.messages())
        .into_iter()
        .map(|m| {
            let place = match m.place {
                MessagePlace::Queued { port, position } => {
                    format!("queued on {port} at {position}")
                }
                MessagePlace::HeldBySender { task, port } => format!("held by {task} for {port}"),
            };
            (m.msg, place)
        })
        .collect();
    if fold != actual {
        out.push(format!("messages: fold {fold:?}, kernel {actual:?}"));
    }
}

/// The services' differences: pipes (label, capacity, buffered bytes, open read
/// and write ends), memory objects (label, size, mappings, every byte the fold
/// knows), semaphores (label, value, waiters), the linked named pipes' paths, and
/// every task's handles.
fn services_differences(
    state: &State,
    kernel: &Kernel,
    tasks: &[kernel::inspect::TaskInfo],
    out: &mut Vec<String>,
) {
    let (pipes, memory, semaphores, named, handles) = kernel.inspect(|i| {
        let handles: Vec<(String, Vec<(u32, String)>)> = tasks
            .iter()
            .map(|t| (t.name.clone(), i.handles(&t.name)))
            .collect();
        (
            i.pipes(),
            i.memory_objects(),
            i.semaphores(),
            i.named_pipes(),
            handles,
        )
    });

    let fold = state.pipes().map(|p| (&*p.label, p));
    let alive = pipes.iter().map(|p| (p.label.as_str(), p));
    for (label, f, k) in paired("pipe", fold, alive, out) {
        let mut field = |name: &str, fold: String, kernel: String| {
            if fold != kernel {
                out.push(format!(
                    "pipe {label}: {name}: fold {fold}, kernel {kernel}"
                ));
            }
        };
        field("capacity", f.capacity.to_string(), k.capacity.to_string());
        if !f.buffered.iter().eq(k.buffered.iter()) {
            field(
                "buffered",
                hex(f.buffered.iter().copied()),
                hex(k.buffered.iter().copied()),
            );
        }
        field("readers", f.readers().to_string(), k.readers.to_string());
        field("writers", f.writers().to_string(), k.writers.to_string());
    }

    let fold = state.memory_objects().map(|m| (&*m.label, m));
    let alive = memory.iter().map(|m| (m.label.as_str(), m));
    for (label, f, k) in paired("memory object", fold, alive, out) {
        if f.size != k.size {
            out.push(format!(
                "memory object {label}: size: fold {}, kernel {}",
                f.size, k.size
            ));
        }
        if f.mappings.len() != k.mappings as usize {
            out.push(format!(
                "memory object {label}: mappings: fold {}, kernel {}",
                f.mappings.len(),
                k.mappings
            ));
        }
        // Every byte the fold knows (an out-of-line region's bytes are not in the
        // trace: see `an_object_made_from_out_of_line_memory_starts_unknown`).
        let differs = k
            .contents
            .iter()
            .enumerate()
            .find(|&(at, b)| f.contents.byte(at).is_some_and(|known| known != *b));
        if f.contents.len() != k.contents.len() {
            out.push(format!(
                "memory object {label}: contents: fold {} bytes, kernel {}",
                f.contents.len(),
                k.contents.len()
            ));
        } else if let Some((at, b)) = differs {
            out.push(format!(
                "memory object {label}: contents: byte {at}: fold {:?}, kernel {b:#04x}",
                f.contents.byte(at)
            ));
        }
    }

    let fold = state.semaphores().map(|s| (&*s.label, s));
    let alive = semaphores.iter().map(|s| (s.label.as_str(), s));
    for (label, f, k) in paired("semaphore", fold, alive, out) {
        if f.value != k.value {
            out.push(format!(
                "semaphore {label}: value: fold {}, kernel {}",
                f.value, k.value
            ));
        }
        let waiters: Vec<&str> = f.waiters.iter().map(|w| &**w).collect();
        if waiters != k.waiters {
            out.push(format!(
                "semaphore {label}: waiters: fold {waiters:?}, kernel {:?}",
                k.waiters
            ));
        }
    }

    let mut fold_named: Vec<&str> = state
        .named_pipes()
        .filter(|n| !n.unlinked)
        .map(|n| &*n.path)
        .collect();
    fold_named.sort_unstable();
    if fold_named != named {
        out.push(format!(
            "named pipes: fold {fold_named:?}, kernel {named:?}"
        ));
    }

    for (task, kernel_handles) in handles {
        let fold: Vec<(u32, String)> = state
            .task(&task)
            .map(|t| {
                t.handles()
                    .into_iter()
                    .map(|h| (h.handle, h.what.describe()))
                    .collect()
            })
            .unwrap_or_default();
        if fold != kernel_handles {
            out.push(format!(
                "handles of {task}: fold {fold:?}, kernel {kernel_handles:?}"
            ));
        }
    }
}

/// The objects of one kind alive in the fold and in the kernel, paired by label;
/// a line in `out` for each alive in only one of them.
fn paired<'a, F, K>(
    kind: &str,
    fold: impl IntoIterator<Item = (&'a str, F)>,
    kernel: impl IntoIterator<Item = (&'a str, K)>,
    out: &mut Vec<String>,
) -> Vec<(&'a str, F, K)> {
    let mut kernel: BTreeMap<&str, K> = kernel.into_iter().collect();
    let mut both = Vec::new();
    for (label, f) in fold {
        match kernel.remove(label) {
            Some(k) => both.push((label, f, k)),
            None => out.push(format!(
                "{kind} {label}: alive in the fold, not in the kernel"
            )),
        }
    }
    for label in kernel.keys() {
        out.push(format!(
            "{kind} {label}: alive in the kernel, not in the fold"
        ));
    }
    both
}

/// Bytes as their count and the first 32 in hex.
fn hex(bytes: impl ExactSizeIterator<Item = u8>) -> String {
    let len = bytes.len();
    let text: String = bytes.take(32).map(|b| format!("{b:02x}")).collect();
    let more = if len > 32 { "…" } else { "" };
    format!("{len} bytes [{text}{more}]")
}

/// Steps `kernel` to the end one `Kernel::step()` at a time, folding its trace,
/// and adds every difference between the fold and the kernel after each step to
/// `failures`, naming the run, the step, the last event and the field.
fn step_and_compare(
    name: &str,
    kernel: &mut Kernel,
    parents: &Parents,
    failures: &mut Vec<String>,
) {
    let mut state = State::new();
    let mut steps = 0u64;
    loop {
        let more = kernel.step();
        let records = kernel.trace();
        for record in &records[state.seq() as usize..] {
            state.apply(record);
        }
        let when = if more {
            steps += 1;
            format!("after {steps} kernel steps")
        } else {
            "at the end".to_string()
        };
        let event = state
            .seq()
            .checked_sub(1)
            .and_then(|i| records.get(i as usize));
        let event = event.map_or_else(|| "before any event".to_string(), views::stepper::describe);
        for difference in differences(&state, kernel, parents) {
            failures.push(format!("{name}, {when}, {event}: {difference}"));
        }
        if failures.len() > 50 || !more {
            break;
        }
    }
    if state.seq() == 0 {
        failures.push(format!("{name}: no trace (is tracing on?)"));
    }
}

fn assert_no_failures(failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{} differences between the fold and the kernel:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_state_folded_from_the_trace_is_the_kernels_state_after_every_step() {
    let files = bundled_scenarios();
    assert!(!files.is_empty(), "no bundled scenarios found");
    let mut failures = Vec::new();
    for file in &files {
        let name = file
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let (mut prepared, parents) = prepare(file);
        // The state before the first step (tasks declared, ports made) is compared
        // too: `step_and_compare` folds whatever the kernel recorded so far.
        let mut state = State::new();
        for record in &prepared.kernel_mut().trace() {
            state.apply(record);
        }
        for difference in differences(&state, prepared.kernel_mut(), &parents) {
            failures.push(format!("{name}, before the first step: {difference}"));
        }
        step_and_compare(&name, prepared.kernel_mut(), &parents, &mut failures);
    }
    assert_no_failures(&failures);
}

// ----- service workloads ------------------------------------------------------------
//
// The scenario-free programs of `services.rs` (and a few more, for the cases they
// leave out: a task killed or ending while it waits or holds handles, a semaphore
// destroyed by its last right going or by a fault, a named pipe unlinked under a
// waiting opener, a large write that goes in over several reads), each stepped and
// compared after every step.

/// A traced kernel for a workload.
fn traced() -> Kernel {
    Kernel::builder().trace(true).build()
}

fn shared_memory_sent_as_a_right() -> Kernel {
    let mut k = traced();
    k.spawn("maker", |cx| async move {
        let object = cx.memory_create(64, Some("shared")).await?;
        let mapping = cx.memory_map(object).await?;
        cx.memory_write(mapping, 8, Width::U32, 0xdead_beef).await?;
        cx.memory_write(mapping, 60, Width::U32, 0x0102_0304)
            .await?;
        share(&cx, object, "user.in").await?;
        cx.memory_unmap(mapping).await?;
        Ok::<(), kernel::Error>(())
    });
    k.spawn("user", move |cx| async move {
        let object = take_right(&cx, "user.in").await?;
        let mapping = cx.memory_map(object).await?;
        let _ = cx.memory_read(mapping, 8, Width::U32).await?;
        let _ = cx.memory_read(mapping, 62, Width::U32).await;
        cx.memory_write(mapping, 0, Width::U64, u64::MAX).await?;
        // Ends still mapping it: the mapping goes with the task.
        Ok::<(), kernel::Error>(())
    });
    with_inboxes(&mut k, "maker", &["user"]);
    k
}

fn memory_freed_once_nothing_maps_or_names_it() -> Kernel {
    let mut k = traced();
    k.spawn("t", move |cx| async move {
        let object = cx.memory_create(16, None).await?;
        let mapping = cx.memory_map(object).await?;
        cx.deallocate(object).await?;
        cx.memory_write(mapping, 0, Width::U8, 7).await?;
        cx.memory_write(mapping, 15, Width::U16, 7)
            .await
            .unwrap_err();
        cx.memory_unmap(mapping).await?;
        for size in [0, 64 << 20, (64 << 20) + 1] {
            let _ = cx.memory_create(size, None).await;
        }
        Ok::<(), kernel::Error>(())
    });
    k
}

fn out_of_line_memory_as_a_virtual_copy() -> Kernel {
    let mut k = traced();
    let mut region = vec![1u8; 4096];
    region[100] = 0x55;
    let original = Bytes::from(region);
    k.spawn("sender", move |cx| async move {
        let to = cx.lookup("receiver.in").ok_or("no inbox")?;
        let message = Message::new(to, 1).with(Item::Ool(Ool { data: original }));
        cx.send(message, SendPolicy::Block).await?;
        Ok::<(), kernel::Error>(())
    });
    k.spawn("receiver", move |cx| async move {
        let inbox = cx.lookup("receiver.in").ok_or("no inbox")?;
        let message = cx
            .receive(inbox, ReceivePolicy::Block, ReceiveOptions::default())
            .await?;
        let Item::Ool(region) = &message.body[0] else {
            return Err("no region".into());
        };
        let object = cx.memory_from_ool(region, Some("copy")).await?;
        let mapping = cx.memory_map(object).await?;
        cx.memory_write(mapping, 0, Width::U8, 9).await?;
        let _ = cx.memory_read(mapping, 0, Width::U8).await?;
        let _ = cx.memory_read(mapping, 96, Width::U64).await?;
        cx.memory_unmap(mapping).await?;
        Ok::<(), kernel::Error>(())
    });
    with_inboxes(&mut k, "sender", &["receiver"]);
    k
}

fn semaphore_waiters_served_in_order() -> Kernel {
    let mut k = traced();
    k.spawn("owner", |cx| async move {
        let gate = cx.semaphore_create(0, Some("gate")).await?;
        share(&cx, gate, "w1.in").await?;
        share(&cx, gate, "w2.in").await?;
        cx.sleep(10).await;
        cx.semaphore_signal(gate).await?;
        cx.sleep(10).await;
        cx.semaphore_signal(gate).await?;
        cx.semaphore_signal(gate).await?;
        Ok::<(), kernel::Error>(())
    });
    for name in ["w1", "w2"] {
        k.spawn(name, move |cx| async move {
            let gate = take_right(&cx, &format!("{}.in", cx.name())).await?;
            cx.semaphore_wait(gate).await?;
            Ok::<(), kernel::Error>(())
        });
    }
    with_inboxes(&mut k, "owner", &["w1", "w2"]);
    k
}

fn semaphore_timed_wait_runs_out() -> Kernel {
    let mut k = traced();
    k.spawn("t", move |cx| async move {
        let gate = cx.semaphore_create(1, None).await?;
        cx.semaphore_timed_wait(gate, 5).await?;
        let _ = cx.semaphore_timed_wait(gate, 5).await.unwrap_err();
        let _ = cx.semaphore_timed_wait(gate, 0).await.unwrap_err();
        Ok::<(), kernel::Error>(())
    });
    k
}

fn semaphore_destroyed_under_its_waiters() -> Kernel {
    let mut k = traced();
    k.spawn("owner", |cx| async move {
        let gate = cx.semaphore_create(0, None).await?;
        share(&cx, gate, "w.in").await?;
        cx.sleep(5).await;
        cx.semaphore_destroy(gate).await?;
        Ok::<(), kernel::Error>(())
    });
    k.spawn("w", move |cx| async move {
        let gate = take_right(&cx, "w.in").await?;
        let _ = cx.semaphore_wait(gate).await.unwrap_err();
        let _ = cx.port_type(gate).await?;
        Ok::<(), kernel::Error>(())
    });
    with_inboxes(&mut k, "owner", &["w"]);
    k
}

fn semaphore_gone_with_its_last_right_and_a_killed_waiter() -> Kernel {
    let mut k = traced();
    k.spawn("owner", |cx| async move {
        let gate = cx.semaphore_create(0, Some("last")).await?;
        share(&cx, gate, "w.in").await?;
        cx.sleep(5).await;
        // The waiter was killed at 3 ms; its right went with it, this is the last.
        cx.deallocate(gate).await?;
        Ok::<(), kernel::Error>(())
    });
    k.spawn("w", move |cx| async move {
        let gate = take_right(&cx, "w.in").await?;
        cx.semaphore_wait(gate).await?;
        Ok::<(), kernel::Error>(())
    });
    with_inboxes(&mut k, "owner", &["w"]);
    k.schedule_fault(3, Some("w"), None).unwrap();
    k
}

fn semaphore_port_destroyed_by_a_fault() -> Kernel {
    let mut k = traced();
    k.spawn("owner", |cx| async move {
        let gate = cx.semaphore_create(0, Some("doomed")).await?;
        share(&cx, gate, "w.in").await?;
        cx.sleep(10).await;
        let _ = cx.semaphore_signal(gate).await;
        Ok::<(), kernel::Error>(())
    });
    k.spawn("w", move |cx| async move {
        let gate = take_right(&cx, "w.in").await?;
        let _ = cx.semaphore_timed_wait(gate, 20).await;
        Ok::<(), kernel::Error>(())
    });
    with_inboxes(&mut k, "owner", &["w"]);
    k.schedule_fault(5, None, Some("doomed")).unwrap();
    k
}

fn memory_ports_destroyed_by_faults() -> Kernel {
    let mut k = traced();
    k.spawn("t", |cx| async move {
        let named = cx.memory_create(8, Some("named_only")).await?;
        let mapped = cx.memory_create(8, Some("mapped")).await?;
        let mapping = cx.memory_map(mapped).await?;
        cx.sleep(10).await;
        let _ = cx.memory_write(mapping, 0, Width::U8, 1).await;
        let _ = cx.memory_unmap(mapping).await;
        let _ = cx.deallocate(named).await;
        Ok::<(), kernel::Error>(())
    });
    k.schedule_fault(5, None, Some("named_only")).unwrap();
    k.schedule_fault(5, None, Some("mapped")).unwrap();
    k
}

/// The textbook's bounded buffer in shared memory, with or without semaphores.
fn producer_consumer(items: u64, synchronised: bool, seed: u64) -> Kernel {
    let mut k = Kernel::builder()
        .trace(true)
        .seed(seed)
        .schedule(ScheduleKind::Random)
        .step_limit(100_000)
        .build();
    workloads::producer_consumer(&mut k, items, synchronised);
    k
}

fn pipe_to_a_child_until_end_of_file() -> Kernel {
    let mut k = traced();
    k.spawn("parent", move |cx| async move {
        let (read, write) = cx.pipe(None).await?;
        cx.spawn("child", move |cx| async move {
            cx.pipe_close(write).await?;
            loop {
                match cx.pipe_read(read, 3, false).await {
                    Ok(_) => {}
                    Err(ServiceError::Eof) => break,
                    Err(e) => return Err(e.into()),
                }
            }
            Ok::<(), kernel::Error>(())
        })
        .await?;
        cx.pipe_close(read).await?;
        cx.pipe_write(write, Bytes::from_static(b"hello, pipe"), false)
            .await?;
        cx.pipe_close(write).await?;
        Ok::<(), kernel::Error>(())
    });
    k
}

fn pipe_write_blocks_while_full() -> Kernel {
    let mut k = traced();
    k.spawn("t", move |cx| async move {
        let (read, write) = cx.pipe(Some(8)).await?;
        cx.spawn("reader", move |cx| async move {
            cx.sleep(10).await;
            let _ = cx.pipe_read(read, 5, false).await?;
            cx.sleep(1).await;
            let _ = cx.pipe_read(read, 3, false).await?;
            let _ = cx.pipe_read(read, 100, false).await?;
            Ok::<(), kernel::Error>(())
        })
        .await?;
        // 700 bytes into 8: not atomic, goes in as room allows.
        let _ = cx
            .pipe_write(write, Bytes::from(vec![7; 12]), false)
            .await?;
        Ok::<(), kernel::Error>(())
    });
    k
}

fn pipe_large_write_over_many_reads() -> Kernel {
    let mut k = traced();
    k.spawn("writer", move |cx| async move {
        let (read, write) = cx.pipe(Some(600)).await?;
        cx.spawn("reader", move |cx| async move {
            cx.pipe_close(write).await?;
            loop {
                cx.sleep(1).await;
                match cx.pipe_read(read, 250, false).await {
                    Ok(_) => {}
                    Err(ServiceError::Eof) => break,
                    Err(e) => return Err(e.into()),
                }
            }
            Ok::<(), kernel::Error>(())
        })
        .await?;
        cx.pipe_close(read).await?;
        let data: Vec<u8> = (0..2000u32).map(|i| i as u8).collect();
        cx.pipe_write(write, Bytes::from(data), false).await?;
        Ok::<(), kernel::Error>(())
    });
    k
}

fn pipe_atomic_and_no_wait_writes_and_broken_pipe() -> Kernel {
    let mut k = traced();
    k.spawn("t", |cx| async move {
        let (read, write) = cx.pipe(Some(1000)).await?;
        cx.pipe_write(write, Bytes::from(vec![1; 600]), false)
            .await?;
        let _ = cx
            .pipe_write(write, Bytes::from(vec![2; 500]), true)
            .await
            .unwrap_err();
        let _ = cx
            .pipe_write(write, Bytes::from(vec![3; 700]), true)
            .await?;
        let _ = cx.pipe_read(read, 10, true).await?;
        cx.pipe_close(read).await?;
        let _ = cx
            .pipe_write(write, Bytes::from_static(b"x"), false)
            .await
            .unwrap_err();
        let _ = cx.pipe_read(99, 1, true).await.unwrap_err();
        Ok::<(), kernel::Error>(())
    });
    k
}

fn pipe_reader_killed_while_waiting_and_holder_ending() -> Kernel {
    let mut k = traced();
    // Declared, so that faults can name them; spawned after the pipe, they inherit
    // its ends as handles 3 (read) and 4 (write).
    k.declare("victim", |cx| async move {
        let _ = cx.pipe_read(3, 4, false).await;
        Ok::<(), kernel::Error>(())
    });
    k.declare("writer", |cx| async move {
        // Fills the pipe, then waits to write the rest; ends by a kill.
        let _ = cx.pipe_write(4, Bytes::from(vec![5; 40]), false).await;
        Ok::<(), kernel::Error>(())
    });
    k.spawn("parent", |cx| async move {
        let (read, write) = cx.pipe(Some(16)).await?;
        assert_eq!((read, write), (3, 4));
        cx.spawn_declared("victim").await?;
        cx.sleep(5).await;
        cx.spawn_declared("writer").await?;
        cx.sleep(20).await;
        // Ends holding both ends: they close with it.
        Ok::<(), kernel::Error>(())
    });
    k.schedule_fault(1, Some("victim"), None).unwrap();
    k.schedule_fault(10, Some("writer"), None).unwrap();
    k
}

fn early_child_and_stranger_get_bad_handles() -> Kernel {
    let mut k = traced();
    k.spawn("parent", move |cx| async move {
        cx.spawn("early", move |cx| async move {
            cx.sleep(1).await;
            let _ = cx.pipe_read(3, 1, true).await.unwrap_err();
            Ok::<(), kernel::Error>(())
        })
        .await?;
        let (_read, _write) = cx.pipe(None).await?;
        cx.sleep(2).await;
        Ok::<(), kernel::Error>(())
    });
    k.spawn("stranger", move |cx| async move {
        cx.sleep(1).await;
        let _ = cx.pipe_read(3, 1, true).await.unwrap_err();
    });
    k
}

fn fifo_outlives_its_creator_until_unlinked() -> Kernel {
    let mut k = traced();
    k.spawn("creator", |cx| async move {
        cx.named_pipe_create("/tmp/fifo", PipeMode::Fifo, None)
            .await?;
        Ok::<(), kernel::Error>(())
    });
    k.spawn_at("reader", 5, move |cx| async move {
        let read = cx.named_pipe_open("/tmp/fifo", Access::Read, false).await?;
        let _ = cx.pipe_read(read, 64, false).await?;
        let _ = cx.pipe_read(read, 64, false).await.unwrap_err();
        Ok::<(), kernel::Error>(())
    });
    k.spawn_at("writer", 10, move |cx| async move {
        let write = cx
            .named_pipe_open("/tmp/fifo", Access::Write, false)
            .await?;
        cx.named_pipe_unlink("/tmp/fifo").await?;
        cx.pipe_write(write, Bytes::from_static(b"over the fifo"), false)
            .await?;
        cx.sleep(1).await;
        cx.pipe_close(write).await?;
        let _ = cx
            .named_pipe_open("/tmp/fifo", Access::Write, true)
            .await
            .unwrap_err();
        Ok::<(), kernel::Error>(())
    });
    k
}

fn fifo_no_wait_opens_and_a_read_write_open() -> Kernel {
    let mut k = traced();
    k.spawn("t", move |cx| async move {
        cx.named_pipe_create("p", PipeMode::Fifo, Some(64)).await?;
        let _ = cx
            .named_pipe_open("p", Access::Write, true)
            .await
            .unwrap_err();
        let read = cx.named_pipe_open("p", Access::Read, true).await?;
        let _write = cx.named_pipe_open("p", Access::Write, true).await?;
        let both = cx.named_pipe_open("p", Access::ReadWrite, true).await?;
        cx.pipe_write(both, Bytes::from_static(b"to myself"), false)
            .await?;
        let _ = cx.pipe_read(read, 4, false).await?;
        let _ = cx
            .named_pipe_create("p", PipeMode::Duplex, None)
            .await
            .unwrap_err();
        Ok::<(), kernel::Error>(())
    });
    k
}

fn fifo_unlinked_under_a_waiting_opener() -> Kernel {
    let mut k = traced();
    k.spawn("creator", |cx| async move {
        cx.named_pipe_create("lonely", PipeMode::Fifo, None).await?;
        cx.sleep(5).await;
        cx.named_pipe_unlink("lonely").await?;
        Ok::<(), kernel::Error>(())
    });
    k.spawn_at("opener", 1, |cx| async move {
        let _ = cx
            .named_pipe_open("lonely", Access::Write, false)
            .await
            .unwrap_err();
        Ok::<(), kernel::Error>(())
    });
    k.spawn_at("acceptor", 1, |cx| async move {
        let _ = cx.named_pipe_accept("lonely", false).await.unwrap_err();
        Ok::<(), kernel::Error>(())
    });
    k
}

fn duplex_named_pipe_with_two_clients() -> Kernel {
    let mut k = traced();
    k.spawn("server", move |cx| async move {
        cx.named_pipe_create(r"\.\pipe\svc", PipeMode::Duplex, None)
            .await?;
        for _ in 0..2 {
            let end = cx.named_pipe_accept(r"\.\pipe\svc", false).await?;
            let request = cx.pipe_read(end, 64, false).await?;
            let mut reply = b"hi ".to_vec();
            reply.extend_from_slice(&request);
            cx.pipe_write(end, Bytes::from(reply), false).await?;
            cx.pipe_close(end).await?;
        }
        cx.named_pipe_unlink(r"\.\pipe\svc").await?;
        Ok::<(), kernel::Error>(())
    });
    for (name, at) in [("ann", 1), ("bob", 1), ("cy", 0)] {
        k.spawn_at(name, at, move |cx| async move {
            // The third client finds the name unlinked (`no_such_path`).
            let Ok(end) = cx
                .named_pipe_open(r"\.\pipe\svc", Access::ReadWrite, false)
                .await
            else {
                return Ok(());
            };
            cx.pipe_write(end, Bytes::from(cx.name().to_string()), false)
                .await?;
            let _ = cx.pipe_read(end, 64, false).await?;
            Ok::<(), kernel::Error>(())
        });
    }
    k
}

/// Every service workload, by name, with the spawns it makes (child, parent).
/// A `send_receive` (its receive phase a step of its own) and tasks that end by
/// `exit`: steps count the same in the fold and the kernel.
fn steps_of_a_combined_call_and_of_ends_by_hand() -> Kernel {
    let mut k = traced();
    k.spawn("server", |cx| async move {
        let inbox = cx.lookup("server.in").ok_or("no inbox")?;
        for _ in 0..2 {
            let request = cx
                .receive(inbox, ReceivePolicy::Block, ReceiveOptions::default())
                .await?;
            let reply = Message::new(request.header.reply, 2)
                .with_dest_disposition(Disposition::MoveSendOnce);
            cx.send(reply, SendPolicy::Block).await?;
        }
        cx.exit(3).await;
        Ok::<(), kernel::Error>(())
    });
    k.spawn("client", |cx| async move {
        let server = cx.lookup("server.in").ok_or("no server")?;
        let reply = cx
            .allocate_port(QueueLimit::DEFAULT, Some("client.reply"))
            .await?;
        for _ in 0..2 {
            let request = Message::new(server, 1).with_reply(reply, Disposition::MakeSendOnce);
            cx.send_receive(
                request,
                SendPolicy::Block,
                reply,
                ReceivePolicy::Block,
                ReceiveOptions::default(),
            )
            .await?;
        }
        cx.exit(0).await;
        Ok::<(), kernel::Error>(())
    });
    with_inboxes(&mut k, "client", &["server"]);
    k
}

fn service_workloads() -> Vec<(String, Kernel, Parents)> {
    let mut workloads: Vec<(String, Kernel, Parents)> = vec![
        (
            "steps of a combined call and of ends by hand".into(),
            steps_of_a_combined_call_and_of_ends_by_hand(),
            parents(&[]),
        ),
        (
            "shared memory sent as a right".into(),
            shared_memory_sent_as_a_right(),
            parents(&[]),
        ),
        (
            "memory freed once nothing maps or names it".into(),
            memory_freed_once_nothing_maps_or_names_it(),
            parents(&[]),
        ),
        (
            "out-of-line memory as a virtual copy".into(),
            out_of_line_memory_as_a_virtual_copy(),
            parents(&[]),
        ),
        (
            "semaphore waiters served in order".into(),
            semaphore_waiters_served_in_order(),
            parents(&[]),
        ),
        (
            "semaphore timed wait runs out".into(),
            semaphore_timed_wait_runs_out(),
            parents(&[]),
        ),
        (
            "semaphore destroyed under its waiters".into(),
            semaphore_destroyed_under_its_waiters(),
            parents(&[]),
        ),
        (
            "semaphore gone with its last right, a waiter killed".into(),
            semaphore_gone_with_its_last_right_and_a_killed_waiter(),
            parents(&[]),
        ),
        (
            "semaphore port destroyed by a fault".into(),
            semaphore_port_destroyed_by_a_fault(),
            parents(&[]),
        ),
        (
            "memory ports destroyed by faults".into(),
            memory_ports_destroyed_by_faults(),
            parents(&[]),
        ),
        (
            "pipe to a child until end of file".into(),
            pipe_to_a_child_until_end_of_file(),
            parents(&[("child", "parent")]),
        ),
        (
            "pipe write blocks while full".into(),
            pipe_write_blocks_while_full(),
            parents(&[("reader", "t")]),
        ),
        (
            "pipe large write over many reads".into(),
            pipe_large_write_over_many_reads(),
            parents(&[("reader", "writer")]),
        ),
        (
            "pipe atomic and no-wait writes, broken pipe".into(),
            pipe_atomic_and_no_wait_writes_and_broken_pipe(),
            parents(&[]),
        ),
        (
            "pipe reader killed while waiting, holder ending".into(),
            pipe_reader_killed_while_waiting_and_holder_ending(),
            parents(&[("victim", "parent"), ("writer", "parent")]),
        ),
        (
            "early child and stranger get bad handles".into(),
            early_child_and_stranger_get_bad_handles(),
            parents(&[("early", "parent")]),
        ),
        (
            "fifo outlives its creator until unlinked".into(),
            fifo_outlives_its_creator_until_unlinked(),
            parents(&[]),
        ),
        (
            "fifo no-wait opens and a read-write open".into(),
            fifo_no_wait_opens_and_a_read_write_open(),
            parents(&[]),
        ),
        (
            "fifo unlinked under a waiting opener".into(),
            fifo_unlinked_under_a_waiting_opener(),
            parents(&[]),
        ),
        (
            "duplex named pipe with clients".into(),
            duplex_named_pipe_with_two_clients(),
            parents(&[]),
        ),
    ];
    for seed in 0..3 {
        for synchronised in [true, false] {
            workloads.push((
                format!("producer and consumer (synchronised {synchronised}, seed {seed})"),
                producer_consumer(6, synchronised, seed),
                Parents::new(),
            ));
        }
    }
    workloads
}

/// Steps every workload to its end comparing the fold with the kernel after each
/// step, and asserts they never differ and the fold meets no event it cannot
/// explain.
fn assert_the_fold_follows(workloads: Vec<(String, Kernel, Parents)>) {
    let mut failures = Vec::new();
    for (name, mut kernel, parents) in workloads {
        step_and_compare(&name, &mut kernel, &parents, &mut failures);
        let state = State::from_records(&kernel.trace());
        for problem in state.inconsistencies() {
            failures.push(format!(
                "{name}: inconsistency at event {}: {}",
                problem.seq, problem.problem
            ));
        }
    }
    assert_no_failures(&failures);
}

#[test]
fn the_state_folded_from_a_service_workloads_trace_is_the_kernels_after_every_step() {
    assert_the_fold_follows(service_workloads());
}

#[test]
fn every_service_event_kind_occurs_in_the_workloads() {
    let mut seen = BTreeSet::new();
    for (_, mut kernel, _) in service_workloads() {
        harness::run_clean(&mut kernel);
        for record in kernel.trace() {
            let debug = format!("{:?}", record.event);
            let kind = debug.split([' ', '{']).next().unwrap_or_default();
            seen.insert(kind.to_string());
        }
    }
    let wanted = [
        "MemoryCreated",
        "MemoryMapped",
        "MemoryRead",
        "MemoryWritten",
        "MemoryUnmapped",
        "MemoryFreed",
        "SemaphoreCreated",
        "SemaphoreAcquired",
        "SemaphoreBlocked",
        "SemaphoreSignalled",
        "SemaphoreDestroyed",
        "PipeCreated",
        "PipeEndOpened",
        "PipeEndClosed",
        "PipeWritten",
        "PipeRead",
        "PipeBlocked",
        "PipeDestroyed",
        "NamedPipeCreated",
        "NamedPipeWaiting",
        "NamedPipeOpened",
        "NamedPipeConnected",
        "NamedPipeUnlinked",
    ];
    let missing: Vec<&str> = wanted.into_iter().filter(|w| !seen.contains(*w)).collect();
    assert!(missing.is_empty(), "no workload makes {missing:?}");
}

#[test]
fn an_object_made_from_out_of_line_memory_starts_unknown_until_written_or_read() {
    // `memory_created` does not carry the region's bytes, so the fold knows an
    // object made by `memory_from_ool` only where it was written or read since.
    let mut kernel = out_of_line_memory_as_a_virtual_copy();
    let mut state = State::new();
    while kernel.step() {
        for record in &kernel.trace()[state.seq() as usize..] {
            state.apply(record);
        }
        let Some(copy) = state.memory_object("copy") else {
            continue;
        };
        let contents = kernel.inspect(|i| i.memory_objects())[0].contents.clone();
        for (at, byte) in contents.iter().enumerate() {
            if let Some(known) = copy.contents.byte(at) {
                assert_eq!(known, *byte, "byte {at}");
            }
        }
        if copy.mappings.is_empty() && copy.contents.byte(0) == Some(9) {
            // Written: byte 0; read: bytes 0 and 96..104; the rest unknown.
            assert_eq!(copy.contents.unknown_count(), 4096 - 9);
            assert_eq!(copy.contents.byte(100), Some(0x55));
            assert_eq!(copy.contents.byte(1), None);
            return;
        }
    }
    panic!("the object was never unmapped after its write");
}
