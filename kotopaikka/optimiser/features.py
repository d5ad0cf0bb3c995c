"""Feature encodings shared by the synthetic ground truth and the outcome model.

A member's employment logit in a municipality is ``f(member) · Θ · g(municipality)`` (+ a tie
term), so a whole score matrix is two small matrix products. ``f`` and ``g`` are below.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .model import Member, Municipality

MEMBER_FEATURES = (
    "const",
    "age",
    "age_sq",
    "female",
    "education",
    "education_missing",
    "illiterate",
    "work_experience",
    "english",
    "finnish_or_swedish",
    "swedish",
)
MUNI_BASE_FEATURES = (
    "const",
    "unemployment",
    "log_population",
    "urban",
    "swedish_speaking",
    "capital_region",
)

# centring constants (roughly the means over the 308 municipalities of 2025)
_UNEMP_MEAN, _UNEMP_SD = 9.35, 2.9
_LOGPOP_MEAN, _LOGPOP_SD = 3.9, 0.6


def member_vector(m: Member) -> list[float]:
    age_c = max(-2.0, min(3.0, (m.age - 35) / 10))
    edu = m.education_years
    langs = set(m.languages)
    return [
        1.0,
        age_c,
        age_c * age_c,
        1.0 if m.sex == "f" else 0.0,
        (edu if edu is not None else 6) / 12,
        1.0 if edu is None else 0.0,
        1.0 if m.literate is False else 0.0,
        min(m.work_experience_years or 0, 15) / 10,
        1.0 if "en" in langs else 0.0,
        1.0 if ("fi" in langs or "sv" in langs) else 0.0,
        1.0 if "sv" in langs else 0.0,
    ]


def member_matrix(members: Sequence[Member]) -> np.ndarray:
    return np.array([member_vector(m) for m in members], dtype=float).reshape(
        len(members), len(MEMBER_FEATURES)
    )


def muni_attributes_vector(attrs: dict, regions: Sequence[str]) -> list[float]:
    """Municipality features from its ``attributes`` (population, unemployment_pct, ...)."""
    pop = float(attrs.get("population", 10_000))
    unemp = float(attrs.get("unemployment_pct", _UNEMP_MEAN))
    lang = attrs.get("language", "fi")
    region = attrs.get("region", "")
    vec = [
        1.0,
        (unemp - _UNEMP_MEAN) / _UNEMP_SD,
        (math.log10(max(pop, 1.0)) - _LOGPOP_MEAN) / _LOGPOP_SD,
        1.0 if attrs.get("group", "").startswith("Urban") else 0.0,
        0.0 if lang == "fi" else 1.0,
        1.0 if region == "01" else 0.0,
    ]
    vec += [1.0 if region == r else 0.0 for r in regions]
    return vec


def muni_feature_names(regions: Sequence[str]) -> tuple[str, ...]:
    return MUNI_BASE_FEATURES + tuple(f"region_{r}" for r in regions)


def muni_matrix(munis: Sequence[Municipality], regions: Sequence[str]) -> np.ndarray:
    """(municipalities × G) features; each municipality's ``attributes`` must carry the data."""
    rows = []
    for m in munis:
        attrs = dict(m.attributes)
        attrs.setdefault("region", m.region)
        rows.append(muni_attributes_vector(attrs, regions))
    return np.array(rows, dtype=float)


def working_age_members(cases) -> tuple[np.ndarray, list[Member]]:
    """(case index per working-age member, the members) over a list of cases."""
    owner: list[int] = []
    members: list[Member] = []
    for i, c in enumerate(cases):
        for m in c.members:
            if m.working_age:
                owner.append(i)
                members.append(m)
    return np.array(owner, dtype=np.int64), members


def case_scores_from_logits(
    n_cases: int,
    owner: np.ndarray,
    member_x: np.ndarray,
    theta: np.ndarray,
    muni_g: np.ndarray,
    tie_coef: float,
    ties: dict[int, list[int]],
    muni_offset: np.ndarray | None = None,
    chunk: int = 16384,
) -> np.ndarray:
    """Σ over working-age members of sigmoid(f Θ gᵀ + offset + tie) per case and municipality."""
    n_m = muni_g.shape[0]
    out = np.zeros((n_cases, n_m))
    proj = theta @ muni_g.T  # (F × M)
    if muni_offset is not None:
        proj = proj.copy()
        proj[0] += muni_offset  # const feature carries the municipality's own effect
    tie_rows = {i: np.array(js, dtype=np.int64) for i, js in ties.items() if js}
    for start in range(0, len(owner), chunk):
        sl = slice(start, start + chunk)
        logit = member_x[sl] @ proj
        own = owner[sl]
        if tie_rows and tie_coef:
            for k, ci in enumerate(own):
                js = tie_rows.get(int(ci))
                if js is not None:
                    logit[k, js] += tie_coef
        np.negative(logit, out=logit)
        np.exp(logit, out=logit)
        logit += 1.0
        np.reciprocal(logit, out=logit)
        np.add.at(out, own, logit) if len(own) < 64 else _add_rows(out, own, logit)
    return out


def _add_rows(out: np.ndarray, owner: np.ndarray, vals: np.ndarray) -> None:
    """out[owner[k]] += vals[k] for sorted or unsorted owner, via a sparse product."""
    from scipy import sparse

    uniq, inv = np.unique(owner, return_inverse=True)
    s = sparse.csr_matrix(
        (np.ones(len(owner)), (inv, np.arange(len(owner)))), shape=(len(uniq), len(owner))
    )
    out[uniq] += s @ vals
