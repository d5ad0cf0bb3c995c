"""The compensation rules in the database: the loader, the overlap refusal (service and
PostgreSQL), the four-eyes entry of a value, the demo's provisional values, the refusal of a
month in words, and the unaccompanied minors' age limit reused from `rules.LegalRule`."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from kotopaikka.access.roles import Role
from kotopaikka.audit.models import AuditEvent
from kotopaikka.compensation import loader, services
from kotopaikka.compensation.calculation import MonthNotComputable, payable_month
from kotopaikka.compensation.engine import Group, Key, PersonMonth, minor_support_within_limit
from kotopaikka.compensation.models import CompensationRule, RuleChange
from kotopaikka.compensation.selectors import age_limit_rows, municipalities, rule_set

from .rulesets import d, person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The messages below are matched in English (the catalogues translate them elsewhere)."""
    with translation.override("en"):
        yield


@pytest.fixture
def handlers(make_actor):
    return make_actor(Role.COMPENSATION_HANDLER, "keha"), make_actor(
        Role.COMPENSATION_HANDLER, "keha"
    )


def unset(key: Key, kind: str = "") -> CompensationRule:
    return CompensationRule.objects.get(key=key, kind=kind, value__isnull=True)


def propose(actor, rule, value="1700", **extra):
    return services.rule_change_propose(
        actor=actor,
        rule_id=rule.pk,
        value=value,
        statute="VNA 1234/2024",
        section="§1",
        source_url="https://finlex.fi/fi/lainsaadanto/2024/1234",
        **extra,
    )


# -- loader ------------------------------------------------------------------------------


def test_the_shipped_file_is_loaded_once_and_a_second_run_writes_nothing():
    assert CompensationRule.objects.count() == len(loader.shipped_rows())
    assert loader.load_compensation_rules() == loader.LoadReport(created=0, updated=0)


def test_the_verified_rates_are_shipped_and_the_2025_rates_are_not():
    row = CompensationRule.objects.get(
        key=Key.RATE_7_AND_OVER, kind="municipality", valid_from=dt.date(2023, 1, 1)
    )
    assert (row.value, row.confidence, row.statute[:3]) == (Decimal("1955"), "verified", "VNA")
    assert row.source_url.startswith("https://kotoutuminen.fi/")
    assert unset(Key.RATE_7_AND_OVER, "county").valid_from == dt.date(2025, 1, 1)
    assert unset(Key.MONTH_AMOUNT).confidence == "unknown"


def test_the_loader_refuses_an_unknown_key_and_a_value_marked_unknown(tmp_path):
    bad = tmp_path / "rules.csv"
    header = "key,kind,valid_from,valid_until,value,confidence,statute,section,source_url,note\n"
    bad.write_text(header + "compensation.rate.typo,,2012-01-01,,1,verified,x,,,\n")
    with pytest.raises(ValidationError, match="unknown rule"):
        loader.load_compensation_rules(bad)
    bad.write_text(header + "compensation.end.death,,2012-01-01,,1,unknown,x,,,\n")
    with pytest.raises(ValidationError, match="unknown"):
        loader.load_compensation_rules(bad)


def test_the_loader_refuses_an_overlapping_row(tmp_path):
    bad = tmp_path / "rules.csv"
    bad.write_text(
        "key,kind,valid_from,valid_until,value,confidence,statute,section,source_url,note\n"
        "compensation.end.death,,2015-01-01,,1,verified,x,,,\n"
    )
    with pytest.raises(ValidationError) as refused:
        loader.load_compensation_rules(bad)
    assert "valid_from" in refused.value.message_dict


def test_the_loader_never_overwrites_a_value_two_handlers_entered(handlers):
    proposer, approver = handlers
    rule = unset(Key.RATE_7_AND_OVER, "municipality")
    services.rule_change_approve(actor=approver, change_id=propose(proposer, rule).pk)
    loader.load_compensation_rules()
    rule.refresh_from_db()
    assert (rule.value, rule.statute) == (Decimal("1700"), "VNA 1234/2024")


# -- overlap ------------------------------------------------------------------------------


def test_the_service_refuses_a_new_row_that_overlaps_one_of_the_same_rule_and_kind(handlers):
    proposer, _ = handlers
    with pytest.raises(ValidationError) as refused:
        services.rule_change_propose(
            actor=proposer,
            key=Key.RATE_UNDER_7,
            kind="county",
            valid_from=dt.date(2024, 6, 1),
            valid_until=dt.date(2025, 5, 31),
            value="350",
            statute="VNA 1/2024",
        )
    assert "overlap" in refused.value.message_dict["valid_from"][0]
    # the same days for another recipient kind, or after the open row's end, are not an overlap
    services.check_no_overlap(Key.COST_SPECIAL_YEARS, "", dt.date(2011, 1, 1), dt.date(2011, 8, 31))


def test_the_database_itself_refuses_an_overlap_on_postgresql():
    if connection.vendor != "postgresql":
        if os.environ.get("KOTOPAIKKA_REQUIRE_POSTGRES") == "1":
            pytest.fail("KOTOPAIKKA_REQUIRE_POSTGRES=1 but the tests run on " + connection.vendor)
        pytest.skip("the exclusion constraint exists on PostgreSQL only; set DATABASE_URL")
    with pytest.raises(IntegrityError), transaction.atomic():
        CompensationRule.objects.create(
            key=Key.RATE_UNDER_7,
            kind="county",
            valid_from=dt.date(2024, 6, 1),
            value=Decimal("1"),
            unit="eur_year",
            statute="x",
            confidence="verified",
        )
    # another recipient kind on the same days is fine
    CompensationRule.objects.create(
        key=Key.COST_SPECIAL_YEARS,
        kind="",
        valid_from=dt.date(2010, 1, 1),
        valid_until=dt.date(2011, 8, 31),
        value=Decimal("10"),
        unit="years",
        statute="x",
        confidence="verified",
    )


# -- four eyes ----------------------------------------------------------------------------


def test_one_handler_proposes_another_approves_and_the_value_enters_the_row(handlers):
    proposer, approver = handlers
    rule = unset(Key.MONTH_AMOUNT)
    change = propose(proposer, rule, value="1", confidence="secondary")
    rule.refresh_from_db()
    assert rule.value is None  # a proposal alone changes nothing
    services.rule_change_approve(actor=approver, change_id=change.pk)
    rule.refresh_from_db()
    change.refresh_from_db()
    assert (rule.value, rule.confidence, rule.provisional) == (Decimal("1"), "secondary", False)
    assert (change.status, change.decided_by_id) == ("approved", approver.user.pk)
    events = AuditEvent.objects.filter(object_type="compensation.RuleChange", object_id=change.pk)
    assert set(events.values_list("action", flat=True)) == {"create", "update"}


def test_the_proposer_cannot_approve_their_own_proposal(handlers):
    proposer, _ = handlers
    change = propose(proposer, unset(Key.MONTH_AMOUNT), value="1")
    with pytest.raises(PermissionDenied):
        services.rule_change_approve(actor=proposer, change_id=change.pk)
    with pytest.raises(PermissionDenied):
        services.rule_change_reject(actor=proposer, change_id=change.pk, reason="no")
    assert RuleChange.objects.get(pk=change.pk).status == "proposed"


def test_the_database_refuses_a_decision_by_the_proposer(handlers):
    proposer, _ = handlers
    change = propose(proposer, unset(Key.MONTH_AMOUNT), value="1")
    with pytest.raises(IntegrityError), transaction.atomic():
        RuleChange.objects.filter(pk=change.pk).update(status="approved", decided_by=proposer.user)


def test_a_rejection_needs_a_reason_and_leaves_the_row_unset(handlers):
    proposer, approver = handlers
    rule = unset(Key.MONTH_AMOUNT)
    change = propose(proposer, rule, value="2")
    with pytest.raises(ValidationError) as refused:
        services.rule_change_reject(actor=approver, change_id=change.pk, reason=" ")
    assert "reason" in refused.value.message_dict
    services.rule_change_reject(actor=approver, change_id=change.pk, reason="not in the guide")
    rule.refresh_from_db()
    assert rule.value is None
    with pytest.raises(ValidationError, match="already been decided"):
        services.rule_change_approve(actor=approver, change_id=change.pk)


def test_a_proposal_is_refused_field_by_field(handlers):
    proposer, _ = handlers
    with pytest.raises(ValidationError) as refused:
        propose(proposer, unset(Key.MONTH_AMOUNT), value="3", confidence="unknown")
    assert set(refused.value.message_dict) == {"value", "confidence"}
    with pytest.raises(ValidationError) as refused:
        services.rule_change_propose(
            actor=proposer, rule_id=unset(Key.MONTH_AMOUNT).pk, value="x", statute=""
        )
    assert set(refused.value.message_dict) == {"value", "statute"}


def test_an_approved_new_row_is_added_with_the_rules_unit(handlers):
    proposer, approver = handlers
    change = services.rule_change_propose(
        actor=proposer,
        key=Key.COST_SPECIAL_YEARS,
        valid_from=dt.date(2010, 1, 1),
        valid_until=dt.date(2011, 8, 31),
        value="10",
        statute="1386/2010 §49",
    )
    rule = services.rule_change_approve(actor=approver, change_id=change.pk)
    assert (rule.unit, rule.value, rule.kind) == ("years", Decimal("10"), "")
    assert RuleChange.objects.get(pk=change.pk).rule == rule
    with pytest.raises(ValidationError) as refused:
        services.rule_change_propose(
            actor=proposer,
            key=Key.COST_SPECIAL_YEARS,
            valid_from=dt.date(2009, 1, 1),
            value="2.5",
            statute="x",
        )
    assert "value" in refused.value.message_dict and "valid_from" not in refused.value.message_dict


def test_a_value_from_the_sources_is_not_rewritten_by_a_proposal(handlers):
    proposer, _ = handlers
    verified = CompensationRule.objects.get(
        key=Key.RATE_7_AND_OVER, kind="municipality", valid_from=dt.date(2023, 1, 1)
    )
    with pytest.raises(ValidationError) as refused:
        propose(proposer, verified)
    assert "rule" in refused.value.message_dict


def test_only_compensation_handlers_propose(make_actor):
    worker = make_actor(Role.INTEGRATION_WORKER, "municipality-837")
    with pytest.raises(PermissionDenied):
        propose(worker, unset(Key.MONTH_AMOUNT), value="1")


# -- demo, refusal, computing from the database ------------------------------------------


def test_the_demo_fills_the_unknown_rows_provisionally_and_never_a_verified_one():
    given = loader.load_provisional_demo()
    assert given == len(loader.demo_rows())
    assert not CompensationRule.objects.filter(
        value__isnull=True, key__startswith="compensation.rate"
    ).exists()
    assert not CompensationRule.objects.filter(provisional=True, confidence="verified").exists()
    assert loader.load_provisional_demo() == 0
    assert loader.load_compensation_rules().created == 0
    assert CompensationRule.objects.filter(provisional=True).count() == given


def test_a_month_computed_from_the_demo_rules_is_provisional():
    loader.load_provisional_demo()
    asylum = person(Group.INTERNATIONAL_PROTECTION, "1996-06-16", lives=(("837", "2025-03-10"),))
    result = payable_month(d("2025-04-01"), [asylum])
    [line] = result.lines
    assert isinstance(line, PersonMonth) and line.provisional and result.provisional
    assert line.amount == Decimal("150.00") and line.county_code == "08"


def test_a_month_without_its_rules_is_refused_in_the_users_language():
    asylum = person(Group.INTERNATIONAL_PROTECTION, "1990-01-01", lives=(("837", "2019-06-01"),))
    with translation.override("en"), pytest.raises(MonthNotComputable) as refused:
        payable_month(d("2019-07-01"), [asylum])
    message = refused.value.message_dict["month"][0]
    assert "7/2019 cannot be computed" in message
    assert "Monthly amount from the yearly rate on 1.7.2019" in message


def test_the_municipalities_mark_aland_and_helsinki():
    info = municipalities()
    assert info["478"].aland and info["478"].county_code is None
    assert info["091"].city_is_county and info["091"].county_code == "90"
    assert info["837"].county_code == "08" and not info["837"].aland
    assert len(rule_set().rows(Key.RATE_UNDER_7, "county")) == 2


# -- unaccompanied minors: the age limit of integration services -------------------------

MINOR_CASES = [
    # (born, day, within the limit, the limit in force)
    ("1999-03-10", "2020-07-14", False, 21),  # 21 on the last day of the old limit
    ("1999-03-10", "2020-07-15", True, 25),  # back within it when the limit rose to 25
    ("2000-09-01", "2020-07-01", True, 21),  # 19 under the old limit
    ("1996-01-01", "2020-12-31", True, 25),  # 24
    ("1995-01-01", "2020-12-31", False, 25),  # 25
    ("2001-02-01", "2024-06-30", True, 25),  # 23 on the last day of the limit 25
    ("2001-02-01", "2024-07-01", False, 23),  # 23 on the first day of the limit 23
    ("2002-08-01", "2024-07-01", True, 23),  # 21
    ("2002-08-01", "2025-08-01", False, 23),  # 23 under the new Act
]


@pytest.mark.parametrize(("born", "day", "within", "limit"), MINOR_CASES)
def test_unaccompanied_minors_support_within_the_age_limit_in_force(born, day, within, limit):
    result = minor_support_within_limit(d(born), d(day), age_limit_rows())
    assert (result.within, result.age_limit) == (within, limit)
