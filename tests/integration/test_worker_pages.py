"""The worker's pages on SQLite and PostgreSQL: the link's landing page, the ceremony's
forms with their refusals shown as readable messages, the page images, signing with a drawn
signature, declining, and 我的合同 (login by phone and code, list, history, download).

Codes are read from the development outbox after the relay delivered them.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from tests.integration.helpers import EXAMPLE, database, employer, platform_settings
from tests.integration.test_contract_notifications import (
    Party,
    Worker,
    inbox,
    link_in,
    new_worker,
    relay_all,
    send,
)

from laborsign.bootstrap import Container
from laborsign.contracts.lifecycle import State
from laborsign.db.tenancy import Scope
from laborsign.signing.images import drawn_signature_png
from laborsign.web.app import create_app

SIGNATURE = "data:image/png;base64," + base64.b64encode(
    drawn_signature_png(EXAMPLE.worker.name)
).decode("ascii")


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def party(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Party]:
    tmp = tmp_path_factory.mktemp("worker-pages")
    container = Container(platform_settings(tmp, database(request, tmp)))
    container.init()
    yield Party(container, employer(container))
    container.engine.dispose()


def browser(p: Party) -> TestClient:
    return TestClient(create_app(p.container))


def csrf_of(page: Response) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found, page.text
    return found.group(1)


def newest_code(p: Party, worker: Worker) -> str:
    relay_all(p.container)
    for message in inbox(p.container, worker.phone):
        found = re.search(r"验证码 (\d{6})", message.body)
        if found:
            return found.group(1)
    raise AssertionError("no code was sent")


def alert_of(page: Response) -> str:
    found = re.search(r'role="alert"[^>]*>\s*<p>([^<]+)</p>', page.text)
    assert found, page.text
    return found.group(1)


def opened(p: Party) -> tuple[TestClient, Worker, str]:
    """A worker's phone with the ceremony open (the link's button pressed)."""
    worker = new_worker(p)
    cid = send(p, worker)
    relay_all(p.container)
    path = "/ceremony/" + link_in(inbox(p.container, worker.phone)[0]).rsplit("/", 1)[1]
    phone = browser(p)
    landing = phone.get(path)
    assert landing.status_code == 200 and "开始签署" in landing.text
    token = path.rsplit("/", 1)[1]
    notice = phone.post("/ceremony/open", data={"token": token})
    assert notice.status_code == 200 and "签约须知" in notice.text
    assert notice.url.path == "/ceremony/notice"
    return phone, worker, cid


def verified(p: Party) -> tuple[TestClient, Worker, str]:
    """Opened, notice acknowledged, identity verified: on the reading page."""
    phone, worker, cid = opened(p)
    page = phone.get("/ceremony/notice")
    identity = phone.post("/ceremony/notice", data={"csrf": csrf_of(page)})
    assert identity.url.path == "/ceremony/identity"
    masked = worker.phone[:3] + "****" + worker.phone[-4:]
    assert masked in identity.text and worker.phone not in identity.text
    sent = phone.post(
        "/ceremony/identity",
        data={"csrf": csrf_of(identity), "name": worker_name(), "id_number": worker.id_number},
    )
    assert f"验证码已发送至 {masked}" in sent.text
    read = phone.post(
        "/ceremony/identity/code", data={"csrf": csrf_of(sent), "code": newest_code(p, worker)}
    )
    assert read.url.path == "/ceremony/read", read.text
    return phone, worker, cid


def worker_name() -> str:
    return EXAMPLE.worker.name


def test_the_links_landing_page_does_not_spend_the_link(party: Party) -> None:
    worker = new_worker(party)
    send(party, worker)
    relay_all(party.container)
    path = "/ceremony/" + link_in(inbox(party.container, worker.phone)[0]).rsplit("/", 1)[1]
    phone = browser(party)
    assert phone.get(path).status_code == 200
    assert phone.get(path).status_code == 200  # a preview by a messaging app costs nothing
    token = path.rsplit("/", 1)[1]
    assert phone.post("/ceremony/open", data={"token": token}).url.path == "/ceremony/notice"
    again = browser(party).post("/ceremony/open", data={"token": token})
    assert again.status_code == 403
    assert "该链接已使用过" in again.text


def test_pages_without_a_ceremony_say_how_to_start(party: Party) -> None:
    page = browser(party).get("/ceremony/read")
    assert page.status_code == 403
    assert "请先打开短信中的签署链接" in alert_of(page)


def test_refusals_are_readable_messages_on_the_form(party: Party) -> None:
    phone, worker, _cid = opened(party)
    page = phone.get("/ceremony/notice")
    identity = phone.post("/ceremony/notice", data={"csrf": csrf_of(page)})
    wrong = phone.post(
        "/ceremony/identity",
        data={"csrf": csrf_of(identity), "name": "李四", "id_number": worker.id_number},
    )
    assert wrong.status_code == 200
    assert "姓名、身份证号与登记的手机号核验不一致" in alert_of(wrong)
    sent = phone.post(
        "/ceremony/identity",
        data={"csrf": csrf_of(wrong), "name": worker_name(), "id_number": worker.id_number},
    )
    code = newest_code(party, worker)
    wrong_code = "000000" if code != "000000" else "111111"
    refused = phone.post(
        "/ceremony/identity/code", data={"csrf": csrf_of(sent), "code": wrong_code}
    )
    assert "验证码" in alert_of(refused)
    english = phone.post(
        "/ceremony/identity/code?lang=en", data={"csrf": csrf_of(sent), "code": wrong_code}
    )
    assert re.search(r"code", alert_of(english), re.IGNORECASE)
    # A form from elsewhere (no token) changes nothing.
    forged = phone.post("/ceremony/identity/code", data={"code": code})
    assert forged.status_code == 403
    ok = phone.post("/ceremony/identity/code", data={"csrf": csrf_of(sent), "code": code})
    assert ok.url.path == "/ceremony/read"


def test_reading_confirming_and_signing(party: Party) -> None:
    phone, worker, cid = verified(party)
    read = phone.get("/ceremony/read")
    images = re.findall(
        r'<img src="(/ceremony/pages/[0-9a-f]{64}/\d+\.png)" alt="([^"]+)"', read.text
    )
    assert len(images) >= 2 and images[0][1].startswith("合同第 1 页")
    png = phone.get(images[0][0])
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    assert browser(party).get(images[0][0]).status_code == 403  # another browser: no session
    other = re.sub(r"[0-9a-f]{64}", "0" * 64, images[0][0])
    assert phone.get(other).status_code == 403
    pdf = phone.get("/ceremony/document.pdf")
    assert pdf.content.startswith(b"%PDF")

    confirm = phone.get("/ceremony/confirm")
    sent = phone.post("/ceremony/confirm", data={"csrf": csrf_of(confirm)})
    assert "验证码已发送至" in sent.text
    code = newest_code(party, worker)
    pad = phone.post("/ceremony/signature", data={"csrf": csrf_of(sent), "code": code})
    assert 'id="pad"' in pad.text and f'value="{code}"' in pad.text
    empty = phone.post("/ceremony/sign", data={"csrf": csrf_of(pad), "code": code})
    assert "请先在签名区写下您的姓名" in alert_of(empty)
    assert party.container.contracts.summary(Scope.system(), cid).state is State.IDENTITY_VERIFIED
    done = phone.post(
        "/ceremony/sign", data={"csrf": csrf_of(pad), "code": code, "signature": SIGNATURE}
    )
    assert done.url.path == "/ceremony/done", done.text
    assert "您已签署合同" in done.text
    assert party.container.contracts.summary(Scope.system(), cid).state is State.WORKER_SIGNED
    # Back to an earlier step: the page for the contract's state instead.
    assert phone.get("/ceremony/identity").url.path == "/ceremony/done"


def test_declining_needs_a_reason_and_ends_the_ceremony(party: Party) -> None:
    phone, _worker, cid = opened(party)
    form = phone.get("/ceremony/decline")
    empty = phone.post("/ceremony/decline", data={"csrf": csrf_of(form), "reason": "  "})
    assert "请说明拒签理由" in alert_of(empty)
    declined = phone.post(
        "/ceremony/decline", data={"csrf": csrf_of(form), "reason": "工资与面试时不同"}
    )
    assert "已拒签" in declined.text
    assert party.container.contracts.summary(Scope.system(), cid).state is State.DECLINED
    assert phone.get("/ceremony/notice").status_code == 403


def test_my_contracts_by_phone_and_code(party: Party) -> None:
    phone, worker, cid = opened(party)
    me = phone.get("/me")
    assert "发送验证码" in me.text
    unknown = phone.post("/me/code", data={"csrf": csrf_of(me), "phone": "13000000000"})
    sent = phone.post("/me/code", data={"csrf": csrf_of(me), "phone": worker.phone})
    # The same page whether the phone is registered or not.
    assert unknown.text.replace("13000000000", worker.phone) == sent.text
    wrong = phone.post(
        "/me/login", data={"csrf": csrf_of(sent), "phone": worker.phone, "code": "00000"}
    )
    assert wrong.status_code == 200 and alert_of(wrong)
    listed = phone.post(
        "/me/login",
        data={"csrf": csrf_of(sent), "phone": worker.phone, "code": newest_code(party, worker)},
    )
    assert listed.url.path == "/me"
    number = party.container.contracts.summary(Scope.system(), cid).number
    assert number in listed.text and "已发送" in listed.text
    detail = phone.get(f"/me/contracts/{cid}")
    assert "签署与查阅记录" in detail.text and "发送签署通知" in detail.text
    pdf = phone.get(f"/me/contracts/{cid}/pdf")
    assert pdf.content.startswith(b"%PDF")
    assert "attachment" in pdf.headers["content-disposition"]
    assert "inline" in phone.get(f"/me/contracts/{cid}/pdf?inline=1").headers["content-disposition"]
    assert "下载" in phone.get(f"/me/contracts/{cid}").text  # the download is in the history
    # Another worker's contract is not his.
    _other, _w, other_cid = opened(party)
    assert phone.get(f"/me/contracts/{other_cid}").status_code == 404
    anonymous = browser(party).get(f"/me/contracts/{cid}/pdf")
    assert anonymous.status_code == 403
