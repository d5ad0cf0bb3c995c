"""Person search tolerant of transliteration, by identity code and by date of birth; the
duplicate check at registration with the same matcher; the supervisor's list of possible
duplicates. Scope and audit as for every list: another municipality's person is never
revealed, and one LIST event names the persons shown."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.db import connection
from django.urls import reverse

from kotopaikka.audit.models import AuditEvent
from kotopaikka.people import selectors, services
from kotopaikka.people.services import HIDDEN_DUPLICATE_MESSAGE, PersonData

pytestmark = pytest.mark.django_db
BORN = dt.date(1990, 5, 17)


@pytest.fixture
def hassan(helsinki_worker, make_person):
    """Mohammed Al-Hassan of Helsinki, with his name in Arabic script as another form."""
    return make_person(
        helsinki_worker,
        given_names="Mohammed",
        family_name="Al-Hassan",
        date_of_birth=BORN,
        other_names=[("محمد الحسن", "Arab")],
    )


def _found(actor, search="", **kwargs):
    return [p.pk for p in selectors.person_list(actor=actor, search=search, **kwargs).persons]


@pytest.mark.parametrize(
    "search",
    [
        "Muhammad Alhassan",
        "Mohamed al Hasan",
        "mohammad el-hassan",
        "Alhassan",
        "Al-Hassan Mohammed",
        "Moh",
        "محمد",
    ],
)
def test_a_name_is_found_however_it_is_transliterated(search, hassan, helsinki_worker):
    assert _found(helsinki_worker, search) == [hassan.pk]


@pytest.mark.parametrize(
    "search", ["Mahmoud Hassan", "Mohammed Hussein", "Ahmed", "Hassan Mohammed Ali", "Hu Mo"]
)
def test_different_names_are_not_found(search, hassan, helsinki_worker):
    assert _found(helsinki_worker, search) == []


def test_other_forms_of_the_name_are_searched(helsinki_worker, make_person):
    person = make_person(
        helsinki_worker,
        given_names="Karim",
        family_name="Noori",
        other_names=[("Abdul Rahman Noori", "")],
    )
    assert _found(helsinki_worker, "Abdulrahman Noori") == [person.pk]


def test_the_best_matches_come_first(helsinki_worker, make_person):
    near = make_person(helsinki_worker, given_names="Muhammad", family_name="Hassan")
    exact = make_person(helsinki_worker, given_names="Mohamed", family_name="Hassan")
    assert _found(helsinki_worker, "Mohamed Hassan") == [exact.pk, near.pk]


def test_an_identity_code_finds_its_holder_only(hassan, helsinki_worker, make_person):
    make_person(helsinki_worker, given_names="Mohammed", family_name="Hassan")
    code = hassan.identifiers.get(kind="hetu").value
    assert _found(helsinki_worker, code) == [hassan.pk]
    assert _found(helsinki_worker, code.lower()) == [hassan.pk]


def test_a_date_of_birth_finds_those_born_that_day(hassan, helsinki_worker, make_person):
    make_person(helsinki_worker, given_names="Mohammed", family_name="Hassan")
    assert _found(helsinki_worker, "1990-05-17") == [hassan.pk]
    assert _found(helsinki_worker, "17.5.1990") == [hassan.pk]
    assert _found(helsinki_worker, "Muhammad 17.5.1990") == [hassan.pk]
    assert _found(helsinki_worker, "Muhammad", date_of_birth=BORN) == [hassan.pk]
    assert _found(helsinki_worker, "Ahmed 17.5.1990") == []
    assert _found(helsinki_worker, "31.2.1990") == []  # no such day: nobody, not everybody


def test_a_date_known_only_to_the_year_matches_any_day_of_it(helsinki_worker, make_person):
    person = make_person(
        helsinki_worker,
        date_of_birth=dt.date(1985, 1, 1),
        birth_date_precision="year",
        identifiers=[],
    )
    assert _found(helsinki_worker, "", date_of_birth=dt.date(1985, 8, 30)) == [person.pk]
    assert _found(helsinki_worker, "", date_of_birth=dt.date(1986, 1, 1)) == []


def test_search_keeps_to_the_scope_and_one_list_event_names_the_persons_shown(
    hassan, helsinki_worker, espoo_worker, make_person, audit_mark
):
    espoo_hassan = make_person(espoo_worker, given_names="Muhammad", family_name="Alhassan")
    before = audit_mark()
    assert _found(espoo_worker, "Mohammed Al-Hassan") == [espoo_hassan.pk]
    assert _found(espoo_worker, hassan.identifiers.get().value) == []
    assert _found(espoo_worker, "17.5.1990") == []
    events = list(AuditEvent.objects.filter(seq__gt=before).order_by("seq"))
    assert [e.action for e in events] == ["list"] * 3
    assert events[0].subject_ids == str(espoo_hassan.pk)
    assert events[1].subject_ids == events[2].subject_ids == ""
    assert not AuditEvent.objects.filter(seq__gt=before, subject_ids__contains=str(hassan.pk))


def test_the_page_and_the_api_search_the_same_way(hassan, helsinki_worker, client_for):
    client = client_for(helsinki_worker)
    link = f"/persons/{hassan.pk}/".encode()
    page = client.get(reverse("people:list"), {"q": "Muhammad Alhassan"})
    assert page.status_code == 200 and link in page.content
    assert link in client.get(reverse("people:list"), {"dob": "1990-05-17"}).content
    assert link not in client.get(reverse("people:list"), {"dob": "1990-05-18"}).content
    bad = client.get(reverse("people:list"), {"dob": "17.5.x"})
    assert bad.status_code == 200 and b"dob_error" in bad.content
    api = client.get(reverse("api-person-list"), {"search": "Mohamed al Hasan"}).json()
    assert [r["id"] for r in api["results"]] == [str(hassan.pk)] and api["count"] == 1
    api = client.get(reverse("api-person-list"), {"date_of_birth": "1990-05-17"}).json()
    assert [r["id"] for r in api["results"]] == [str(hassan.pk)]
    refused = client.get(reverse("api-person-list"), {"date_of_birth": "17.5.1990"})
    assert refused.status_code == 400 and "date_of_birth" in refused.json()


# --- the duplicate check at registration ---------------------------------------------------


def _data(given, family, born=BORN, **kwargs) -> PersonData:
    return PersonData(given_names=given, family_name=family, date_of_birth=born, **kwargs)


def test_a_transliteration_born_the_same_day_is_a_possible_duplicate(hassan, helsinki_worker):
    with pytest.raises(services.DuplicatePersonWarning) as warned:
        services.person_create(actor=helsinki_worker, data=_data("Muhammad", "Alhassan"))
    assert [(m.reason, m.person) for m in warned.value.matches] == [("name_and_birth_date", hassan)]


def test_the_other_names_on_both_sides_are_compared(hassan, helsinki_worker):
    with pytest.raises(services.DuplicatePersonWarning):
        services.person_create(
            actor=helsinki_worker,
            data=_data("Mohamad", "Hasani", other_names=[("محمد الحسن", "Arab")]),
        )


@pytest.mark.parametrize(
    "data",
    [
        _data("Mahmoud", "Al-Hassan"),  # another name
        _data("Mohammed", "Al-Hussein"),
        _data("Muhammad", "Alhassan", born=dt.date(1990, 5, 18)),  # another day
    ],
)
def test_other_names_or_days_are_not_duplicates(data, hassan, helsinki_worker):
    person = services.person_create(actor=helsinki_worker, data=data)
    assert person.pk != hassan.pk


def test_a_possible_duplicate_elsewhere_is_flagged_without_revealing_it(
    hassan, espoo_worker, client_for, audit_mark
):
    before = audit_mark()
    response = client_for(espoo_worker).post(
        "/api/v1/persons/",
        {"given_names": "Muhammad", "family_name": "Alhassan", "date_of_birth": "1990-05-17"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["matches"] == [{"reason": "name_and_birth_date", "person": None}]
    assert "Hassan" not in response.content.decode() and "Helsinki" not in response.content.decode()
    denied = AuditEvent.objects.get(seq__gt=before, action="denied")
    assert denied.person_id == hassan.pk and denied.detail["purpose"] == "duplicate_check"
    page = client_for(espoo_worker).post(
        "/persons/new/",
        {
            "given_names": "Mohamed",
            "family_name": "El-Hassan",
            "date_of_birth": "1990-05-17",
            "birth_date_precision": "day",
        },
    )
    assert page.status_code == 409
    assert str(HIDDEN_DUPLICATE_MESSAGE)[:20].encode() in page.content or b"elinvoimakeskus" in (
        page.content
    )


# --- the list of possible duplicates -------------------------------------------------------


def test_the_supervisor_sees_pairs_in_scope_only(
    hassan, helsinki_supervisor, espoo_supervisor, espoo_worker, helsinki_worker, make_person
):
    twin = make_person(
        helsinki_worker, given_names="Muhammad", family_name="Alhassan", date_of_birth=BORN
    )
    make_person(helsinki_worker, given_names="Mahmoud", family_name="Hassan", date_of_birth=BORN)
    elsewhere = make_person(
        espoo_worker, given_names="Mohamed", family_name="Hassan", date_of_birth=BORN
    )
    pairs = selectors.possible_duplicates(actor=helsinki_supervisor)
    assert [{p.first.pk, p.second.pk} for p in pairs] == [{hassan.pk, twin.pk}]
    assert selectors.possible_duplicates(actor=espoo_supervisor) == []
    assert elsewhere.pk not in {p.pk for pair in pairs for p in (pair.first, pair.second)}
    event = AuditEvent.objects.filter(object_type="people.Person:duplicates").latest("seq")
    assert event.subject_ids == ""  # Espoo's list: nobody shown


def test_the_duplicates_page_lists_the_pair_and_links_to_the_merge(
    hassan, helsinki_supervisor, helsinki_worker, make_person, client_for, audit_mark
):
    twin = make_person(
        helsinki_worker, given_names="Muhammad", family_name="Alhassan", date_of_birth=BORN
    )
    before = audit_mark()
    response = client_for(helsinki_supervisor).get(reverse("people:duplicates"))
    assert response.status_code == 200
    assert f"/persons/{hassan.pk}/merge/?duplicate={twin.pk}".encode() in response.content
    event = AuditEvent.objects.get(seq__gt=before, action="list")
    assert set(event.subject_ids.split()) == {str(hassan.pk), str(twin.pk)}
    assert client_for(helsinki_worker).get(reverse("people:duplicates")).status_code == 403


# --- PostgreSQL: the trigram index ---------------------------------------------------------


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        if os.environ.get("KOTOPAIKKA_REQUIRE_POSTGRES") == "1":
            pytest.fail("KOTOPAIKKA_REQUIRE_POSTGRES=1 but the tests run on " + connection.vendor)
        pytest.skip("needs PostgreSQL (pg_trgm and its GIN index); set DATABASE_URL")


@pytest.mark.postgres
def test_postgres_prefilters_names_with_the_trigram_index(postgres_only, hassan, helsinki_worker):
    from django.db import transaction

    from kotopaikka.people.models import Person

    with connection.cursor() as cursor:
        cursor.execute("SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone() == ("pg_trgm",)
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'people_person_name_key_trgm'"
        )
        assert "gin_trgm_ops" in cursor.fetchone()[0]
    query = Person.objects.filter(name_key__trigram_word_similar="muhamad")
    with transaction.atomic(), connection.cursor() as cursor:
        # A table this small is read whole, or walked in the model's order by its btree index:
        # without the ordering and with plain index scans off, the GIN index must be chosen.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        sql, params = query.order_by().values("pk").query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "people_person_name_key_trgm" in plan, plan
    # and the search itself goes through it: a one-letter change in a five-letter name passes
    # the prefilter at the threshold the selector sets (pg_trgm's default would miss it)
    assert _found(helsinki_worker, "Mohamed al Hasan") == [hassan.pk]
    assert _found(helsinki_worker, "Mohammed Al-Hasin") == [hassan.pk]
