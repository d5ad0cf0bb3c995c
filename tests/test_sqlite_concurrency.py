"""Concurrent users on the embedded SQLite database (issue 11, point 10).

Every audited read writes an audit event, so each request is a transaction that reads and then
writes. In SQLite's default deferred mode two such transactions cannot both upgrade to the
write lock; the loser fails at once with "database is locked" (24 parallel reads gave 10 × 500).
With `transaction_mode: IMMEDIATE` (settings.py) a transaction takes the write lock when it
begins and waits up to the busy timeout instead. This runs the real server (runserver, one
thread per request) on a temporary SQLite file, not the in-memory test database, and sends
parallel audited reads from several clients.
"""

from __future__ import annotations

import concurrent.futures
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.slow

PARALLEL = 24
ROUNDS = 3

SETUP = """
import datetime as dt
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from kotopaikka.access.middleware import SESSION_KEY as ROLE_KEY
from kotopaikka.access.models import RoleAssignment, User
from kotopaikka.access.policy import Actor
from kotopaikka.access.roles import Role
from kotopaikka.people.services import PersonData, person_create
from kotopaikka.registry.loader import load_registry
from kotopaikka.registry.models import Organisation

load_registry()
user = User.objects.create_user(username="parallel", password="not-used-parallel-1")
assignment = RoleAssignment.objects.create(
    user=user, organisation=Organisation.objects.get(code="municipality-091"),
    role=Role.INTEGRATION_WORKER,
)
actor = Actor(user, assignment)
ids = [
    person_create(
        actor=actor,
        data=PersonData(given_names="Rinnakkainen", family_name=f"Henkilo{i}",
                        date_of_birth=dt.date(1980, 1, 1) + dt.timedelta(days=i)),
        confirm_possible_duplicate=True,
    ).pk
    for i in range(6)
]
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session[ROLE_KEY] = assignment.pk
session.create()
print(session.session_key, *ids)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, cookie: str) -> int:
    request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310 (loopback)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture
def server(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kotopaikka.config.settings",
        "ENVIRONMENT": "development",
        "DEBUG": "False",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'concurrent.sqlite3'}",
    }
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
    subprocess.run([*manage, "migrate", "--no-input", "-v0"], env=env, check=True, timeout=300)
    setup = subprocess.run(
        [*manage, "shell", "-v0", "-c", SETUP],
        env=env,
        check=True,
        timeout=300,
        capture_output=True,
        text=True,
    )
    session_key, *person_ids = setup.stdout.strip().splitlines()[-1].split()
    port = _free_port()
    log = (tmp_path / "server.log").open("w")
    process = subprocess.Popen(
        [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    cookie = f"{settings.SESSION_COOKIE_NAME}={session_key}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if _get(f"{base}/health/", cookie) == 200:
                break
        except OSError:
            time.sleep(0.3)
    else:
        process.kill()
        pytest.fail("the server did not start: " + (tmp_path / "server.log").read_text())
    yield base, cookie, person_ids, tmp_path / "server.log"
    process.terminate()
    process.wait(timeout=30)
    log.close()


def test_parallel_audited_reads_on_sqlite_all_succeed(server):
    base, cookie, person_ids, log = server
    urls = [
        f"{base}/api/v1/persons/{person_ids[i % len(person_ids)]}/"
        if i % 3
        else f"{base}/api/v1/persons/"
        for i in range(PARALLEL)
    ]
    statuses: list[int] = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        for _round in range(ROUNDS):
            statuses += list(pool.map(lambda url: _get(url, cookie), urls))
    assert len(statuses) == PARALLEL * ROUNDS
    server_errors = [s for s in statuses if s >= 500]
    assert server_errors == [], log.read_text()[-3000:]
    assert set(statuses) == {200}
    assert "database is locked" not in log.read_text()
