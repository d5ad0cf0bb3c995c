"""Self-arranged moves (security issue, point 1): a municipality identifies the mover by what
only the mover has, learns nothing from a failed lookup, is rate-limited and audited, and never
withdraws another municipality's proposal itself: the regional authority resolves a notice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kotopaikka.audit.models import AuditEvent
from kotopaikka.core.errors import TooManyAttempts
from kotopaikka.people.models import Person
from kotopaikka.placement import services
from kotopaikka.placement.models import MoveNotice, PlacementCase, Proposal

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


@pytest.fixture
def espoo_pending(uusimaa_officer, make_person, make_agreement, clean_cache):
    """A case of Uusimaa proposed to Espoo, whose member has an identity code."""
    for code in ("049", "091"):
        make_agreement(uusimaa_officer, code, 10)
    case = services.case_create(
        actor=uusimaa_officer,
        data=services.CaseData(reference="147-10000010", members=[services.MemberData(age=30)]),
    )
    person = make_person(uusimaa_officer, family_name="Muuttaja")
    member = case.members.get()
    member.person = person
    member.save()
    proposal = services.proposal_create(
        actor=uusimaa_officer, case_id=case.pk, municipality_code="049"
    )
    return case, proposal, person


def _report(actor, person, **overrides):
    values = {
        "identity_code": person.identifiers.get(kind="hetu").value,
        "date_of_birth": person.date_of_birth,
        "moved_on": TODAY,
    }
    values.update(overrides)
    return services.self_move_report(actor=actor, **values)


def test_the_old_probe_by_reference_no_longer_exists(espoo_pending, helsinki_worker, client_for):
    """POST {"reference": …} answered 201 and took Espoo's case; now the reference is not an
    input at all and the request is refused naming the missing fields."""
    response = client_for(helsinki_worker).post(
        "/api/v1/placement/moves/", {"reference": "147-10000010"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert {"identity_code", "date_of_birth", "moved_on"} <= set(response.json())
    _case, proposal, _person = espoo_pending
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PENDING


def test_a_report_is_a_notice_and_changes_nothing_of_the_case(espoo_pending, helsinki_worker):
    case, proposal, person = espoo_pending
    notice = _report(helsinki_worker, person)
    assert notice.status == MoveNotice.Status.OPEN and notice.municipality.code == "091"
    case.refresh_from_db()
    proposal.refresh_from_db()
    assert case.status == PlacementCase.Status.PROPOSED
    assert proposal.status == Proposal.Status.PENDING  # Espoo's proposal stands
    assert not Person.objects.for_actor(helsinki_worker).filter(pk=person.pk).exists()
    event = AuditEvent.objects.filter(object_type="placement.MoveNotice").latest("seq")
    assert event.action == "create" and event.person_id == person.pk


@pytest.mark.parametrize(
    "wrong",
    [
        {"date_of_birth": "other"},  # the right code with another date of birth
        {"identity_code": "010190-900P"},  # a valid temporary code nobody has
    ],
)
def test_a_mismatch_and_a_nonexistent_person_get_the_same_answer_and_are_audited(
    wrong, espoo_pending, helsinki_worker
):
    _case, _proposal, person = espoo_pending
    if wrong.get("date_of_birth") == "other":
        wrong = {"date_of_birth": person.date_of_birth - dt.timedelta(days=1)}
    with pytest.raises(ValidationError) as refused:
        _report(helsinki_worker, person, **wrong)
    assert (
        refused.value.messages
        == [
            "Yksikään kuntaa odottavan asian henkilö ei vastaa tätä henkilötunnusta ja syntymäaikaa."
        ]
        or refused.value.code == "no_match"
    )
    denied = AuditEvent.objects.filter(action="denied", object_type="placement.MoveNotice").get()
    assert denied.actor_username == "helsinki_worker"
    # the person whose code was tried can see the attempt in their access log
    assert denied.person_id == (person.pk if "date_of_birth" in wrong else None)
    assert not MoveNotice.objects.exists()


def test_the_answers_for_no_person_and_a_mismatch_are_identical(espoo_pending, helsinki_worker):
    _case, _proposal, person = espoo_pending
    answers = []
    for wrong in (
        {"date_of_birth": person.date_of_birth - dt.timedelta(days=1)},
        {"identity_code": "010190-900P"},
    ):
        with pytest.raises(ValidationError) as refused:
            _report(helsinki_worker, person, **wrong)
        answers.append((refused.value.messages, refused.value.code))
    assert answers[0] == answers[1]


def test_lookups_are_rate_limited_per_user(espoo_pending, helsinki_worker, espoo_worker, settings):
    settings.MOVE_LOOKUPS_PER_HOUR = 3
    _case, _proposal, person = espoo_pending
    for _ in range(3):
        with pytest.raises(ValidationError):
            _report(helsinki_worker, person, date_of_birth=dt.date(1900, 1, 1))
    with pytest.raises(TooManyAttempts):  # even the right answer, once the limit is used up
        _report(helsinki_worker, person)
    assert _report(espoo_worker, person).municipality.code == "049"  # another user's own limit


def test_the_api_answers_429_when_the_limit_is_used_up(
    espoo_pending, helsinki_worker, client_for, settings
):
    settings.MOVE_LOOKUPS_PER_HOUR = 1
    _case, _proposal, _person = espoo_pending
    client = client_for(helsinki_worker)
    body = {"identity_code": "010190-900P", "date_of_birth": "1990-01-01", "moved_on": str(TODAY)}
    assert (
        client.post("/api/v1/placement/moves/", body, content_type="application/json").status_code
        == 400
    )
    second = client.post("/api/v1/placement/moves/", body, content_type="application/json")
    assert second.status_code == 429 and second.json()["code"] == "too_many_attempts"


def test_the_authority_confirms_and_only_then_the_proposal_is_withdrawn(
    espoo_pending, helsinki_worker, uusimaa_officer
):
    case, proposal, person = espoo_pending
    notice = _report(helsinki_worker, person)
    services.move_notice_resolve(actor=uusimaa_officer, notice_id=notice.pk, confirm=True)
    case.refresh_from_db()
    proposal.refresh_from_db()
    assert case.status == PlacementCase.Status.MOVED_INDEPENDENTLY
    assert proposal.status == Proposal.Status.WITHDRAWN
    assert case.self_arranged_move.municipality.code == "091"
    assert Person.objects.for_actor(helsinki_worker).filter(pk=person.pk).exists()
    assert person.integration_client.municipality.code == "091"


def test_a_rejected_notice_changes_nothing(espoo_pending, helsinki_worker, uusimaa_officer):
    _case, proposal, person = espoo_pending
    notice = _report(helsinki_worker, person)
    services.move_notice_resolve(
        actor=uusimaa_officer, notice_id=notice.pk, confirm=False, note="Not moved after all."
    )
    notice.refresh_from_db()
    proposal.refresh_from_db()
    assert notice.status == MoveNotice.Status.REJECTED
    assert proposal.status == Proposal.Status.PENDING
    assert not Person.objects.for_actor(helsinki_worker).filter(pk=person.pk).exists()
    with pytest.raises(ValidationError):  # resolved once
        services.move_notice_resolve(actor=uusimaa_officer, notice_id=notice.pk, confirm=True)


def test_only_the_authority_holding_the_case_resolves(
    espoo_pending, helsinki_worker, north_officer, client_for
):
    _case, _proposal, person = espoo_pending
    notice = _report(helsinki_worker, person)
    url = reverse("placement:move_resolve", kwargs={"notice_id": notice.pk})
    assert client_for(north_officer).post(url, {"decision": "confirm"}).status_code == 404
    assert client_for(helsinki_worker).post(url, {"decision": "confirm"}).status_code == 403
    notice.refresh_from_db()
    assert notice.status == MoveNotice.Status.OPEN


def test_the_pages_report_and_list_moves(
    espoo_pending, helsinki_worker, uusimaa_officer, client_for
):
    _case, _proposal, person = espoo_pending
    worker = client_for(helsinki_worker)
    response = worker.post(
        reverse("placement:self_move"),
        {
            "identity_code": person.identifiers.get(kind="hetu").value,
            "date_of_birth": person.date_of_birth.isoformat(),
            "moved_on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 302
    listing = worker.get(reverse("placement:moves"))
    assert b"147-10000010" not in listing.content  # the municipality does not see the case
    officer_page = client_for(uusimaa_officer).get(reverse("placement:moves"))
    assert b"147-10000010" in officer_page.content


def test_case_references_are_not_an_oracle_across_authorities(uusimaa_officer, north_officer):
    """The same reference in another authority's register is neither refused nor revealed."""
    data = services.CaseData(reference="147-55555555", members=[services.MemberData(age=30)])
    services.case_create(actor=uusimaa_officer, data=data)
    again = services.CaseData(reference="147-55555555", members=[services.MemberData(age=40)])
    services.case_create(actor=north_officer, data=again)  # no "already exists"
    with pytest.raises(ValidationError) as refused:  # within one's own register: refused
        services.case_create(
            actor=uusimaa_officer,
            data=services.CaseData(reference="147-55555555", members=[services.MemberData(30)]),
        )
    assert "reference" in refused.value.message_dict
