"""Case import: a bad row is reported with its line and field, good rows are kept, and no case
is half-imported."""

from __future__ import annotations

import json

import pytest

from kotopaikka.placement.importing import import_csv, import_json
from kotopaikka.placement.models import CaseMember, PlacementCase

pytestmark = pytest.mark.django_db

HEADER = "reference;kind;emergency;nationality;needs;ties;wishes;available_from;linked_group;age;sex;education_years;work_experience_years;languages;literate;unaccompanied_minor"


def test_csv_keeps_good_cases_and_reports_bad_lines(uusimaa_officer):
    text = "\n".join(
        [
            HEADER,
            "147-11111111;quota;no;AFG;;091;;2026-03-01;;34;female;12;5;prs,eng;yes;no",  # line 2
            "147-11111111;quota;no;AFG;;091;;2026-03-01;;9;male;3;;prs;yes;no",  # line 3 same case
            "147-22222222;quota;no;SYR;;;;;;40;male;abc;;ara;yes;no",  # line 4: bad number
            "147-33333333;quota;yes;COD;;999;;;;28;female;8;2;swa;no;no",  # line 5: unknown tie
            "147-33333333;quota;yes;COD;;999;;;;4;male;;;swa;;no",  # line 6 same bad case
            "147-44444444;quota;no;VEN;accessible_dwelling;;;31.3.2026;;50;male;16;25;spa;yes;no",  # line 7
        ]
    )
    report = import_csv(actor=uusimaa_officer, text=text)
    assert sorted(report.created) == ["147-11111111", "147-44444444"]
    errors = {(e.rows, e.reference, e.field) for e in report.errors}
    assert errors == {((4,), "147-22222222", "education_years"), ((5, 6), "147-33333333", "ties")}
    assert set(PlacementCase.objects.values_list("reference", flat=True)) == {
        "147-11111111",
        "147-44444444",
    }
    assert CaseMember.objects.filter(case__reference="147-11111111").count() == 2
    assert not CaseMember.objects.filter(
        case__reference__in=["147-22222222", "147-33333333"]
    ).exists()


def test_csv_without_required_columns_is_refused_as_a_whole(uusimaa_officer):
    report = import_csv(actor=uusimaa_officer, text="name,age\nA,3\n")
    assert [(e.rows, e.field) for e in report.errors] == [((1,), "reference")]
    assert not PlacementCase.objects.exists()


def test_reimporting_the_same_file_creates_nothing_new(uusimaa_officer):
    text = HEADER + "\n147-55555555;quota;no;AFG;;;;;;30;male;;;prs;;no\n"
    assert import_csv(actor=uusimaa_officer, text=text).created == ["147-55555555"]
    again = import_csv(actor=uusimaa_officer, text=text)
    assert again.created == [] and [e.field for e in again.errors] == ["reference"]
    assert PlacementCase.objects.count() == 1


def test_json_import_reports_item_numbers(uusimaa_officer):
    items = [
        {"reference": "147-66666666", "nationality": "SYR", "members": [{"age": 30}, {"age": 2}]},
        {"reference": "147-77777777", "members": []},
        {"reference": "147-88888888", "needs": ["jetpack"], "members": [{"age": 20}]},
        "not an object",
    ]
    report = import_json(actor=uusimaa_officer, text=json.dumps(items))
    assert report.created == ["147-66666666"]
    assert {(e.rows, e.field) for e in report.errors} == {
        ((2,), "members"),
        ((3,), "needs"),
        ((4,), ""),
    }


def test_malformed_json_is_reported_not_raised(uusimaa_officer):
    report = import_json(actor=uusimaa_officer, text='[{"reference": "147-1",')
    assert len(report.errors) == 1 and not report.created


def test_municipal_staff_cannot_import(helsinki_worker):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        import_csv(actor=helsinki_worker, text=HEADER)
