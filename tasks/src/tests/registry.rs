//! The registry: listing, argument checks, user programs, and spawning.

use super::{exit_of, run_clean};
use crate::{ArgDoc, ArgError, ArgType, ArgValue, Args, BuildError, Program, Registry};
use kernel::{Kernel, QueueLimit, TaskExit};

#[test]
fn the_stock_registry_lists_its_programs_in_name_order() {
    let registry = Registry::stock();
    let names: Vec<&str> = registry.names().collect();
    assert_eq!(
        names,
        [
            "consumer",
            "echo_server",
            "name_server",
            "pipe_reader",
            "pipe_writer",
            "producer",
            "shm_consumer",
            "shm_producer"
        ]
    );
    for info in registry.programs() {
        assert!(
            !info.description.is_empty(),
            "{} has no description",
            info.name
        );
        for arg in &info.args {
            assert!(
                !arg.meaning.is_empty(),
                "{}.{} is undocumented",
                info.name,
                arg.name
            );
        }
    }
}

#[test]
fn every_documented_argument_of_a_stock_program_is_accepted_by_name() {
    let registry = Registry::stock();
    for info in registry.programs() {
        for doc in &info.args {
            let value = match (doc.name, doc.ty) {
                ("policy", _) => ArgValue::from("no_wait"),
                ("kind", _) => ArgValue::from("bounded"),
                ("sync", _) => ArgValue::from("semaphores"),
                ("slots", _) => ArgValue::Int(2),
                ("items", _) => ArgValue::List(vec![ArgValue::Table(
                    Args::new().with("first", 1).with("count", 2),
                )]),
                (_, ArgType::List) => ArgValue::List(vec![ArgValue::from("somewhere")]),
                (_, ArgType::Int) => ArgValue::Int(1),
                (_, ArgType::Bool) => ArgValue::Bool(true),
                _ => ArgValue::from("somewhere"),
            };
            let mut args = Args::new().with(doc.name, value);
            if doc.name == "unlink" {
                // `unlink` is for a named pipe, so it comes with a `path`.
                args.insert("path", "/tmp/fifo");
            }
            assert_eq!(
                registry.validate(&info.name, &args),
                Ok(()),
                "{}.{}",
                info.name,
                doc.name
            );
        }
    }
}

#[test]
fn an_unknown_program_is_a_typed_error_listing_the_registered_ones() {
    let err = Registry::stock().build("echo", &Args::new()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "no program named `echo` is registered \
         (registered: consumer, echo_server, name_server, pipe_reader, pipe_writer, producer, \
         shm_consumer, shm_producer)"
    );
}

#[test]
fn a_misspelt_argument_is_unknown_and_the_error_lists_the_real_ones() {
    let err = Registry::stock()
        .build("echo_server", &Args::new().with("cuont", 3))
        .unwrap_err();
    let BuildError::Args { program, error } = &err else {
        panic!("expected an argument error, got {err:?}");
    };
    assert_eq!(program, "echo_server");
    assert_eq!(error.name(), "cuont");
    assert_eq!(
        err.to_string(),
        "program `echo_server`: unknown argument `cuont`: this program takes \
         `port`, `count`, `reply_offset`, `delay_ms`"
    );
}

#[test]
fn a_wrong_type_is_caught_against_the_documentation() {
    let err = Registry::stock()
        .build("consumer", &Args::new().with("allow_gaps", "yes"))
        .unwrap_err();
    assert_eq!(
        err,
        BuildError::Args {
            program: "consumer".into(),
            error: ArgError::WrongType {
                name: "allow_gaps".into(),
                expected: ArgType::Bool,
                found: ArgType::Str
            }
        }
    );
}

#[test]
fn a_value_the_program_cannot_use_names_the_argument() {
    let registry = Registry::stock();
    let err = registry
        .build("producer", &Args::new().with("policy", "sometimes"))
        .unwrap_err();
    let BuildError::Args { error, .. } = err else {
        panic!("expected an argument error");
    };
    assert_eq!(error.name(), "policy");
    assert!(
        error
            .to_string()
            .starts_with("argument `policy` = \"sometimes\": expected"),
        "{error}"
    );
    let err = registry
        .build("producer", &Args::new().with("count", 1_i64 << 40))
        .unwrap_err();
    assert!(err.to_string().contains("`count` = 1099511627776"), "{err}");
    let err = registry
        .build("producer", &Args::new().with("size", 1_i64 << 40))
        .unwrap_err();
    assert!(err.to_string().contains("message limit"), "{err}");
    let err = registry
        .build("echo_server", &Args::new().with("delay_ms", -5))
        .unwrap_err();
    assert!(err.to_string().contains("must not be negative"), "{err}");
}

#[test]
fn a_missing_required_argument_of_a_user_program_is_reported() {
    let mut registry = Registry::new();
    registry.register(
        "waiter",
        "Sleeps `ms` milliseconds.",
        &[ArgDoc::required("ms", ArgType::Int, "how long")],
        |args| {
            let ms = args.u64("ms")?;
            Ok(Program::new(move |cx| async move { cx.sleep(ms).await }))
        },
    );
    assert!(
        registry
            .info("waiter")
            .is_some_and(|i| i.args[0].is_required())
    );
    assert_eq!(
        registry
            .build("waiter", &Args::new())
            .unwrap_err()
            .to_string(),
        "program `waiter`: missing argument `ms` (an integer)"
    );
}

#[test]
fn a_user_program_replaces_a_stock_one_of_the_same_name() {
    let mut registry = Registry::stock();
    registry.register("echo_server", "Exits with 42.", &[], |_| {
        Ok(Program::new(|_cx| async { 42 }))
    });
    assert_eq!(registry.names().count(), 8);
    let mut kernel = Kernel::builder().build();
    let program = registry.build("echo_server", &Args::new()).unwrap();
    kernel.spawn("mine", program.into_factory());
    run_clean(&mut kernel);
    assert_eq!(exit_of(&kernel, "mine"), Some(TaskExit::Exited(42)));
}

#[test]
fn a_built_program_starts_through_spawn_at_declare_and_a_task_spawn() {
    let registry = Registry::stock();
    let build = |name: &str, args: Args| registry.build(name, &args).unwrap();
    let mut kernel = Kernel::builder().build();
    kernel.spawn_at(
        "producer",
        5,
        build("producer", Args::new().with("count", 2)).into_factory(),
    );
    kernel.declare(
        "consumer",
        build("consumer", Args::new().with("count", 2)).into_factory(),
    );
    let child = build("producer", Args::new().with("count", 0));
    kernel.spawn("parent", move |cx| async move {
        cx.spawn_declared("consumer")
            .await
            .map_err(|e| e.to_string())?;
        cx.spawn("child", child.into_factory())
            .await
            .map_err(|e| e.to_string())?;
        Ok::<(), String>(())
    });
    kernel
        .allocate_port("consumer", "buffer", QueueLimit::DEFAULT)
        .unwrap();
    kernel.give_send_right("producer", "buffer").unwrap();
    let report = run_clean(&mut kernel);
    assert_eq!(report.outcome.as_str(), "completed");
    for task in ["producer", "consumer", "parent", "child"] {
        assert_eq!(exit_of(&kernel, task), Some(TaskExit::Exited(0)), "{task}");
    }
    assert_eq!(report.end_ns, 5_000_000);
}

#[test]
fn a_program_listing_shows_the_description_and_each_argument() {
    let registry = Registry::stock();
    let listing = registry.info("name_server").unwrap().to_string();
    let lines: Vec<&str> = listing.lines().collect();
    assert_eq!(lines[0], "name_server");
    assert!(lines[1].starts_with("    Maps names to send rights"));
    assert_eq!(
        lines[2..],
        [
            "    arguments:",
            "      port (string, default \"names\"): label of the port to serve; \
             this task must hold its receive right",
            "      count (integer, default until no senders): requests to serve before exiting",
        ]
    );
    let doc = ArgDoc::required("ms", ArgType::Int, "how long");
    assert_eq!(doc.to_string(), "ms (integer, required): how long");
}
