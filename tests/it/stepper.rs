//! The stepper's fold against the kernel itself: for every bundled scenario, driven
//! one `Kernel::step()` at a time, the state rebuilt from the trace so far must be
//! the state `Kernel::inspect` reports, field by field.

use kernel::Kernel;
use scenarios::stepper::State;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use tests::bundled_scenarios;

/// Parses and prepares a bundled scenario with the stock programs (as
/// `tests::run_scenario_file` does, without running it).
fn prepare(path: &Path) -> scenarios::run::Prepared {
    let registry = tasks::Registry::stock();
    let bytes =
        std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let name = path.display().to_string();
    let (scenario, diagnostics) =
        scenarios::syntax::parse(&name, &bytes, &|p| registry.contains(p));
    let Some(scenario) = scenario.filter(|_| diagnostics.is_empty()) else {
        panic!("{}: does not validate", path.display());
    };
    let resolver = |name: &str, table: &toml::Table| {
        let args = scenarios::program_args::from_toml(table)?;
        registry
            .build(name, &args)
            .map(tasks::Program::into_factory)
            .map_err(|e| e.to_string())
    };
    scenarios::run::prepare(&scenario, &resolver, &scenarios::run::Overrides::default())
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Every difference between the fold and the kernel, one line each.
fn differences(state: &State, kernel: &Kernel) -> Vec<String> {
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
        if f.blocked_ns != task.blocked_ns {
            out.push(format!(
                "task {}: blocked_ns: fold {}, kernel {}",
                task.name, f.blocked_ns, task.blocked_ns
            ));
        }
    }

    let kernel_ports: BTreeMap<&str, _> = ports.iter().map(|p| (p.label.as_str(), p)).collect();
    let fold_ports: BTreeMap<&str, _> = state.ports().map(|p| (&*p.label, p)).collect();
    for label in fold_ports.keys() {
        if !kernel_ports.contains_key(label) {
            out.push(format!(
                "port {label}: alive in the fold, not in the kernel"
            ));
        }
    }
    for (label, k) in &kernel_ports {
        let Some(f) = fold_ports.get(label) else {
            out.push(format!(
                "port {label}: alive in the kernel, not in the fold"
            ));
            continue;
        };
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

    for problem in state.inconsistencies() {
        out.push(format!(
            "inconsistency at event {}: {}",
            problem.seq, problem.problem
        ));
    }
    out
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
        let mut prepared = prepare(file);
        let kernel = prepared.kernel_mut();
        let mut state = State::new();
        let mut steps = 0u64;
        loop {
            let trace = kernel.trace();
            for record in &trace[state.seq() as usize..] {
                state.apply(record);
            }
            for difference in differences(&state, kernel) {
                failures.push(format!(
                    "{name}, after {steps} kernel steps, event {}: {difference}",
                    state.seq()
                ));
            }
            if failures.len() > 50 || !kernel.step() {
                break;
            }
            steps += 1;
        }
        // The last step's events are compared once more after the run is over.
        let trace = kernel.trace();
        for record in &trace[state.seq() as usize..] {
            state.apply(record);
        }
        for difference in differences(&state, kernel) {
            failures.push(format!(
                "{name}, at the end, event {}: {difference}",
                state.seq()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} differences between the fold and the kernel:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
