"""Browser tests: the real app (`laborsign init` + `laborsign serve`) in a subprocess on a
free port with a fresh data home, driven by Debian's chromium through Playwright.

One server and one browser per session keep the suite fast; each test gets a fresh browser
context (no cookies carried over). A page fixture fails the test on any console error or
uncaught page error. Screenshots go to $LABORSIGN_ARTIFACTS (default build/e2e-artifacts/).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Error, Page, sync_playwright

from laborsign.bootstrap import Container
from laborsign.demo import run_demo
from laborsign.settings import Settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("LABORSIGN_ARTIFACTS") or ROOT / "build" / "e2e-artifacts")
PHONE = {"width": 375, "height": 667}
DESKTOP = {"width": 1280, "height": 900}
START_TIMEOUT = 90.0


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.e2e)


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    reason = f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def laborsign_command() -> str:
    """The `laborsign` script of the interpreter running the tests."""
    found = Path(sys.executable).parent / "laborsign"
    return str(found) if found.exists() else shutil.which("laborsign") or "laborsign"


@dataclass(frozen=True)
class Server:
    url: str
    env: dict[str, str]
    home: Path

    def cli(self, *args: str, input: str | None = None) -> str:
        """Run `laborsign ARGS` against this server's data home; its output."""
        done = subprocess.run(
            [laborsign_command(), *args],
            env=self.env,
            input=input,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if done.returncode != 0:
            raise AssertionError(f"laborsign {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
        return done.stdout


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    _require_chromium()
    home = tmp_path_factory.mktemp("e2e") / "home"
    port = _free_port()
    env = {
        **os.environ,
        "LABORSIGN_HOME": str(home),
        "LABORSIGN_PORT": str(port),
        "LABORSIGN_HOST": "127.0.0.1",
        "LABORSIGN_MODE": "development",
        "LABORSIGN_LOG_LEVEL": "warning",
        # A worker's ceremony asks for several SMS codes for one phone within a minute.
        "LABORSIGN_OTP_RESEND_SECONDS": "0",
    }
    for name in ("LABORSIGN_DATABASE_URL", "LABORSIGN_PUBLIC_URL", "LABORSIGN_SECRET_KEY"):
        env.pop(name, None)
    found = Server(f"http://127.0.0.1:{port}", env, home)
    found.cli("init")
    log = (home.parent / "server.log").open("w")
    process = subprocess.Popen(
        [laborsign_command(), "serve", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_until_up(found.url, process, home.parent / "server.log")
        yield found
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited early:\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"the server did not answer within {START_TIMEOUT} s:\n{log.read_text()}")


@dataclass(frozen=True)
class Demo:
    pdf: Path
    evidence: Path


@pytest.fixture(scope="session")
def platform(server: Server) -> Iterator[Container]:
    """The server's platform opened in this process too (same data home and database):
    services are called directly where a CLI process would only add start-up time."""
    found = Container(Settings(home=server.home, jobs_backend="immediate"))
    yield found
    found.engine.dispose()


@pytest.fixture(scope="session")
def demo(platform: Container, tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """The demo's executed contract (`laborsign demo`), made with the server's CA and TSA."""
    # On a thread of its own: signing runs asyncio, and Playwright's synchronous API keeps
    # an event loop running on this one.
    with ThreadPoolExecutor(1) as pool:
        made = pool.submit(run_demo, platform, tmp_path_factory.mktemp("demo")).result()
    return Demo(made.contract_pdf, made.evidence_zip)


@pytest.fixture(scope="module")
def browser(server: Server) -> Iterator[Browser]:
    # Per module, not per session: Playwright's sync API keeps an asyncio loop running in
    # this thread while it is open, and every later test that signs (pyHanko runs
    # asyncio.run) would fail with "cannot be called from a running event loop".
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _open_page(
    browser: Browser,
    server: Server,
    viewport: dict[str, int],
    *,
    has_touch: bool = False,
    is_mobile: bool = False,
) -> Iterator[Page]:
    context = browser.new_context(
        base_url=server.url,
        viewport=viewport,  # type: ignore[arg-type]
        locale="zh-CN",
        has_touch=has_touch,
        is_mobile=is_mobile,
    )
    page = context.new_page()
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"console error: {message.text} ({message.location})")

    def on_error(error: Error) -> None:
        problems.append(f"page error: {error}")

    page.on("console", on_console)
    page.on("pageerror", on_error)
    yield page
    context.close()
    if problems:
        pytest.fail("the browser reported errors:\n" + "\n".join(problems))


@pytest.fixture
def page(browser: Browser, server: Server) -> Iterator[Page]:
    """A desktop-sized page; the test fails on any console or page error."""
    yield from _open_page(browser, server, DESKTOP)


@pytest.fixture
def phone(browser: Browser, server: Server) -> Iterator[Page]:
    """A 375×667 page (a small phone); the test fails on any console or page error."""
    yield from _open_page(browser, server, PHONE)


@pytest.fixture
def shot(request: pytest.FixtureRequest) -> Callable[[Page, str], Path]:
    """Save a full-page screenshot named after the test and `name` to the artifacts."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    test = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name)

    def save(page: Page, name: str) -> Path:
        path = ARTIFACTS / f"{test}--{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
