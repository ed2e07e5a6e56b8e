//! Reading the services' steps: shared memory, semaphores, pipes and named pipes (an
//! extension of the format).
//!
//! Besides labels, these steps name **handles** (a mapping, a pipe end) by task-local
//! names, and named pipes by path. Every handle name a step makes or uses is recorded in
//! the task's [`ScriptHandles`](super::symbols::ScriptHandles), in step order, and every
//! path in the symbols, for the checks in `service_checks` once the file is read.

use toml::de::DeValue;

use super::reader::{Fields, Reader, Value, in_file_order};
use super::suggest::one_of;
use super::symbols::{
    HandleEvent, HandleKinds, HandleUse, LabelKind, LabelNeed, PathDecl, PathNeed, PathUse,
};
use crate::model::{
    DEFAULT_PIPE_READ_MAX, ExpectedData, Op, OpKind, PipeData, PipePolicy, ServiceOp,
};
use kernel::services::DEFAULT_CAPACITY as DEFAULT_PIPE_CAPACITY;
use kernel::{Access, PipeMode, ReceivePolicy, ReturnCode, Width};

/// The keys that say what a `pipe_write` writes; exactly one is given.
const DATA_KEYS: &[&str] = &["str", "bytes", "fill"];

/// The keys of an `expect_data` table; exactly one is given.
const EXPECTED_DATA_KEYS: &[&str] = &["str", "bytes", "size"];

const DATA_EXPECTED: &str = "`str = \"text\"`, `bytes = \"0a1b\"` or `fill = N`";
const EXPECTED_DATA_EXPECTED: &str =
    "`{ str = \"text\" }`, `{ bytes = \"0a1b\" }` or `{ size = N }`";

/// A service's step, as an [`Op`].
fn service(op: ServiceOp) -> Op {
    Op::Service(op)
}

impl Reader<'_> {
    /// A `memory_create` step.
    pub(super) fn memory_create(&mut self, fields: &Fields<'_, '_>) -> Option<Op> {
        let object = self.new_object(fields, "object", LabelKind::Memory);
        let size = self
            .required(fields, "size", "the size in bytes, such as `size = 64`")
            .and_then(|size| self.integer(size, "size"));
        Some(service(ServiceOp::MemoryCreate {
            object: object?,
            size: size?,
        }))
    }

    /// A `memory_from_ool` step.
    pub(super) fn memory_from_ool(&mut self, fields: &Fields<'_, '_>) -> Option<Op> {
        let object = self.new_object(fields, "object", LabelKind::Memory);
        let item = self.maybe(fields, "item", Self::integer);
        Some(service(ServiceOp::MemoryFromOol {
            object: object?,
            item: item?,
        }))
    }

    /// A `memory_map` step.
    pub(super) fn memory_map(&mut self, fields: &Fields<'_, '_>) -> Option<Op> {
        let object = self
            .required(fields, "object", "the label of a memory object")
            .and_then(|object| self.label_ref(object, "object", LabelNeed::Memory));
        let mapping = self.define_handle(fields, "mapping", HandleKinds::MAPPING);
        Some(service(ServiceOp::MemoryMap {
            object: object?,
            mapping: mapping?,
        }))
    }

    /// The `mapping`, `offset` (0 when absent) and `width` (`u64` when absent) of a
    /// `memory_read` or `memory_write` step.
    fn memory_access(
        &mut self,
        fields: &Fields<'_, '_>,
        op: OpKind,
    ) -> (Option<String>, Option<u32>, Option<Width>) {
        let mapping = self.use_handle(fields, "mapping", HandleKinds::MAPPING, op);
        let offset = self.optional(fields, "offset", 0, Self::integer);
        let width = self.optional(fields, "width", Width::U64, Self::word);
        (mapping, offset, width)
    }

    /// A `memory_read` step.
    pub(super) fn memory_read(&mut self, fields: &Fields<'_, '_>) -> Option<Op> {
        let (mapping, offset, width) = self.memory_access(fields, OpKind::MemoryRead);
        let expect_value = self.maybe(fields, "expect_value", |reader, value, key| {
            reader.memory_value(value, key, width)
        });
        Some(service(ServiceOp::MemoryRead {
            mapping: mapping?,
            offset: offset?,
            width: width?,
            expect_value: expect_value?,
        }))
    }

    /// A `memory_write` step.
    pub(super) fn memory_write(&mut self, fields: &Fields<'_, '_>) -> Option<Op> {
        let (mapping, offset, width) = self.memory_access(fields, OpKind::MemoryWrite);
        let value = self
            .required(fields, "value", "the value to write, such as `value = 7`")
            .and_then(|value| self.memory_value(value, "value", width));
        Some(service(ServiceOp::MemoryWrite {
            mapping: mapping?,
            offset: offset?,
            width: width?,
            value: value?,
        }))
    }

    /// A `memory_unmap` step.
    pub(super) fn memory_unmap(&mut self, fields: &Fields<'_, '_>) -> Option<Op> {
        let mapping = self.use_handle(fields, "mapping", HandleKinds::MAPPING, OpKind::MemoryUnmap);
        Some(service(ServiceOp::MemoryUnmap { mapping: mapping? }))
    }

    /// A `semaphore_create` step.
    pub(super) fn semaphore_create(&mut self, fields: &Fields<'_, '_>) -> Option<Op> {
        let semaphore = self.new_object(fields, "semaphore", LabelKind::Semaphore);
        let value = self.optional(fields, "value", 0, Self::integer);
        Some(service(ServiceOp::SemaphoreCreate {
            semaphore: semaphore?,
            value: value?,
        }))
    }

    /// A `semaphore_wait` step.
    pub(super) fn semaphore_wait(&mut self, fields: &Fields<'_, '_>) -> Option<Op> {
        let semaphore = self.semaphore_ref(fields);
        let on_empty = self.optional(
            fields,
            "on_empty",
            ReceivePolicy::Block,
            Self::receive_policy,
        );
        Some(service(ServiceOp::SemaphoreWait {
            semaphore: semaphore?,
            on_empty: on_empty?,
        }))
    }

    /// A `semaphore_signal` step.
    pub(super) fn semaphore_signal(&mut self, fields: &Fields<'_, '_>) -> Option<Op> {
        let semaphore = self.semaphore_ref(fields)?;
        Some(service(ServiceOp::SemaphoreSignal { semaphore }))
    }

    /// A `semaphore_destroy` step.
    pub(super) fn semaphore_destroy(&mut self, fields: &Fields<'_, '_>) -> Option<Op> {
        let semaphore = self.semaphore_ref(fields)?;
        Some(service(ServiceOp::SemaphoreDestroy { semaphore }))
    }

    /// A `pipe_write` step.
    pub(super) fn pipe_write(&mut self, fields: &Fields<'_, '_>) -> Option<Op> {
        let handle = self.use_handle(fields, "handle", HandleKinds::WRITE, OpKind::PipeWrite);
        let data = self.pipe_data(fields);
        let on_full = self.optional(fields, "on_full", PipePolicy::Block, Self::pipe_policy);
        let expect_written = self.maybe(fields, "expect_written", Self::integer);
        Some(service(ServiceOp::PipeWrite {
            handle: handle?,
            data: data?,
            on_full: on_full?,
            expect_written: expect_written?,
        }))
    }

    /// A `pipe_close` step.
    pub(super) fn pipe_close(&mut self, fields: &Fields<'_, '_>) -> Option<Op> {
        let handle = self.use_handle(fields, "handle", HandleKinds::PIPE, OpKind::PipeClose)?;
        Some(service(ServiceOp::PipeClose { handle }))
    }

    /// A `named_pipe_create` step.
    pub(super) fn named_pipe_create(&mut self, fields: &Fields<'_, '_>) -> Option<Op> {
        let path = self.path(fields);
        let mode = self.optional(fields, "mode", PipeMode::Fifo, Self::word);
        match &path {
            Some((path, _)) => self.symbols.paths.push(PathDecl {
                path: path.clone(),
                mode,
                section_span: None,
            }),
            None => self.symbols.paths_incomplete = true,
        }
        let capacity = self.optional_pipe_capacity(fields);
        Some(service(ServiceOp::NamedPipeCreate {
            path: path?.0,
            mode: mode?,
            capacity: capacity?,
        }))
    }

    /// A `named_pipe_open` step.
    pub(super) fn named_pipe_open(&mut self, fields: &Fields<'_, '_>) -> Option<Op> {
        let path = self.path_use(fields, PathNeed::Any);
        let access = self
            .required(fields, "access", "\"read\", \"write\" or \"read_write\"")
            .and_then(|access| self.word::<Access>(access, "access"));
        let kinds = match access {
            Some(Access::Read) => HandleKinds::READ,
            Some(Access::Write) => HandleKinds::WRITE,
            Some(Access::ReadWrite) | None => HandleKinds::PIPE,
        };
        let handle = self.define_handle(fields, "handle", kinds);
        let no_wait = self.no_wait(fields);
        Some(service(ServiceOp::NamedPipeOpen {
            path: path?,
            access: access?,
            handle: handle?,
            no_wait: no_wait?,
        }))
    }

    /// A `named_pipe_accept` step.
    pub(super) fn named_pipe_accept(&mut self, fields: &Fields<'_, '_>) -> Option<Op> {
        let path = self.path_use(fields, PathNeed::Duplex);
        let handle = self.define_handle(fields, "handle", HandleKinds::PIPE);
        let no_wait = self.no_wait(fields);
        Some(service(ServiceOp::NamedPipeAccept {
            path: path?,
            handle: handle?,
            no_wait: no_wait?,
        }))
    }

    /// A `named_pipe_unlink` step.
    pub(super) fn named_pipe_unlink(&mut self, fields: &Fields<'_, '_>) -> Option<Op> {
        let path = self.path_use(fields, PathNeed::Any)?;
        Some(service(ServiceOp::NamedPipeUnlink { path }))
    }

    /// Records a step's part in the handle names of the script being read.
    pub(super) fn handle_event(&mut self, event: HandleEvent) {
        if let Some(script) = &mut self.script {
            script.events.push(event);
        }
    }

    /// The label of a new memory object or semaphore (`key`, required).
    fn new_object(
        &mut self,
        fields: &Fields<'_, '_>,
        key: &str,
        kind: LabelKind,
    ) -> Option<String> {
        let expected = match kind {
            LabelKind::Semaphore => "a new label, such as `semaphore = \"empty\"`",
            _ => "a new label, such as `object = \"buffer\"`",
        };
        self.required_new_label(fields, key, expected, kind)
    }

    /// The `semaphore` of a step that uses one.
    fn semaphore_ref(&mut self, fields: &Fields<'_, '_>) -> Option<String> {
        self.required(fields, "semaphore", "the label of a semaphore")
            .and_then(|semaphore| self.label_ref(semaphore, "semaphore", LabelNeed::Semaphore))
    }

    /// A handle name the step makes (`key`, required).
    fn define_handle(
        &mut self,
        fields: &Fields<'_, '_>,
        key: &str,
        kinds: HandleKinds,
    ) -> Option<String> {
        let expected = format!(
            "a handle name, such as `{key} = \"{}\"`",
            example_handle(key)
        );
        let name = self
            .required(fields, key, &expected)
            .and_then(|value| self.name(value, key))
            .map(str::to_owned);
        match &name {
            Some(name) => self.handle_event(HandleEvent::Define {
                name: name.clone(),
                kinds,
            }),
            None => {
                if let Some(script) = &mut self.script {
                    script.incomplete = true;
                }
            }
        }
        name
    }

    /// A handle name the step uses (`key`, required), which must stand for one of `needs`.
    fn use_handle(
        &mut self,
        fields: &Fields<'_, '_>,
        key: &str,
        needs: HandleKinds,
        op: OpKind,
    ) -> Option<String> {
        let expected = format!(
            "a handle name, such as `{key} = \"{}\"`",
            example_handle(key)
        );
        let value = self.required(fields, key, &expected)?;
        let name = self.name(value, key)?.to_owned();
        let tolerated = self.step_tolerates(ReturnCode::BadHandle);
        self.handle_event(HandleEvent::Use(HandleUse {
            name: name.clone(),
            span: value.span(),
            needs,
            op,
            tolerated,
        }));
        Some(name)
    }

    /// A `pipe` step.
    pub(super) fn pipe(&mut self, fields: &Fields<'_, '_>) -> Option<Op> {
        let read = self.define_handle(fields, "read", HandleKinds::READ);
        let write = self.define_handle(fields, "write", HandleKinds::WRITE);
        if let (Some(read), Some(write), Some(value)) = (&read, &write, fields.get("write"))
            && read == write
        {
            self.sink
                .error(
                    value.span(),
                    format!("`read` and `write` both name the handle `{read}`"),
                )
                .expected("two different handle names")
                .help("the second would hide the first: name the ends, for example, `r` and `w`");
            return None;
        }
        let capacity = self.optional_pipe_capacity(fields);
        Some(service(ServiceOp::Pipe {
            read: read?,
            write: write?,
            capacity: capacity?,
        }))
    }

    /// A `pipe` or `named_pipe_create` step's `capacity`: 4096 when absent. Any `u32` is
    /// valid here; the kernel refuses 0 and over 1 MiB with `invalid_value` when it runs.
    fn optional_pipe_capacity(&mut self, fields: &Fields<'_, '_>) -> Option<u32> {
        self.optional(fields, "capacity", DEFAULT_PIPE_CAPACITY, Self::integer)
    }

    /// A `pipe_read` step.
    pub(super) fn pipe_read(&mut self, fields: &Fields<'_, '_>) -> Option<Op> {
        let handle = self.use_handle(fields, "handle", HandleKinds::READ, OpKind::PipeRead);
        let max = self.optional(fields, "max", DEFAULT_PIPE_READ_MAX, Self::integer);
        let on_empty = self.optional(fields, "on_empty", PipePolicy::Block, Self::pipe_policy);
        let expect_data = self.maybe(fields, "expect_data", |reader, value, _| {
            reader.expected_data(value)
        });
        if let (Some(max), Some(Some(data)), Some(value)) =
            (max, &expect_data, fields.get("expect_data"))
            && data.len() > max as usize
        {
            self.sink
                .error(
                    value.span(),
                    format!(
                        "`expect_data` has {} bytes, more than `max` ({max}) lets a read return",
                        data.len()
                    ),
                )
                .expected(format!("at most {max} bytes"))
                .help("raise `max`, or expect less");
            return None;
        }
        Some(service(ServiceOp::PipeRead {
            handle: handle?,
            max: max?,
            on_empty: on_empty?,
            expect_data: expect_data?,
        }))
    }

    /// What a `pipe_write` writes: exactly one of `str`, `bytes` and `fill`.
    fn pipe_data(&mut self, fields: &Fields<'_, '_>) -> Option<PipeData> {
        let (key, value) = self.one_key(
            fields.table,
            DATA_KEYS,
            fields.span.clone(),
            ("a `pipe_write` step", "write"),
            DATA_EXPECTED,
        )?;
        Some(match key {
            "str" => PipeData::Str(self.string(value, "str")?.to_owned()),
            "bytes" => PipeData::Bytes(self.hex(value)?),
            _ => PipeData::Fill(self.integer(value, "fill")?),
        })
    }

    /// A `pipe_read`'s `expect_data`: a table with one of `str`, `bytes` and `size`.
    fn expected_data(&mut self, value: &Value<'_>) -> Option<ExpectedData> {
        let DeValue::Table(table) = value.get_ref() else {
            self.wrong_type(value, "`expect_data`", EXPECTED_DATA_EXPECTED);
            return None;
        };
        for (key, _) in table.iter() {
            let name = key.get_ref().as_ref();
            if !EXPECTED_DATA_KEYS.contains(&name) {
                let help = self
                    .suggester
                    .did_you_mean(name, EXPECTED_DATA_KEYS.iter().copied());
                self.sink
                    .error(key.span(), format!("unknown key `{name}` in `expect_data`"))
                    .expected(one_of(EXPECTED_DATA_KEYS.iter().copied()))
                    .maybe_help(help);
                return None;
            }
        }
        let (key, item) = self.one_key(
            table,
            EXPECTED_DATA_KEYS,
            value.span(),
            ("`expect_data`", "expect"),
            EXPECTED_DATA_EXPECTED,
        )?;
        Some(match key {
            "str" => ExpectedData::Str(self.string(item, "str")?.to_owned()),
            "bytes" => ExpectedData::Bytes(self.hex(item)?),
            _ => ExpectedData::Size(self.integer(item, "size")?),
        })
    }

    /// The one of `keys` that `table` has, reporting none or several. `context` names the
    /// table and what its data is for ("a `pipe_write` step", "write").
    fn one_key<'v, 'i>(
        &mut self,
        table: &'v toml::de::DeTable<'i>,
        keys: &'static [&'static str],
        span: std::ops::Range<usize>,
        (context, verb): (&str, &str),
        expected: &str,
    ) -> Option<(&'static str, &'v Value<'i>)> {
        let mut found: Option<(&'static str, &'v Value<'i>)> = None;
        for (key, value) in in_file_order(table) {
            let Some(known) = keys.iter().find(|known| **known == key.get_ref().as_ref()) else {
                continue;
            };
            if let Some((first, _)) = found {
                self.sink
                    .error(
                        key.span(),
                        format!("{context} has both `{first}` and `{known}`"),
                    )
                    .expected(format!("one of {expected}"))
                    .help("write one step per piece of data");
                return None;
            }
            found = Some((known, value));
        }
        if found.is_none() {
            self.sink
                .error(span, format!("{context} says nothing to {verb}"))
                .expected(expected.to_owned());
        }
        found
    }

    /// A value read or written in memory, which must fit `width` (when it is known).
    fn memory_value(&mut self, value: &Value<'_>, what: &str, width: Option<Width>) -> Option<u64> {
        let Some(width) = width else {
            return self.integer::<u64>(value, what);
        };
        let bits = width.bytes() * 8;
        let largest = u64::MAX >> (64 - bits);
        let expected = format!("an integer from 0 to {largest} (a `u{bits}`)");
        self.integer_between(value, what, 0, largest, &expected)
    }

    /// A `named_pipe_create`'s `path` (required), with its span.
    fn path(&mut self, fields: &Fields<'_, '_>) -> Option<(String, std::ops::Range<usize>)> {
        let value = self.required(fields, "path", "a path, such as `path = \"/tmp/fifo\"`")?;
        let path = self.name(value, "path")?.to_owned();
        Some((path, value.span()))
    }

    /// The `path` of a step that uses a named pipe, recorded for the checks.
    fn path_use(&mut self, fields: &Fields<'_, '_>, need: PathNeed) -> Option<String> {
        let (path, span) = self.path(fields)?;
        self.symbols.path_uses.push(PathUse {
            path: path.clone(),
            span,
            need,
            tolerates_missing: self.step_tolerates(ReturnCode::NoSuchPath),
            tolerates_wrong_mode: self.step_tolerates(ReturnCode::InvalidValue),
        });
        Some(path)
    }

    /// A `named_pipe_open`'s or `named_pipe_accept`'s `no_wait`: false when absent.
    fn no_wait(&mut self, fields: &Fields<'_, '_>) -> Option<bool> {
        self.optional(fields, "no_wait", false, Self::boolean)
    }
}

/// An example handle name for a key, for `expected` texts.
fn example_handle(key: &str) -> &'static str {
    match key {
        "mapping" => "buf",
        "read" => "r",
        "write" => "w",
        _ => "end",
    }
}
