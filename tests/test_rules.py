"""Law as data: dated rule rows with their sources; an unknown value is never guessed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kotopaikka.rules import loader, selectors, services
from kotopaikka.rules.errors import RuleNotSet
from kotopaikka.rules.models import LegalRule

pytestmark = pytest.mark.django_db
AGE = "integration.unaccompanied.support_age_limit"
START = "integration.assessment.start_deadline"


@pytest.mark.parametrize(
    ("day", "limit"),
    [
        (dt.date(2020, 7, 14), 21),
        (dt.date(2020, 7, 15), 25),
        (dt.date(2024, 6, 30), 25),
        (dt.date(2024, 7, 1), 23),
        (dt.date(2026, 12, 3), 23),
    ],
)
def test_the_support_age_limit_on_both_sides_of_each_change(day, limit):
    value = selectors.rule_value(AGE, day)
    assert int(value) == limit
    assert value.row.legal_reference  # every value carries its source


def test_a_value_the_sources_leave_unknown_is_refused_not_guessed():
    assert int(selectors.rule_value(START, dt.date(2024, 12, 31))) == 60  # the old Act's
    with pytest.raises(RuleNotSet) as refused:
        selectors.rule_value(START, dt.date(2025, 1, 1))
    assert refused.value.key == START and "2025" in refused.value.messages[0]


def test_an_administrator_enters_the_value_with_its_source_and_the_loader_keeps_it(sysadmin):
    row = selectors.rule_row(START, dt.date(2025, 1, 1))
    with pytest.raises(ValidationError) as refused:
        services.rule_value_set(
            actor=sysadmin, rule_id=row.pk, value=Decimal(30), legal_reference=""
        )
    assert list(refused.value.message_dict) == ["legal_reference"]
    services.rule_value_set(
        actor=sysadmin, rule_id=row.pk, value=Decimal(30), legal_reference="681/2023 §14"
    )
    assert int(selectors.rule_value(START, dt.date(2025, 3, 1))) == 30
    loader.load_rules()  # the shipped file has no value for it: the administrator's stays
    row.refresh_from_db()
    assert (row.value, row.set_by) == (Decimal(30), "sysadmin")


def test_only_administrators_enter_values(helsinki_worker):
    row = selectors.rule_row(START, dt.date(2025, 1, 1))
    with pytest.raises(PermissionDenied):
        services.rule_value_set(
            actor=helsinki_worker, rule_id=row.pk, value=Decimal(30), legal_reference="x"
        )


def test_loading_twice_changes_nothing():
    assert loader.load_rules() == loader.LoadReport(created=0, updated=0)


def test_overlapping_periods_of_one_rule_are_refused():
    LegalRule.objects.create(
        key=AGE,
        valid_from=dt.date(2024, 1, 1),
        value=Decimal(99),
        unit="age",
        legal_reference="test",
        confidence="unverified",
    )
    with pytest.raises(ValidationError):
        loader.check_no_overlaps()


def test_an_unknown_rule_key_is_a_programming_error():
    with pytest.raises(KeyError):
        selectors.rule_value("integration.no.such.rule", dt.date(2026, 1, 1))


def test_the_shipped_file_marks_exactly_the_rows_without_a_value_as_unknown(tmp_path):
    bad = tmp_path / "rules.csv"
    bad.write_text(
        "key,valid_from,valid_until,value,unit,confidence,legal_reference,source_url,note\n"
        f"{AGE},2030-01-01,,,age,verified,x,,\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError):
        loader.load_rules(bad)


def test_the_rules_page_shows_values_sources_and_what_awaits_an_administrator(
    helsinki_worker, client_for
):
    body = client_for(helsinki_worker).get(reverse("rules:list")).content.decode()
    assert "576/2024" in body
    assert 'data-testid="rule-integration.assessment.start_deadline-2025-01-01"' in body
    assert "ei asetettu" in body
