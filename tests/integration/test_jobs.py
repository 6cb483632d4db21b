"""Jobs on real queues: retries with backoff, and a separate `laborsign worker` process."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from huey import SqliteHuey

from laborsign.bootstrap import Container
from laborsign.jobs.registry import JobSpec
from laborsign.jobs.runner import Jobs
from laborsign.notify import outbox
from laborsign.notify.delivery import email_payload, sms_payload
from laborsign.notify.messages import MessageKind
from laborsign.notify.outbox_relay import DispatchFailed, OutboxRelay
from laborsign.notify.outbox_tables import OutboxMessageRow
from laborsign.settings import Settings

LABORSIGN = str(Path(sys.executable).with_name("laborsign"))
REDIS_URL = "redis://127.0.0.1:6379/15"
T0 = datetime(2025, 6, 1, 8, 0, tzinfo=UTC)


OTP_PARAMS = {"code": "123456", "minutes": "5"}


def _otp_sms(c: Container, phone: str) -> dict[str, object]:
    """An SMS as the platform queues it: address and code sealed, never in clear."""
    return sms_payload(c.privacy, phone, MessageKind.OTP, OTP_PARAMS)


def _container(database_url: str, home: Path, **settings: Any) -> Container:
    c = Container(Settings(home=home, database_url=database_url, **settings))
    c.init()
    return c


def test_failing_job_is_retried_with_growing_delays_then_succeeds(tmp_path: Path) -> None:
    runs: list[str] = []

    def flaky(_container: object, contract_id: str) -> None:
        runs.append(contract_id)
        if len(runs) < 3:
            raise RuntimeError("not yet")

    huey = SqliteHuey("test", filename=str(tmp_path / "jobs.db"), results=False)
    spec = JobSpec("test.flaky", flaky, retries=3, retry_delay=10, backoff=3.0)
    jobs = Jobs(huey, None, [spec])  # type: ignore[arg-type]
    jobs.enqueue("test.flaky", contract_id="C-9")
    far = datetime(2100, 1, 1)  # Huey's clock is naive UTC

    def run_and_reschedule(task: Any) -> tuple[float, Any]:
        """Run `task`; return the delay Huey scheduled its retry with, measured against the
        clock read before and after (so no timing assumption), and the retry."""
        before = datetime.now(UTC).replace(tzinfo=None)
        # Run it as if its time had come (Huey would otherwise put it back on the schedule).
        huey.execute(task, timestamp=task.eta or before)
        after = datetime.now(UTC).replace(tzinfo=None)
        [retry] = huey.read_schedule(far)
        low, high = (retry.eta - after).total_seconds(), (retry.eta - before).total_seconds()
        assert low <= high
        return high, retry

    delay, retry = run_and_reschedule(huey.dequeue())
    assert 10 - 1 <= delay <= 10 + 1 and runs == ["C-9"]
    delay, retry = run_and_reschedule(retry)
    assert runs == ["C-9"] * 2
    assert 30 - 1 <= delay <= 30 + 1  # three times the first delay
    huey.execute(retry, timestamp=retry.eta)
    assert runs == ["C-9"] * 3
    assert huey.scheduled_count() == 0
    assert huey.pending_count() == 0


def test_jobs_take_ids_not_objects(tmp_path: Path) -> None:
    huey = SqliteHuey("test", filename=str(tmp_path / "jobs.db"), results=False)
    jobs = Jobs(huey, None, [JobSpec("test.noop", lambda _c, **_ids: None)])  # type: ignore[arg-type]
    with pytest.raises(Exception, match="ids"):
        jobs.enqueue("test.noop", contract={"id": 1})  # type: ignore[arg-type]
    with pytest.raises(Exception, match="unknown job"):
        jobs.enqueue("test.missing")


def test_committed_message_is_dispatched_at_once_and_a_rolled_back_one_never(
    database_url: str, tmp_path: Path
) -> None:
    c = _container(database_url, tmp_path / "home", jobs_backend="immediate")
    try:
        c.jobs  # noqa: B018  (connects the outbox to the queue)
        with c.uow() as uow:
            sent = outbox.add(uow.session, "sms", _otp_sms(c, "13800000000"))
            uow.commit()
        with pytest.raises(RuntimeError), c.uow() as uow:
            outbox.add(uow.session, "sms", _otp_sms(c, "13900000000"))
            raise RuntimeError("rolled back")
        with c.uow() as uow:
            rows = uow.session.query(OutboxMessageRow).all()
            assert [(row.id, row.dispatched_at is not None) for row in rows] == [(sent, True)]
    finally:
        c.engine.dispose()


def test_relay_backs_off_after_a_failure(container: Container) -> None:
    calls: list[int] = []

    def handler(_session: object, message: Any) -> None:
        calls.append(message.attempt)
        if message.attempt == 1:
            raise ConnectionError("gateway down")

    relay = OutboxRelay(container.uow, {"sms": handler})
    with container.uow() as uow:
        message_id = outbox.add(uow.session, "sms", {"to": "x", "body": "y"}, now=T0)
        uow.commit()
    with pytest.raises(DispatchFailed):
        relay.dispatch(message_id, now=T0)
    with container.uow() as uow:
        row = uow.session.get_one(OutboxMessageRow, message_id)
        assert row.last_error == "ConnectionError: gateway down"
        assert row.dispatched_at is None
    assert relay.due(T0 + timedelta(seconds=29)) == []
    assert relay.dispatch(message_id, now=T0 + timedelta(seconds=29)) is False
    assert relay.due(T0 + timedelta(seconds=30)) == [message_id]
    assert relay.dispatch(message_id, now=T0 + timedelta(seconds=30)) is True
    assert relay.dispatch(message_id, now=T0 + timedelta(days=1)) is False  # done once
    assert calls == [1, 2]


def test_unknown_kind_stays_in_the_outbox(container: Container) -> None:
    relay = OutboxRelay(container.uow, {})
    with container.uow() as uow:
        message_id = outbox.add(uow.session, "fax", {}, now=T0)
        uow.commit()
    with pytest.raises(DispatchFailed):
        relay.dispatch(message_id, now=T0)
    assert relay.due(T0 + timedelta(hours=1)) == [message_id]


# --- a separate worker process --------------------------------------------------------------


def _redis_reachable() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as exc:
        reason = f"Redis not reachable at {REDIS_URL}: {exc}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture(params=["sqlite", "redis"])
def queue_settings(request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    if request.param == "sqlite":
        yield {"jobs_backend": "sqlite"}
        return
    _redis_reachable()
    name = f"laborsign-test-{secrets.token_hex(4)}"
    yield {"jobs_backend": "redis", "jobs_redis_url": REDIS_URL, "jobs_queue_name": name}
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"huey.*{name}*"):
        client.delete(key)


def test_worker_process_runs_jobs_queued_before_it_started(
    database_url: str, tmp_path: Path, queue_settings: dict[str, str]
) -> None:
    home = tmp_path / "home"
    c = _container(database_url, home, **queue_settings)
    try:
        c.jobs  # noqa: B018  (connects the outbox to the queue)
        with c.uow() as uow:
            message_id = outbox.add(
                uow.session,
                "email",
                email_payload(c.privacy, "w@example.cn", MessageKind.OTP, OTP_PARAMS),
            )
            uow.commit()
        # Queued, not run: no consumer exists yet.
        assert c.outbox_relay.due(datetime.now(UTC)) == [message_id]

        env = {
            **os.environ,
            "LABORSIGN_HOME": str(home),
            "LABORSIGN_DATABASE_URL": database_url,
            **{f"LABORSIGN_{key.upper()}": value for key, value in queue_settings.items()},
        }
        log = tmp_path / "worker.log"
        with log.open("w") as output:
            worker = subprocess.Popen(
                [LABORSIGN, "worker", "--concurrency", "1", "--no-periodic"],
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        try:
            deadline = time.monotonic() + 60
            dispatched = None
            while time.monotonic() < deadline and dispatched is None:
                with c.uow() as uow:
                    dispatched = uow.session.get_one(OutboxMessageRow, message_id).dispatched_at
                if dispatched is None:
                    time.sleep(0.2)
            assert dispatched is not None, log.read_text()[-3000:]
        finally:
            worker.terminate()
            worker.wait(timeout=30)
    finally:
        c.engine.dispose()
