"""The placement policy: each rule decides the result on a small instance where it matters
(and, without the rule, the result differs), versions are kept, bounds are checked, and a
run records the policy it used."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import numpy as np
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kotopaikka.audit.models import AuditEvent
from kotopaikka.optimiser import model as om
from kotopaikka.optimiser.solve import solve
from kotopaikka.placement import policy as pol
from kotopaikka.placement.models import PlacementPolicy

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 1)


def _muni(code: str, persons: int, region: str = "01", **kw) -> om.Municipality:
    return om.Municipality(code, code, region, {"persons": persons}, **kw)


def _case(cid: str, size: int, **kw) -> om.Case:
    return om.Case(cid, [om.Member(age=30)] + [om.Member(age=5) for _ in range(size - 1)], **kw)


def _placed(inst: om.Instance, policy: pol.Policy | None) -> dict[str, str]:
    if policy is not None:
        pol.compile_policy(policy, inst, today=TODAY)
    res = solve(inst, method="exact", time_limit=20)
    assert res.status == "optimal"
    return res.assignment_map()


def _two_for_one_place_instance(outcome_x_at_tie: float = 1.0) -> om.Instance:
    # X (2 persons) has a tie to 091 and would do best there; Y (3 persons) can only go to 091
    # (it needs housing only 091 offers); 049 has room for X alone.
    inst = om.Instance(
        municipalities=[
            _muni("091", 3, services=("accessible_dwelling",)),
            _muni("049", 2),
        ],
        cases=[
            _case("X", 2, ties=("091",)),
            _case("Y", 3, needs=("accessible_dwelling",)),
        ],
    )
    inst.outcome = np.array([[outcome_x_at_tie, 0.0], [0.0, 0.0]])
    return inst


def test_a_case_that_fits_is_never_left_unplaced_for_a_bonus():
    # the optimiser's plain default weights leave Y unplaced to keep X at its tie
    plain = _placed(_two_for_one_place_instance(), None)
    assert plain == {"X": "091"}
    # the policy places both: X goes to 049, Y to 091
    assert _placed(_two_for_one_place_instance(), pol.DEFAULT_POLICY) == {"X": "049", "Y": "091"}
    # however large the bonus
    big = replace(pol.DEFAULT_POLICY, outcome_weight=10.0, tie_weight=10.0)
    assert _placed(_two_for_one_place_instance(9.0), big) == {"X": "049", "Y": "091"}


def _emergency_instance() -> om.Instance:
    return om.Instance(
        municipalities=[_muni("091", 3, accepts_emergency=True)],
        cases=[_case("E", 1, emergency=True), _case("F", 3)],
    )


def test_emergency_cases_first():
    without = replace(pol.DEFAULT_POLICY, emergency_first=False)
    assert _placed(_emergency_instance(), without) == {"F": "091"}  # more persons placed
    assert _placed(_emergency_instance(), pol.DEFAULT_POLICY) == {"E": "091"}


def _waiting_instance() -> om.Instance:
    return om.Instance(
        municipalities=[_muni("091", 3)],
        cases=[
            _case("NEW", 3, available_from=TODAY.isoformat()),
            _case("OLD", 2, available_from=(TODAY - dt.timedelta(days=3 * 365 + 1)).isoformat()),
        ],
    )


def test_persons_placed_are_weighted_by_waiting_time():
    no_wait = replace(pol.DEFAULT_POLICY, waiting_weight=0.0)
    assert _placed(_waiting_instance(), no_wait) == {"NEW": "091"}  # 3 persons beat 2
    # three years at 0.5 a year: each of OLD's persons weighs 2.5, 2 × 2.5 > 3
    assert _placed(_waiting_instance(), pol.DEFAULT_POLICY) == {"OLD": "091"}
    # the cap: half a year counted at most, 2 × 1.25 = 2.5 does not beat 3 × 1.0
    capped = replace(pol.DEFAULT_POLICY, waiting_cap_years=0.5)
    assert _placed(_waiting_instance(), capped) == {"NEW": "091"}


def _bonus_instance() -> om.Instance:
    inst = om.Instance(
        municipalities=[_muni("091", 9), _muni("049", 9)],
        cases=[_case("A", 2, ties=("049",), wishes=("091",))],
    )
    inst.outcome = np.array([[0.9, 0.7]])
    return inst


def test_then_expected_outcome_ties_and_wishes_by_their_weights():
    # 091: 0.9 outcome + 0.1 wish = 1.0; 049: 0.7 outcome + the tie weight: the weight decides
    assert _placed(_bonus_instance(), replace(pol.DEFAULT_POLICY, tie_weight=0.5)) == {"A": "049"}
    assert _placed(_bonus_instance(), replace(pol.DEFAULT_POLICY, tie_weight=0.1)) == {"A": "091"}
    no_outcome = replace(pol.DEFAULT_POLICY, outcome_weight=0.0, tie_weight=0.1, wish_weight=0.05)
    assert _placed(_bonus_instance(), no_outcome) == {"A": "049"}


def _fairness_instance() -> om.Instance:
    munis = [_muni("091", 2, region="01"), _muni("853", 2, region="02")]
    inst = om.Instance(municipalities=munis, cases=[_case("A", 1), _case("B", 1)])
    inst.outcome = np.array([[0.5, 0.2], [0.5, 0.2]])
    inst.regions = pol.regional_shares(munis)
    return inst


def test_the_optional_regional_share_term():
    assert [r.target_share for r in pol.regional_shares(_fairness_instance().municipalities)] == [
        0.5,
        0.5,
    ]
    assert _placed(_fairness_instance(), pol.DEFAULT_POLICY) == {"A": "091", "B": "091"}
    fair = replace(pol.DEFAULT_POLICY, fairness_weight=1.0)
    assert sorted(_placed(_fairness_instance(), fair).values()) == ["091", "853"]


def test_the_scales_make_the_tiers_strict():
    inst = _two_for_one_place_instance(2.0)
    scales = pol.compile_policy(pol.DEFAULT_POLICY, inst, today=TODAY)
    # tier 3's largest total: X's best (2.0 outcome + 0.3 tie) + Y's (0) = 2.3
    assert scales["tier3_max"] == pytest.approx(2.3)
    assert inst.weights.placement == pytest.approx(3.3)
    assert inst.weights.emergency > inst.weights.placement * 5 + scales["tier3_max"]


# ----------------------------------------------------------------------- versions and pages


def _values(**kw):
    base = {name: Decimal("0.5") for name in pol.BOUNDS}
    base.update(kw)
    return base


def test_a_change_is_a_new_version_and_is_audited(uusimaa_officer, north_officer):
    assert pol.policy_in_force(uusimaa_officer.organisation) == (pol.DEFAULT_POLICY, None)
    first = pol.policy_change(
        actor=uusimaa_officer, emergency_first=True, reason="tie weight up", **_values()
    )
    second = pol.policy_change(
        actor=uusimaa_officer,
        emergency_first=False,
        reason="no emergency tier",
        **_values(tie_weight=Decimal("1.25")),
    )
    assert (first.version, second.version) == (1, 2)
    current, row = pol.policy_in_force(uusimaa_officer.organisation)
    assert row == second and current.tie_weight == 1.25 and not current.emergency_first
    assert PlacementPolicy.objects.get(pk=first.pk).tie_weight == Decimal("0.50")  # kept
    # another authority still runs on the default
    assert pol.policy_in_force(north_officer.organisation)[0] == pol.DEFAULT_POLICY
    events = AuditEvent.objects.filter(object_type=pol.POLICY, action=AuditEvent.Action.CREATE)
    assert events.count() == 2


@pytest.mark.parametrize(
    "field,value",
    [("tie_weight", Decimal("-0.1")), ("wish_weight", Decimal("10.01")), ("outcome_weight", "x")],
)
def test_values_out_of_bounds_are_refused_naming_the_field(uusimaa_officer, field, value):
    with pytest.raises(ValidationError) as info:
        pol.policy_change(
            actor=uusimaa_officer, emergency_first=True, reason="r", **_values(**{field: value})
        )
    assert field in info.value.message_dict
    assert not PlacementPolicy.objects.exists()


def test_a_reason_is_required_and_only_officers_change(uusimaa_officer, analyst):
    with pytest.raises(ValidationError) as info:
        pol.policy_change(actor=uusimaa_officer, emergency_first=True, reason=" ", **_values())
    assert "reason" in info.value.message_dict
    with pytest.raises(PermissionDenied):
        pol.policy_change(actor=analyst, emergency_first=True, reason="r", **_values())


def test_the_policy_page_shows_the_policy_and_saves_a_version(client, uusimaa_officer):
    client.force_login(uusimaa_officer.user)
    url = reverse("placement:policy")
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="sv")
    assert page.status_code == 200
    bad = client.post(url, {"waiting_weight": "11", "reason": ""})
    assert bad.status_code == 400 and not PlacementPolicy.objects.exists()
    data = {
        "emergency_first": "on",
        "waiting_weight": "1.00",
        "waiting_cap_years": "2.0",
        "outcome_weight": "1.00",
        "tie_weight": "0.40",
        "wish_weight": "0.10",
        "fairness_weight": "0.00",
        "reason": "waiting counts more",
    }
    assert client.post(url, data).status_code == 302
    row = PlacementPolicy.objects.get()
    assert row.version == 1 and row.waiting_weight == Decimal("1.00")
    assert "waiting counts more" in client.get(url).content.decode()


def test_only_placement_officers_see_the_policy_page(client, helsinki_worker, analyst):
    for actor in (helsinki_worker, analyst):
        client.force_login(actor.user)
        assert client.get(reverse("placement:policy")).status_code == 403
        assert client.post(reverse("placement:policy"), {}).status_code == 403
