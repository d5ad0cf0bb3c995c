"""Every refusal, 403 or 404, page or API, writes exactly one `denied` audit event.

The matrix below has every route of the project that takes an id in its path (any parameter,
whatever its name), each tried by two outsiders: one whose role has the operation but not the
object (another municipality, another regional authority: 404, never revealing that the object
exists) and one whose role lacks the operation (403). A new route with a path parameter fails
`test_every_route_with_a_path_parameter_is_in_the_matrix` until it is added here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from kotopaikka.audit.models import AuditEvent
from kotopaikka.integration import orientation
from kotopaikka.placement import runs, services

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()
NIL = "00000000-0000-0000-0000-000000000000"

#: Routes with path parameters that are not in the matrix, and why.
EXCLUDED = {
    "admin:": "Django's admin: staff users only, with its own permission checks",
}


@dataclass(frozen=True)
class Route:
    name: str
    method: str
    data: dict | None
    ids: str  # which objects' ids the route takes: person, case, proposal, ...
    outsider: str  # fixture: has the operation, but the object is not theirs -> 404
    forbidden: str  # fixture: the role lacks the operation -> 403


PERSON_FORM = {"given_names": "X", "family_name": "Y", "birth_date_precision": "day"}
LINK = {"relative": NIL, "relation": "child"}
W, S, OFF = "espoo_worker", "espoo_supervisor", "north_officer"
ROUTES = [
    Route("people:detail", "get", None, "person", W, "analyst"),
    Route("people:edit", "get", None, "person", W, "keha_handler"),
    Route("people:edit", "post", PERSON_FORM, "person", W, "keha_handler"),
    Route("people:delete", "post", {}, "person", S, "helsinki_worker"),
    Route("people:household_link", "post", LINK, "person", W, "keha_handler"),
    Route("people:household_unlink", "post", {}, "person", W, "keha_handler"),
    Route("people:access_log", "get", None, "person", S, "espoo_worker"),
    Route("people:merge", "get", None, "person", S, "helsinki_worker"),
    Route("people:merge", "post", {"duplicate": NIL}, "person", S, "helsinki_worker"),
    Route("people:unmerge", "get", None, "merge", "espoo_admin", "helsinki_supervisor"),
    Route("people:unmerge", "post", {}, "merge", "espoo_admin", "helsinki_supervisor"),
    Route("api-person-detail", "get", None, "person", W, "analyst"),
    Route("api-person-detail", "patch", {"given_names": "X"}, "person", W, "keha_handler"),
    Route("api-person-detail", "delete", None, "person", S, "helsinki_worker"),
    Route("api-person-household", "post", LINK, "person", W, "keha_handler"),
    Route("api-person-household", "delete", None, "person", W, "keha_handler"),
    Route("api-person-access-log", "get", None, "person", S, "espoo_worker"),
    Route("api-person-merge", "post", {"duplicate": NIL}, "person", S, "helsinki_worker"),
    Route("placement:case", "get", None, "case", W, "analyst"),
    Route("placement:case_identities", "get", None, "case", W, "analyst"),
    Route("placement:propose", "post", {"municipality": "091"}, "case", OFF, "helsinki_worker"),
    Route("placement:withdraw", "post", {}, "case+proposal", OFF, "helsinki_worker"),
    Route("placement:placement_decision", "post", {}, "case+proposal", OFF, "helsinki_worker"),
    Route("placement:arrival", "post", {"date": str(TODAY)}, "case+proposal", W, "uusimaa_officer"),
    Route("placement:decide", "post", {"decision": "accept"}, "proposal", W, "uusimaa_officer"),
    Route("placement:agreement", "get", None, "agreement", W, "analyst"),
    Route("placement:agreement_document", "get", None, "agreement", W, "analyst"),
    Route("placement:run", "get", None, "run", OFF, "analyst"),
    Route("placement:run_send", "post", {}, "run", OFF, "analyst"),
    Route("api-run-detail", "get", None, "run", OFF, "analyst"),
    Route("api-run-send", "post", {}, "run", OFF, "analyst"),
    # outcome models are national (no scope): only the role is checked
    Route("placement:outcome_model", "get", None, "model", "", "helsinki_worker"),
    Route(
        "placement:move_resolve", "post", {"decision": "confirm"}, "move", OFF, "helsinki_worker"
    ),
    Route("api-move-resolve", "post", {"confirm": True}, "move", OFF, "helsinki_worker"),
    Route("integration:client", "get", None, "client", W, "uusimaa_officer"),
    Route("integration:client_edit", "get", None, "client", W, "keha_handler"),
    Route("integration:client_edit", "post", {"status": "closed"}, "client", W, "analyst"),
    Route("integration:client_health", "get", None, "client", W, "reception_worker"),
    Route("integration:assessment_new", "get", None, "client", W, "analyst"),
    Route("integration:assessment_new", "post", {"kind": "initial"}, "client", W, "keha_handler"),
    Route("integration:plan_new", "get", None, "client", W, "uusimaa_officer"),
    Route("integration:plan_new", "post", {"goals": "x"}, "client", W, "analyst"),
    Route("integration:plan_review", "post", {"reviewed_on": str(TODAY)}, "client", W, "analyst"),
    Route("integration:self_study_new", "get", None, "client", W, "keha_handler"),
    Route("integration:waiting_add", "post", {"language": "ara"}, "client", W, "analyst"),
    Route("integration:group", "get", None, "group", W, "uusimaa_officer"),
    Route("integration:plan_pdf", "get", None, "client", W, "keha_handler"),
    Route("integration:minor_support", "get", None, "client", W, "keha_handler"),
    Route(
        "integration:transfer_request", "post", {"transfer-moves_on": "x"}, "client", W, "analyst"
    ),
    Route("integration:transfer_decide", "post", {"decision": "accept"}, "transfer", W, "analyst"),
    Route("integration:transfer_decide", "post", {}, "transfer", S, "keha_handler"),
    Route("integration:former_client", "get", None, "client", W, "keha_handler"),
    Route("integration:contact_add", "post", {"contact-minutes": "5"}, "client", W, "analyst"),
    Route("integration:group", "post", {"enrol-clients": NIL}, "group", W, "analyst"),
    Route("api-client-detail", "get", None, "client", W, "analyst"),
    Route("api-client-detail", "patch", {"status": "closed"}, "client", W, "keha_handler"),
    Route("api-client-assessments", "post", {}, "client", W, "analyst"),
    Route("api-client-plans", "post", {}, "client", W, "uusimaa_officer"),
    Route("api-client-reviews", "post", {"reviewed_on": str(TODAY)}, "client", W, "analyst"),
    Route("api-client-contacts", "post", {}, "client", W, "keha_handler"),
    Route("api-client-transfers", "post", {}, "client", W, "analyst"),
    Route("api-transfer-decision", "post", {"accept": True}, "transfer", W, "analyst"),
    Route("api-group-participants", "post", {"clients": [NIL]}, "group", W, "analyst"),
    Route("api-group-sessions", "post", {}, "group", W, "keha_handler"),
    Route("api-case-detail", "get", None, "case", W, "analyst"),
    Route("api-case-propose", "post", {"municipality": "091"}, "case", OFF, "helsinki_worker"),
    Route("api-proposal-decide", "post", {"accept": True}, "proposal", W, "uusimaa_officer"),
    Route("api-proposal-withdraw", "post", {}, "proposal", OFF, "helsinki_worker"),
    Route("api-placement-decision", "post", {}, "proposal", OFF, "helsinki_worker"),
    Route("api-arrival", "post", {"date": str(TODAY)}, "proposal", W, "uusimaa_officer"),
    # a user's own API tokens: another user's is not found (every role may revoke its own)
    Route("api-token-detail", "delete", None, "token", W, ""),
    # reference data, not scoped: every role may read it (a user without roles: below)
    Route("api-municipality-detail", "get", None, "municipality", "", ""),
]


def _parametrised_routes() -> set[str]:
    names: set[str] = set()

    def walk(patterns, namespace=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, f"{namespace}{p.namespace}:" if p.namespace else namespace)
            elif isinstance(p, URLPattern) and p.pattern.converters:
                names.add(f"{namespace}{p.name}")

    walk(get_resolver().url_patterns)
    return names


def test_every_route_with_a_path_parameter_is_in_the_matrix():
    routes = {n for n in _parametrised_routes() if not n.startswith(tuple(EXCLUDED))}
    assert routes == {r.name for r in ROUTES}


def _move_notice(officer, worker, make_person, case):
    """Helsinki's report that the member of `case` moved there."""
    person = make_person(officer)
    member = case.members.get()
    member.person = person
    member.save()
    return services.self_move_report(
        actor=worker,
        identity_code=person.identifiers.get(kind="hetu").value,
        date_of_birth=person.date_of_birth,
        moved_on=TODAY,
    )


def _client(officer, worker, make_person, make_agreement):
    """A Helsinki integration client (the member of an arrived case)."""
    from kotopaikka.integration.models import IntegrationClient

    case = services.case_create(
        actor=officer,
        data=services.CaseData(reference="147-91000003", members=[services.MemberData(age=50)]),
    )
    member = case.members.get()
    member.person = make_person(officer, family_name="Salainen")
    member.save()
    proposal = services.proposal_create(actor=officer, case_id=case.pk, municipality_code="091")
    services.proposal_decide(actor=worker, proposal_id=proposal.pk, accept=True)
    services.placement_decide(actor=officer, proposal_id=proposal.pk)
    services.arrival_record(actor=worker, proposal_id=proposal.pk, arrived_on=TODAY)
    return IntegrationClient.objects.get(person=member.person)


def _transfer(worker):
    """A move of Helsinki's client to Vantaa, waiting for Vantaa."""
    from kotopaikka.integration import transfers
    from kotopaikka.integration.models import IntegrationClient

    client = IntegrationClient.objects.get(municipality__code="091")
    return transfers.transfer_request(
        actor=worker, client_id=client.pk, to_municipality="092", moves_on=TODAY
    )


@pytest.fixture
def espoo_admin(make_actor):
    """A system administrator of Espoo: undoes merges of Espoo's persons only."""
    from kotopaikka.access.roles import Role

    return make_actor(Role.SYSTEM_ADMIN, "municipality-049", "espoo_admin")


def _merge(supervisor, worker, make_person):
    """A merge of two Helsinki records of one person."""
    from kotopaikka.people.merging import person_merge

    kept = make_person(worker, given_names="Kaksi", family_name="Kertaa")
    again = make_person(worker, given_names="Kaksi", family_name="Kerta", identifiers=[])
    return person_merge(actor=supervisor, survivor_id=kept.pk, merged_id=again.pk)


@pytest.fixture
def world(
    uusimaa_officer, helsinki_worker, helsinki_supervisor, make_person, make_agreement, clean_cache
):
    """Helsinki's person, a case proposed to Helsinki, its agreement, a run of Uusimaa."""
    from kotopaikka.access.models import ApiToken
    from kotopaikka.placement.models import PlacementAgreement

    make_agreement(uusimaa_officer)
    case = services.case_create(
        actor=uusimaa_officer,
        data=services.CaseData(reference="147-91000001", members=[services.MemberData(age=30)]),
    )
    waiting = services.case_create(
        actor=uusimaa_officer,
        data=services.CaseData(reference="147-91000002", members=[services.MemberData(age=40)]),
    )
    proposal = services.proposal_create(
        actor=uusimaa_officer, case_id=case.pk, municipality_code="091"
    )
    notice = _move_notice(uusimaa_officer, helsinki_worker, make_person, waiting)
    run = runs.optimiser_run_start(
        actor=uusimaa_officer, year=TODAY.year, case_ids=[str(waiting.pk)]
    )
    return {
        "person": make_person(helsinki_worker, family_name="Salainen"),
        "case": case,
        "proposal": proposal,
        "agreement": PlacementAgreement.objects.get(municipality__code="091"),
        "run": run,
        "move": notice,
        "client": _client(uusimaa_officer, helsinki_worker, make_person, make_agreement),
        "transfer": _transfer(helsinki_worker),
        "group": orientation.group_create(
            actor=helsinki_worker, name="Dari", language="prs", starts_on=TODAY
        ),
        "token": ApiToken.objects.create(user=helsinki_worker.user, device="laptop")[0],
        "merge": _merge(helsinki_supervisor, helsinki_worker, make_person),
    }


def _kwargs(route: Route, world) -> dict:
    if route.ids == "person":
        return {"person_id": world["person"].pk}
    if route.ids == "case":
        return {"case_id": world["case"].pk}
    if route.ids == "proposal":
        return {"proposal_id": world["proposal"].pk}
    if route.ids == "case+proposal":
        return {"case_id": world["case"].pk, "proposal_id": world["proposal"].pk}
    if route.ids == "agreement":
        return {"agreement_id": world["agreement"].pk}
    if route.ids == "run":
        return {"run_id": world["run"].pk}
    if route.ids == "move":
        return {"notice_id": world["move"].pk}
    if route.ids == "client":
        return {"client_id": world["client"].pk}
    if route.ids == "transfer":
        return {"transfer_id": world["transfer"].pk}
    if route.ids == "group":
        return {"group_id": world["group"].pk}
    if route.ids == "token":
        return {"token_id": world["token"].pk}
    if route.ids == "merge":
        return {"merge_id": world["merge"].pk}
    if route.ids == "model":
        return {"version": 1}
    return {"code": "091"}


def _request(client, route: Route, url: str):
    if route.method == "get":
        return client.get(url)
    if route.name.startswith("api-"):
        return getattr(client, route.method)(
            url, data=route.data or {}, content_type="application/json"
        )
    return getattr(client, route.method)(url, data=route.data or {})


def _try(route, fixture, request, world, client_for, audit_mark, expected_status):
    actor = request.getfixturevalue(fixture)
    before = audit_mark()
    response = _request(client_for(actor), route, reverse(route.name, kwargs=_kwargs(route, world)))
    assert response.status_code == expected_status, response.content[:300]
    assert b"Salainen" not in response.content and b"147-91000001" not in response.content
    denied = list(AuditEvent.objects.filter(seq__gt=before, action=AuditEvent.Action.DENIED))
    assert len(denied) == 1, [(e.object_type, e.detail) for e in denied]
    event = denied[0]
    assert event.actor_username == actor.user.username
    assert event.organisation_code == actor.organisation.code
    if route.ids == "person":
        assert event.person_id == world["person"].pk
    return event


@pytest.mark.parametrize(
    "route", [r for r in ROUTES if r.outsider], ids=lambda r: f"{r.name}:{r.method}"
)
def test_an_outsider_gets_404_and_the_refusal_is_audited_once(
    route, request, world, client_for, audit_mark
):
    _try(route, route.outsider, request, world, client_for, audit_mark, 404)


@pytest.mark.parametrize(
    "route", [r for r in ROUTES if r.forbidden], ids=lambda r: f"{r.name}:{r.method}"
)
def test_a_role_without_the_operation_gets_403_and_the_refusal_is_audited_once(
    route, request, world, client_for, audit_mark
):
    event = _try(route, route.forbidden, request, world, client_for, audit_mark, 403)
    assert event.detail["status"] == 403
    assert event.detail["reason"] == "forbidden"


def test_a_403_page_names_the_refused_operation(keha_handler, world, client_for, audit_mark):
    before = audit_mark()
    url = reverse("people:edit", kwargs={"person_id": world["person"].pk})
    assert client_for(keha_handler).get(url).status_code == 403
    event = AuditEvent.objects.get(seq__gt=before, action=AuditEvent.Action.DENIED)
    assert event.object_type == "route:people:edit"
    assert event.detail["operation"] == "person.update"


def test_a_user_without_any_role_is_refused_and_audited(audit_mark):
    from django.test import Client

    from kotopaikka.access.models import User

    user = User.objects.create_user(username="nobody", password="not-used-in-tests-123")
    client = Client()
    client.force_login(user)
    before = audit_mark()
    url = reverse("api-municipality-detail", kwargs={"code": "091"})
    assert client.get(url).status_code == 403
    event = AuditEvent.objects.get(seq__gt=before, action=AuditEvent.Action.DENIED)
    assert event.actor_username == "nobody" and event.detail["ids"] == {"code": "091"}
