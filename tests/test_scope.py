"""Every page and endpoint that shows personal data keeps to the actor's organisation.

The negative cases use a person of Helsinki and an integration worker of Espoo: every URL that
takes a person id must answer 404 (never revealing that the person exists) and write a DENIED
audit event; every list must leave the person out. Positive controls show each check can fail.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from kotopaikka.audit.models import AuditEvent
from kotopaikka.people.models import Person

pytestmark = pytest.mark.django_db

#: (url name, method, data) for every route that takes a person id.
PERSON_ROUTES = [
    ("people:detail", "get", None),
    ("people:edit", "get", None),
    (
        "people:edit",
        "post",
        {"given_names": "X", "family_name": "Y", "birth_date_precision": "day"},
    ),
    ("people:delete", "post", {}),
    (
        "people:household_link",
        "post",
        {"relative": "00000000-0000-0000-0000-000000000000", "relation": "child"},
    ),
    ("people:household_unlink", "post", {}),
    ("people:access_log", "get", None),
    ("api-person-detail", "get", None),
    ("api-person-detail", "patch", {"given_names": "X"}),
    ("api-person-detail", "delete", None),
    (
        "api-person-household",
        "post",
        {"relative": "00000000-0000-0000-0000-000000000000", "relation": "child"},
    ),
    ("api-person-household", "delete", None),
    ("api-person-access-log", "get", None),
    ("people:merge", "get", None),
    ("people:merge", "post", {"duplicate": "00000000-0000-0000-0000-000000000000"}),
    ("api-person-merge", "post", {"duplicate": "00000000-0000-0000-0000-000000000000"}),
]
#: Routes listing persons (no id): the other municipality's person must not be in them.
LIST_ROUTES = ["people:list", "people:export", "api-person-list"]


def _call(client, name, method, data, person_id):
    url = reverse(name, kwargs={"person_id": person_id})
    if method == "get":
        return client.get(url)
    if name.startswith("api-"):
        return getattr(client, method)(url, data=data, content_type="application/json")
    return getattr(client, method)(url, data=data or {})


def _all_person_routes() -> set[str]:
    """Names of every URL pattern in the project whose route captures `person_id`."""
    names: set[str] = set()

    def walk(patterns, namespace=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, f"{namespace}{p.namespace}:" if p.namespace else namespace)
            elif isinstance(p, URLPattern) and "person_id" in str(p.pattern):
                names.add(f"{namespace}{p.name}")

    walk(get_resolver().url_patterns)
    return names


def test_every_person_route_is_covered_by_the_negative_tests():
    """A new page or endpoint with a person id must be added to PERSON_ROUTES."""
    assert _all_person_routes() == {name for name, _m, _d in PERSON_ROUTES}


@pytest.fixture
def roles_for_routes(helsinki_worker, espoo_worker, helsinki_supervisor, espoo_supervisor):
    """Supervisors for routes only supervisors may use, workers for the rest."""
    return {
        "owner": {
            "people:delete": helsinki_supervisor,
            "people:access_log": helsinki_supervisor,
            "api-person-detail:delete": helsinki_supervisor,
            "api-person-access-log": helsinki_supervisor,
            "people:merge": helsinki_supervisor,
            "api-person-merge": helsinki_supervisor,
        },
        "other": {
            "people:delete": espoo_supervisor,
            "people:access_log": espoo_supervisor,
            "api-person-detail:delete": espoo_supervisor,
            "api-person-access-log": espoo_supervisor,
            "people:merge": espoo_supervisor,
            "api-person-merge": espoo_supervisor,
        },
        "default_owner": helsinki_worker,
        "default_other": espoo_worker,
    }


def _actor(roles, side, name, method):
    key = f"{name}:{method}" if f"{name}:{method}" in roles[side] else name
    return roles[side].get(key, roles[f"default_{side}"])


@pytest.mark.parametrize(("name", "method", "data"), PERSON_ROUTES)
def test_other_municipality_gets_404_and_the_attempt_is_audited(
    name, method, data, roles_for_routes, helsinki_worker, make_person, client_for, audit_mark
):
    person = make_person(helsinki_worker, family_name="Salainen")
    other = _actor(roles_for_routes, "other", name, method)
    before = audit_mark()

    response = _call(client_for(other), name, method, data, person.pk)

    assert response.status_code == 404
    assert b"Salainen" not in response.content
    denied = AuditEvent.objects.filter(seq__gt=before, action="denied")
    assert denied.count() == 1
    event = denied.get()
    assert event.person_id == person.pk and event.actor_username == other.user.username
    assert event.organisation_code == "municipality-049"
    assert Person.objects.filter(pk=person.pk, given_names="Testi").exists()  # nothing changed


@pytest.mark.parametrize(("name", "method", "data"), [r for r in PERSON_ROUTES if r[1] == "get"])
def test_own_municipality_can_open_the_same_routes(
    name, method, data, roles_for_routes, helsinki_worker, make_person, client_for
):
    """Positive control: the owner's staff get the page, so the 404 above is scope, not a bug."""
    person = make_person(helsinki_worker, family_name="Salainen")
    owner = _actor(roles_for_routes, "owner", name, method)
    response = _call(client_for(owner), name, method, data, person.pk)
    assert response.status_code == 200


@pytest.mark.parametrize("name", LIST_ROUTES)
def test_lists_leave_out_other_municipalities_persons(
    name, helsinki_worker, espoo_worker, make_person, client_for
):
    make_person(helsinki_worker, family_name="Helsinkiläinen")
    make_person(espoo_worker, family_name="Espoolainen")
    body = client_for(espoo_worker).get(reverse(name)).content
    assert b"Espoolainen" in body
    assert b"Helsinkil" not in body


def test_regional_authority_sees_its_area_and_its_own_cases_only(
    uusimaa_officer, north_officer, helsinki_worker, make_actor, make_person
):
    from kotopaikka.access.roles import Role
    from kotopaikka.people.models import Person as P

    oulu_worker = make_actor(Role.INTEGRATION_WORKER, "municipality-564")
    in_area = make_person(helsinki_worker)
    waiting = make_person(uusimaa_officer)
    outside = make_person(oulu_worker)
    assert set(P.objects.for_actor(uusimaa_officer)) == {in_area, waiting}
    assert set(P.objects.for_actor(north_officer)) == {outside}


def test_reception_centre_sees_only_its_residents(reception_worker, helsinki_worker, make_person):
    resident = make_person(reception_worker)
    make_person(helsinki_worker)
    assert list(Person.objects.for_actor(reception_worker)) == [resident]


def test_keha_sees_persons_with_a_municipality_and_only_compensation_fields(
    keha_handler, helsinki_worker, uusimaa_officer, make_person, client_for
):
    placed = make_person(helsinki_worker, family_name="Korvattava")
    waiting = make_person(uusimaa_officer, family_name="Odottava")
    client = client_for(keha_handler)
    assert (
        client.get(reverse("api-person-detail", kwargs={"person_id": waiting.pk})).status_code
        == 404
    )
    body = client.get(reverse("api-person-detail", kwargs={"person_id": placed.pk})).json()
    assert body["family_name"] == "Korvattava" and "hetu" in body["identifiers"]
    assert "nationalities" not in body and "languages" not in body and "household" not in body
    event = AuditEvent.objects.filter(person_id=placed.pk, action="read").latest("seq")
    assert event.fields == sorted(
        ["given_names", "family_name", "date_of_birth", "identifiers", "municipality"]
    )


@pytest.mark.parametrize("fixture", ["analyst", "sysadmin"])
def test_ministry_and_admins_cannot_open_persons(
    fixture, request, helsinki_worker, make_person, client_for
):
    person = make_person(helsinki_worker)
    client = client_for(request.getfixturevalue(fixture))
    assert client.get(reverse("people:detail", kwargs={"person_id": person.pk})).status_code == 403
    assert (
        client.get(reverse("api-person-detail", kwargs={"person_id": person.pk})).status_code == 403
    )
    assert client.get(reverse("people:list")).status_code == 403
    assert client.get(reverse("api-person-list")).status_code == 403


def test_ministry_pseudonymised_data_has_no_names_or_codes(
    analyst, helsinki_worker, make_person, client_for
):
    person = make_person(helsinki_worker, family_name="Tunnistettava")
    code = person.identifiers.get().value
    client = client_for(analyst)
    for url in (reverse("people:pseudonymised"), reverse("api-person-pseudonymised")):
        response = client.get(url)
        assert response.status_code == 200
        assert b"Tunnistettava" not in response.content and code.encode() not in response.content
        assert person.pseudonym.encode() in response.content
    assert client_for(helsinki_worker).get(reverse("people:pseudonymised")).status_code == 403


def test_compensation_handler_cannot_change_persons(
    keha_handler, helsinki_worker, make_person, client_for
):
    person = make_person(helsinki_worker)
    client = client_for(keha_handler)
    url = reverse("api-person-detail", kwargs={"person_id": person.pk})
    assert (
        client.patch(url, {"given_names": "X"}, content_type="application/json").status_code == 403
    )
    assert client.get(reverse("people:edit", kwargs={"person_id": person.pk})).status_code == 403


def test_in_scope_or_404_returns_the_row_or_audits_a_404(
    helsinki_worker, espoo_worker, make_person, audit_mark
):
    """The one helper behind every "in scope, or an audited 404": an instance, or just the pk
    from a values_list; malformed, missing and out-of-scope ids all answer the same 404."""
    from kotopaikka.access.scope import in_scope_or_404
    from kotopaikka.people.errors import PersonNotFound

    person = make_person(helsinki_worker)

    def reach(actor, scoped, object_id):
        return in_scope_or_404(
            scoped,
            object_id,
            actor=actor,
            object_type="people.Person",
            purpose="test",
            not_found=PersonNotFound,
            person=True,
        )

    own = Person.objects.for_actor(helsinki_worker)
    assert reach(helsinki_worker, own, str(person.pk)) == person
    assert reach(helsinki_worker, own.values_list("pk", flat=True), person.pk) == person.pk
    before = audit_mark()
    for object_id in (person.pk, "not-a-uuid", "00000000-0000-0000-0000-000000000000"):
        with pytest.raises(PersonNotFound):
            reach(espoo_worker, Person.objects.for_actor(espoo_worker), object_id)
    denied = list(AuditEvent.objects.filter(seq__gt=before).order_by("seq"))
    assert [e.action for e in denied] == ["denied"] * 3
    assert [e.object_id for e in denied] == [
        str(person.pk),
        "not-a-uuid",
        "00000000-0000-0000-0000-000000000000",
    ]
    assert denied[0].person_id == person.pk and denied[1].person_id is None
    assert denied[0].detail == {"purpose": "test", "reason": "not found or outside scope"}
