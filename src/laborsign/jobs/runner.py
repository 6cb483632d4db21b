"""`Jobs`: the registered jobs bound to one queue, with enqueue and consumers."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any

from huey import Huey, crontab
from huey.api import Task, TaskWrapper

from laborsign.errors import InvalidInput
from laborsign.i18n import Text
from laborsign.jobs.registry import JobSpec, call

if TYPE_CHECKING:
    from huey.consumer import Consumer

    from laborsign.bootstrap import Container

log = logging.getLogger(__name__)
JobId = str | int


class Jobs:
    def __init__(self, huey: Huey, container: Container, specs: Iterable[JobSpec]) -> None:
        self.huey = huey
        self._container = container
        self._tasks: dict[str, TaskWrapper] = {}
        for spec in specs:
            self._tasks[spec.name] = self._bind(spec)

    def _bind(self, spec: JobSpec) -> TaskWrapper:
        container = self._container

        def run(task: Task, **ids: Any) -> None:
            try:
                call(spec, container, ids)
            except Exception:
                # Huey's own retry_backoff is lost when the retry is stored in the queue, so
                # the delay of this retry is set from the number of retries already used.
                used = spec.retries - task.retries
                task.retry_delay = spec.retry_delay * spec.backoff**used
                raise

        options: dict[str, Any] = {
            "name": spec.name,
            "retries": spec.retries,
            "retry_delay": spec.retry_delay,
            "context": True,
        }
        if spec.every_minutes is not None:
            schedule = crontab(minute=f"*/{spec.every_minutes}")
            return self.huey.periodic_task(schedule, **options)(run)
        return self.huey.task(**options)(run)

    @property
    def names(self) -> list[str]:
        return sorted(self._tasks)

    def enqueue(self, name: str, *, eta: datetime | None = None, **ids: JobId) -> None:
        """Queue the job `name` for `ids` (at once, or not before `eta`, which must be
        timezone-aware: Huey reads a naive time as local time)."""
        task = self._tasks.get(name)
        if task is None:
            raise InvalidInput(
                Text("未知的后台任务 {name}", "unknown job {name}").format(name=name)
            )
        for key, value in ids.items():
            # Objects would be pickled as they are now and be stale when the job runs.
            if not isinstance(value, str | int):
                raise InvalidInput(
                    Text("后台任务只接收编号参数", "jobs take ids, not objects"), field=key
                )
        if eta is not None and eta.tzinfo is None:
            raise ValueError("eta must be timezone-aware")
        if eta is None:
            task(**ids)
        else:
            task.schedule(kwargs=ids, eta=eta)

    def consumer(self, workers: int, *, periodic: bool = True) -> Consumer:
        return self.huey.create_consumer(
            workers=workers, worker_type="thread", periodic=periodic, max_delay=2.0
        )

    @contextmanager
    def embedded(self, workers: int) -> Iterator[None]:
        """Consume the queue on threads of this process while the block runs.

        This is what lets `laborsign serve` work alone with the SQLite queue. Huey's own
        `Consumer.start()` installs signal handlers, which the web server owns, so only its
        scheduler and worker threads are started here.
        """
        if workers <= 0 or self.huey.immediate:
            yield
            return
        consumer = self.consumer(workers)
        consumer.scheduler.start()
        for _, thread in consumer.worker_threads:
            thread.start()
        log.info("in-process job consumer started with %d worker thread(s)", workers)
        try:
            yield
        finally:
            consumer.stop(graceful=True)
