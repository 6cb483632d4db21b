"""The worker on a 375×667 touch screen: from the SMS link through the notice, identity
check, reading, confirmation and a hand-drawn signature to the executed contract, which he
downloads from 我的合同 and which verifies; and declining with a reason.

The employer's side (organisation, worker, contract, sending, the employer's signature) is
done with the services in this process against the server's data home. The link and the
codes are read from the development outbox, as the worker reads them on his phone. Every
page is checked for horizontal scrolling and saved as a screenshot.
"""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from stdnum.cn import ric, uscc

from laborsign.bootstrap import Container
from laborsign.contracts.examples import example_contract
from laborsign.contracts.lifecycle import State
from laborsign.contracts.model import Contract
from laborsign.db.tenancy import Scope
from laborsign.notify.dev_outbox import read_dev_outbox
from laborsign.parties.organisations import NewOrganisation
from laborsign.parties.roles import Role
from laborsign.parties.workers import NewWorker
from laborsign.signing.signer import to_asn1
from laborsign.verification import verify_pdf
from laborsign.verification.report import Verdict
from tests.e2e.conftest import PHONE, Server, _open_page

EXAMPLE = example_contract()
_serials = itertools.count(700)
_phones = itertools.count(13900002000)
_numbers = itertools.count(1)
CODE_WAIT_SECONDS = 60.0
# An employer of its own (the session's other tests may use the example's credit code).
EMPLOYER = "杭州示例工坊有限公司"
CREDIT_CODE = (
    EXAMPLE.employer.credit_code[:14]
    + "W01"
    + uscc.calc_check_digit(EXAMPLE.employer.credit_code[:14] + "W01")
)


@dataclass(frozen=True)
class Worker:
    id: str
    name: str
    id_number: str
    phone: str


@pytest.fixture
def touch_phone(browser: Browser, server: Server) -> Iterator[Page]:
    """A 375×667 touch screen (a small phone); fails on any console or page error."""
    yield from _open_page(browser, server, PHONE, has_touch=True, is_mobile=True)


@pytest.fixture(scope="module")
def org_id(platform: Container) -> str:
    org = platform.parties.organisations.create(
        Scope.system("e2e"),
        NewOrganisation(
            "employer",
            EMPLOYER,
            CREDIT_CODE,
            EXAMPLE.employer.legal_representative,
            EXAMPLE.employer.registered_address,
            EXAMPLE.employer.phone,
        ),
        datetime.now(UTC),
    )
    return str(org["id"])


def hr(org_id: str) -> Scope:
    return Scope.employer(org_id, "hr-e2e", {Role.HR})


def new_worker(platform: Container, org_id: str) -> Worker:
    body = EXAMPLE.worker.id_number[:14] + f"{next(_serials):03d}"
    number = next(body + c for c in "0123456789X" if ric.is_valid(body + c))
    phone = str(next(_phones))
    made = platform.parties.workers.register(
        hr(org_id), NewWorker(EXAMPLE.worker.name, number, phone), datetime.now(UTC)
    )
    return Worker(str(made["id"]), EXAMPLE.worker.name, number, phone)


def send_contract(platform: Container, org_id: str, worker: Worker) -> str:
    data = EXAMPLE.model_dump()
    data["number"] = f"E2E-W-{next(_numbers):03d}"
    data["employer"].update(name=EMPLOYER, credit_code=CREDIT_CODE)
    data["worker"].update(id_number=worker.id_number, phone=worker.phone)
    contracts = platform.contracts
    made = contracts.create_draft(
        hr(org_id),
        Contract.model_validate(data),
        now=datetime.now(UTC),
        worker_id=worker.id,
    )
    cid = made.contract.id
    contracts.acknowledge_warnings(hr(org_id), cid, made.contract.warnings, now=datetime.now(UTC))
    contracts.send(hr(org_id), cid, now=datetime.now(UTC))
    # The relay delivers the contract service's message: the worker's link by SMS.
    relay = platform.outbox_relay
    for _round in range(5):
        for message_id in relay.due(datetime.now(UTC)):
            relay.dispatch(message_id)
    return cid


def newest_sms(platform: Container, phone: str, pattern: str, after: int = 0) -> str:
    """The first group of `pattern` in the newest SMS to `phone` that has it, once more than
    `after` messages have reached the phone (the server's relay delivers them)."""
    deadline = time.monotonic() + CODE_WAIT_SECONDS
    while time.monotonic() < deadline:
        messages = read_dev_outbox(
            platform.uow, platform.secret_key, development=True, channel="sms", address=phone
        )
        if len(messages) > after:
            for message in messages:
                found = re.search(pattern, message.body)
                if found:
                    return found.group(1)
        time.sleep(0.2)
    raise AssertionError(f"no SMS matching {pattern!r} reached {phone}")


def sms_count(platform: Container, phone: str) -> int:
    return len(
        read_dev_outbox(
            platform.uow, platform.secret_key, development=True, channel="sms", address=phone
        )
    )


def fits(page: Page) -> None:
    """No horizontal scrolling at the phone's width."""
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{page.url} scrolls sideways: {width}"


def step(page: Page, shot: Callable[[Page, str], Path], name: str) -> None:
    fits(page)
    shot(page, name)


def open_link(page: Page, platform: Container, worker: Worker) -> None:
    link = newest_sms(platform, worker.phone, r"(https?://\S+/ceremony/[A-Za-z0-9_-]+)")
    page.goto(re.sub(r"^https?://[^/]+", "", link))
    expect(page.get_by_role("heading", level=1)).to_have_text("签订电子劳动合同")


def draw(page: Page) -> None:
    """Two strokes across the pad, with the mouse (pointer events, like a finger)."""
    box = page.locator("#pad").bounding_box()
    assert box is not None
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    for row in (0.35, 0.65):
        page.mouse.move(x + w * 0.15, y + h * row)
        page.mouse.down()
        for i in range(1, 11):
            page.mouse.move(x + w * (0.15 + 0.07 * i), y + h * (row + (0.1 if i % 2 else -0.1)))
        page.mouse.up()


def test_worker_signs_on_a_phone_from_the_link_to_the_download(
    touch_phone: Page,
    platform: Container,
    org_id: str,
    shot: Callable[[Page, str], Path],
    tmp_path: Path,
) -> None:
    page = touch_phone
    worker = new_worker(platform, org_id)
    cid = send_contract(platform, org_id, worker)

    open_link(page, platform, worker)
    step(page, shot, "1-link")
    page.get_by_role("button", name="开始签署").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("电子劳动合同签约须知")
    step(page, shot, "2-notice")
    page.get_by_label("我已阅读并理解以上签约须知").check()
    page.get_by_role("button", name="确认并继续").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("核验身份")
    expect(page.get_by_text(worker.phone[:3] + "****" + worker.phone[-4:])).to_be_visible()
    step(page, shot, "3-identity")
    page.get_by_label("姓名").fill(worker.name)
    page.get_by_label("身份证号").fill(worker.id_number)
    before = sms_count(platform, worker.phone)
    page.get_by_role("button", name="核验并发送验证码").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("输入短信验证码")
    page.get_by_label("验证码").fill("00000")
    page.get_by_role("button", name="确认").click()
    expect(page.get_by_role("alert")).to_be_visible()  # a wrong code is a readable message
    step(page, shot, "4-code-wrong")
    code = newest_sms(platform, worker.phone, r"验证码 (\d{6})", after=before)
    page.get_by_label("验证码").fill(code)
    page.get_by_role("button", name="确认").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("阅读合同")
    first = page.get_by_role("img", name=re.compile(r"合同第 1 页"))
    expect(first).to_be_visible()
    assert first.evaluate("img => img.complete && img.naturalWidth > 0")
    step(page, shot, "5-read")
    page.get_by_role("link", name="我已阅读，去确认签署").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("确认签署意愿")
    step(page, shot, "6-confirm")
    before = sms_count(platform, worker.phone)
    page.get_by_role("button", name="获取签署验证码").click()
    code = newest_sms(platform, worker.phone, r"验证码 (\d{6})", after=before)
    page.get_by_label("签署验证码").fill(code)
    page.get_by_role("button", name="下一步：手写签名").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("手写签名")
    page.get_by_role("button", name="确认签署").click()  # nothing drawn: refused on the page
    expect(page.locator("#pad-error")).to_be_visible()
    draw(page)
    page.get_by_role("button", name="撤销一笔").click()
    draw(page)
    step(page, shot, "7-signature")
    page.get_by_role("button", name="确认签署").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("签署完成", timeout=60_000)
    step(page, shot, "8-done")
    assert platform.contracts.summary(Scope.system(), cid).state is State.WORKER_SIGNED

    # The employer signs (an authorised signer, confirmed), on a thread of its own: signing
    # runs asyncio, and Playwright's synchronous API keeps a loop running on this one.
    signer = Scope.employer(org_id, "signer-e2e", {Role.SIGNER})
    with ThreadPoolExecutor(1) as pool:
        pool.submit(
            platform.ceremony.employer.sign_confirmed, signer, cid, datetime.now(UTC)
        ).result()
    assert platform.contracts.summary(Scope.system(), cid).state is State.EFFECTIVE

    # 我的合同: phone and code, the list, the contract, the download.
    page.goto("/me")
    expect(page.get_by_role("heading", level=1)).to_have_text("我的合同")
    step(page, shot, "9-me-login")
    page.get_by_label("手机号").fill(worker.phone)
    before = sms_count(platform, worker.phone)
    page.get_by_role("button", name="发送验证码").click()
    page.get_by_label("验证码").fill(newest_sms(platform, worker.phone, r"验证码 (\d{6})", before))
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text("E2E-W-")).to_be_visible()
    expect(page.get_by_text("已生效").first).to_be_visible()
    step(page, shot, "10-me")
    page.get_by_role("link", name="查看").first.click()
    expect(page.get_by_role("heading", name="签署与查阅记录")).to_be_visible()
    expect(page.get_by_role("cell", name="劳动者签名")).to_be_visible()
    step(page, shot, "11-me-contract")
    with page.expect_download() as downloading:
        page.get_by_role("link", name="下载", exact=True).click()
    saved = tmp_path / "contract.pdf"
    downloading.value.save_as(saved)
    roots = [to_asn1(c) for c in platform.signing.trust_material().roots]
    with ThreadPoolExecutor(1) as pool:  # verifying runs asyncio too
        report = pool.submit(verify_pdf, saved.read_bytes(), roots).result()
    assert report.verdict is Verdict.VALID, report.to_dict()
    assert len(report.signatures) >= 2


def test_worker_declines_with_a_reason(
    touch_phone: Page, platform: Container, org_id: str, shot: Callable[[Page, str], Path]
) -> None:
    page = touch_phone
    worker = new_worker(platform, org_id)
    cid = send_contract(platform, org_id, worker)
    open_link(page, platform, worker)
    page.get_by_role("button", name="开始签署").click()
    page.get_by_role("link", name="不同意签署？拒签").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("拒绝签署")
    step(page, shot, "1-decline")
    page.get_by_label("拒签理由").fill("工作地点与面试时说的不一致")
    page.get_by_role("button", name="确认拒签").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("已拒签")
    step(page, shot, "2-declined")
    assert platform.contracts.summary(Scope.system(), cid).state is State.DECLINED
    expect(page.get_by_role("link", name="我的合同").last).to_be_visible()


def test_worker_pages_in_english(
    touch_phone: Page, platform: Container, org_id: str, shot: Callable[[Page, str], Path]
) -> None:
    page = touch_phone
    worker = new_worker(platform, org_id)
    send_contract(platform, org_id, worker)
    open_link(page, platform, worker)
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign your electronic labor contract")
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Notice before signing an electronic labor contract"
    )
    step(page, shot, "notice-en")
