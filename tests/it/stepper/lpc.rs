//! The fold's LPC state against the kernel's: every LPC port (kind, name, holder,
//! connection, other end, context, deleted name, limit, queue, receivers, reply
//! chain) and every task's reply slot, after every step of every case of
//! `lpc.rs`.

use super::{Parents, assert_the_fold_follows, paired};
use kernel::Kernel;
use std::collections::BTreeSet;
use views::stepper::State;

/// Every difference between the fold's LPC state and the kernel's, one line each.
pub(super) fn differences(state: &State, kernel: &Kernel, out: &mut Vec<String>) {
    let (ports, slots) = kernel.inspect(|i| (i.lpc_ports(), i.lpc_slots()));
    let fold = state.lpc_ports().map(|p| (&*p.label, p));
    let alive = ports.iter().map(|p| (p.label.as_str(), p));
    for (label, f, k) in paired("LPC port", fold, alive, out) {
        let mut field = |name: &str, fold: String, kernel: String| {
            if fold != kernel {
                out.push(format!(
                    "LPC port {label}: {name}: fold {fold}, kernel {kernel}"
                ));
            }
        };
        let names = |list: &[String]| format!("{list:?}");
        let labels = |list: &[trace::Label]| {
            format!(
                "{:?}",
                list.iter().map(|l| l.to_string()).collect::<Vec<_>>()
            )
        };
        field("kind", f.kind.to_string(), k.kind.to_string());
        field(
            "name",
            format!("{:?}", f.name.as_deref()),
            format!("{:?}", k.name.as_deref()),
        );
        field(
            "holder",
            format!("{:?}", f.holder.as_ref().map(|(t, h)| (t.to_string(), *h))),
            format!("{:?}", k.holder),
        );
        field(
            "connection",
            format!("{:?}", f.connection.as_deref()),
            format!("{:?}", k.connection.as_deref()),
        );
        field(
            "connected",
            format!("{:?}", f.connected.as_deref()),
            format!("{:?}", k.connected.as_deref()),
        );
        field("context", f.context.to_string(), k.context.to_string());
        field(
            "name deleted",
            f.name_deleted.to_string(),
            k.name_deleted.to_string(),
        );
        field(
            "max message length",
            f.max_message_length.to_string(),
            k.max_message_length.to_string(),
        );
        field("queue", format!("{:?}", f.queue), format!("{:?}", k.queue));
        field("receivers", labels(&f.receivers), names(&k.receivers));
        field("reply chain", labels(&f.reply_chain), names(&k.reply_chain));
    }
    let kernel_slots: BTreeSet<String> = slots
        .iter()
        .filter(|s| {
            s.message_id != 0
                || s.chain.is_some()
                || s.parked.is_some()
                || !s.terminate_ports.is_empty()
        })
        .map(|s| {
            format!(
                "{}: #{} via {:?}, parked {:?}, terminate ports {:?}",
                s.task, s.message_id, s.chain, s.parked, s.terminate_ports
            )
        })
        .collect();
    let fold_slots: BTreeSet<String> = state
        .reply_slots()
        .map(|(task, s)| {
            let chain = s.chain.as_deref().map(str::to_string);
            let terminate: Vec<String> = s.terminate_ports.iter().map(|p| p.to_string()).collect();
            format!(
                "{task}: #{} via {chain:?}, parked {:?}, terminate ports {terminate:?}",
                s.message_id, s.parked
            )
        })
        .collect();
    for missing in kernel_slots.difference(&fold_slots) {
        out.push(format!("reply slot only in the kernel: {missing}"));
    }
    for extra in fold_slots.difference(&kernel_slots) {
        out.push(format!("reply slot only in the fold: {extra}"));
    }
}

#[test]
fn the_lpc_state_folded_from_the_trace_is_the_kernels_after_every_step() {
    // The LPC cases spawn no task: no parents to check.
    let workloads = crate::lpc::workloads()
        .into_iter()
        .map(|(name, kernel)| (name, kernel, Parents::new()))
        .collect();
    assert_the_fold_follows(workloads);
}

#[test]
fn every_lpc_event_kind_occurs_in_the_workloads() {
    let mut seen = BTreeSet::new();
    for (_, mut kernel) in crate::lpc::workloads() {
        harness::run_clean(&mut kernel);
        seen.extend(kernel.trace().iter().map(|r| r.event.kind()));
    }
    let missing: Vec<_> = trace::EventKind::ALL
        .into_iter()
        .filter(|k| k.as_str().starts_with("lpc_") || k.as_str().starts_with("memory_bytes_"))
        .filter(|k| !seen.contains(k))
        .collect();
    assert!(missing.is_empty(), "no LPC workload makes {missing:?}");
}
