"""The Huey instance for the configured backend."""

from __future__ import annotations

from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey

from laborsign.settings import Settings


def build_huey(settings: Settings) -> Huey:
    """sqlite: a queue file beside the database in the data home, durable with no server;
    redis: the production broker shared by every app and worker process;
    immediate: each job runs inside `enqueue` (tests, one-off commands)."""
    name = settings.jobs_queue_name
    if settings.jobs_backend == "immediate":
        return MemoryHuey(name, immediate=True, results=False)
    if settings.jobs_backend == "redis":
        return RedisHuey(name, url=settings.jobs_redis_url, results=False)
    settings.home.mkdir(parents=True, exist_ok=True, mode=0o700)
    return SqliteHuey(name, filename=str(settings.home / "jobs.db"), results=False)
