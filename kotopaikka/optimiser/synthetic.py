"""SYNTHETIC data: invented cases, invented places and an invented "true" outcome model.

Everything here is made up for demos, tests and benchmarks, except the municipalities
themselves (real 2025 names, regions, language status, population and unemployment share from
the registry files, CC BY 4.0). Every instance and history file it writes says
``"synthetic": true`` and carries :data:`SYNTHETIC_NOTE`.

The ground truth (:class:`Truth`) gives each working-age member an employment probability
``sigmoid(f(member) · Θ · g(municipality) + municipality effect + tie effect)``; a case's
outcome score is the expected number of its working-age members in employment two years after
arrival. Θ is chosen to be plausible (education pays more in large towns, high unemployment
hurts, Swedish speakers do better in Swedish-speaking municipalities), not estimated from data.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .features import (
    MEMBER_FEATURES,
    case_scores_from_logits,
    member_matrix,
    muni_feature_names,
    muni_matrix,
    working_age_members,
)
from .model import DIMENSIONS, Case, Instance, Member, Municipality, Region, Weights
from .municipalities import ATTRIBUTION, RealMunicipality, real_municipalities

SYNTHETIC_NOTE = (
    "SYNTHETIC DATA: cases, places, history and outcome scores are invented by "
    "kotopaikka.optimiser.synthetic for demos and benchmarks; they describe no real person. "
    "Municipalities are real. " + ATTRIBUTION + "."
)
OUTCOME_LABEL = (
    "expected number of working-age members employed two years after arrival (synthetic)"
)

# nationality-like profiles: (weight, mean education years, languages, English rate)
_PROFILES = (
    (0.30, 5.0, ("fa",), 0.15),
    (0.25, 9.0, ("ar",), 0.30),
    (0.15, 7.0, ("fr", "sw"), 0.25),
    (0.10, 6.0, ("so",), 0.35),
    (0.10, 11.0, ("es",), 0.30),
    (0.10, 12.0, ("uk", "ru"), 0.45),
)
_SIZE_P = np.array([0.40, 0.15, 0.12, 0.11, 0.09, 0.06, 0.04, 0.03])


def _theta(regions: Sequence[str]) -> np.ndarray:
    """The invented true coefficients Θ (member features × municipality features)."""
    fnames = MEMBER_FEATURES
    gnames = muni_feature_names(regions)
    th = np.zeros((len(fnames), len(gnames)))
    f = {n: i for i, n in enumerate(fnames)}
    g = {n: i for i, n in enumerate(gnames)}
    main = {
        "const": -0.6,
        "age": -0.15,
        "age_sq": -0.25,
        "female": -0.45,
        "education": 0.9,
        "education_missing": -0.2,
        "illiterate": -0.6,
        "work_experience": 0.5,
        "english": 0.35,
        "finnish_or_swedish": 0.6,
    }
    for k, v in main.items():
        th[f[k], g["const"]] = v
    muni_main = {
        "unemployment": -0.35,
        "log_population": 0.15,
        "urban": 0.1,
        "swedish_speaking": 0.05,
        "capital_region": 0.2,
    }
    for k, v in muni_main.items():
        th[f["const"], g[k]] = v
    inter = {
        ("education", "log_population"): 0.45,
        ("education", "unemployment"): -0.15,
        ("work_experience", "unemployment"): -0.2,
        ("female", "urban"): 0.3,
        ("english", "capital_region"): 0.35,
        ("swedish", "swedish_speaking"): 1.2,
        ("illiterate", "log_population"): -0.3,
        ("age", "log_population"): -0.08,
        ("education_missing", "urban"): -0.1,
    }
    for (a, b), v in inter.items():
        th[f[a], g[b]] = v
    rng = np.random.default_rng(20250101)
    for r in regions:
        th[f["const"], g[f"region_{r}"]] = float(rng.normal(0, 0.15))
    return th


@dataclass
class Truth:
    """The synthetic ground-truth outcome model over a fixed list of municipalities."""

    municipalities: list[Municipality]
    regions: tuple[str, ...]
    theta: np.ndarray
    muni_effect: np.ndarray
    tie_effect: float = 0.35

    @classmethod
    def for_municipalities(cls, munis: list[Municipality]) -> Truth:
        regions = tuple(sorted({m.region for m in munis}))
        eff = np.array([np.random.default_rng(int(m.code) + 7919).normal(0, 0.1) for m in munis])
        return cls(munis, regions, _theta(regions), eff)

    def member_probabilities(
        self, members: Sequence[Member], muni_idx: np.ndarray, tie: np.ndarray
    ) -> np.ndarray:
        """True employment probability of each member in the given municipality."""
        x = member_matrix(members)
        g = muni_matrix(self.municipalities, self.regions)[muni_idx]
        logit = np.einsum("nf,fg,ng->n", x, self.theta, g) + self.muni_effect[muni_idx]
        logit += self.tie_effect * tie
        return 1 / (1 + np.exp(-logit))

    def score_matrix(self, cases: Sequence[Case]) -> np.ndarray:
        """(cases × municipalities) expected employed working-age members."""
        owner, members = working_age_members(cases)
        m_idx = {m.code: j for j, m in enumerate(self.municipalities)}
        ties = {i: [m_idx[t] for t in c.ties if t in m_idx] for i, c in enumerate(cases) if c.ties}
        return case_scores_from_logits(
            len(cases),
            owner,
            member_matrix(members),
            self.theta,
            muni_matrix(self.municipalities, self.regions),
            self.tie_effect,
            ties,
            muni_offset=self.muni_effect,
        )


# ------------------------------------------------------------------------ municipalities


def _services(rm: RealMunicipality, biggest_in_county: bool, rng: np.random.Generator) -> list:
    s = []
    if biggest_in_county or rm.population > 50_000:
        s.append("specialised_health_care")
    if rm.population > 10_000 or rng.random() < 0.3:
        s.append("accessible_dwelling")
    if rm.swedish_speaking:
        s.append("swedish_schooling")
    if rm.population > 30_000 or rng.random() < 0.05:
        s.append("unaccompanied_minor_housing")
    return sorted(s)


def _apportion(weights: np.ndarray, total: int) -> np.ndarray:
    """Largest-remainder apportionment of an integer total (deterministic)."""
    if total <= 0 or weights.sum() <= 0:
        return np.zeros(len(weights), dtype=np.int64)
    quota = weights / weights.sum() * total
    base = np.floor(quota).astype(np.int64)
    rest = total - int(base.sum())
    order = np.lexsort((np.arange(len(weights)), -(quota - base)))
    base[order[:rest]] += 1
    return base


#: The smallest agreement the generator makes (a municipality agrees to a family's worth of
#: places or to none); smaller shares are given to the other municipalities.
MIN_AGREEMENT = 4


def _apportion_min(weights: np.ndarray, total: int, minimum: int) -> np.ndarray:
    """Apportion ``total`` so that every share is 0 or at least ``minimum``."""
    w = weights.astype(float).copy()
    while True:
        out = _apportion(w, total)
        small = (out > 0) & (out < minimum)
        if not small.any() and not ((out == 0) & (w > 0)).any():
            return out
        if not small.any():
            w[out == 0] = 0.0
            continue
        # drop the smallest-weight municipality among those below the minimum
        cand = np.flatnonzero(small | ((out == 0) & (w > 0)))
        w[cand[np.argmin(w[cand])]] = 0.0
        if not (w > 0).any():
            return _apportion(weights, total)


def synthetic_municipalities(seed: int = 0) -> list[Municipality]:
    """Real municipalities with invented services (capacities are set by the generator)."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 11]))
    reals = real_municipalities()
    biggest: dict[str, str] = {}
    for rm in reals:
        cur = biggest.get(rm.wellbeing_county_code)
        if cur is None or rm.population > next(x for x in reals if x.code == cur).population:
            biggest[rm.wellbeing_county_code] = rm.code
    out = []
    for rm in reals:
        services = _services(rm, biggest[rm.wellbeing_county_code] == rm.code, rng)
        accepts = rm.population > 20_000 or rng.random() < 0.1
        out.append(
            Municipality(
                code=rm.code,
                name=rm.name_fi,
                region=rm.region_code,
                capacity={d: None for d in DIMENSIONS} | {"persons": 0},
                services=tuple(services),
                accepts_emergency=accepts,
                attributes={
                    "population": rm.population,
                    "unemployment_pct": rm.unemployment_pct,
                    "language": rm.language,
                    "group": rm.group,
                    "region": rm.region_code,
                    "wellbeing_county": rm.wellbeing_county_code,
                },
            )
        )
    return out


def set_capacities(
    munis: list[Municipality], cases: Sequence[Case], tightness: float, seed: int
) -> None:
    """Invent agreed places so that persons capacity is ``tightness`` × the persons waiting.

    Large-family dwellings, unaccompanied-minor and emergency places are set from the demand
    too; about a third of the municipalities also agree a number of cases.
    """
    rng = np.random.default_rng(np.random.SeedSequence([seed, 13]))
    demand = np.array([c.demand() for c in cases], dtype=np.int64).reshape(-1, len(DIMENSIONS))
    tot = demand.sum(axis=0) if len(cases) else np.zeros(len(DIMENSIONS), dtype=np.int64)
    pop = np.array([m.attributes["population"] for m in munis], dtype=float)
    urban = np.array([m.attributes["group"].startswith("Urban") for m in munis])
    w = pop**0.75 * (1 + 0.3 * urban) * rng.uniform(0.6, 1.4, len(munis))
    persons = _apportion_min(w, round(tightness * tot[0]), MIN_AGREEMENT)
    w = np.where(persons > 0, w, 0.0)  # municipalities without an agreement get no places
    large = _apportion(w, math.ceil(1.1 * tot[2]))
    uam_ok = np.array(["unaccompanied_minor_housing" in m.services for m in munis])
    uam = _apportion(w * uam_ok, math.ceil(1.2 * tot[3]))
    em_ok = np.array([m.accepts_emergency for m in munis])
    em = _apportion(w * em_ok, math.ceil(1.2 * tot[4]))
    agree_cases = rng.random(len(munis)) < 0.33
    mean_size = tot[0] / max(tot[1], 1)
    for j, m in enumerate(munis):
        cap: dict[str, int | None] = {d: None for d in DIMENSIONS}
        cap["persons"] = int(persons[j])
        if agree_cases[j]:
            cap["cases"] = math.ceil(persons[j] / mean_size * 1.1)
        cap["large_family_dwellings"] = int(large[j])
        cap["unaccompanied_minor_places"] = int(uam[j]) if uam_ok[j] else 0
        cap["emergency_places"] = int(em[j]) if em_ok[j] else 0
        m.capacity = cap


# ------------------------------------------------------------------------ cases


def _member(
    rng: np.random.Generator, profile: tuple, age: int, sex: str, unaccompanied: bool = False
) -> Member:
    _, mean_edu, langs, en_rate = profile
    if age >= 18:
        edu = int(np.clip(rng.normal(mean_edu, 4.0), 0, 20))
        if rng.random() < 0.15:
            edu = 0
        literate = bool(edu > 0 or rng.random() < 0.3)
        work = int(max(0, min(age - 16, rng.gamma(2.0, 3.0)))) if rng.random() < 0.7 else 0
        languages = list(langs[: 1 + int(rng.random() < 0.4)])
        if rng.random() < en_rate * (0.5 + edu / 12):
            languages.append("en")
        if rng.random() < 0.02:
            languages.append("fi")
        if rng.random() < 0.006:
            languages.append("sv")
        return Member(age, sex, edu, work, tuple(dict.fromkeys(languages)), literate, unaccompanied)
    edu = max(0, min(age - 7, 12)) if age >= 7 else 0
    return Member(
        age, sex, edu if age >= 7 else None, None, (langs[0],), age >= 8 or None, unaccompanied
    )


def _weighted_codes(rng, codes, p, k) -> tuple[str, ...]:
    picks = rng.choice(len(codes), size=k, replace=False, p=p)
    return tuple(codes[i] for i in sorted(picks))


def generate_cases(
    n: int,
    munis: list[Municipality],
    seed: int = 0,
    *,
    quota_share: float = 0.3,
    year: int = 2026,
    linked_share: float = 0.03,
) -> list[Case]:
    """``n`` invented cases (families and persons travelling alone); ids ``S<seed>-<number>``."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 17]))
    codes = [m.code for m in munis]
    pop = np.array([m.attributes.get("population", 1000) for m in munis], dtype=float)
    p_tie = pop**1.2 / (pop**1.2).sum()
    p_wish = pop / pop.sum()
    start = dt.date(year, 1, 1)
    prof_w = np.array([p[0] for p in _PROFILES])
    cases: list[Case] = []
    i = 0
    while len(cases) < n:
        profile = _PROFILES[rng.choice(len(_PROFILES), p=prof_w / prof_w.sum())]
        size = int(rng.choice(8, p=_SIZE_P)) + 1
        members: list[Member] = []
        quota = rng.random() < quota_share
        if size == 1 and rng.random() < 0.05:
            members.append(
                _member(
                    rng,
                    profile,
                    int(rng.integers(14, 18)),
                    str(rng.choice(["m", "f"], p=[0.8, 0.2])),
                    unaccompanied=True,
                )
            )
        elif size == 1:
            members.append(
                _member(
                    rng,
                    profile,
                    int(rng.integers(18, 62)),
                    str(rng.choice(["m", "f"], p=[0.65, 0.35])),
                )
            )
        else:
            a1 = int(rng.integers(20, 55))
            two_parents = rng.random() < 0.75
            members.append(_member(rng, profile, a1, "f" if not two_parents else "m"))
            if two_parents:
                members.append(_member(rng, profile, max(18, a1 - int(rng.integers(0, 8))), "f"))
            if size >= 5 and rng.random() < 0.2 and len(members) < size:
                members.append(_member(rng, profile, int(rng.integers(58, 78)), "f"))
            while len(members) < size:
                members.append(
                    _member(
                        rng,
                        profile,
                        int(rng.integers(0, min(18, a1 - 15))),
                        str(rng.choice(["m", "f"])),
                    )
                )
        needs = []
        if rng.random() < 0.04:
            needs.append("specialised_health_care")
        if rng.random() < 0.03:
            needs.append("accessible_dwelling")
        if any("sv" in m.languages for m in members) and any(m.age < 16 for m in members):
            needs.append("swedish_schooling")
        ties = (
            _weighted_codes(rng, codes, p_tie, 1 + int(rng.random() < 0.2))
            if rng.random() < 0.2
            else ()
        )
        wishes = (
            _weighted_codes(rng, codes, p_wish, int(rng.integers(1, 4)))
            if rng.random() < 0.15
            else ()
        )
        declined = _weighted_codes(rng, codes, p_wish, 1) if rng.random() < 0.01 else ()
        emergency = bool(
            quota and rng.random() < 0.05 and not any(m.unaccompanied_minor for m in members)
        )
        day = start + dt.timedelta(days=int(rng.integers(0, 365)))
        i += 1
        case = Case(
            id=f"S{seed}-{i:06d}",
            members=members,
            needs=tuple(sorted(needs)),
            ties=ties,
            wishes=wishes,
            available_from=day.isoformat(),
            emergency=emergency,
            declined_by=tuple(c for c in declined if c not in ties),
            source="quota" if quota else "reception_centre",
        )
        cases.append(case)
        if len(cases) < n and rng.random() < linked_share / 2 and size <= 4:
            # a linked case: e.g. an adult sibling's household that must live nearby
            j = len(cases) - 1
            twin_members = [
                _member(rng, profile, int(rng.integers(18, 50)), str(rng.choice(["m", "f"])))
            ]
            i += 1
            twin = Case(
                id=f"S{seed}-{i:06d}",
                members=twin_members,
                ties=ties,
                available_from=case.available_from,
                source=case.source,
                linked_group=f"L{seed}-{i:06d}",
            )
            cases[j].linked_group = twin.linked_group
            cases.append(twin)
    return cases


def generate_instance(
    n_cases: int,
    seed: int = 0,
    *,
    tightness: float = 0.95,
    scores: str = "truth",
    quota_share: float = 0.3,
    weights: Weights | None = None,
    fairness_targets: bool = False,
    model=None,
) -> Instance:
    """An invented instance on the 308 real municipalities (labelled synthetic).

    ``scores``: ``"truth"`` (the synthetic ground truth), ``"model"`` (predictions of ``model``,
    an :class:`~kotopaikka.optimiser.outcome.OutcomeModel`) or ``"none"``.
    """
    munis = synthetic_municipalities(seed)
    cases = generate_cases(n_cases, munis, seed, quota_share=quota_share)
    set_capacities(munis, cases, tightness, seed)
    regions: list[Region] = []
    if fairness_targets:
        persons: dict[str, float] = {}
        for m in munis:
            persons[m.region] = persons.get(m.region, 0) + m.attributes["population"]
        tot = sum(persons.values())
        # rounded down: rounded to nearest, the shares of seed 7 add up to 1.0001, which the
        # instance check refuses (shares may leave some persons to regions without a target)
        regions = [
            Region(r, "", math.floor(v / tot * 1e4) / 1e4) for r, v in sorted(persons.items())
        ]
    inst = Instance(
        municipalities=munis,
        cases=cases,
        weights=weights or Weights(),
        regions=regions,
        name=f"synthetic-{n_cases}-seed{seed}",
        synthetic=True,
        note=SYNTHETIC_NOTE,
        period={"start": "2026-01-01", "end": "2026-12-31"},
    )
    if scores == "truth":
        inst.outcome = np.round(Truth.for_municipalities(munis).score_matrix(cases), 6)
        inst.outcome_label = OUTCOME_LABEL + ", ground truth"
    elif scores == "model":
        if model is None:
            raise ValueError("scores='model' needs a trained OutcomeModel")
        inst.outcome = np.round(model.score_matrix(inst), 6)
        inst.outcome_label = OUTCOME_LABEL + f", predicted by {model.kind} model"
    elif scores != "none":
        raise ValueError(f"unknown scores option {scores!r}")
    return inst
