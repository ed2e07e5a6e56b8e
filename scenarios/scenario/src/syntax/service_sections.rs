//! Reading the services' sections (an extension): `[[memory]]`, `[[semaphore]]` and
//! `[[named_pipe]]`, the objects that exist before any task runs.

use super::document::nowhere_else;
use super::reader::{Fields, Reader, Value};
use super::symbols::{LabelKind, PathDecl, TaskRole};
use crate::model::{MemorySpec, NamedPipeSpec, SemaphoreSpec};
use kernel::services::{DEFAULT_CAPACITY, MAX_CAPACITY};
use kernel::{DEFAULT_MAX_MEMORY_OBJECT_BYTES as MAX_MEMORY_OBJECT, PipeMode};

const MEMORY_KEYS: &[&str] = &["name", "size", "holders"];
const SEMAPHORE_KEYS: &[&str] = &["name", "value", "holders"];
const NAMED_PIPE_KEYS: &[&str] = &["path", "mode", "capacity"];

impl Reader<'_> {
    /// A `[[memory]]`.
    pub(super) fn read_memory(&mut self, value: &Value<'_>) -> Option<MemorySpec> {
        let fields = self.fields(value, "[[memory]]", MEMORY_KEYS, &nowhere_else)?;
        let label = self.required_new_label(
            &fields,
            "name",
            "a label, such as `name = \"buffer\"`",
            LabelKind::Memory,
        );
        let expected = format!("an integer from 1 to {MAX_MEMORY_OBJECT} (64 MiB)");
        let size = self
            .required(&fields, "size", "the size in bytes, such as `size = 64`")
            .and_then(|size| self.integer_between(size, "size", 1, MAX_MEMORY_OBJECT, &expected));
        let holders = self.holders(&fields);
        let (line, column) = self.position(&fields.span);
        Some(MemorySpec {
            label: label?,
            size: size?,
            holders: holders?,
            line,
            column,
        })
    }

    /// A `[[semaphore]]`.
    pub(super) fn read_semaphore(&mut self, value: &Value<'_>) -> Option<SemaphoreSpec> {
        let fields = self.fields(value, "[[semaphore]]", SEMAPHORE_KEYS, &nowhere_else)?;
        let label = self.required_new_label(
            &fields,
            "name",
            "a label, such as `name = \"empty\"`",
            LabelKind::Semaphore,
        );
        let count = self.optional(&fields, "value", 0, Self::integer);
        let holders = self.holders(&fields);
        let (line, column) = self.position(&fields.span);
        Some(SemaphoreSpec {
            label: label?,
            value: count?,
            holders: holders?,
            line,
            column,
        })
    }

    /// The `holders` of a `[[memory]]` or `[[semaphore]]`: at least one task, each once.
    fn holders(&mut self, fields: &Fields<'_, '_>) -> Option<Vec<String>> {
        let value = self.required(
            fields,
            "holders",
            "a list of task names, such as `holders = [\"producer\", \"consumer\"]`",
        )?;
        let holders = self.task_list(value, "holders", TaskRole::Holder)?;
        if holders.is_empty() {
            self.sink
                .error(value.span(), format!("`holders` is empty in {}", fields.context))
                .expected("at least one task")
                .help("the object lasts only while some task names or maps it; list the tasks that use it");
            return None;
        }
        Some(holders)
    }

    /// A `[[named_pipe]]`.
    pub(super) fn read_named_pipe(&mut self, value: &Value<'_>) -> Option<NamedPipeSpec> {
        let Some(fields) = self.fields(value, "[[named_pipe]]", NAMED_PIPE_KEYS, &nowhere_else)
        else {
            self.symbols.paths_incomplete = true;
            return None;
        };
        let path = self
            .required(&fields, "path", "its path, such as `path = \"/tmp/fifo\"`")
            .and_then(|path| {
                self.name(path, "path")
                    .map(|name| (name.to_owned(), path.span()))
            });
        let mode = self.optional(&fields, "mode", PipeMode::Fifo, Self::word);
        let capacity = self.optional(
            &fields,
            "capacity",
            DEFAULT_CAPACITY,
            |reader, value, key| {
                let expected = format!("an integer from 1 to {MAX_CAPACITY} (1 MiB)");
                reader.integer_between(value, key, 1, MAX_CAPACITY, &expected)
            },
        );
        match &path {
            Some((path, span)) => self.symbols.paths.push(PathDecl {
                path: path.clone(),
                mode,
                section_span: Some(span.clone()),
            }),
            None => self.symbols.paths_incomplete = true,
        }
        let (line, column) = self.position(&fields.span);
        Some(NamedPipeSpec {
            path: path?.0,
            mode: mode?,
            capacity: capacity?,
            line,
            column,
        })
    }
}
