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
    DEFAULT_PIPE_CAPACITY, DEFAULT_PIPE_READ_MAX, ExpectedData, MemoryWidth, Op, OpKind,
    PipeAccess, PipeData, PipeMode, PipePolicy, ReceivePolicy, ResultName,
};

/// The keys that say what a `pipe_write` writes; exactly one is given.
const DATA_KEYS: &[&str] = &["str", "bytes", "fill"];

/// The keys of an `expect_data` table; exactly one is given.
const EXPECTED_DATA_KEYS: &[&str] = &["str", "bytes", "size"];

const DATA_EXPECTED: &str = "`str = \"text\"`, `bytes = \"0a1b\"` or `fill = N`";
const EXPECTED_DATA_EXPECTED: &str =
    "`{ str = \"text\" }`, `{ bytes = \"0a1b\" }` or `{ size = N }`";
const PIPE_POLICY_EXPECTED: &str = "\"block\" or \"no_wait\"";

impl Reader<'_> {
    /// A service step whose keys were already checked.
    pub(super) fn service_op(&mut self, kind: OpKind, fields: &Fields<'_, '_>) -> Option<Op> {
        match kind {
            OpKind::MemoryCreate => {
                let object = self.new_object(fields, "object", LabelKind::Memory);
                let size = self
                    .required(fields, "size", "the size in bytes, such as `size = 64`")
                    .and_then(|size| self.integer(size, "size"));
                Some(Op::MemoryCreate {
                    object: object?,
                    size: size?,
                })
            }
            OpKind::MemoryFromOol => {
                let object = self.new_object(fields, "object", LabelKind::Memory);
                let item = match fields.get("item") {
                    Some(item) => self.integer(item, "item").map(Some),
                    None => Some(None),
                };
                Some(Op::MemoryFromOol {
                    object: object?,
                    item: item?,
                })
            }
            OpKind::MemoryMap => {
                let object = self
                    .required(fields, "object", "the label of a memory object")
                    .and_then(|object| self.label_ref(object, "object", LabelNeed::Memory));
                let mapping = self.define_handle(fields, "mapping", HandleKinds::MAPPING);
                Some(Op::MemoryMap {
                    object: object?,
                    mapping: mapping?,
                })
            }
            OpKind::MemoryRead => {
                let mapping = self.use_handle(fields, "mapping", HandleKinds::MAPPING, kind);
                let offset = self.offset(fields);
                let width = self.width(fields);
                let expect_value = match fields.get("expect_value") {
                    Some(value) => self.memory_value(value, "expect_value", width).map(Some),
                    None => Some(None),
                };
                Some(Op::MemoryRead {
                    mapping: mapping?,
                    offset: offset?,
                    width: width?,
                    expect_value: expect_value?,
                })
            }
            OpKind::MemoryWrite => {
                let mapping = self.use_handle(fields, "mapping", HandleKinds::MAPPING, kind);
                let offset = self.offset(fields);
                let width = self.width(fields);
                let value = self
                    .required(fields, "value", "the value to write, such as `value = 7`")
                    .and_then(|value| self.memory_value(value, "value", width));
                Some(Op::MemoryWrite {
                    mapping: mapping?,
                    offset: offset?,
                    width: width?,
                    value: value?,
                })
            }
            OpKind::MemoryUnmap => self
                .use_handle(fields, "mapping", HandleKinds::MAPPING, kind)
                .map(|mapping| Op::MemoryUnmap { mapping }),
            OpKind::SemaphoreCreate => {
                let semaphore = self.new_object(fields, "semaphore", LabelKind::Semaphore);
                let value = match fields.get("value") {
                    Some(value) => self.integer(value, "value"),
                    None => Some(0),
                };
                Some(Op::SemaphoreCreate {
                    semaphore: semaphore?,
                    value: value?,
                })
            }
            OpKind::SemaphoreWait => {
                let semaphore = self.semaphore_ref(fields);
                let on_empty = match fields.get("on_empty") {
                    Some(policy) => self.receive_policy(policy),
                    None => Some(ReceivePolicy::Block),
                };
                Some(Op::SemaphoreWait {
                    semaphore: semaphore?,
                    on_empty: on_empty?,
                })
            }
            OpKind::SemaphoreSignal => self
                .semaphore_ref(fields)
                .map(|semaphore| Op::SemaphoreSignal { semaphore }),
            OpKind::SemaphoreDestroy => self
                .semaphore_ref(fields)
                .map(|semaphore| Op::SemaphoreDestroy { semaphore }),
            OpKind::Pipe => self.pipe(fields),
            OpKind::PipeWrite => {
                let handle = self.use_handle(fields, "handle", HandleKinds::WRITE, kind);
                let data = self.pipe_data(fields);
                let on_full = match fields.get("on_full") {
                    Some(policy) => self.pipe_policy(policy, "on_full"),
                    None => Some(PipePolicy::Block),
                };
                let expect_written = match fields.get("expect_written") {
                    Some(written) => self.integer(written, "expect_written").map(Some),
                    None => Some(None),
                };
                Some(Op::PipeWrite {
                    handle: handle?,
                    data: data?,
                    on_full: on_full?,
                    expect_written: expect_written?,
                })
            }
            OpKind::PipeRead => self.pipe_read(fields),
            OpKind::PipeClose => self
                .use_handle(fields, "handle", HandleKinds::PIPE, kind)
                .map(|handle| Op::PipeClose { handle }),
            OpKind::NamedPipeCreate => {
                let path = self.path(fields);
                let mode = match fields.get("mode") {
                    Some(mode) => self.keyword(mode, "mode"),
                    None => Some(PipeMode::default()),
                };
                match &path {
                    Some((path, _)) => self.symbols.paths.push(PathDecl {
                        path: path.clone(),
                        mode,
                        section_span: None,
                    }),
                    None => self.symbols.paths_incomplete = true,
                }
                let capacity = self.optional_pipe_capacity(fields);
                Some(Op::NamedPipeCreate {
                    path: path?.0,
                    mode: mode?,
                    capacity: capacity?,
                })
            }
            OpKind::NamedPipeOpen => {
                let path = self.path_use(fields, PathNeed::Any);
                let access = self
                    .required(fields, "access", "\"read\", \"write\" or \"read_write\"")
                    .and_then(|access| self.keyword::<PipeAccess>(access, "access"));
                let kinds = match access {
                    Some(PipeAccess::Read) => HandleKinds::READ,
                    Some(PipeAccess::Write) => HandleKinds::WRITE,
                    Some(PipeAccess::ReadWrite) | None => HandleKinds::PIPE,
                };
                let handle = self.define_handle(fields, "handle", kinds);
                let no_wait = self.no_wait(fields);
                Some(Op::NamedPipeOpen {
                    path: path?,
                    access: access?,
                    handle: handle?,
                    no_wait: no_wait?,
                })
            }
            OpKind::NamedPipeAccept => {
                let path = self.path_use(fields, PathNeed::Duplex);
                let handle = self.define_handle(fields, "handle", HandleKinds::PIPE);
                let no_wait = self.no_wait(fields);
                Some(Op::NamedPipeAccept {
                    path: path?,
                    handle: handle?,
                    no_wait: no_wait?,
                })
            }
            OpKind::NamedPipeUnlink => self
                .path_use(fields, PathNeed::Any)
                .map(|path| Op::NamedPipeUnlink { path }),
            // The ports' ops are read by `read_op`.
            _ => None,
        }
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
        match self.required(fields, key, expected) {
            Some(label) => self.new_label(label, key, kind),
            None => {
                self.symbols.labels_incomplete = true;
                None
            }
        }
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
        let tolerated = self.step_tolerates(ResultName::BadHandle);
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
    fn pipe(&mut self, fields: &Fields<'_, '_>) -> Option<Op> {
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
        Some(Op::Pipe {
            read: read?,
            write: write?,
            capacity: capacity?,
        })
    }

    /// A `pipe` or `named_pipe_create` step's `capacity`: 4096 when absent. Any `u32` is
    /// valid here; the kernel refuses 0 and over 1 MiB with `invalid_value` when it runs.
    fn optional_pipe_capacity(&mut self, fields: &Fields<'_, '_>) -> Option<u32> {
        match fields.get("capacity") {
            Some(capacity) => self.integer(capacity, "capacity"),
            None => Some(DEFAULT_PIPE_CAPACITY),
        }
    }

    /// A `pipe_read` step.
    fn pipe_read(&mut self, fields: &Fields<'_, '_>) -> Option<Op> {
        let handle = self.use_handle(fields, "handle", HandleKinds::READ, OpKind::PipeRead);
        let max = match fields.get("max") {
            Some(max) => self.integer(max, "max"),
            None => Some(DEFAULT_PIPE_READ_MAX),
        };
        let on_empty = match fields.get("on_empty") {
            Some(policy) => self.pipe_policy(policy, "on_empty"),
            None => Some(PipePolicy::Block),
        };
        let expect_data = match fields.get("expect_data") {
            Some(data) => self.expected_data(data).map(Some),
            None => Some(None),
        };
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
        Some(Op::PipeRead {
            handle: handle?,
            max: max?,
            on_empty: on_empty?,
            expect_data: expect_data?,
        })
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

    /// `on_full` of a `pipe_write` or `on_empty` of a `pipe_read`: `"block"` or `"no_wait"`.
    fn pipe_policy(&mut self, value: &Value<'_>, what: &str) -> Option<PipePolicy> {
        match value.get_ref() {
            DeValue::String(word) if word == "block" => Some(PipePolicy::Block),
            DeValue::String(word) if word == "no_wait" => Some(PipePolicy::NoWait),
            DeValue::String(word) => {
                let help = if word == "notify" {
                    Some("`notify` is a `send` policy: a pipe has no kernel cache".to_owned())
                } else {
                    self.suggester.did_you_mean(word, ["block", "no_wait"])
                };
                self.sink
                    .error(
                        value.span(),
                        format!("unknown pipe `{what}` policy `{word}`"),
                    )
                    .expected(PIPE_POLICY_EXPECTED)
                    .maybe_help(help);
                None
            }
            DeValue::Table(_) => {
                self.sink
                    .error(value.span(), format!("a pipe's `{what}` has no timeout"))
                    .expected(PIPE_POLICY_EXPECTED)
                    .help("pipe reads and writes wait as long as it takes, or not at all (POSIX `O_NONBLOCK`)");
                None
            }
            _ => {
                self.wrong_type(value, &format!("`{what}`"), PIPE_POLICY_EXPECTED);
                None
            }
        }
    }

    /// A `memory_read`'s or `memory_write`'s `offset`: 0 when absent.
    fn offset(&mut self, fields: &Fields<'_, '_>) -> Option<u32> {
        match fields.get("offset") {
            Some(offset) => self.integer(offset, "offset"),
            None => Some(0),
        }
    }

    /// A `memory_read`'s or `memory_write`'s `width`: `u64` when absent.
    fn width(&mut self, fields: &Fields<'_, '_>) -> Option<MemoryWidth> {
        match fields.get("width") {
            Some(width) => self.keyword(width, "width"),
            None => Some(MemoryWidth::U64),
        }
    }

    /// A value read or written in memory, which must fit `width` (when it is known).
    fn memory_value(
        &mut self,
        value: &Value<'_>,
        what: &str,
        width: Option<MemoryWidth>,
    ) -> Option<u64> {
        let Some(width) = width else {
            return self.integer::<u64>(value, what);
        };
        let expected = format!("an integer from 0 to {} (a `{width}`)", width.max());
        let number = self.integer_in(value, what, 0, i128::from(width.max()), &expected)?;
        u64::try_from(number).ok()
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
            tolerates_missing: self.step_tolerates(ResultName::NoSuchPath),
            tolerates_wrong_mode: self.step_tolerates(ResultName::InvalidValue),
        });
        Some(path)
    }

    /// A `named_pipe_open`'s or `named_pipe_accept`'s `no_wait`: false when absent.
    fn no_wait(&mut self, fields: &Fields<'_, '_>) -> Option<bool> {
        match fields.get("no_wait") {
            Some(no_wait) => self.boolean(no_wait, "no_wait"),
            None => Some(false),
        }
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
