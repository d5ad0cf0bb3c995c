"""Statistics: the page and /api/v1/statistics/, who may see them, the small-cell rule (counts
from 1 to 4 hidden) and that no hidden count can be worked out from the published ones of the
same table (secondary suppression)."""

from __future__ import annotations

import itertools
import re
from fractions import Fraction

import pytest
from django.urls import reverse

from kotopaikka.access.roles import Role
from kotopaikka.registry.models import Region
from kotopaikka.reporting.selectors import SMALL_CELL, protect

API = "/api/v1/statistics/"
ALLOWED = ["uusimaa_officer", "helsinki_supervisor", "keha_handler", "analyst"]
REFUSED = ["helsinki_worker", "reception_worker", "sysadmin"]


# --- an attacker's view of what is published -------------------------------------------------


def _sums(body: dict) -> list[tuple[str, list[str]]]:
    regions = [f"region:{r['region']}" for r in body["by_region"]]
    return [("total_persons", ["with_municipality", "waiting"]), ("with_municipality", regions)]


def _cells(body: dict) -> dict[str, int | None]:
    return {
        "total_persons": body["total_persons"],
        "with_municipality": body["with_municipality"],
        "waiting": body["waiting"],
        **{f"region:{r['region']}": r["persons"] for r in body["by_region"]},
    }


def recoverable(cells: dict[str, int | None], sums) -> dict[str, Fraction]:
    """The hidden cells (None) that the published ones determine through the table's sums:
    Gaussian elimination over the sums' equations in the hidden cells; a hidden cell is
    determined when some combination of the equations leaves it alone."""
    unknown = sorted(k for k, v in cells.items() if v is None)
    index = {k: i for i, k in enumerate(unknown)}
    rows = []
    for total, parts in sums:
        coefficients = [Fraction(0)] * len(unknown)
        constant = Fraction(0)
        for key, sign in [(total, 1), *((p, -1) for p in parts)]:
            if cells[key] is None:
                coefficients[index[key]] += sign
            else:
                constant -= sign * cells[key]
        rows.append([*coefficients, constant])
    # reduced row echelon form
    pivot_row = 0
    pivots = []
    for col in range(len(unknown)):
        found = next((r for r in range(pivot_row, len(rows)) if rows[r][col] != 0), None)
        if found is None:
            continue
        rows[pivot_row], rows[found] = rows[found], rows[pivot_row]
        lead = rows[pivot_row][col]
        rows[pivot_row] = [v / lead for v in rows[pivot_row]]
        for r in range(len(rows)):
            if r != pivot_row and rows[r][col] != 0:
                factor = rows[r][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[pivot_row], strict=True)]
        pivots.append((pivot_row, col))
        pivot_row += 1
    found = {}
    for r, col in pivots:
        others = [c for c in range(len(unknown)) if c != col and rows[r][c] != 0]
        if not others:
            found[unknown[col]] = rows[r][-1]
    return found


def test_the_attacker_finds_what_plain_suppression_leaves_open():
    """The checker itself: with only the small cell hidden, the total gives it away."""
    cells = {"t": 20, "a": None, "b": 9, "c": 8}
    assert recoverable(cells, [("t", ["a", "b", "c"])]) == {"a": 3}
    cells = {"t": 20, "a": None, "b": None, "c": 8}
    assert recoverable(cells, [("t", ["a", "b", "c"])]) == {}


# --- the rule on its own ------------------------------------------------------------------------


def _published(cells, sums):
    hidden = protect(cells, sums)
    return {k: (None if k in hidden else v) for k, v in cells.items()}, hidden


@pytest.mark.parametrize(
    "parts",
    [
        [3, 9, 8],  # one small cell: the next smallest is hidden too
        [3, 0, 8],  # ... a non-zero one before a zero
        [3, 0, 0],  # only zeros left: a zero
        [2, 2, 50],  # two small cells protect each other
        [4, 5],
        [1],  # the only part: the total is hidden too (it is 1 anyway)
        [7, 9, 12],  # nothing small: everything published
        [0, 0, 0],
    ],
)
def test_no_hidden_cell_is_the_difference_of_published_ones(parts):
    cells = {"t": sum(parts), **{f"p{i}": v for i, v in enumerate(parts)}}
    sums = [("t", [f"p{i}" for i in range(len(parts))])]
    published, hidden = _published(cells, sums)
    assert {k for k, v in cells.items() if 1 <= v <= SMALL_CELL} <= hidden
    assert recoverable(published, sums) == {}
    if all(v == 0 or v > SMALL_CELL for v in cells.values()):
        assert hidden == set()


def test_two_linked_sums_are_protected_together():
    """Persons = with a municipality + waiting, and with a municipality = sum of regions: a
    small waiting count must not come out of the first sum, nor the hidden total of the
    second out of the first."""
    cells = {"total": 103, "with": 100, "waiting": 3, "r1": 60, "r2": 40}
    sums = [("total", ["with", "waiting"]), ("with", ["r1", "r2"])]
    published, hidden = _published(cells, sums)
    assert "waiting" in hidden
    assert recoverable(published, sums) == {}
    assert "with" not in hidden  # the total of persons is hidden instead: opens no other sum
    assert hidden == {"waiting", "total"}


def test_exhaustively_for_small_tables():
    """Every table of three regions with counts 0–6 and 0–6 waiting: no hidden cell is ever
    determined by the published ones."""
    sums = [("total", ["with", "waiting"]), ("with", ["r1", "r2", "r3"])]
    for r1, r2, r3, waiting in itertools.product(range(7), repeat=4):
        cells = {
            "total": r1 + r2 + r3 + waiting,
            "with": r1 + r2 + r3,
            "waiting": waiting,
            "r1": r1,
            "r2": r2,
            "r3": r3,
        }
        published, hidden = _published(cells, sums)
        assert {k for k, v in cells.items() if 1 <= v <= SMALL_CELL} <= hidden, cells
        assert recoverable(published, sums) == {}, cells


# --- the page and the API ----------------------------------------------------------------------


@pytest.fixture
def register(make_actor, make_person, uusimaa_officer):
    """Persons in three regions: Uusimaa 12 (Helsinki), Varsinais-Suomi 3 (Turku), Pirkanmaa
    6 (Tampere); 7 waiting for a municipality (held by the regional authority)."""

    def people(actor, n):
        for _ in range(n):
            make_person(actor)

    people(make_actor(Role.INTEGRATION_WORKER, "municipality-091"), 12)
    people(make_actor(Role.INTEGRATION_WORKER, "municipality-853"), 3)
    people(make_actor(Role.INTEGRATION_WORKER, "municipality-837"), 6)
    people(uusimaa_officer, 7)


def _region_codes() -> dict[str, str]:
    return {r.code: r.name_fi for r in Region.objects.all()}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ALLOWED)
def test_who_may_see_statistics(request, client_for, role):
    client = client_for(request.getfixturevalue(role))
    assert client.get(reverse("reporting:statistics")).status_code == 200
    assert client.get(API).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("role", REFUSED)
def test_who_may_not(request, client_for, role):
    client = client_for(request.getfixturevalue(role))
    assert client.get(reverse("reporting:statistics")).status_code == 403
    assert client.get(API).status_code == 403


@pytest.mark.django_db
def test_api_publishes_counts_and_hides_the_small_one_and_its_partner(
    register, analyst, client_for
):
    body = client_for(analyst).get(API).json()
    regions = {r["region"]: r["persons"] for r in body["by_region"]}
    assert regions["01"] == 12  # Uusimaa
    assert regions["02"] is None  # Varsinais-Suomi: 3, hidden
    assert regions["06"] is None  # Pirkanmaa: 6, hidden too, or 3 = 21 - 12 - 6
    assert all(v == 0 for code, v in regions.items() if code not in ("01", "02", "06"))
    assert body["with_municipality"] == 21
    assert body["waiting"] == 7
    assert body["total_persons"] == 28
    assert recoverable(_cells(body), _sums(body)) == {}


@pytest.mark.django_db
def test_a_small_waiting_count_cannot_be_subtracted_out(
    make_actor, make_person, analyst, client_for, uusimaa_officer
):
    worker = make_actor(Role.INTEGRATION_WORKER, "municipality-091")
    for _ in range(9):
        make_person(worker)
    for _ in range(2):
        make_person(uusimaa_officer)
    body = client_for(analyst).get(API).json()
    assert body["waiting"] is None
    assert body["total_persons"] is None or body["with_municipality"] is None
    assert recoverable(_cells(body), _sums(body)) == {}


@pytest.mark.django_db
def test_the_page_shows_what_the_api_does(register, analyst, client_for):
    page = client_for(analyst).get(reverse("reporting:statistics")).content.decode()

    def cell(testid: str) -> str:
        match = re.search(rf'data-testid="{testid}">(.*?)</(?:dd|tr)>', page, re.S)
        return re.sub(r"<[^>]+>", "|", match.group(1))

    assert ">12<" in f">{cell('region-01').split('|')[-2].strip()}<"
    for code in ("02", "06"):
        row = cell(f"region-{code}")
        assert ".." in row
        assert not re.search(r"\b[1-9]\d*\b", row), row  # no number at all
    assert cell("with-municipality").strip() == "21"
    assert cell("total-persons").strip() == "28"
    assert "3" not in cell("region-02")


@pytest.mark.django_db
def test_an_empty_register_publishes_zeros(analyst, client_for):
    body = client_for(analyst).get(API).json()
    assert body["total_persons"] == 0 and body["waiting"] == 0
    assert {r["persons"] for r in body["by_region"]} == {0}
    assert len(body["by_region"]) == len(_region_codes())


@pytest.mark.django_db
def test_statistics_name_no_person(register, analyst, client_for, audit_mark):
    """Counts only: reading them writes no audit event about persons and names none."""
    mark = audit_mark()
    body = client_for(analyst).get(API).content.decode()
    assert "Testi" not in body and "Henkilö" not in body
    from kotopaikka.audit.models import AuditEvent

    assert not AuditEvent.objects.filter(seq__gt=mark, person_id__isnull=False).exists()
