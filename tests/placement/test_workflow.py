"""The placement workflow: agreements, cases, proposals, decisions, arrivals, self-arranged moves.

Capacity must never be exceeded by a proposal or an acceptance; a self-arranged move is always
recorded, counted, and flagged when it goes over.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import pytest
from django.core.exceptions import ValidationError

from kotopaikka.audit.models import AuditEvent
from kotopaikka.integration.models import IntegrationClient
from kotopaikka.optimiser.model import DIMENSIONS
from kotopaikka.people.models import Person
from kotopaikka.placement import services
from kotopaikka.placement.capacity import CapacityExceeded, usage_by_year
from kotopaikka.placement.errors import ProposalNotFound
from kotopaikka.placement.models import AgreementYear, PlacementCase, Proposal

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def agreement(officer, code="091", persons=10, offered=(), **dimensions):
    return services.agreement_save(
        actor=officer,
        municipality_code=code,
        valid_from=dt.date(TODAY.year, 1, 1),
        valid_until=dt.date(TODAY.year + 2, 12, 31),
        years={TODAY.year: {"persons": persons, **dimensions}},
        services=list(offered),
        accepts_emergency_cases=False,
        wellbeing_county_consulted_on=dt.date(TODAY.year - 1, 11, 1),
    )


def case(officer, size=3, reference=None, **fields) -> PlacementCase:
    members = [services.MemberData(age=35 if i < 2 else 8, education_years=9) for i in range(size)]
    return services.case_create(
        actor=officer,
        data=services.CaseData(
            reference=reference or f"147-{random.randint(10**7, 10**8 - 1)}",
            members=members,
            **fields,
        ),
    )


def year_usage(code="091"):
    year = AgreementYear.objects.get(agreement__municipality__code=code, year=TODAY.year)
    return usage_by_year([year])[year.pk]


def test_agreement_revisions_are_versioned_and_cannot_cut_below_use(uusimaa_officer):
    first = agreement(uusimaa_officer, persons=10)
    c = case(uusimaa_officer, size=4)
    services.proposal_create(actor=uusimaa_officer, case_id=c.pk, municipality_code="091")
    revised = agreement(uusimaa_officer, persons=6)
    assert revised.pk == first.pk and revised.version == 2
    with pytest.raises(ValidationError) as caught:
        agreement(uusimaa_officer, persons=3)
    assert "years" in caught.value.message_dict
    assert AgreementYear.objects.get(agreement=first).persons == 6


def test_agreement_only_for_municipalities_in_the_authoritys_area(uusimaa_officer, north_officer):
    with pytest.raises(ValidationError) as caught:
        agreement(north_officer, code="091")
    assert "municipality" in caught.value.message_dict
    with pytest.raises(ValidationError) as negative:
        agreement(uusimaa_officer, persons=-1)
    assert "years" in negative.value.message_dict


def test_case_validation_names_each_field_and_writes_nothing(uusimaa_officer):
    before = (PlacementCase.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as caught:
        services.case_create(
            actor=uusimaa_officer,
            data=services.CaseData(
                reference="",
                members=[
                    services.MemberData(age=150),
                    services.MemberData(age=30, unaccompanied_minor=True),
                ],
                needs=["flying_car"],
                ties=["999"],
                nationality="QQQ",
            ),
        )
    assert set(caught.value.message_dict) == {
        "reference",
        "members",
        "needs",
        "ties",
        "nationality",
    }
    assert (PlacementCase.objects.count(), AuditEvent.objects.count()) == before


def test_reception_centre_application_goes_to_the_centres_regional_authority(reception_worker):
    application = case(reception_worker, kind=PlacementCase.Kind.RECEPTION)
    assert application.reception_centre.code == "reception-joutseno"
    # Joutseno (Lappeenranta, 405) is served by the Kaakkois-Suomi elinvoimakeskus from 2026.
    assert application.regional_authority.regional_authority.kind == "evk"
    assert application.regional_authority.municipalities_in_area().filter(code="405").exists()
    with pytest.raises(ValidationError):
        case(reception_worker, kind=PlacementCase.Kind.QUOTA)


def test_proposal_reserves_places_and_refuses_beyond_agreed(uusimaa_officer):
    agreement(uusimaa_officer, persons=5)
    big, small, other = (
        case(uusimaa_officer, size=4),
        case(uusimaa_officer, size=2),
        case(uusimaa_officer, size=1),
    )
    services.proposal_create(actor=uusimaa_officer, case_id=big.pk, municipality_code="091")
    assert year_usage().proposed["persons"] == 4
    with pytest.raises(CapacityExceeded) as caught:
        services.proposal_create(actor=uusimaa_officer, case_id=small.pk, municipality_code="091")
    assert caught.value.dimensions == ["persons"]
    services.proposal_create(actor=uusimaa_officer, case_id=other.pk, municipality_code="091")
    assert year_usage().free["persons"] == 0


def test_needs_emergency_and_missing_agreement_are_refused_with_reasons(uusimaa_officer):
    agreement(uusimaa_officer, persons=20)
    needy = case(uusimaa_officer, needs=["accessible_dwelling"])
    urgent = case(uusimaa_officer, emergency=True)
    for c in (needy, urgent):
        with pytest.raises(ValidationError) as caught:
            services.proposal_create(actor=uusimaa_officer, case_id=c.pk, municipality_code="091")
        assert "municipality" in caught.value.message_dict
    with pytest.raises(ValidationError):  # Espoo has no agreement
        services.proposal_create(actor=uusimaa_officer, case_id=needy.pk, municipality_code="049")
    assert not Proposal.objects.exists()


def test_municipality_sees_only_anonymised_case_until_it_accepts(
    uusimaa_officer, helsinki_worker, espoo_worker, make_person
):
    agreement(uusimaa_officer, persons=10)
    c = case(uusimaa_officer, size=1)
    person = make_person(uusimaa_officer, family_name="Luottamuksellinen")
    member = c.members.get()
    member.person = person
    member.save()
    proposal = services.proposal_create(
        actor=uusimaa_officer, case_id=c.pk, municipality_code="091"
    )
    assert PlacementCase.objects.for_actor(helsinki_worker).filter(pk=c.pk).exists()
    assert not PlacementCase.objects.for_actor(espoo_worker).filter(pk=c.pk).exists()
    assert not Person.objects.for_actor(helsinki_worker).filter(pk=person.pk).exists()

    services.proposal_decide(actor=helsinki_worker, proposal_id=proposal.pk, accept=True)
    assert Person.objects.for_actor(helsinki_worker).filter(pk=person.pk).exists()
    assert not Person.objects.for_actor(espoo_worker).filter(pk=person.pk).exists()
    c.refresh_from_db()
    assert c.status == PlacementCase.Status.ACCEPTED


def test_other_municipality_cannot_decide_and_the_attempt_is_audited(uusimaa_officer, espoo_worker):
    agreement(uusimaa_officer)
    c = case(uusimaa_officer)
    proposal = services.proposal_create(
        actor=uusimaa_officer, case_id=c.pk, municipality_code="091"
    )
    with pytest.raises(ProposalNotFound):
        services.proposal_decide(actor=espoo_worker, proposal_id=proposal.pk, accept=True)
    assert (
        AuditEvent.objects.filter(
            action="denied", object_id=str(proposal.pk), actor_username="espoo_worker"
        ).count()
        == 1
    )
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PENDING


def test_declined_case_returns_to_the_queue_without_that_municipality(
    uusimaa_officer, helsinki_worker
):
    agreement(uusimaa_officer)
    c = case(uusimaa_officer)
    proposal = services.proposal_create(
        actor=uusimaa_officer, case_id=c.pk, municipality_code="091"
    )
    with pytest.raises(ValidationError):  # a reason is required
        services.proposal_decide(actor=helsinki_worker, proposal_id=proposal.pk, accept=False)
    services.proposal_decide(
        actor=helsinki_worker, proposal_id=proposal.pk, accept=False, reason="no_housing"
    )
    c.refresh_from_db()
    assert c.status == PlacementCase.Status.WAITING
    assert list(c.excluded_municipalities.values_list("code", flat=True)) == ["091"]
    assert year_usage().used("persons") == 0
    with pytest.raises(ValidationError):
        services.proposal_create(actor=uusimaa_officer, case_id=c.pk, municipality_code="091")


def test_decision_arrival_and_integration_client(uusimaa_officer, helsinki_worker, make_person):
    agreement(uusimaa_officer)
    c = case(uusimaa_officer, size=2)
    people = [make_person(uusimaa_officer) for _ in range(2)]
    for member, person in zip(c.members.all(), people, strict=True):
        member.person = person
        member.save()
    proposal = services.proposal_create(
        actor=uusimaa_officer, case_id=c.pk, municipality_code="091"
    )
    services.proposal_decide(actor=helsinki_worker, proposal_id=proposal.pk, accept=True)
    with pytest.raises(ValidationError):
        services.arrival_record(
            actor=helsinki_worker, proposal_id=proposal.pk, arrived_on=TODAY + dt.timedelta(days=3)
        )
    services.placement_decide(actor=uusimaa_officer, proposal_id=proposal.pk)
    arrived_on = TODAY - dt.timedelta(days=1)
    services.arrival_record(actor=helsinki_worker, proposal_id=proposal.pk, arrived_on=arrived_on)
    clients = IntegrationClient.objects.filter(person__in=people)
    assert clients.count() == 2
    for person in people:  # each step of the workflow names each person it changed
        events = AuditEvent.objects.filter(person_id=person.pk).order_by("seq")
        assert [(e.action, e.object_type, e.fields) for e in events][1:] == [
            ("update", "people.Person", ["municipality"]),
            (
                "create",
                "integration.IntegrationClient",
                [
                    "arrived_on",
                    "client_since",
                    "first_residence_date",
                    "group",
                    "municipality",
                    "residence_permit_on",
                ],
            ),
        ]
        assert events[1].detail["reason"] == "proposal_accepted"
        assert events[2].detail["reason"] == "arrival"
        assert [e.kind for e in person.events.all()][:1] == ["municipality_changed"]
    # the first municipality of residence is the register's date, never guessed from arrival
    assert {
        (cl.municipality.code, cl.arrived_on, cl.first_residence_date, cl.group) for cl in clients
    } == {("091", arrived_on, None, IntegrationClient.Group.QUOTA_REFUGEE)}
    usage = year_usage()
    assert (usage.arrived["persons"], usage.accepted["persons"], usage.proposed["persons"]) == (
        2,
        0,
        0,
    )
    with pytest.raises(ValidationError):  # not twice
        services.arrival_record(
            actor=helsinki_worker, proposal_id=proposal.pk, arrived_on=arrived_on
        )


def self_move(officer, worker, make_person, c: PlacementCase):
    """The whole self-arranged move: a member of `c` gets a person record with an identity
    code, the municipality reports the move by code and date of birth, the officer confirms."""
    person = make_person(officer)
    member = c.members.first()
    member.person = person
    member.save()
    notice = services.self_move_report(
        actor=worker,
        identity_code=person.identifiers.get(kind="hetu").value,
        date_of_birth=person.date_of_birth,
        moved_on=TODAY,
    )
    services.move_notice_resolve(actor=officer, notice_id=notice.pk, confirm=True)
    return c.self_arranged_move


def test_self_arranged_move_is_counted_and_flagged_when_over(
    uusimaa_officer, helsinki_worker, make_person
):
    agreement(uusimaa_officer, persons=3)
    first, second = case(uusimaa_officer, size=2), case(uusimaa_officer, size=2)
    move = self_move(uusimaa_officer, helsinki_worker, make_person, first)
    assert move.exceeded == []
    over = self_move(uusimaa_officer, helsinki_worker, make_person, second)
    assert over.exceeded == ["persons"]
    assert year_usage().arrived["persons"] == 4  # counted even though over the agreement
    assert year_usage().free["persons"] == -1


def test_an_overbooked_year_refuses_acceptance_but_not_a_decline(
    uusimaa_officer, helsinki_worker, make_person
):
    agreement(uusimaa_officer, persons=3)
    proposed, moved = case(uusimaa_officer, size=2), case(uusimaa_officer, size=2)
    first = services.proposal_create(
        actor=uusimaa_officer, case_id=proposed.pk, municipality_code="091"
    )
    self_move(uusimaa_officer, helsinki_worker, make_person, moved)
    assert year_usage().free["persons"] == -1
    with pytest.raises(CapacityExceeded) as refused:
        services.proposal_decide(actor=helsinki_worker, proposal_id=first.pk, accept=True)
    assert refused.value.dimensions == ["persons"]
    first.refresh_from_db()
    assert first.status == Proposal.Status.PENDING
    services.proposal_decide(
        actor=helsinki_worker, proposal_id=first.pk, accept=False, reason="capacity"
    )
    first.refresh_from_db()
    assert first.status == Proposal.Status.DECLINED


@pytest.mark.parametrize("seed", range(5))
def test_no_sequence_of_proposals_and_decisions_exceeds_any_dimension(
    seed, uusimaa_officer, helsinki_worker
):
    """Random walks through propose / accept / decline / withdraw never overbook."""
    rng = random.Random(seed)
    agreement(uusimaa_officer, persons=12, cases=4, large_family_dwellings=1)
    cases = [case(uusimaa_officer, size=rng.randint(1, 6)) for _ in range(12)]
    succeeded: Counter[str] = Counter()
    for _ in range(60):
        action = rng.choice(["propose", "propose", "accept", "decline", "withdraw"])
        try:
            if action == "propose":
                services.proposal_create(
                    actor=uusimaa_officer, case_id=rng.choice(cases).pk, municipality_code="091"
                )
            else:
                pending = list(Proposal.objects.filter(status="pending"))
                if not pending:
                    continue
                p = rng.choice(pending)
                if action == "accept":
                    services.proposal_decide(actor=helsinki_worker, proposal_id=p.pk, accept=True)
                elif action == "decline":
                    services.proposal_decide(
                        actor=helsinki_worker, proposal_id=p.pk, accept=False, reason="other"
                    )
                else:
                    services.proposal_withdraw(actor=uusimaa_officer, proposal_id=p.pk)
        except (ValidationError, CapacityExceeded):
            pass
        else:
            succeeded[action] += 1
        usage = year_usage()
        for d in DIMENSIONS:
            if usage.agreed[d] is not None:
                assert usage.used(d) <= usage.agreed[d], (d, usage)
    assert Proposal.objects.exists()
    # the walk must actually book capacity, not only collect refusals
    assert succeeded["propose"] >= 1 and succeeded["accept"] >= 1, succeeded


def test_every_step_is_audited(uusimaa_officer, helsinki_worker, audit_mark):
    agreement(uusimaa_officer)
    before = audit_mark()
    c = case(uusimaa_officer)
    p = services.proposal_create(actor=uusimaa_officer, case_id=c.pk, municipality_code="091")
    services.proposal_decide(actor=helsinki_worker, proposal_id=p.pk, accept=True)
    services.placement_decide(actor=uusimaa_officer, proposal_id=p.pk)
    services.arrival_record(actor=helsinki_worker, proposal_id=p.pk, arrived_on=TODAY)
    steps = list(
        AuditEvent.objects.filter(seq__gt=before).values_list(
            "object_type", "action", "actor_username"
        )
    )
    assert steps == [
        ("placement.PlacementCase", "create", "uusimaa_officer"),
        ("placement.Proposal", "create", "uusimaa_officer"),
        ("placement.Proposal", "update", "helsinki_worker"),
        ("placement.Proposal", "update", "uusimaa_officer"),
        ("placement.Arrival", "create", "helsinki_worker"),
    ]
