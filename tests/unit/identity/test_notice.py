from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from laborsign.evidence.events import Event, EventType
from laborsign.identity import notice


def test_the_notice_covers_what_article_6_requires() -> None:
    zh, en = notice.render_text("zh"), notice.render_text("en")
    for words in ("流程", "操作方法", "注意事项", "查看", "下载", "免费"):
        assert words in zh
    for words in ("How signing works", "How to operate", "What to watch for", "download"):
        assert words in en
    assert "free of charge" in en


def test_the_digest_is_of_the_exact_bilingual_text() -> None:
    text = notice.canonical_text()
    assert text.index("签约须知") < text.index("Notice before signing")
    assert notice.notice_sha256() == hashlib.sha256(text.encode()).hexdigest()


def test_the_acknowledgement_event_names_version_and_digest() -> None:
    at = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
    event = notice.acknowledgement_event("c-1", "worker:abcdefgh", at)
    assert event.type is EventType.NOTICE_ACKNOWLEDGED
    assert event.artifacts[notice.ARTIFACT] == notice.notice_sha256()
    assert event.extra["notice-version"] == notice.VERSION
    assert Event.from_entry(event.entry()) == event
