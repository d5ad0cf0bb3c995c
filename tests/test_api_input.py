"""Bad input at the API boundary (issue 11, points 9, 10 and 13's API part): a clear 400 or 413
naming the field, in the request's language, never a 500 or an HTML page."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from rest_framework import exceptions, fields, serializers

from kotopaikka.core import jsonparse
from kotopaikka.people.api import IdentifiersSerializer
from kotopaikka.people.identifiers import IdentifierKind

pytestmark = pytest.mark.django_db

DEEP = "[" * 100_000 + "]" * 100_000
PERSON = {"given_names": "Api", "family_name": "Syötteinen", "date_of_birth": "1990-05-01"}
SV = {"Accept-Language": "sv"}


def _post(client, url, body, content_type="application/json", **headers):
    return client.post(url, body, content_type=content_type, headers=headers)


def _agreement(years) -> str:
    """An agreement body with the `years` given as raw JSON text (numbers too big for Python's
    json.dumps to write as the client did)."""
    return '{"municipality": "091", "valid_from": "2026-01-01", "years": ' + years + "}"


# --- point 9: nesting, encoding and size ---------------------------------------------------------


@pytest.mark.parametrize("url", ["/api/v1/persons/", "/api/v1/placement/cases/import/"])
def test_deeply_nested_json_is_a_400_naming_the_body(url, uusimaa_officer, client_for):
    response = _post(client_for(uusimaa_officer), url, DEEP, **SV)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    (message,) = response.json()["body"]
    assert "rad 1, kolumn 21" in message  # where, in Swedish
    assert "20" in message  # the limit


def test_deeply_nested_json_file_on_the_import_page_is_reported(uusimaa_officer, client_for):
    upload = SimpleUploadedFile("cases.json", DEEP.encode(), content_type="application/json")
    response = client_for(uusimaa_officer).post(reverse("placement:case_import"), {"file": upload})
    assert response.status_code == 200
    (error,) = response.context["report"].errors
    assert error.message.startswith("Virheellistä JSONia rivillä 1, sarakkeessa 21")


def test_non_utf8_csv_on_the_import_api_is_a_400_naming_the_body(uusimaa_officer, client_for):
    body = b"reference,age\n147-1,30\n" + b"\xff\xfe,1\n"
    response = _post(
        client_for(uusimaa_officer), "/api/v1/placement/cases/import/", body, "text/csv", **SV
    )
    assert response.status_code == 400
    assert response.json() == {"body": ["Förfrågans innehåll är inte UTF-8-text (byte 24)."]}


def test_a_body_over_the_limit_is_a_413_with_the_json_error_body(helsinki_worker, client_for):
    body = json.dumps({**PERSON, "family_name": "x" * (14 * 1024 * 1024)})
    response = _post(client_for(helsinki_worker), "/api/v1/persons/", body, **SV)
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
    assert "1,0\xa0MB" in response.json()["detail"]  # the limit, formatted in Swedish
    assert response.json()["detail"].startswith("Förfrågan är större")


def test_the_import_api_has_its_own_larger_limit(uusimaa_officer, client_for):
    """2 MB is over the default 1 MB but within the imports' 5 MB: read and reported."""
    rows = "".join(f"147-9{i:07d},30\n" for i in range(110_000))
    body = "reference,age\n" + rows
    assert 1024 * 1024 < len(body) < 5 * 1024 * 1024
    client = client_for(uusimaa_officer)
    response = _post(client, "/api/v1/placement/cases/", body, "text/csv")
    assert response.status_code == 413  # control: the default limit elsewhere
    junk = "x\n" * (len(body) // 2)
    response = _post(client, "/api/v1/placement/cases/import/", junk, "text/csv")
    assert response.status_code == 200  # a report (the text has no columns), not a 413
    assert response.json()["errors"][0]["field"] == "reference, age"


def test_a_csv_field_the_csv_module_cannot_read_is_reported(uusimaa_officer, client_for):
    body = "reference,age\n147-1," + "9" * 200_000 + "\n"
    response = _post(
        client_for(uusimaa_officer), "/api/v1/placement/cases/import/", body, "text/csv", **SV
    )
    assert response.status_code == 200  # was a 500 (csv.Error: field larger than field limit)
    (error,) = response.json()["errors"]
    assert error["message"].startswith("CSV-filen kan inte läsas på rad 2")


def test_a_form_over_the_limit_is_the_413_page(helsinki_worker, client_for):
    client = client_for(helsinki_worker, HTTP_COOKIE="django_language=sv")
    client.cookies["django_language"] = "sv"
    response = client.post(reverse("people:create"), {"given_names": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    assert "413.html" in [t.name for t in response.templates]
    assert "För stor" in response.content.decode()


# --- point 9: messages in the request's language -------------------------------------------------


def test_drf_field_messages_come_in_swedish(helsinki_worker, client_for):
    response = _post(
        client_for(helsinki_worker),
        "/api/v1/persons/",
        json.dumps({**PERSON, "family_name": {}, "confirm_possible_duplicate": "maybe"}),
        **SV,
    )
    assert response.status_code == 400
    assert response.json() == {
        "family_name": ["Värdet är inte en giltig sträng."],
        "confirm_possible_duplicate": ["Värdet måste vara sant eller falskt (true eller false)."],
    }


def test_unknown_identifier_type_is_named_in_finnish(helsinki_worker, client_for):
    response = _post(
        client_for(helsinki_worker),
        "/api/v1/persons/",
        json.dumps({**PERSON, "identifiers": {"passport": "X1"}}),
        **{"Accept-Language": "fi"},
    )
    assert response.status_code == 400
    assert response.json() == {"identifiers": ["Tuntemattomat tunnistetyypit: passport."]}


def test_identifier_fields_are_the_identifier_kinds():
    assert set(IdentifiersSerializer().fields) == set(IdentifierKind.values)


def test_json_syntax_error_names_line_and_column_in_swedish(helsinki_worker, client_for):
    response = _post(client_for(helsinki_worker), "/api/v1/persons/", '{\n  "a": }', **SV)
    assert response.status_code == 400
    assert response.json() == {
        "body": ["Ogiltig JSON på rad 2, kolumn 8: ett värde förväntades."],
    }


def test_role_header_error_comes_in_swedish(helsinki_worker, client_for):
    response = client_for(helsinki_worker).get(
        "/api/v1/me/", headers={**SV, "X-Kotopaikka-Role": "999999"}
    )
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Okänd rolltilldelning i X-Kotopaikka-Role.",
        "code": "permission_denied",
    }


def test_import_report_says_what_is_wrong_with_the_json_in_swedish(uusimaa_officer, client_for):
    upload = SimpleUploadedFile("cases.json", b"", content_type="application/json")
    client = client_for(uusimaa_officer)
    client.cookies["django_language"] = "sv"
    response = client.post(reverse("placement:case_import"), {"file": upload})
    if response.status_code == 200 and response.context["report"] is None:  # empty file refused
        upload = SimpleUploadedFile("cases.json", b" \n", content_type="application/json")
        response = client.post(reverse("placement:case_import"), {"file": upload})
    (error,) = response.context["report"].errors
    assert error.message == "Ogiltig JSON på rad 2, kolumn 1: ett värde förväntades."
    assert "Expecting" not in response.content.decode()


def _drf_messages() -> set[str]:
    """Every message DRF's fields, serializers and API errors can put into a response."""
    messages: set[str] = set()
    classes = [
        *(getattr(fields, name) for name in dir(fields)),
        serializers.Serializer,
        serializers.ListSerializer,
    ]
    for cls in classes:
        if isinstance(cls, type) and issubclass(cls, fields.Field):
            for klass in cls.__mro__:
                messages |= {str(m) for m in getattr(klass, "default_error_messages", {}).values()}
    for name in dir(exceptions):
        cls = getattr(exceptions, name)
        if (
            isinstance(cls, type)
            and issubclass(cls, exceptions.APIException)
            and isinstance(cls.default_detail, str | Promise)
        ):
            messages.add(str(cls.default_detail))
    return messages


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_every_drf_message_is_translated(language, compiled_catalogues):
    with translation.override("en"):
        english = _drf_messages()
    assert len(english) > 50
    untranslated = []
    for message in sorted(english):
        with translation.override(language):
            if translation.gettext(message) == message:
                untranslated.append(message)
    assert untranslated == []


# --- the bounded JSON loader ---------------------------------------------------------------------


def test_depth_limit_is_exact_and_ignores_brackets_in_strings(settings):
    settings.KOTOPAIKKA_MAX_JSON_DEPTH = 3
    assert jsonparse.loads('[[["[[[[{"]]]') == [[["[[[[{"]]]
    assert jsonparse.loads('{"a": {"b": ["\\"[[["]}}') == {"a": {"b": ['"[[[']}}
    with pytest.raises(jsonparse.JSONInputError) as refused:
        jsonparse.loads("[[[[]]]]")
    assert (refused.value.line, refused.value.column) == (1, 4)


@pytest.mark.parametrize("text", ["1" * 5000, "[NaN]", "[-Infinity]", '{"a": 1e99999}'])
def test_numbers_python_cannot_hold_are_refused(text):
    if text.endswith("1e99999}"):
        assert jsonparse.loads(text) == {"a": float("inf")}  # json reads this; the fields refuse
        return
    with pytest.raises(jsonparse.JSONInputError):
        jsonparse.loads(text)


# --- point 10: bounds ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/persons/?offset=9223372036854775808", "offset"),
        ("/api/v1/persons/?limit=99999999999999999999999", "limit"),
        ("/api/v1/placement/cases/?min_days=739000", "min_days"),
        ("/api/v1/placement/cases/?min_days=99999999999999999999", "min_days"),
        ("/api/v1/placement/usage/?year=99999999999999999999", "year"),
        ("/api/v1/placement/proposals/?status=lost", "status"),
    ],
)
def test_numbers_and_codes_outside_their_bounds_are_400(url, field, uusimaa_officer, client_for):
    client = client_for(uusimaa_officer, raise_request_exception=False)
    response = client.get(url)
    assert response.status_code == 400, response.content
    assert list(response.json()) == [field]


@pytest.mark.parametrize(
    ("years", "field"),
    [
        ('{"99999999999999999999": {"persons": 1}}', "years"),
        ('{"50000": {"persons": 1}}', "years"),
        ('{"2026": {"persons": 1e23}}', "years.2026.persons"),
        ('{"2026": {"persons": 100000000000000000000000}}', "years.2026.persons"),
        ('{"2026": {"persons": -1}}', "years.2026.persons"),
        ('{"2026": {"wagons": 1}}', "years.2026"),
    ],
)
def test_agreement_places_outside_their_bounds_are_400(years, field, uusimaa_officer, client_for):
    client = client_for(uusimaa_officer, raise_request_exception=False)
    response = client.put(
        "/api/v1/placement/agreements/", _agreement(years), content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert list(response.json()) == [field]


def test_agreement_within_bounds_is_saved(uusimaa_officer, client_for):
    """Control for the bounds test above."""
    response = client_for(uusimaa_officer).put(
        "/api/v1/placement/agreements/",
        _agreement('{"2026": {"persons": 100000}}'),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content


@pytest.mark.parametrize(
    ("member", "field"),
    [
        ({"age": 30, "sex": "alien"}, "members.0.sex"),
        ({"age": 30, "education_years": 10**30}, "members.0.education_years"),
        ({"age": 30, "languages": ["x" * 40]}, "members.0.languages.0"),
    ],
)
def test_case_member_values_outside_the_lists_are_400(member, field, uusimaa_officer, client_for):
    response = _post(
        client_for(uusimaa_officer),
        "/api/v1/placement/cases/",
        json.dumps({"reference": "147-55500001", "members": [member]}),
    )
    assert response.status_code == 400
    assert list(response.json()) == [field]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"needs": ["flying"]}, "needs.0"),
        ({"nationality": "AF1"}, "nationality"),
        ({"available_from": "9999-12-31"}, "available_from"),
        ({"members": []}, "members"),
    ],
)
def test_case_values_outside_the_lists_are_400(change, field, uusimaa_officer, client_for):
    response = _post(
        client_for(uusimaa_officer),
        "/api/v1/placement/cases/",
        json.dumps({"reference": "147-55500002", "members": [{"age": 30}], **change}),
    )
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_person_sex_outside_the_list_is_400(helsinki_worker, client_for):
    response = _post(
        client_for(helsinki_worker), "/api/v1/persons/", json.dumps({**PERSON, "sex": "alien"})
    )
    assert response.status_code == 400
    assert list(response.json()) == ["sex"]


def test_empty_need_is_outside_its_list(uusimaa_officer, client_for):
    response = client_for(uusimaa_officer).get("/api/v1/placement/cases/?need=")
    assert response.status_code == 400
    assert list(response.json()) == ["need"]
    assert client_for(uusimaa_officer).get("/api/v1/placement/cases/?status=all").status_code == 200


def test_patch_with_nested_items_missing_their_optional_keys_is_saved(
    helsinki_worker, make_person, client_for
):
    """Found by schemathesis in CI: a PATCH validates partially, where DRF applies no nested
    defaults, and a language without its level was a KeyError (500)."""
    person = make_person(helsinki_worker)
    body = {"languages": [{"code": "ara"}], "other_names": [{"value": "عمر"}]}
    response = client_for(helsinki_worker).patch(
        f"/api/v1/persons/{person.pk}/", body, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    person.refresh_from_db()
    assert [(lang.language, lang.level) for lang in person.languages.all()] == [("ara", "good")]
    assert [(n.value, n.script) for n in person.other_names.all()] == [("عمر", "")]
