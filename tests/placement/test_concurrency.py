"""No overbooking under concurrency: real concurrent transactions against PostgreSQL.

Two officers propose different cases for the last places at the same moment, or two workers
decide the same proposal at the same moment: exactly one succeeds. SQLite serialises whole
transactions and cannot show this, so these tests need PostgreSQL (CI runs them there and sets
KOTOPAIKKA_REQUIRE_POSTGRES=1 so that they cannot be skipped).
"""

from __future__ import annotations

import datetime as dt
import os
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from kotopaikka.placement import services
from kotopaikka.placement.capacity import CapacityExceeded, usage_by_year
from kotopaikka.placement.models import AgreementYear, Proposal
from kotopaikka.registry.loader import load_registry
from kotopaikka.registry.models import Municipality

pytestmark = pytest.mark.postgres


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        if os.environ.get("KOTOPAIKKA_REQUIRE_POSTGRES") == "1":
            pytest.fail("KOTOPAIKKA_REQUIRE_POSTGRES=1 but the tests run on " + connection.vendor)
        pytest.skip(
            "needs PostgreSQL (row locks between concurrent transactions); set DATABASE_URL"
        )


@pytest.fixture
def _restore_after_flush(django_db_blocker):
    """Set up before the transactional database, torn down after its flush: turns the audit
    table's append-only triggers back on and reloads the reference data the flush removed, so
    later tests find the database as the session set it up."""
    yield
    with django_db_blocker.unblock():
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
        load_registry()


@pytest.fixture
def committed_db(postgres_only, _restore_after_flush, transactional_db):
    """Committed data visible to other connections. The flush after the test must empty the
    append-only audit table, so its triggers are switched off just for that (test database only)."""
    if not Municipality.objects.exists():
        load_registry()
    yield
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")


def run_at_once(*calls):
    """Run the calls in threads released together; return each result or exception."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def _setup(officer, persons: int):
    today = dt.date.today()
    services.agreement_save(
        actor=officer,
        municipality_code="091",
        valid_from=dt.date(today.year, 1, 1),
        valid_until=None,
        years={today.year: {"persons": persons}},
        services=[],
        accepts_emergency_cases=False,
        wellbeing_county_consulted_on=None,
    )
    make = lambda ref: services.case_create(  # noqa: E731
        actor=officer,
        data=services.CaseData(
            reference=ref, members=[services.MemberData(age=30), services.MemberData(age=5)]
        ),
    )
    return make("147-00000001"), make("147-00000002")


@pytest.mark.parametrize("attempt", range(5))
def test_two_officers_cannot_both_take_the_last_places(attempt, committed_db, make_actor):
    from kotopaikka.access.roles import Role

    officer_a = make_actor(Role.PLACEMENT_OFFICER, "evk-01")
    officer_b = make_actor(Role.PLACEMENT_OFFICER, "evk-01")
    first, second = _setup(officer_a, persons=3)  # room for one family of two, not two

    results = run_at_once(
        lambda: services.proposal_create(
            actor=officer_a, case_id=first.pk, municipality_code="091"
        ),
        lambda: services.proposal_create(
            actor=officer_b, case_id=second.pk, municipality_code="091"
        ),
    )

    succeeded = [r for r in results if isinstance(r, Proposal)]
    refused = [r for r in results if isinstance(r, CapacityExceeded)]
    assert (len(succeeded), len(refused)) == (1, 1), results
    year = AgreementYear.objects.get(agreement__municipality__code="091")
    assert usage_by_year([year])[year.pk].used("persons") == 2


def test_a_proposal_cannot_be_decided_twice_at_once(committed_db, make_actor):
    from kotopaikka.access.roles import Role

    officer = make_actor(Role.PLACEMENT_OFFICER, "evk-01")
    worker_a = make_actor(Role.INTEGRATION_WORKER, "municipality-091")
    worker_b = make_actor(Role.INTEGRATION_WORKER, "municipality-091")
    first, _second = _setup(officer, persons=5)
    proposal = services.proposal_create(actor=officer, case_id=first.pk, municipality_code="091")

    results = run_at_once(
        lambda: services.proposal_decide(actor=worker_a, proposal_id=proposal.pk, accept=True),
        lambda: services.proposal_decide(
            actor=worker_b, proposal_id=proposal.pk, accept=False, reason="no_housing"
        ),
    )

    assert sum(isinstance(r, Proposal) for r in results) == 1, results
    assert sum(isinstance(r, ValidationError) for r in results) == 1, results
    proposal.refresh_from_db()
    assert proposal.status in (Proposal.Status.ACCEPTED, Proposal.Status.DECLINED)


def test_two_clicks_on_send_make_the_proposals_once(committed_db, make_actor):
    from kotopaikka.access.roles import Role
    from kotopaikka.placement import runs

    officer_a = make_actor(Role.PLACEMENT_OFFICER, "evk-01")
    officer_b = make_actor(Role.PLACEMENT_OFFICER, "evk-01")
    _setup(officer_a, persons=5)
    run = runs.optimiser_run_start(actor=officer_a, year=dt.date.today().year, time_limit=5)
    run.refresh_from_db()  # the immediate backend ran it when the start committed
    assert run.status == "done", run.error

    results = run_at_once(
        lambda: runs.optimiser_run_send(actor=officer_a, run_id=run.pk),
        lambda: runs.optimiser_run_send(actor=officer_b, run_id=run.pk),
    )

    sent = [r for r in results if isinstance(r, tuple)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert (len(sent), len(refused)) == (1, 1), results
    assert len(sent[0][0]) == 2 and Proposal.objects.count() == 2
