"""The home page and the public verification page in a real browser."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from laborsign.evidence.package_verify import STEPS
from tests.e2e.conftest import Demo

NO_HORIZONTAL_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def tampered(original: Path, out: Path) -> Path:
    """One changed byte inside the signed content (the producer name)."""
    data = bytearray(original.read_bytes())
    at = data.index(b"/Producer")
    data[at + 1] = ord("Q")
    out.write_bytes(bytes(data))
    return out


def upload(page: Page, path: Path) -> None:
    page.goto("/verify")
    page.get_by_label("选择文件").set_input_files(str(path))
    with page.expect_navigation():
        page.get_by_role("button", name="验证", exact=True).click()


def test_home_page_is_chinese_with_an_english_switch(
    page: Page, shot: Callable[[Page, str], Path]
) -> None:
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_role("heading", level=1)).to_have_text("电子劳动合同订立平台")
    expect(page.get_by_role("link", name="开始验证")).to_have_attribute("href", "/verify")
    shot(page, "home-zh")

    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Electronic labor contract platform")
    shot(page, "home-en")
    # The choice is remembered on the next page, and the switch leads back.
    page.get_by_role("link", name="Verify a contract").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verify an electronic labor contract")
    page.get_by_role("link", name="中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")


def test_keyboard_reaches_the_skip_link_first(page: Page) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "跳到正文"


def test_a_good_contract_is_reported_valid(
    page: Page, demo: Demo, shot: Callable[[Page, str], Path]
) -> None:
    upload(page, demo.pdf)
    verdict = page.locator("[data-verdict]")
    expect(verdict).to_have_attribute("data-verdict", "valid")
    expect(verdict).to_contain_text("有效")
    parties = page.locator("section[aria-labelledby=parties-h]")
    expect(parties).to_contain_text("张*")  # the worker's name, masked
    expect(page.locator(".signature")).to_have_count(3)  # worker, employer, document timestamp
    expect(page.locator("main")).not_to_contain_text("张三")  # not even in the details
    expect(page.get_by_role("heading", name="劳动者签名")).to_be_visible()
    # The technical detail is folded away until asked for.
    details = page.locator("details.technical")
    expect(details.locator("dl").first).to_be_hidden()
    details.locator("summary").click()
    expect(details.locator("dl").first).to_be_visible()
    shot(page, "verify-valid")


def test_a_tampered_contract_is_flagged(
    page: Page, demo: Demo, tmp_path: Path, shot: Callable[[Page, str], Path]
) -> None:
    upload(page, tampered(demo.pdf, tmp_path / "tampered.pdf"))
    verdict = page.locator("[data-verdict]")
    expect(verdict).to_have_attribute("data-verdict", "invalid")
    expect(verdict).to_contain_text("无效")
    expect(page.get_by_text("签名覆盖的内容已被改动").first).to_be_visible()
    shot(page, "verify-tampered")


def test_an_evidence_package_shows_its_numbered_checks(
    page: Page, demo: Demo, shot: Callable[[Page, str], Path]
) -> None:
    upload(page, demo.evidence)
    expect(page.locator("[data-verdict]")).to_have_attribute("data-verdict", "valid")
    checks = page.locator(".checks > li")
    expect(checks).to_have_count(len(STEPS))
    expect(page.locator(".checks > li.passed")).to_have_count(len(STEPS))
    shot(page, "verify-package")


def test_a_file_that_is_not_a_pdf_gets_a_clear_error(
    page: Page, tmp_path: Path, shot: Callable[[Page, str], Path]
) -> None:
    text = tmp_path / "合同.pdf"  # the name says PDF; the content does not
    text.write_text("这不是 PDF")
    page.goto("/verify")
    page.get_by_label("选择文件").set_input_files(str(text))
    with page.expect_navigation():
        page.get_by_role("button", name="验证", exact=True).click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("无法识别的文件")
    expect(page.locator("[data-verdict]")).to_have_count(0)
    shot(page, "verify-error")


def test_the_verify_page_fits_a_phone(
    phone: Page, demo: Demo, shot: Callable[[Page, str], Path]
) -> None:
    phone.goto("/verify")
    assert phone.evaluate(NO_HORIZONTAL_SCROLL)
    shot(phone, "verify-phone-form")
    upload(phone, demo.pdf)
    phone.locator("details.technical summary").click()
    assert phone.evaluate(NO_HORIZONTAL_SCROLL)
    shot(phone, "verify-phone-report")
    phone.goto("/")
    assert phone.evaluate(NO_HORIZONTAL_SCROLL)
    shot(phone, "home-phone")
