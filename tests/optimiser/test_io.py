"""Instance files: round trip, and every documented refusal names the item and the field."""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from kotopaikka.optimiser.errors import InstanceError
from kotopaikka.optimiser.io import (
    _CASE_KEYS,
    _MEMBER_KEYS,
    fast_case_ok,
    instance_digest,
    instance_to_dict,
    load_instance,
    load_schema,
    semantic_issues,
)
from kotopaikka.optimiser.synthetic import SYNTHETIC_NOTE, generate_instance

from .helpers import case, doc, muni, small_doc


def refused(d) -> list:
    with pytest.raises(InstanceError) as exc:
        load_instance(d if isinstance(d, (str, bytes)) else copy.deepcopy(d))
    return exc.value.issues


def one(issues, code):
    hits = [i for i in issues if i.code == code]
    assert hits, f"no {code} among {issues}"
    return hits[0]


def test_small_instance_loads():
    inst = load_instance(small_doc())
    assert [c.id for c in inst.cases] == ["A", "B", "C", "D"]
    assert inst.outcome.shape == (4, 3)
    assert inst.outcome[3, 2] == 0.9
    assert inst.cases[2].all_needs() == ("specialised_health_care",)


def test_round_trip_synthetic_instance_is_exact():
    inst = generate_instance(60, seed=3)
    d = instance_to_dict(inst)
    assert d["synthetic"] is True and d["note"] == SYNTHETIC_NOTE
    again = load_instance(json.dumps(d))
    assert np.array_equal(again.outcome, inst.outcome)
    assert instance_digest(again) == instance_digest(inst)
    assert instance_to_dict(again) == d


def test_outcome_as_object_and_missing_rows():
    d = small_doc()
    d["cases"][0]["outcome"] = {"049": 2.5}
    del d["cases"][1]["outcome"]
    inst = load_instance(d)
    assert inst.outcome[0].tolist() == [0.0, 2.5, 0.0]
    assert inst.outcome[1].tolist() == [0.0, 0.0, 0.0]


def test_malformed_json_names_line_and_column():
    issue = one(
        refused('{"format": "kotopaikka-placement-instance",\n "cases": [}'), "malformed_json"
    )
    assert issue.field == "line 2 column 12"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"name": "abc', "Unterminated string starting at line 1, column 10"),
        ('{"name": "a\x01"}', "Invalid control character at line 1, column 12"),
    ],
)
def test_malformed_json_message_says_at_once(text, reason):
    issue = one(refused(text), "malformed_json")
    assert issue.message == f"not valid JSON: {reason}"
    assert "at at" not in str(issue)


def test_nan_is_refused():
    text = json.dumps(small_doc()).replace("0.9]", "NaN]", 1)
    assert one(refused(text), "malformed_json")


def test_unsupported_format():
    d = small_doc()
    d["format"] = "something-else"
    issue = one(refused(d), "unsupported_format")
    assert issue.item == "instance" and issue.field == "format"


def test_negative_capacity_names_municipality_and_field():
    d = small_doc()
    d["municipalities"][1]["capacity"]["persons"] = -3
    issue = one(refused(d), "negative_capacity")
    assert (issue.item, issue.field) == ("municipality 049", "capacity.persons")
    d = small_doc()
    d["municipalities"][2]["capacity"]["emergency_places"] = -1
    issue = one(refused(d), "negative_capacity")
    assert (issue.item, issue.field) == ("municipality 092", "capacity.emergency_places")


def test_unknown_municipality_in_ties_and_lock():
    d = small_doc()
    d["cases"][1]["ties"] = ["999"]
    d["cases"][2]["locked_to"] = "998"
    issues = refused(d)
    tie = next(i for i in issues if i.field == "ties[0]")
    assert (tie.code, tie.item) == ("unknown_municipality", "case B")
    assert tie.message == "cases[1].ties[0]: '999' is not a municipality of this instance"
    lock = next(i for i in issues if i.field == "locked_to")
    assert (lock.code, lock.item) == ("unknown_municipality", "case C")
    assert lock.message.startswith("cases[2].locked_to: '998'")


def test_case_bigger_than_every_municipality():
    d = small_doc()
    d["cases"].append(case("HUGE", 7))
    issue = one(refused(d), "case_too_large")
    assert (issue.item, issue.field) == ("case HUGE", "members")
    assert "7 persons" in issue.message and "6 persons" in issue.message


def test_linked_group_bigger_than_every_municipality():
    d = small_doc()
    d["cases"][0]["linked_group"] = "G"
    d["cases"][3]["linked_group"] = "G"
    issue = one(refused(d), "case_too_large")
    assert issue.item == "linked group G"


def test_duplicates():
    d = small_doc()
    d["cases"][3]["id"] = "B"
    issue = one(refused(d), "duplicate_id")
    assert (issue.item, issue.field) == ("case B", "id")
    assert issue.message == 'cases[1].id and cases[3].id: duplicate id "B"'
    d = small_doc()
    d["municipalities"][2]["code"] = "091"
    issue = one(refused(d), "duplicate_id")
    assert (issue.item, issue.field) == ("municipality 091", "code")
    assert (
        issue.message == 'municipalities[0].code and municipalities[2].code: duplicate code "091"'
    )


def test_municipality_not_in_the_registry_is_refused():
    d = small_doc()
    d["municipalities"][1]["code"] = "999"
    issues = refused(d)
    assert [i.code for i in issues] == ["unregistered_municipality"]
    issue = issues[0]
    assert (issue.item, issue.field) == ("municipality 999", "code")
    assert issue.message.startswith("municipalities[1].code: '999' is not a municipality")
    assert '"municipality_codes": "own"' in issue.message
    d["municipality_codes"] = "registry"  # the default, stated
    assert one(refused(d), "unregistered_municipality")


def test_instance_with_its_own_municipalities_declares_them():
    d = small_doc()
    d["municipalities"][1]["code"] = "999"
    d["cases"][1]["ties"] = ["999"]
    d["municipality_codes"] = "own"
    inst = load_instance(d)
    assert [m.code for m in inst.municipalities] == ["091", "999", "092"]
    written = instance_to_dict(inst)  # written with its declaration, so that it reads back
    assert written["municipality_codes"] == "own"
    assert [m.code for m in load_instance(written).municipalities] == ["091", "999", "092"]
    # an instance of registry municipalities is written without it (the default)
    assert "municipality_codes" not in instance_to_dict(load_instance(small_doc()))
    d["municipality_codes"] = "mine"
    issue = one(refused(d), "schema_violation")
    assert (issue.item, issue.field) == ("instance", "municipality_codes")


def test_score_list_of_wrong_length_and_type():
    d = small_doc()
    d["cases"][1]["outcome"] = [0.1, 0.2]
    issue = one(refused(d), "bad_scores")
    assert (issue.item, issue.field) == ("case B", "outcome")
    d = small_doc()
    d["cases"][1]["outcome"] = [0.1, "x", 0.3]
    issue = one(refused(d), "bad_scores")
    assert issue.field == "outcome[1]"


def test_schema_violation_names_member_field():
    d = small_doc()
    d["cases"][2]["members"][0]["age"] = "thirty"
    issue = one(refused(d), "schema_violation")
    assert (issue.item, issue.field) == ("case C", "members[0].age")


def test_unaccompanied_adult_is_refused():
    d = small_doc()
    d["cases"][1]["members"][0]["unaccompanied_minor"] = True
    issue = one(refused(d), "bad_member")
    assert issue.field == "members[0].unaccompanied_minor"


def test_lock_rules():
    d = small_doc()
    d["cases"][2]["locked_to"] = "049"  # C needs specialised health care, 049 has none
    issue = one(refused(d), "locked_ineligible")
    assert issue.item == "case C" and "specialised_health_care" in issue.message
    d = small_doc()
    d["cases"][0]["locked_to"] = "092"
    d["cases"][1]["locked_to"] = "092"  # 3 + 1 > 3 persons
    issue = one(refused(d), "locked_over_capacity")
    assert (issue.item, issue.field) == ("municipality 092", "capacity.persons")
    d = small_doc()
    for k, target in ((0, "091"), (1, "049")):
        d["cases"][k]["linked_group"] = "G"
        d["cases"][k]["locked_to"] = target
    assert one(refused(d), "lock_conflict").item == "linked group G"


def test_target_shares_and_regions():
    d = small_doc()
    d["regions"] = [{"code": "01", "target_share": 0.7}, {"code": "02", "target_share": 0.5}]
    assert one(refused(d), "bad_target_shares")
    d["regions"] = [{"code": "77", "target_share": 0.1}]
    assert one(refused(d), "unknown_region").item == "region 77"


@pytest.mark.parametrize("seed", [1, 7])
def test_generated_fairness_targets_are_accepted(seed):
    """The generator's target shares once added up to 1.0001 (seed 7, rounded to nearest)."""
    inst = generate_instance(40, seed=seed, fairness_targets=True)
    assert sum(r.target_share for r in inst.regions) <= 1
    assert semantic_issues(inst) == []


def test_error_report_lists_all_issues():
    d = small_doc()
    d["municipalities"][0]["capacity"]["persons"] = -1
    d["municipalities"][1]["capacity"]["persons"] = -2
    with pytest.raises(InstanceError) as exc:
        load_instance(d)
    assert len(exc.value.issues) == 2
    assert exc.value.to_dict()["issues"][1]["item"] == "municipality 049"


# ----------------------------------------------------------------- fast case checker

_case_schema = load_schema("instance.schema.json")
_case_validator = Draft202012Validator(
    {"$defs": _case_schema["$defs"], **_case_schema["$defs"]["case"]}
)
_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 200),
    st.floats(allow_nan=False, width=32),
    st.sampled_from(["", "091", "x", "fi", "en", "quota", "2026-01-01", "abc_d", "A"]),
    st.lists(st.sampled_from(["091", "fi", "x", 3, "accessible_dwelling"]), max_size=3),
)
_keys = st.sampled_from([*sorted(_CASE_KEYS | _MEMBER_KEYS), "bogus"])


def _valid_case() -> dict:
    return {
        "id": "A",
        "members": [{"age": 30, "languages": ["fi"]}],
        "ties": ["091"],
        "outcome": [0.5, 1],
    }


def test_fast_case_check_accepts_valid_cases():
    """Positive control: the checker is not simply refusing everything."""
    full = {
        "id": "F",
        "members": [
            {
                "age": 34,
                "sex": "f",
                "education_years": 12,
                "work_experience_years": 8,
                "languages": ["fi", "prs"],
                "literate": True,
                "unaccompanied_minor": False,
            },
            {"age": 4},
        ],
        "needs": ["accessible_dwelling"],
        "ties": ["091"],
        "wishes": ["049"],
        "available_from": "2026-01-01",
        "emergency": False,
        "declined_by": ["092"],
        "linked_group": "G",
        "locked_to": "091",
        "source": "quota",
        "outcome": {"091": 0.5, "049": 1},
    }
    for c in (_valid_case(), case("B", 3), full):
        assert _case_validator.is_valid(c), c
        assert fast_case_ok(c), c


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.booleans(), _keys, _values), max_size=4))
def test_fast_case_check_never_accepts_what_the_schema_refuses(edits):
    c = _valid_case()
    member = c["members"][0]
    for in_member, key, value in edits:
        (member if in_member else c)[key] = value
    if fast_case_ok(c):
        assert _case_validator.is_valid(c), c


def test_fast_check_on_large_instance_reports_like_schema():
    d = doc([muni("091", 10_000)], [case(f"C{i}") for i in range(300)])
    d["cases"][250]["members"][0]["age"] = -4
    issue = one(refused(d), "schema_violation")
    assert (issue.item, issue.field) == ("case C250", "members[0].age")
