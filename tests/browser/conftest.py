"""Fixtures for the end-to-end browser tests (headless Debian Chromium driven by Playwright).

Why not pytest-django's ``live_server`` fixture: requesting it makes every test a
``TransactionTestCase``, which empties all tables after each test with ``flush``. The audit table
is append-only in the database itself (triggers refuse DELETE and TRUNCATE, see
``kotopaikka/audit/migrations/0002_append_only_triggers.py``), so that flush fails on every test.
Instead each test module gets one server (``LiveServer``, the class behind ``live_server``) over
reference data, demo users and synthetic persons committed once for the module; afterwards the
rows the module added are deleted again, except audit events, which cannot be (they stay a
valid chain: after each module a signed checkpoint of it is written and the whole chain is
verified against it, see ``_checkpoint_and_verify``). Every test here is marked ``django_db``
automatically, so that pytest-django creates the test database and wraps the test itself in a
transaction (on SQLite, where the server shares the test's in-memory connection, that also rolls
back what the test's requests wrote).

Skip policy: without ``/usr/bin/chromium`` (or the Playwright package) the browser tests are
skipped with the reason printed, unless ``KOTOPAIKKA_REQUIRE_BROWSER=1`` (set in CI), in which
case they fail.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the main thread, and Django refuses ORM calls from
# a thread with a running loop unless told that it is safe (it is: the loop is idle meanwhile).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
REQUIRE_ENV = "KOTOPAIKKA_REQUIRE_BROWSER"
#: Playwright's per-action and per-assertion timeout (ms): generous for slow CI, short enough
#: that a broken page fails within the suite's time budget.
TIMEOUT_MS = 10_000
BROWSER_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items) -> None:
    """Browser tests use the test database (see the module docstring)."""
    for item in items:
        if BROWSER_DIR in Path(str(item.path)).parents and not item.get_closest_marker("django_db"):
            item.add_marker(pytest.mark.django_db)


def _summary_file(worker: str) -> Path:
    """Where a pytest-xdist worker leaves its summary lines for the controller's log (one
    file per worker of this run: the run's id is shared by its workers)."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID", "serial")
    return Path(tempfile.gettempdir()) / f"kotopaikka-browser-summary-{run}-{worker}.json"


def pytest_sessionfinish(session) -> None:
    """In an xdist worker: hand the accessibility audit's and the audit log's summary lines to
    the controller, which prints them (a worker's terminal output is not shown)."""
    from .a11y import SUMMARY

    worker = getattr(session.config, "workerinput", {}).get("workerid")
    if worker and (SUMMARY or _audit_report):
        _summary_file(worker).write_text(
            json.dumps({"a11y": SUMMARY, "audit": _audit_report}), encoding="utf-8"
        )


def pytest_terminal_summary(terminalreporter) -> None:
    """Print the accessibility audit's counts (pages, rules, violations, time) and the audit
    log's verification after the browser tests, in the log (gathered from the xdist workers
    when the browser tests ran in parallel)."""
    from .a11y import SUMMARY

    a11y, audit = list(SUMMARY), [list(_audit_report)] if _audit_report else []
    for path in sorted(Path(tempfile.gettempdir()).glob(_summary_file("*").name)):
        data = json.loads(path.read_text(encoding="utf-8"))
        a11y += data["a11y"]
        if data["audit"]:
            audit.append([f"[{path.stem.rsplit('-', 1)[-1]}] {line}" for line in data["audit"]])
        path.unlink()
    if a11y:
        terminalreporter.section("accessibility audit")
        for line in a11y:
            terminalreporter.write_line(line)
    if audit:
        terminalreporter.section("audit log after the browser tests")
        for lines in audit:
            for line in lines:
                terminalreporter.write_line(line)


def _browser_unavailable_reason() -> str | None:
    if not (CHROMIUM.exists() and os.access(CHROMIUM, os.X_OK)):
        return (
            f"{CHROMIUM} not found: browser tests need Debian's Chromium "
            "(apt-get install -y chromium); Playwright's own browsers are not used"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed (pip install -e '.[dev]')"
    return None


@pytest.fixture(scope="session", autouse=True)
def require_browser() -> Path:
    """Skip (or, with KOTOPAIKKA_REQUIRE_BROWSER=1, fail) when no browser can be driven."""
    reason = _browser_unavailable_reason()
    if reason is None:
        return CHROMIUM
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{REQUIRE_ENV}=1 but {reason}", pytrace=False)
    # Printed even with output capture on, so that a skipped suite never goes unnoticed.
    print(f"\nSKIPPING browser tests: {reason}", file=sys.__stderr__)
    pytest.skip(f"browser tests skipped: {reason}")


@pytest.fixture(scope="session")
def playwright_instance(require_browser) -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance, require_browser) -> Iterator:
    browser = playwright_instance.chromium.launch(
        executable_path=str(require_browser), args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


# --------------------------------------------------------------------------------------------
# Server and data


def _assert_test_database(connection) -> None:
    """Never seed or clean a real database (a run without a test database uses the dev one)."""
    from django.db.backends.base.creation import TEST_DATABASE_PREFIX

    name = str(connection.settings_dict["NAME"])
    is_test = (
        name == connection.settings_dict.get("TEST", {}).get("NAME")
        or (connection.vendor == "sqlite" and connection.is_in_memory_db())
        or Path(name).name.startswith(TEST_DATABASE_PREFIX)
    )
    if not is_test:
        raise RuntimeError(
            f"refusing to use database {name!r}: it is not a test database; browser tests "
            "must be marked django_db so that pytest-django creates one"
        )


def _tables():
    """(table, integer primary key column or None) of every model outside the audit app."""
    from django.apps import apps
    from django.db import models

    found = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.app_label == "audit" or meta.proxy or not meta.managed:
            continue
        pk = meta.pk
        integer = isinstance(pk, models.AutoField | models.BigAutoField | models.SmallAutoField)
        found[meta.db_table] = pk.column if integer else None
    return found


def _snapshot(connection) -> dict[str, int | None]:
    """Per table: None when empty, else the largest integer primary key (0 if not integer)."""
    quote = connection.ops.quote_name
    snapshot = {}
    with connection.cursor() as cursor:
        for table, pk in _tables().items():
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
            if cursor.fetchone()[0] == 0:
                snapshot[table] = None
            elif pk:
                cursor.execute(f"SELECT MAX({quote(pk)}) FROM {quote(table)}")
                snapshot[table] = cursor.fetchone()[0]
            else:
                snapshot[table] = 0
    return snapshot


def _restore(connection, before: dict[str, int | None]) -> None:
    """Delete the rows added since `before`: all rows of tables that were empty, and rows with a
    larger integer key in the others (e.g. change-log entries next to the session's registry).

    Plain DELETEs in one transaction: foreign keys are deferred, so the order does not matter,
    and unlike flush (TRUNCATE ... CASCADE) nothing outside the list is touched.
    """
    from django.db import transaction

    quote = connection.ops.quote_name
    tables = _tables()
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for table, mark in before.items():
            if mark is None:
                cursor.execute(f"DELETE FROM {quote(table)}")
            elif tables[table] and mark:
                cursor.execute(
                    f"DELETE FROM {quote(table)} WHERE {quote(tables[table])} > %s",
                    [mark],
                )


def _seed() -> None:
    from kotopaikka.portal.demo import ensure_demo_users, seed_synthetic_persons
    from kotopaikka.registry.loader import load_registry
    from kotopaikka.registry.models import Municipality

    if not Municipality.objects.exists():  # the shared conftest loads it once per session
        load_registry()
    ensure_demo_users()
    seed_synthetic_persons()


@pytest.fixture(scope="session")
def checkpoint_directory(tmp_path_factory) -> Path:
    """Where the browser suite's audit checkpoints go: one directory for the whole session, so
    that each module's checkpoint extends the previous module's."""
    return tmp_path_factory.mktemp("browser-checkpoints")


#: verify_audit's report after the newest module, for the terminal summary (CI's log)
_audit_report: list[str] = []


def _checkpoint_and_verify() -> None:
    """Sign what the module's pages wrote, then verify the whole chain against it, as
    `verify_audit --min-events 1 --require-checkpoint` does: a broken chain, a tail cut below
    an earlier module's checkpoint, or no event at all fails the run (an error at the module's
    teardown). After the last module this is the verification of everything the browser tests
    wrote (the test database is destroyed after the session)."""
    from io import StringIO

    from django.core.management import call_command

    from kotopaikka.audit.checkpoints import write_checkpoint

    write_checkpoint()
    out = StringIO()
    call_command("verify_audit", "--min-events", "1", "--require-checkpoint", stdout=out)
    _audit_report[:] = out.getvalue().splitlines()


@pytest.fixture(scope="module")
def kp_server(
    require_browser, django_db_setup, django_db_blocker, checkpoint_directory
) -> Iterator:
    """A live Kotopaikka over committed demo data, for one test module.

    Database access stays unblocked for the module: pytest-django's blocker is global, and the
    server thread needs the database while the test drives the browser. Afterwards every row the
    module added is deleted again, except audit events, which cannot be deleted.
    """
    from django.db import connection
    from django.test.utils import modify_settings, override_settings
    from pytest_django.live_server_helper import LiveServer

    address = os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")
    host = address.split(":")[0]
    with (
        django_db_blocker.unblock(),
        modify_settings(ALLOWED_HOSTS={"append": host}),
        override_settings(KOTOPAIKKA_AUDIT_CHECKPOINT_DIR=str(checkpoint_directory)),
    ):
        _assert_test_database(connection)
        before = _snapshot(connection)
        try:
            _seed()
            server = LiveServer(address)
            try:
                yield server
            finally:
                server.stop()
            _checkpoint_and_verify()
        finally:
            _restore(connection, before)


@pytest.fixture
def context(browser, kp_server) -> Iterator:
    """A fresh browser context (own cookies) per test.

    The browser asks for English (Accept-Language), so Finnish on screen is the app's default
    (the UI ignores the browser's language until the user chooses one), not the browser's wish.
    """
    context = browser.new_context(base_url=kp_server.url, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    # No favicon exists; its request would reach Django alongside the page's own requests.
    context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    yield context
    context.close()


@pytest.fixture
def page(context) -> Iterator:
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    page = context.new_page()
    yield page
    page.close()


def log_in_as(page, username: str, password: str | None = None) -> None:
    """Log in through the login form (expects to be redirected to the home page)."""
    from playwright.sync_api import expect

    from kotopaikka.portal.demo import DEMO_PASSWORD

    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password or DEMO_PASSWORD)
    page.locator("form.kp-form [type=submit]").click()
    expect(page.get_by_test_id("acting-role")).to_be_visible()


@pytest.fixture
def log_in() -> Callable:
    """`log_in_as` as a fixture."""
    return log_in_as
