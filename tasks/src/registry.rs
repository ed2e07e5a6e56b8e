//! The program registry: task programs by name, so scenario files can name them.
//!
//! A scenario task says `program = "echo_server"` and `args = { ... }`. The registry
//! finds the program, checks the arguments against what it documents (unknown names,
//! types, required ones), and builds a [`Program`]: a task ready to hand to
//! [`Kernel::spawn`](kernel::Kernel::spawn), `spawn_at`, `declare`, or a running
//! task's [`TaskContext::spawn`]. All of that happens before the run, so a bad
//! argument is reported by `machsim check` and never reaches a running kernel.

use crate::args::{ArgError, ArgType, Args};
use kernel::{TaskContext, TaskExit, TaskFactory, TaskOutput};
use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// A task program with its arguments bound, not yet started.
///
/// It is a [`TaskFactory`] with a name of its own: build one with [`Program::new`]
/// from anything [`Kernel::spawn`](kernel::Kernel::spawn) accepts, and start it with
/// `kernel.spawn(task_name, program.into_factory())`.
pub struct Program(TaskFactory);

impl Program {
    /// Wraps a task program: an async function of its [`TaskContext`] returning
    /// `()`, an exit code, a [`TaskExit`] or a `Result<(), E: Display>`.
    pub fn new<F, Fut, O>(program: F) -> Program
    where
        F: FnOnce(TaskContext) -> Fut + Send + 'static,
        Fut: Future<Output = O> + Send + 'static,
        O: TaskOutput,
    {
        Program(Box::new(move |cx| {
            Box::pin(async move { program(cx).await.into_exit() })
        }))
    }

    /// The program as the kernel's [`TaskFactory`], which `Kernel::spawn`,
    /// `spawn_at`, `declare` and `TaskContext::spawn` all accept.
    pub fn into_factory(self) -> TaskFactory {
        self.0
    }

    /// Starts the program on `cx`: its future, for a caller that drives it itself.
    pub fn start(self, cx: TaskContext) -> Pin<Box<dyn Future<Output = TaskExit> + Send>> {
        (self.0)(cx)
    }
}

impl fmt::Debug for Program {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Program(..)")
    }
}

/// One documented argument of a program, for listings and argument checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ArgDoc {
    /// The argument's name, as written in `args`.
    pub name: &'static str,
    /// The type its value must have.
    pub ty: ArgType,
    /// What happens when it is left out, in words (`"5"`, `"forever"`), or `None`
    /// when it must be given.
    pub default: Option<&'static str>,
    /// What it means, in one sentence.
    pub meaning: &'static str,
}

impl ArgDoc {
    /// An argument that must be given.
    pub const fn required(name: &'static str, ty: ArgType, meaning: &'static str) -> ArgDoc {
        ArgDoc {
            name,
            ty,
            default: None,
            meaning,
        }
    }

    /// An argument that may be left out; `default` says what that means.
    pub const fn optional(
        name: &'static str,
        ty: ArgType,
        default: &'static str,
        meaning: &'static str,
    ) -> ArgDoc {
        ArgDoc {
            name,
            ty,
            default: Some(default),
            meaning,
        }
    }

    /// True if the argument must be given.
    pub const fn is_required(&self) -> bool {
        self.default.is_none()
    }
}

impl fmt::Display for ArgDoc {
    /// One line of a program listing: `count (integer, default 10): messages to send`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.default {
            Some(default) => write!(f, "{} ({}, default {})", self.name, self.ty, default)?,
            None => write!(f, "{} ({}, required)", self.name, self.ty)?,
        }
        write!(f, ": {}", self.meaning)
    }
}

/// What the registry says about a program: enough to list it and check its args.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProgramInfo {
    /// The name scenario files use (`program = "..."`).
    pub name: String,
    /// One paragraph: what the program does, how it ends, what its exit code means.
    pub description: String,
    /// Its arguments, in the order it documents them.
    pub args: Vec<ArgDoc>,
}

impl ProgramInfo {
    /// The documentation of argument `name`, if the program takes it.
    pub fn arg(&self, name: &str) -> Option<&ArgDoc> {
        self.args.iter().find(|a| a.name == name)
    }

    /// Checks `args` against the documentation: every argument is known and has its
    /// documented type, and every required one is given.
    ///
    /// # Errors
    /// The first problem, in name order: [`ArgError::Unknown`],
    /// [`ArgError::WrongType`], then [`ArgError::Missing`] in documented order.
    pub fn check(&self, args: &Args) -> Result<(), ArgError> {
        for (name, value) in args.iter() {
            let Some(doc) = self.arg(name) else {
                return Err(ArgError::Unknown {
                    name: name.to_string(),
                    known: self.args.iter().map(|a| a.name.to_string()).collect(),
                });
            };
            if !doc.ty.accepts(value.ty()) {
                return Err(ArgError::WrongType {
                    name: name.to_string(),
                    expected: doc.ty,
                    found: value.ty(),
                });
            }
        }
        match self
            .args
            .iter()
            .find(|doc| doc.is_required() && !args.contains(doc.name))
        {
            Some(doc) => Err(ArgError::Missing {
                name: doc.name.to_string(),
                expected: doc.ty,
            }),
            None => Ok(()),
        }
    }
}

impl fmt::Display for ProgramInfo {
    /// The program's entry in a listing: name, description, one line per argument.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.name)?;
        writeln!(f, "    {}", self.description)?;
        if self.args.is_empty() {
            return write!(f, "    arguments: none");
        }
        write!(f, "    arguments:")?;
        for arg in &self.args {
            write!(f, "\n      {arg}")?;
        }
        Ok(())
    }
}

/// Builds a [`Program`] from its arguments, or says which argument is wrong.
pub type Constructor = dyn Fn(&Args) -> Result<Program, ArgError> + Send + Sync;

/// Why a registry could not build a program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BuildError {
    /// No program of that name is registered.
    UnknownProgram {
        /// The name asked for.
        name: String,
        /// The registered names, in order, for a "did you mean".
        known: Vec<String>,
    },
    /// The program refused its arguments.
    Args {
        /// The program's name.
        program: String,
        /// What is wrong with which argument.
        error: ArgError,
    },
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::UnknownProgram { name, known } => {
                write!(f, "no program named `{name}` is registered")?;
                if !known.is_empty() {
                    write!(f, " (registered: {})", known.join(", "))?;
                }
                Ok(())
            }
            BuildError::Args { program, error } => write!(f, "program `{program}`: {error}"),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BuildError::UnknownProgram { .. } => None,
            BuildError::Args { error, .. } => Some(error),
        }
    }
}

#[derive(Clone)]
struct Entry {
    info: ProgramInfo,
    constructor: Arc<Constructor>,
}

/// Task programs by name: the stock ones and any a user registers.
///
/// Kept in a `BTreeMap` so listings come out in name order on every run.
///
/// # Examples
/// ```
/// use kernel::{Kernel, QueueLimit};
/// use tasks::{ArgDoc, ArgType, Args, Program, Registry};
///
/// let mut registry = Registry::stock();
/// registry.register(
///     "sleeper",
///     "Sleeps for `ms` milliseconds of virtual time, then exits 0.",
///     &[ArgDoc::optional("ms", ArgType::Int, "10", "how long to sleep")],
///     |args| {
///         let ms = args.u64_or("ms", 10)?;
///         Ok(Program::new(move |cx| async move { cx.sleep(ms).await }))
///     },
/// );
///
/// let mut kernel = Kernel::builder().build();
/// let sleeper = registry.build("sleeper", &Args::new().with("ms", 25)).unwrap();
/// kernel.spawn("sleeper", sleeper.into_factory());
/// let echo = registry.build("echo_server", &Args::new().with("count", 0)).unwrap();
/// kernel.spawn("echo", echo.into_factory());
/// kernel.allocate_port("echo", "requests", QueueLimit::DEFAULT).unwrap();
/// let report = kernel.run();
/// assert_eq!(report.outcome.as_str(), "completed");
/// assert_eq!(report.end_ns, 25_000_000);
///
/// let wrong = registry.build("sleeper", &Args::new().with("ms", "long"));
/// assert_eq!(
///     wrong.unwrap_err().to_string(),
///     "program `sleeper`: argument `ms` must be an integer, not a string"
/// );
/// ```
#[derive(Clone, Default)]
pub struct Registry {
    programs: BTreeMap<String, Entry>,
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Registry {
        Registry::default()
    }

    /// A registry holding the stock programs (see [`crate::stock`]).
    pub fn stock() -> Registry {
        let mut registry = Registry::new();
        crate::stock::register_all(&mut registry);
        registry
    }

    /// Registers `constructor` as the program `name`, documented by `description`
    /// and `args`. A program already registered under `name` is replaced, so a user
    /// can swap a stock program for their own.
    pub fn register(
        &mut self,
        name: &str,
        description: &str,
        args: &[ArgDoc],
        constructor: impl Fn(&Args) -> Result<Program, ArgError> + Send + Sync + 'static,
    ) -> &mut Registry {
        let info = ProgramInfo {
            name: name.to_string(),
            description: description.to_string(),
            args: args.to_vec(),
        };
        self.programs.insert(
            name.to_string(),
            Entry {
                info,
                constructor: Arc::new(constructor),
            },
        );
        self
    }

    /// True if a program called `name` is registered.
    pub fn contains(&self, name: &str) -> bool {
        self.programs.contains_key(name)
    }

    /// What the registry knows about the program `name`.
    pub fn info(&self, name: &str) -> Option<&ProgramInfo> {
        self.programs.get(name).map(|e| &e.info)
    }

    /// Every registered program, in name order (for `machsim` to list them).
    pub fn programs(&self) -> impl Iterator<Item = &ProgramInfo> {
        self.programs.values().map(|e| &e.info)
    }

    /// Every registered name, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.programs.keys().map(String::as_str)
    }

    /// Builds the program `name` with `args`: checks them against its documented
    /// arguments ([`ProgramInfo::check`]), then runs its constructor, which checks
    /// the values. Nothing runs yet; the result is started by spawning it.
    ///
    /// # Errors
    /// [`BuildError::UnknownProgram`], or [`BuildError::Args`] naming the argument.
    pub fn build(&self, name: &str, args: &Args) -> Result<Program, BuildError> {
        let entry = self
            .programs
            .get(name)
            .ok_or_else(|| BuildError::UnknownProgram {
                name: name.to_string(),
                known: self.programs.keys().cloned().collect(),
            })?;
        let wrap = |error| BuildError::Args {
            program: name.to_string(),
            error,
        };
        entry.info.check(args).map_err(wrap)?;
        (entry.constructor)(args).map_err(wrap)
    }

    /// Checks that [`Registry::build`] would succeed, without keeping the program.
    ///
    /// # Errors
    /// As [`Registry::build`].
    pub fn validate(&self, name: &str, args: &Args) -> Result<(), BuildError> {
        self.build(name, args).map(drop)
    }
}

impl fmt::Debug for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registry")
            .field("programs", &self.programs.keys().collect::<Vec<_>>())
            .finish()
    }
}
