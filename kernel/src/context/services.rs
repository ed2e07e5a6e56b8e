//! The kernel services: shared memory, semaphores, pipes and named pipes, and the
//! labels a program gives its handles.

use super::TaskContext;
use super::reply::Written;
use crate::services::{Access, PipeMode, ServiceError, ServiceOp, Width};
use crate::syscall::Call;
use bytes::Bytes;
use ports::PortName;

impl TaskContext {
    /// Gives a handle (a mapping or a pipe end) a label, so scripts and children
    /// can find it with [`TaskContext::handle`]. Metadata only: not a kernel call.
    pub fn label_handle(&self, handle: u32, label: &str) {
        self.with_state(|state| {
            state
                .task_mut(self.id)
                .handle_labels
                .insert(label.to_string(), handle);
        });
    }

    /// Forgets a handle label (the handle itself stays open).
    pub fn forget_handle(&self, label: &str) {
        self.with_state(|state| {
            state.task_mut(self.id).handle_labels.remove(label);
        });
    }

    /// The handle labelled `label`, if this task still has it open.
    pub fn handle(&self, label: &str) -> Option<u32> {
        self.with_state(|state| {
            let task = state.task(self.id);
            task.handle_labels
                .get(label)
                .copied()
                .filter(|h| task.handles.contains_key(h))
        })
    }

    /// Makes a zeroed memory object of `size` bytes; returns a send right naming
    /// it (give it to other tasks in messages to share the memory).
    ///
    /// # Errors
    /// `InvalidValue` for a size of 0 or over the kernel's limit; `NoSpace`.
    pub async fn memory_create(
        &self,
        size: u32,
        label: Option<&str>,
    ) -> Result<PortName, ServiceError> {
        let op = ServiceOp::MemoryCreate {
            size,
            label: label.map(str::to_string),
        };
        self.call(Call::Service(op)).await
    }

    /// Makes a memory object from an out-of-line region received in a message, by
    /// virtual copy: it shares the region's bytes until either side writes.
    ///
    /// # Errors
    /// `InvalidValue` for an empty region or one over the kernel's limit; `NoSpace`.
    pub async fn memory_from_ool(
        &self,
        region: &ports::Ool,
        label: Option<&str>,
    ) -> Result<PortName, ServiceError> {
        let op = ServiceOp::MemoryFromOol {
            data: region.data.clone(),
            label: label.map(str::to_string),
        };
        self.call(Call::Service(op)).await
    }

    /// Maps the memory object `object` names; returns a mapping handle.
    ///
    /// # Errors
    /// `InvalidName`/`InvalidRight` if `object` is not a send right to a memory object.
    pub async fn memory_map(&self, object: PortName) -> Result<u32, ServiceError> {
        self.call(Call::Service(ServiceOp::MemoryMap { object }))
            .await
    }

    /// Reads a little-endian value of `width` at `offset` of a mapping: one kernel
    /// call, so other tasks may run between two reads.
    ///
    /// # Errors
    /// `BadHandle`; `InvalidAddress` outside the object.
    pub async fn memory_read(
        &self,
        mapping: u32,
        offset: u32,
        width: Width,
    ) -> Result<u64, ServiceError> {
        let op = ServiceOp::MemoryRead {
            mapping,
            offset,
            width,
        };
        self.call(Call::Service(op)).await
    }

    /// Writes the low `width` bytes of `value`, little-endian, at `offset`.
    ///
    /// # Errors
    /// `BadHandle`; `InvalidAddress` outside the object.
    pub async fn memory_write(
        &self,
        mapping: u32,
        offset: u32,
        width: Width,
        value: u64,
    ) -> Result<(), ServiceError> {
        let op = ServiceOp::MemoryWrite {
            mapping,
            offset,
            width,
            value,
        };
        self.call(Call::Service(op)).await
    }

    /// Reads `length` bytes at `offset` of a mapping in one kernel call (a section's
    /// bulk transfer: a real kernel would see none).
    ///
    /// # Errors
    /// `BadHandle`; `InvalidAddress` outside the object.
    pub async fn memory_read_bytes(
        &self,
        mapping: u32,
        offset: u32,
        length: u32,
    ) -> Result<Bytes, ServiceError> {
        let op = ServiceOp::MemoryReadBytes {
            mapping,
            offset,
            length,
        };
        self.call(Call::Service(op)).await
    }

    /// Writes `data` at `offset` of a mapping in one kernel call.
    ///
    /// # Errors
    /// `BadHandle`; `InvalidAddress` outside the object.
    pub async fn memory_write_bytes(
        &self,
        mapping: u32,
        offset: u32,
        data: &[u8],
    ) -> Result<(), ServiceError> {
        let op = ServiceOp::MemoryWriteBytes {
            mapping,
            offset,
            data: Bytes::copy_from_slice(data),
        };
        self.call(Call::Service(op)).await
    }

    /// Unmaps a mapping. The object is freed once nothing maps or names it.
    ///
    /// # Errors
    /// `BadHandle`.
    pub async fn memory_unmap(&self, mapping: u32) -> Result<(), ServiceError> {
        self.call(Call::Service(ServiceOp::MemoryUnmap { mapping }))
            .await
    }

    /// `semaphore_create`: a counting semaphore starting at `value`; returns a send
    /// right naming it.
    ///
    /// # Errors
    /// `NoSpace`.
    pub async fn semaphore_create(
        &self,
        value: u32,
        label: Option<&str>,
    ) -> Result<PortName, ServiceError> {
        let op = ServiceOp::SemaphoreCreate {
            value,
            label: label.map(str::to_string),
        };
        self.call(Call::Service(op)).await
    }

    /// `semaphore_wait`: takes a unit, waiting while the count is 0.
    ///
    /// # Errors
    /// `InvalidName`/`InvalidRight`; `Terminated` if it is destroyed meanwhile.
    pub async fn semaphore_wait(&self, semaphore: PortName) -> Result<(), ServiceError> {
        let op = ServiceOp::SemaphoreWait {
            semaphore,
            timeout_ms: None,
        };
        self.call(Call::Service(op)).await
    }

    /// `semaphore_timedwait`: as [`TaskContext::semaphore_wait`], for at most `ms`.
    ///
    /// # Errors
    /// `OperationTimedOut` when the time runs out; as `semaphore_wait` otherwise.
    pub async fn semaphore_timed_wait(
        &self,
        semaphore: PortName,
        ms: u64,
    ) -> Result<(), ServiceError> {
        let op = ServiceOp::SemaphoreWait {
            semaphore,
            timeout_ms: Some(ms),
        };
        self.call(Call::Service(op)).await
    }

    /// `semaphore_signal`: gives a unit to the first waiter, or adds it to the count.
    ///
    /// # Errors
    /// `InvalidName`/`InvalidRight`.
    pub async fn semaphore_signal(&self, semaphore: PortName) -> Result<(), ServiceError> {
        self.call(Call::Service(ServiceOp::SemaphoreSignal { semaphore }))
            .await
    }

    /// `semaphore_destroy`: destroys the semaphore now; tasks waiting on it get
    /// `terminated`, and every right naming it becomes a dead name.
    ///
    /// # Errors
    /// `InvalidName`/`InvalidRight`.
    pub async fn semaphore_destroy(&self, semaphore: PortName) -> Result<(), ServiceError> {
        self.call(Call::Service(ServiceOp::SemaphoreDestroy { semaphore }))
            .await
    }

    /// `pipe()`: a one-way byte stream of `capacity` bytes (default 4096); returns
    /// (read end, write end). Children this task spawns afterwards get both ends.
    ///
    /// # Errors
    /// `InvalidValue` for a capacity of 0 or over 1 MiB; `NoSpace`.
    pub async fn pipe(&self, capacity: Option<u32>) -> Result<(u32, u32), ServiceError> {
        self.call(Call::Service(ServiceOp::PipeCreate { capacity }))
            .await
    }

    /// Reads up to `max` bytes, waiting while the pipe is empty (unless `no_wait`).
    ///
    /// # Errors
    /// `Eof` when every write end is closed and nothing is left; `BadHandle`;
    /// `WouldBlock` for a no-wait read of an empty pipe.
    pub async fn pipe_read(
        &self,
        handle: u32,
        max: u32,
        no_wait: bool,
    ) -> Result<Bytes, ServiceError> {
        let op = ServiceOp::PipeRead {
            handle,
            max,
            no_wait,
        };
        self.call(Call::Service(op)).await
    }

    /// Writes `data`, waiting for room (unless `no_wait`); up to 512 bytes go in
    /// whole. Returns the bytes written.
    ///
    /// # Errors
    /// `BrokenPipe` with no read end open; `BadHandle`; `WouldBlock`.
    pub async fn pipe_write(
        &self,
        handle: u32,
        data: Bytes,
        no_wait: bool,
    ) -> Result<u32, ServiceError> {
        let op = ServiceOp::PipeWrite {
            handle,
            data,
            no_wait,
        };
        let written: Result<Written, ServiceError> = self.call(Call::Service(op)).await;
        written.map(|Written(n)| n)
    }

    /// Closes a pipe end.
    ///
    /// # Errors
    /// `BadHandle`.
    pub async fn pipe_close(&self, handle: u32) -> Result<(), ServiceError> {
        self.call(Call::Service(ServiceOp::PipeClose { handle }))
            .await
    }

    /// Makes a named pipe at `path`.
    ///
    /// # Errors
    /// `NameExists`; `InvalidValue` for an empty path or a bad capacity.
    pub async fn named_pipe_create(
        &self,
        path: &str,
        mode: PipeMode,
        capacity: Option<u32>,
    ) -> Result<(), ServiceError> {
        let op = ServiceOp::NamedPipeCreate {
            path: path.to_string(),
            mode,
            capacity,
        };
        self.call(Call::Service(op)).await
    }

    /// Opens a named pipe; returns a handle. A FIFO open waits for the other side
    /// unless `no_wait`; a duplex client waits for a server's accept.
    ///
    /// # Errors
    /// `NoSuchPath`; `WouldBlock` for a no-wait open that would wait.
    pub async fn named_pipe_open(
        &self,
        path: &str,
        access: Access,
        no_wait: bool,
    ) -> Result<u32, ServiceError> {
        let op = ServiceOp::NamedPipeOpen {
            path: path.to_string(),
            access,
            no_wait,
        };
        self.call(Call::Service(op)).await
    }

    /// As a duplex named pipe's server, waits for a client; returns the server's
    /// handle on the client's own instance.
    ///
    /// # Errors
    /// `NoSuchPath`; `InvalidValue` on a FIFO; `WouldBlock` for a no-wait accept.
    pub async fn named_pipe_accept(&self, path: &str, no_wait: bool) -> Result<u32, ServiceError> {
        let op = ServiceOp::NamedPipeAccept {
            path: path.to_string(),
            no_wait,
        };
        self.call(Call::Service(op)).await
    }

    /// Removes a named pipe's name; open ends keep working.
    ///
    /// # Errors
    /// `NoSuchPath`.
    pub async fn named_pipe_unlink(&self, path: &str) -> Result<(), ServiceError> {
        let op = ServiceOp::NamedPipeUnlink {
            path: path.to_string(),
        };
        self.call(Call::Service(op)).await
    }
}
