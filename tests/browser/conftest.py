"""Playwright driving Debian's Chromium against a live server: real HTTP, real browser."""

import os
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

CHROMIUM = os.environ.get("GRUUV_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Playwright's sync API runs an event loop in the test thread, while the ORM calls around a
# browser test (data set-up, the database flush after it) stay synchronous: Django's async-safety
# guard does not apply to them. Set at import because pytest-django's fixtures flush outside any
# fixture of ours.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

OUTPUT = Path(__file__).resolve().parents[2] / "test-output"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.path):
            item.add_marker(pytest.mark.browser)


# Per module: Playwright's event loop must be gone before the rest of the suite uses the ORM.
@pytest.fixture(scope="module")
def chromium():
    if not Path(CHROMIUM).exists():
        reason = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("GRUUV_REQUIRE_BROWSER") == "1":
            pytest.fail(f"GRUUV_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
        pytest.skip(f"browser tests skipped: {reason}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def watched_page(chromium, **options):
    """A page in a fresh browser context whose console errors (CSP violations too) are kept:
    returns the page and the list they land in."""
    context = chromium.new_context(**{"viewport": {"width": 1280, "height": 900}, **options})
    page = context.new_page()
    errors = []

    def on_console(message) -> None:
        # A 422 is an answer, not a failure: the form again, with its errors. So is the status
        # of a page itself (an error page a test visits on purpose); a missing script, style or
        # image on it still fails.
        if message.type != "error" or "status of 422" in message.text:
            return
        if message.text.startswith("Failed to load resource") and (
            message.location.get("url") == page.url
        ):
            return
        errors.append(f"{message.text} ({message.location.get('url')} on {page.url})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page, errors


@pytest.fixture
def page(chromium):
    """A fresh browser context per test; console errors (CSP violations too) fail the test."""
    page, errors = watched_page(chromium)
    yield page
    page.context.close()
    assert errors == [], f"the browser reported errors: {errors}"


@pytest.fixture
def page_without_js(chromium):
    """The same, with JavaScript switched off: every flow must work as plain HTML forms."""
    page, errors = watched_page(chromium, java_script_enabled=False)
    yield page
    page.context.close()
    assert errors == [], f"the browser reported errors: {errors}"


@pytest.fixture
def demo_server(live_server, transactional_db, settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    return live_server.url


@pytest.fixture
def output_dir() -> Path:
    OUTPUT.mkdir(exist_ok=True)
    return OUTPUT


def sign_in(page, server: str, username: str, password: str = "gruuv-demo") -> None:
    page.goto(f"{server}/accounts/login/")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def start_conversation(page, topic: str, first_message: str) -> None:
    """From the ability page the browser is on: open the form, write, start."""
    page.get_by_text("Start a conversation").click()
    page.get_by_label("Topic").fill(topic)
    page.get_by_label("First message").fill(first_message)
    page.get_by_role("button", name="Start conversation").click()


def look_at(page, output_dir: Path, name: str, widths=(390, 1366)) -> None:
    """The page as it is now at a phone's and a laptop's width: axe finds nothing, and a
    full-page screenshot lands in test-output/ to be looked at."""
    from axe_playwright_python.sync_playwright import Axe

    for width in widths:
        page.set_viewport_size({"width": width, "height": 900})
        found = Axe().run(page).response["violations"]
        assert [(v["id"], [n["html"][:160] for n in v["nodes"]]) for v in found] == [], (
            name,
            width,
        )
        page.screenshot(path=output_dir / f"{name}-{width}.png", full_page=True)
