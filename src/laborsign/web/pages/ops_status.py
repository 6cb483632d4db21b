"""Status of the platform's parts for the operator pages: one probe per part.

Each probe reads what the container already built and returns a `Reading`; a probe that
fails shows its part as broken instead of breaking the page, because the operator opens this
page precisely when something is wrong.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from cryptography import x509
from sqlalchemy import select

from laborsign.errors import LaborSignError
from laborsign.evidence.package_report import beijing
from laborsign.evidence.publish import latest_checkpoint
from laborsign.i18n import Text
from laborsign.notify.dev_outbox import PROVIDER as DEV_OUTBOX
from laborsign.pki.ca import TSA_LABEL
from laborsign.pki.tables import TimestampSerialRow

if TYPE_CHECKING:
    from laborsign.bootstrap import Container

log = logging.getLogger(__name__)
# Certificates closer to expiry than this are shown as a warning.
EXPIRY_WARNING = timedelta(days=60)
BUILT_IN = Text("内置（私有 / 开发用信任根）", "built-in (private / development trust root)")
YES, NO = Text("是", "yes"), Text("否", "no")


class State(StrEnum):
    OK = "ok"
    WARNING = "warning"
    ERROR = "error"


Row = tuple[Text, str | Text]


@dataclass(frozen=True, slots=True)
class Reading:
    state: State
    rows: tuple[Row, ...] = ()
    note: Text | None = None


@dataclass(frozen=True, slots=True)
class PartStatus:
    key: str
    title: Text
    state: State
    rows: tuple[Row, ...]
    note: Text | None


@dataclass(frozen=True, slots=True)
class Part:
    key: str
    title: Text
    probe: Callable[[Container, datetime], Reading]


def when(moment: datetime) -> str:
    """Beijing time; SQLite hands back naive datetimes, which are UTC here."""
    return beijing(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


def _expiry(certificate: x509.Certificate, now: datetime) -> tuple[str, bool]:
    """The certificate's end of validity in Beijing time, and whether it is soon or past."""
    until = certificate.not_valid_after_utc
    return beijing(until), until - now < EXPIRY_WARNING


def ca_reading(c: Container, now: datetime) -> Reading:
    ca = c.ca
    root_until, root_soon = _expiry(ca.root, now)
    issuing_until, issuing_soon = _expiry(ca.issuing, now)
    crl = x509.load_der_x509_crl(ca.crl(now=now))
    next_update = crl.next_update_utc
    return Reading(
        State.WARNING if root_soon or issuing_soon else State.OK,
        (
            (Text("类型", "Kind"), BUILT_IN),
            (Text("根证书", "Root"), ca.root.subject.rfc4514_string()),
            (Text("根证书有效期至", "Root valid until"), root_until),
            (Text("签发 CA", "Issuing CA"), ca.issuing.subject.rfc4514_string()),
            (Text("签发 CA 有效期至", "Issuing CA valid until"), issuing_until),
            (
                Text("CRL 下次更新", "CRL next update"),
                beijing(next_update) if next_update else "—",
            ),
            (Text("CRL 吊销条目", "Revoked entries in the CRL"), str(len(crl))),
        ),
    )


def tsa_reading(c: Container, now: datetime) -> Reading:
    with c.uow() as uow:
        last = uow.session.execute(
            select(TimestampSerialRow.serial, TimestampSerialRow.gen_time)
            .order_by(TimestampSerialRow.serial.desc())
            .limit(1)
        ).first()
    external = c.settings.tsa_url
    until, soon = _expiry(c.ca.tsa_certificate, now)
    return Reading(
        State.WARNING if soon and not external else State.OK,
        (
            (Text("服务", "Service"), external or BUILT_IN),
            (Text("内置 TSA 证书有效期至", "Built-in TSA certificate valid until"), until),
            (
                Text("最近序列号", "Last serial"),
                f"{last[0]} ({when(last[1])})" if last else "—",
            ),
        ),
    )


def key_store_reading(c: Container, now: datetime) -> Reading:
    backend = c.settings.key_store
    reachable = c.key_store.exists(TSA_LABEL)
    rows: list[Row] = [(Text("后端", "Backend"), backend)]
    if backend == "pkcs11":
        rows.append((Text("令牌", "Token"), c.settings.pkcs11_token_label))
    rows.append((Text("可用", "Reachable"), YES if reachable else NO))
    return Reading(
        State.OK if reachable else State.ERROR,
        tuple(rows),
        None if reachable else Text("找不到 TSA 私钥", "the TSA's private key is not found"),
    )


def _provider(provider: str) -> Reading:
    development = provider == DEV_OUTBOX
    mode = (
        Text("开发（保存在发件箱，不会发出）", "development (kept in the outbox, not sent)")
        if development
        else Text("正式发送", "real")
    )
    return Reading(
        State.WARNING if development else State.OK,
        ((Text("服务商", "Provider"), provider), (Text("模式", "Mode"), mode)),
    )


def sms_reading(c: Container, now: datetime) -> Reading:
    return _provider(c.settings.sms_provider)


def email_reading(c: Container, now: datetime) -> Reading:
    return _provider(c.settings.email_provider)


def jobs_reading(c: Container, now: datetime) -> Reading:
    huey = c.jobs.huey
    return Reading(
        State.OK,
        (
            (Text("后端", "Backend"), c.settings.jobs_backend),
            (Text("待执行", "Pending"), str(huey.pending_count())),
            (Text("已排期", "Scheduled"), str(huey.scheduled_count())),
            (
                Text("内嵌工作线程", "Embedded worker threads"),
                str(c.settings.jobs_embedded_workers),
            ),
        ),
    )


def evidence_reading(c: Container, now: datetime) -> Reading:
    with c.uow() as uow:
        size = c.evidence.log.size(uow.session)
        latest = latest_checkpoint(uow.session)
    configured = len(c.settings.evidence_witnesses)
    rows: list[Row] = [
        (Text("来源", "Origin"), c.settings.evidence_origin),
        (Text("日志大小（条）", "Log size (entries)"), str(size)),
    ]
    if latest is None:
        return Reading(
            State.WARNING if size else State.OK,
            tuple(rows),
            Text("尚未发布检查点", "no checkpoint has been published yet"),
        )
    origin = latest.checkpoint.origin
    # The log signs with a key named after its origin; every other signer is a witness.
    cosigners = sorted({s.name for s in latest.note.signatures if s.name != origin})
    rows += [
        (
            Text("最新检查点", "Latest checkpoint"),
            f"{latest.checkpoint.size} @ {when(latest.created_at)}",
        ),
        (
            Text("检查点之后的条目", "Entries after the checkpoint"),
            str(size - latest.checkpoint.size),
        ),
        (Text("检查点时间戳", "Checkpoint timestamp"), YES if latest.timestamp_token else NO),
        (
            Text("见证方副署", "Witness cosignatures"),
            f"{len(cosigners)} / {configured}: {', '.join(cosigners) or '—'}",
        ),
    ]
    complete = len(cosigners) >= configured and latest.timestamp_token is not None
    return Reading(State.OK if complete else State.WARNING, tuple(rows))


PARTS: Sequence[Part] = (
    Part("ca", Text("证书颁发机构（CA）", "Certificate authority (CA)"), ca_reading),
    Part("tsa", Text("时间戳服务（TSA）", "Time-stamping authority (TSA)"), tsa_reading),
    Part("key-store", Text("密钥存储", "Key store"), key_store_reading),
    Part("sms", Text("短信", "SMS"), sms_reading),
    Part("email", Text("电子邮件", "E-mail"), email_reading),
    Part("jobs", Text("任务队列", "Job queue"), jobs_reading),
    Part("evidence", Text("存证日志", "Evidence log"), evidence_reading),
)


def collect(container: Container, now: datetime, parts: Sequence[Part] = PARTS) -> list[PartStatus]:
    found = []
    for part in parts:
        try:
            reading = part.probe(container, now)
        except LaborSignError as exc:
            reading = Reading(State.ERROR, note=exc.message)
        except Exception as exc:  # show the broken part: the page must render
            log.exception("status probe %s failed", part.key)
            reading = Reading(State.ERROR, note=Text(type(exc).__name__, type(exc).__name__))
        found.append(PartStatus(part.key, part.title, reading.state, reading.rows, reading.note))
    return found
