"""Optimiser runs from the queue: stored with inputs, objective, bound and gap; proposals sent
with their explanations; locks and exclusions respected; never beyond the free places."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from kotopaikka.optimiser.model import relative_gap
from kotopaikka.placement import runs, services
from kotopaikka.placement.models import OptimiserRun, Proposal

pytestmark = pytest.mark.django_db
YEAR = dt.date.today().year


def _agreement(officer, code, persons, **extra):
    services.agreement_save(
        actor=officer,
        municipality_code=code,
        valid_from=dt.date(YEAR, 1, 1),
        valid_until=None,
        years={YEAR: {"persons": persons}},
        services=extra.get("services", []),
        accepts_emergency_cases=False,
        wellbeing_county_consulted_on=None,
    )


def _case(officer, ref, sizes=(30, 5), ties=()):
    return services.case_create(
        actor=officer,
        data=services.CaseData(
            reference=ref, members=[services.MemberData(age=a) for a in sizes], ties=list(ties)
        ),
    )


@pytest.fixture
def queue(uusimaa_officer):
    _agreement(uusimaa_officer, "091", 4)
    _agreement(uusimaa_officer, "049", 2)
    return [
        _case(uusimaa_officer, "147-80000001", ties=["049"]),
        _case(uusimaa_officer, "147-80000002"),
        _case(uusimaa_officer, "147-80000003"),
    ]


def test_run_is_stored_with_bound_and_gap_and_respects_free_places(
    uusimaa_officer, queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = runs.optimiser_run_start(actor=uusimaa_officer, year=YEAR, time_limit=5)
    run.refresh_from_db()
    assert run.status == OptimiserRun.Status.DONE, run.error
    assert run.gap == pytest.approx(relative_gap(run.objective, run.bound))
    placed = {a["case"]: a["municipality"] for a in run.result["assignments"]}
    assert len(placed) == 3  # 2 persons each: 4 places in Helsinki, 2 in Espoo
    assert list(placed.values()).count("049") == 1
    assert placed[str(queue[0].pk)] == "049"  # the tie decides
    assert all(a["explanation"] for a in run.result["assignments"])


def test_locks_and_exclusions_are_respected(
    uusimaa_officer, queue, django_capture_on_commit_callbacks
):
    """Each half on its own run, so that each fails without its rule: the first case is
    tied to 049 (only 2 places) and takes it unless the rule says otherwise."""
    first, third = str(queue[0].pk), str(queue[2].pk)

    def placed(**rules) -> dict[str, str]:
        with django_capture_on_commit_callbacks(execute=True):
            run = runs.optimiser_run_start(actor=uusimaa_officer, year=YEAR, time_limit=5, **rules)
        run.refresh_from_db()
        return {a["case"]: a["municipality"] for a in run.result["assignments"]}

    assert placed()[first] == "049"  # the control: the tie decides
    locked = placed(locked={third: "049"})
    assert locked[third] == "049" and locked[first] == "091"
    assert placed(excluded={first: ["049"]})[first] == "091"


def test_cases_proposed_after_the_run_was_queued_are_left_out(uusimaa_officer, queue):
    run = OptimiserRun.objects.create(
        regional_authority=uusimaa_officer.organisation,
        year=YEAR,
        case_ids=[str(c.pk) for c in queue],
        parameters={},
    )
    services.proposal_create(
        actor=uusimaa_officer, case_id=str(queue[0].pk), municipality_code="049"
    )
    instance = runs.build_instance(run)
    assert {c.id for c in instance.cases} == {str(queue[1].pk), str(queue[2].pk)}
    attributes = {m.code: m.attributes for m in instance.municipalities}
    assert all("unemployment_share" not in a for a in attributes.values())
    assert isinstance(attributes["091"]["unemployment_pct"], float)  # known for Helsinki


def test_a_run_for_another_year_is_not_sent(
    uusimaa_officer, queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = runs.optimiser_run_start(actor=uusimaa_officer, year=YEAR, time_limit=5)
    OptimiserRun.objects.filter(pk=run.pk).update(year=YEAR - 1)
    from django.utils import translation

    with translation.override("en"), pytest.raises(runs.ValidationError) as refused:
        runs.optimiser_run_send(actor=uusimaa_officer, run_id=run.pk)
    assert refused.value.message_dict == {"run": [f"The run was for {YEAR - 1}; start a new run."]}
    assert not Proposal.objects.exists()


def test_a_rerun_of_last_years_run_is_for_this_year_and_can_be_sent(
    uusimaa_officer, queue, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        old = runs.optimiser_run_start(actor=uusimaa_officer, year=YEAR, time_limit=5)
    OptimiserRun.objects.filter(pk=old.pk).update(year=YEAR - 1)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(uusimaa_officer).post(
            reverse("placement:run_start"), {"previous": str(old.pk), "time_limit": 5}
        )
    rerun = OptimiserRun.objects.exclude(pk=old.pk).get()
    assert rerun.year == YEAR
    sent, _ = runs.optimiser_run_send(actor=uusimaa_officer, run_id=rerun.pk)
    assert len(sent) == 3


def test_sending_creates_proposals_with_explanations(
    uusimaa_officer, helsinki_worker, queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = runs.optimiser_run_start(actor=uusimaa_officer, year=YEAR, time_limit=5)
    sent, not_sent = runs.optimiser_run_send(actor=uusimaa_officer, run_id=run.pk)
    assert len(sent) == 3 and not not_sent
    assert Proposal.objects.filter(status="pending").count() == 3
    assert all(p.explanation.get("components") is not None for p in Proposal.objects.all())


def test_other_authority_cannot_run_or_send(
    uusimaa_officer, north_officer, queue, django_capture_on_commit_callbacks
):
    with pytest.raises(runs.CaseNotFound):
        runs.optimiser_run_start(actor=north_officer, year=YEAR, case_ids=[str(queue[0].pk)])
    with django_capture_on_commit_callbacks(execute=True):
        run = runs.optimiser_run_start(actor=uusimaa_officer, year=YEAR, time_limit=5)
    with pytest.raises(runs.CaseNotFound):
        runs.optimiser_run_send(actor=north_officer, run_id=run.pk)
    assert not Proposal.objects.exists()


def test_run_pages_work_for_the_officer_and_not_for_others(
    uusimaa_officer, north_officer, analyst, queue, client_for, django_capture_on_commit_callbacks
):

    from kotopaikka.audit.models import AuditEvent

    officer = client_for(uusimaa_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(reverse("placement:run_start"), {"time_limit": 5, "year": YEAR})
    assert response.status_code == 302
    run = OptimiserRun.objects.get()
    page = officer.get(reverse("placement:run", kwargs={"run_id": run.pk}))
    assert page.status_code == 200 and b"147-80000001" in page.content
    other = client_for(north_officer).get(reverse("placement:run", kwargs={"run_id": run.pk}))
    assert other.status_code == 404
    assert (
        AuditEvent.objects.filter(
            action="denied", actor_username="north_officer", object_id=str(run.pk)
        ).count()
        == 1
    )
    assert (
        client_for(analyst).get(reverse("placement:run", kwargs={"run_id": run.pk})).status_code
        == 403
    )
    with django_capture_on_commit_callbacks(execute=True):
        rerun = officer.post(
            reverse("placement:run_start"),
            {"previous": str(run.pk), "year": YEAR, f"pair-{queue[1].pk}": "exclude"},
        )
    assert rerun.status_code == 302
    newest = OptimiserRun.objects.exclude(pk=run.pk).get()
    assert newest.year == run.year == YEAR
    excluded_municipality = next(
        a["municipality"] for a in run.result["assignments"] if a["case"] == str(queue[1].pk)
    )
    assert newest.excluded == {str(queue[1].pk): [excluded_municipality]}
    assert (
        officer.post(reverse("placement:run_send", kwargs={"run_id": newest.pk})).status_code == 302
    )
    assert Proposal.objects.filter(status="pending").count() == len(newest.result["assignments"])
    assert not Proposal.objects.filter(
        case=queue[1], municipality__code=excluded_municipality
    ).exists()


def test_sent_run_never_exceeds_any_municipalitys_free_places(
    uusimaa_officer, django_capture_on_commit_callbacks
):
    """Many cases, few places: the optimiser path respects every dimension too."""
    from kotopaikka.optimiser.model import DIMENSIONS
    from kotopaikka.placement.capacity import usage_by_year
    from kotopaikka.placement.models import AgreementYear

    _agreement(uusimaa_officer, "091", 7)
    _agreement(uusimaa_officer, "049", 5)
    for n in range(9):
        _case(uusimaa_officer, f"147-8100000{n}", sizes=(30,) * (1 + n % 4))
    run = runs.optimiser_run_start(actor=uusimaa_officer, year=YEAR, time_limit=5)
    run.refresh_from_db()
    sent, not_sent = runs.optimiser_run_send(actor=uusimaa_officer, run_id=run.pk)
    assert sent and not not_sent
    years = list(AgreementYear.objects.filter(year=YEAR))
    for usage in usage_by_year(years).values():
        for d in DIMENSIONS:
            if usage.agreed[d] is not None:
                assert usage.used(d) <= usage.agreed[d]
    assert (
        sum(u.used("persons") for u in usage_by_year(years).values()) == 12
    )  # both filled exactly


def test_a_run_is_sent_once_and_the_send_is_audited(
    uusimaa_officer, queue, django_capture_on_commit_callbacks
):
    from kotopaikka.audit.models import AuditEvent

    with django_capture_on_commit_callbacks(execute=True):
        run = runs.optimiser_run_start(actor=uusimaa_officer, year=YEAR, time_limit=5)
    stored = AuditEvent.objects.filter(
        object_type=runs.RUN, object_id=str(run.pk), action="update", actor_username=""
    ).get()  # the worker's write of the result
    assert set(stored.subject_ids.split()) == {str(c.pk) for c in queue}
    sent, _ = runs.optimiser_run_send(actor=uusimaa_officer, run_id=run.pk)
    assert len(sent) == 3
    event = AuditEvent.objects.filter(
        object_type=runs.RUN, object_id=str(run.pk), action="update", fields=["sent_at"]
    ).get()
    assert event.detail == {"sent": 3, "not_sent": 0}
    assert set(event.subject_ids.split()) == set(sent)
    from django.utils import translation

    with translation.override("en"), pytest.raises(runs.ValidationError) as refused:
        runs.optimiser_run_send(actor=uusimaa_officer, run_id=run.pk)
    assert "already been sent" in str(refused.value)
    assert Proposal.objects.count() == 3


def test_a_send_that_fails_half_way_can_be_sent_again(
    uusimaa_officer, queue, django_capture_on_commit_callbacks, monkeypatch
):
    with django_capture_on_commit_callbacks(execute=True):
        run = runs.optimiser_run_start(actor=uusimaa_officer, year=YEAR, time_limit=5)
    real = runs.proposal_create
    calls = []

    def second_one_crashes(**kwargs):
        calls.append(kwargs["case_id"])
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return real(**kwargs)

    monkeypatch.setattr(runs, "proposal_create", second_one_crashes)
    with pytest.raises(RuntimeError):
        runs.optimiser_run_send(actor=uusimaa_officer, run_id=run.pk)
    assert len(calls) == 2
    assert Proposal.objects.count() == 1  # the first proposal stands (it is audited)
    run.refresh_from_db()
    assert run.sent_at is None  # the claim is released
    monkeypatch.setattr(runs, "proposal_create", real)
    sent, not_sent = runs.optimiser_run_send(actor=uusimaa_officer, run_id=run.pk)
    assert len(sent) == 2 and list(not_sent) == [calls[0]]  # the first is no longer waiting
    assert Proposal.objects.count() == 3


def test_runs_are_scoped_to_their_authoritys_placement_officers(
    uusimaa_officer, north_officer, helsinki_worker, queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = runs.optimiser_run_start(actor=uusimaa_officer, year=YEAR, time_limit=5)
    assert list(OptimiserRun.objects.for_actor(uusimaa_officer)) == [run]
    assert not OptimiserRun.objects.for_actor(north_officer).exists()
    assert not OptimiserRun.objects.for_actor(helsinki_worker).exists()  # a municipality
    assert not OptimiserRun.objects.for_actor(None).exists()
    with pytest.raises(runs.CaseNotFound):
        runs.optimiser_run_send(actor=uusimaa_officer, run_id="not-a-uuid")


def test_polling_a_queued_run_writes_no_audit_event_and_the_result_is_audited_once_shown(
    uusimaa_officer, north_officer, queue, client_for, audit_mark
):
    """The htmx poll of a queued or running run shows only its status (no personal data) and
    is not audited; the answer that first shows the result is, with the cases as subjects."""
    from kotopaikka.audit.models import AuditEvent

    run = OptimiserRun.objects.create(
        regional_authority=uusimaa_officer.organisation,
        year=YEAR,
        case_ids=sorted(str(c.pk) for c in queue),
        parameters={"time_limit": 5, "seed": 0, "method": "auto"},
    )
    url = reverse("placement:run", kwargs={"run_id": run.pk})
    officer = client_for(uusimaa_officer)
    before = audit_mark()
    for _poll in range(3):
        response = officer.get(url, HTTP_HX_REQUEST="true")
        assert response.status_code == 200 and b'hx-trigger="every 2s"' in response.content
    assert officer.get(url).status_code == 200  # the whole page of a queued run
    assert not AuditEvent.objects.filter(seq__gt=before).exists()
    # out of scope: still an audited 404 on every poll
    assert client_for(north_officer).get(url, HTTP_HX_REQUEST="true").status_code == 404
    assert AuditEvent.objects.filter(seq__gt=before, action="denied").count() == 1

    runs.execute_run(str(run.pk))
    before = audit_mark()
    done = officer.get(url, HTTP_HX_REQUEST="true")
    assert done.status_code == 200 and b"147-80000001" in done.content
    assert b"hx-trigger" not in done.content  # the poll stops
    read = AuditEvent.objects.filter(seq__gt=before, object_type=runs.RUN).get()
    assert (read.action, read.object_id, read.fields) == ("read", str(run.pk), ["result"])
    assert set(read.subject_ids.split()) == {str(c.pk) for c in queue}
