"""API tokens (issue 11, point 5): django-rest-knox tokens, stored only as hashes, expiring,
revocable per device, never shown to administrators; the login endpoint reads its body with
the bounded JSON parser and answers in the API's error format."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kotopaikka.access.models import ApiToken, User
from kotopaikka.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

PASSWORD = "token-user-passphrase-2026"
LOGIN = "/api/v1/auth/token/"


@pytest.fixture
def worker(helsinki_worker, clean_cache):
    helsinki_worker.user.set_password(PASSWORD)
    helsinki_worker.user.save()
    return helsinki_worker


def _login(user, device: str = "", **headers) -> dict:
    body = {"username": user.username, "password": PASSWORD}
    if device:
        body["device"] = device
    response = Client(headers=headers).post(
        LOGIN, json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def _as(token: str, **headers) -> Client:
    return Client(headers={"Authorization": f"Token {token}", **headers})


def _all_stored_values() -> str:
    """Every value in every table of the database, as one text (what a dump would show)."""
    quote = connection.ops.quote_name
    values = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {quote(table)}")
            values.extend(str(value) for row in cursor.fetchall() for value in row)
    return "\n".join(values)


def test_the_database_holds_only_a_hash_of_the_token(worker):
    issued = _login(worker.user, "laptop")
    token = issued["token"]
    stored = ApiToken.objects.get(pk=issued["id"])
    assert stored.digest == hashlib.sha512(token.encode()).hexdigest()
    assert token not in _all_stored_values()
    # what is stored does not authenticate: neither the digest nor knox's lookup prefix
    assert _as(token).get("/api/v1/me/").status_code == 200
    for stored_value in (stored.digest, stored.token_key, str(stored.pk)):
        assert _as(stored_value).get("/api/v1/me/").status_code == 401


def test_a_token_expires_after_the_configured_time(worker):
    issued = _login(worker.user)
    stored = ApiToken.objects.get(pk=issued["id"])
    ttl = dt.timedelta(hours=settings.REST_KNOX["TOKEN_TTL"].total_seconds() / 3600)
    assert abs(stored.expiry - stored.created - ttl) < dt.timedelta(minutes=1)
    assert issued["expiry"]
    # a day later (the row's expiry moved into the past, as time would)
    ApiToken.objects.filter(pk=stored.pk).update(expiry=timezone.now() - dt.timedelta(seconds=1))
    response = _as(issued["token"]).get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert not ApiToken.objects.filter(pk=stored.pk).exists()  # removed when presented


def test_logout_revokes_that_device_only(worker):
    laptop = _login(worker.user, "laptop")
    phone = _login(worker.user, "phone")
    listed = _as(phone["token"]).get("/api/v1/auth/tokens/").json()
    assert {(t["device"], t["current"]) for t in listed} == {("laptop", False), ("phone", True)}
    assert all(set(t) == {"id", "device", "created", "expiry", "current"} for t in listed)
    assert laptop["token"] not in json.dumps(listed) and phone["token"] not in json.dumps(listed)

    assert _as(laptop["token"]).post("/api/v1/auth/logout/").status_code == 204
    assert _as(laptop["token"]).get("/api/v1/me/").status_code == 401
    assert _as(phone["token"]).get("/api/v1/me/").status_code == 200
    assert [t["device"] for t in _as(phone["token"]).get("/api/v1/auth/tokens/").json()] == [
        "phone"
    ]


def test_logout_needs_a_token_not_a_session(worker, client_for):
    _login(worker.user)
    response = client_for(worker).post("/api/v1/auth/logout/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert ApiToken.objects.filter(user=worker.user).count() == 1


def test_logout_all_revokes_every_device_also_from_a_session(worker, client_for):
    tokens = [_login(worker.user, device)["token"] for device in ("laptop", "phone")]
    response = client_for(worker).post("/api/v1/auth/logout-all/")
    assert response.status_code == 200 and response.json() == {"revoked": 2}
    assert all(_as(token).get("/api/v1/me/").status_code == 401 for token in tokens)


def test_a_token_is_revoked_by_its_id_and_another_users_is_not_found(worker, espoo_worker):
    mine = _login(worker.user, "laptop")
    other = _login(worker.user, "phone")
    url = reverse("api-token-detail", kwargs={"token_id": other["id"]})
    espoo_worker.user.set_password(PASSWORD)
    espoo_worker.user.save()
    espoo = _login(espoo_worker.user)
    before = AuditEvent.objects.count()
    response = _as(espoo["token"]).delete(url)
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    denied = AuditEvent.objects.filter(action="denied").order_by("-seq")[:1].get()
    assert AuditEvent.objects.count() == before + 1
    assert (denied.actor_username, denied.object_type) == ("espoo_worker", "access.ApiToken")
    assert _as(other["token"]).get("/api/v1/me/").status_code == 200

    assert _as(mine["token"]).delete(url).status_code == 204
    assert _as(other["token"]).get("/api/v1/me/").status_code == 401
    assert _as(mine["token"]).get("/api/v1/me/").status_code == 200


def test_the_number_of_live_tokens_is_limited(worker, settings):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_LIMIT_PER_USER": 2}
    _login(worker.user)
    _login(worker.user)
    response = Client().post(
        LOGIN,
        {"username": worker.user.username, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "token_limit" and response.json()["limit"] == 2


def test_the_device_defaults_to_the_user_agent(worker):
    issued = _login(worker.user, **{"User-Agent": "kotopaikka-sync/1.2"})
    assert issued["device"] == "kotopaikka-sync/1.2"
    assert ApiToken.objects.get(pk=issued["id"]).device == "kotopaikka-sync/1.2"
    long = _login(worker.user, **{"User-Agent": "x" * 300})
    assert long["device"] == ApiToken.objects.get(pk=long["id"]).device == "x" * 100


def test_a_token_header_that_is_not_ascii_is_a_401_not_a_500(worker):
    response = Client(headers={"Authorization": "Token ä" + "0" * 63}).get("/api/v1/me/")
    assert response.status_code == 401


# --- the login endpoint's input and errors ------------------------------------------------------


def test_the_login_body_is_json_read_by_the_bounded_parser(worker, settings):
    form = Client().post(LOGIN, {"username": worker.user.username, "password": PASSWORD})
    assert form.status_code == 415 and form.json()["code"] == "unsupported_media_type"
    settings.KOTOPAIKKA_MAX_JSON_DEPTH = 5
    deep = Client().post(LOGIN, "[" * 50 + "]" * 50, content_type="application/json")
    assert deep.status_code == 400 and list(deep.json()) == ["body"]


def test_login_errors_name_the_field_in_the_requests_language(worker):
    swedish = Client(headers={"Accept-Language": "sv"})
    missing = swedish.post(LOGIN, {"username": "x"}, content_type="application/json")
    assert missing.status_code == 400 and list(missing.json()) == ["password"]
    assert missing.json()["password"] == ["Detta fält måste fyllas i."]
    wrong = swedish.post(
        LOGIN,
        {"username": worker.user.username, "password": "not-the-password-1"},
        content_type="application/json",
    )
    assert wrong.status_code == 400
    assert wrong.json() == {"non_field_errors": ["Användarnamnet eller lösenordet är fel."]}


# --- administrators never see a token -----------------------------------------------------------


def test_the_admin_shows_no_token_nor_its_hash(worker):
    issued = _login(worker.user, "laptop")
    stored = ApiToken.objects.get(pk=issued["id"])
    admin_user = User.objects.create_user(
        username="root", password=PASSWORD, is_staff=True, is_superuser=True
    )
    client = Client()
    client.force_login(admin_user)
    pages = [
        reverse("admin:access_apitoken_changelist"),
        reverse("admin:access_apitoken_change", args=[stored.pk]),
        reverse("admin:access_user_change", args=[worker.user.pk]),
        reverse("admin:auditlog_logentry_changelist"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        content = response.content.decode()
        for secret in (issued["token"], stored.token_key, stored.digest):
            assert secret not in content, url
    assert "laptop" in client.get(pages[0]).content.decode()
    # no way to make one for someone else either
    assert client.get(reverse("admin:access_apitoken_changelist") + "add/").status_code == 403


def test_the_old_clear_text_tokens_are_removed(worker):
    """The migration that replaced DRF's authtoken: its table (the token is its primary key)
    goes, and the change log's copies of the old tokens are overwritten."""
    import importlib
    from types import SimpleNamespace

    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    migration = importlib.import_module(
        "kotopaikka.access.migrations.0003_remove_clear_text_tokens"
    )
    old_key = "0123456789abcdef0123456789abcdef01234567"
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamp, "
            "user_id bigint)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token VALUES (%s, %s, %s)",
            [old_key, timezone.now(), worker.user.pk],
        )
    old_type = ContentType.objects.create(app_label="authtoken", model="token")
    LogEntry.objects.create(
        content_type=old_type, object_pk=old_key, object_repr=old_key, action=0, changes={}
    )

    migration.remove_clear_text_tokens(None, SimpleNamespace(connection=connection))

    assert "authtoken_token" not in connection.introspection.table_names()
    assert old_key not in _all_stored_values()
