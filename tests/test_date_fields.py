"""The project's one date widget renders ISO values in every language, every form uses it, and
edits that empty a date are listed for review (`manage.py list_cleared_dates`)."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import io
import json
import pkgutil

import pytest
from auditlog.models import LogEntry
from django import forms
from django.core.management import call_command
from django.utils import translation

import kotopaikka
from kotopaikka.audit.models import AuditEvent
from kotopaikka.core.forms import DateInput
from kotopaikka.people import services
from kotopaikka.people.forms import PersonForm
from kotopaikka.people.services import PersonData
from kotopaikka.placement.forms import AgreementForm, SelfMoveForm

pytestmark = pytest.mark.django_db

BIRTH = dt.date(2011, 3, 2)


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_a_stored_date_is_rendered_as_the_iso_value_a_date_input_accepts(language):
    with translation.override(language):
        html = str(PersonForm(initial={"date_of_birth": BIRTH})["date_of_birth"])
        agreement = AgreementForm(
            initial={"valid_from": dt.date(2026, 1, 1), "valid_until": dt.date(2028, 12, 31)}
        )
        bound = PersonForm(data={"date_of_birth": "2011-03-02"})
    assert 'type="date"' in html
    assert 'value="2011-03-02"' in html, html
    assert 'value="2026-01-01"' in str(agreement["valid_from"])
    assert 'value="2028-12-31"' in str(agreement["valid_until"])
    bound.is_valid()
    assert bound.cleaned_data["date_of_birth"] == BIRTH  # and the ISO value is read back


def test_a_date_default_is_rendered_as_an_iso_value():
    with translation.override("fi"):
        html = str(SelfMoveForm()["moved_on"])
    assert f'value="{dt.date.today().isoformat()}"' in html


def _project_forms():
    for module_info in pkgutil.walk_packages(kotopaikka.__path__, "kotopaikka."):
        if ".migrations" in module_info.name or module_info.name.startswith("kotopaikka.optimiser"):
            continue
        module = importlib.import_module(module_info.name)
        for _name, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, forms.BaseForm) and value.__module__ == module.__name__:
                yield value


def test_every_date_field_of_every_form_uses_the_project_date_widget():
    checked, wrong = 0, []
    for form_class in _project_forms():
        try:
            form = form_class()
        except TypeError:  # a form that needs arguments declares its fields on the class
            fields = form_class.base_fields
        else:
            fields = form.fields
        for name, field in fields.items():
            if isinstance(field, forms.DateField):
                checked += 1
                if not isinstance(field.widget, DateInput):
                    wrong.append(f"{form_class.__module__}.{form_class.__name__}.{name}")
    assert checked >= 7, "the date fields of the person, case, proposal and agreement forms"
    assert wrong == []


def _person(actor):
    return services.person_create(
        actor=actor,
        data=PersonData(given_names="Amina", family_name="Yusuf", date_of_birth=BIRTH),
    )


def test_an_edit_that_empties_the_date_of_birth_says_so_in_its_audit_event(helsinki_worker):
    person = _person(helsinki_worker)
    services.person_update(
        actor=helsinki_worker, person_id=person.pk, changes={"given_names": "Amina Noor"}
    )
    services.person_update(
        actor=helsinki_worker, person_id=person.pk, changes={"date_of_birth": None}
    )
    updates = AuditEvent.objects.filter(
        action=AuditEvent.Action.UPDATE, person_id=person.pk
    ).order_by("seq")
    assert [e.detail["cleared"] for e in updates] == [[], ["date_of_birth"]]


def _listed(*args) -> list[dict]:
    out = io.StringIO()
    call_command("list_cleared_dates", "--json", *args, stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_list_cleared_dates_lists_each_edit_that_emptied_a_date_and_nothing_else(
    helsinki_worker, uusimaa_officer
):
    kept = _person(helsinki_worker)
    services.person_update(
        actor=helsinki_worker, person_id=kept.pk, changes={"date_of_birth": dt.date(2011, 3, 3)}
    )
    erased = services.person_create(
        actor=helsinki_worker,
        data=PersonData(given_names="Omar", family_name="Yusuf", date_of_birth=BIRTH),
    )
    services.person_update(
        actor=helsinki_worker, person_id=erased.pk, changes={"date_of_birth": None}
    )

    rows = _listed()
    person_rows = [r for r in rows if r["object_type"] == "people.Person"]
    assert [(r["object_id"], r["field"], r["certainty"]) for r in person_rows] == [
        (str(erased.pk), "date_of_birth", "cleared")
    ]
    assert person_rows[0]["user"] == "helsinki_worker"
    # running it is an audited read naming the persons it lists
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.detail["purpose"] == "list_cleared_dates"
    assert event.subject_ids == str(erased.pk)


def test_list_cleared_dates_reads_older_events_against_the_record_as_it_is_now(helsinki_worker):
    """Events written before `cleared` existed name the field only: the record decides."""
    from kotopaikka.audit.services import record_event
    from kotopaikka.people.models import Person

    person = _person(helsinki_worker)
    other = _person_with_date(helsinki_worker)
    Person.objects.filter(pk=person.pk).update(date_of_birth=None)  # the old bug's outcome
    for subject in (person, other):  # an old-style event: the field's name, nothing more
        record_event(
            actor=helsinki_worker,
            action=AuditEvent.Action.UPDATE,
            object_type="people.Person",
            object_id=subject.pk,
            person_id=subject.pk,
            fields=["date_of_birth"],
        )
    rows = [r for r in _listed() if r["object_type"] == "people.Person"]
    assert [(r["object_id"], r["certainty"]) for r in rows] == [(str(person.pk), "now_empty")]


def _person_with_date(actor):
    return services.person_create(
        actor=actor,
        data=PersonData(given_names="Leila", family_name="Karimi", date_of_birth=BIRTH),
    )


def test_list_cleared_dates_finds_an_agreement_date_emptied_in_the_change_log(uusimaa_officer):
    from kotopaikka.placement import services as placement

    def save(valid_until):
        return placement.agreement_save(
            actor=uusimaa_officer,
            municipality_code="092",
            valid_from=dt.date(2026, 1, 1),
            valid_until=valid_until,
            years={2026: {"persons": 10}},
            services=[],
            accepts_emergency_cases=False,
            wellbeing_county_consulted_on=None,
        )

    agreement = save(dt.date(2027, 12, 31))
    save(None)
    assert LogEntry.objects.get_for_object(agreement).count() >= 2
    rows = [r for r in _listed() if r["source"] == "changelog"]
    assert [(r["object_type"], r["object_id"], r["field"]) for r in rows] == [
        ("placement.PlacementAgreement", str(agreement.pk), "valid_until")
    ]
