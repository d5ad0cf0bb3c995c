"""Outcome model: learn employment two years after arrival from historical placements.

* :func:`generate_history` invents SYNTHETIC historical placements on the real municipalities
  (placed roughly as case workers would: by available places and ties) and draws each
  working-age member's employment from the synthetic ground truth
  (:class:`~kotopaikka.optimiser.synthetic.Truth`). Every row says ``synthetic=1`` and the CSV
  starts with a ``# SYNTHETIC`` line.
* :func:`train` fits a model on member rows and reports its quality on held-out cases: AUC,
  Brier score, log loss and a calibration table (and, because the data are synthetic, the AUC
  the true probabilities would reach).
  ``kind="logistic"`` (default): logistic regression on all products of member and municipality
  features (``f ⊗ g``) plus a tie indicator, so a score matrix is two matrix products (fast for
  100,000 cases). ``kind="gbm"``: scikit-learn's HistGradientBoostingClassifier on ``[f, g, tie]``
  (scores member × municipality rows in chunks; slower).
* :meth:`OutcomeModel.score_matrix` gives the (cases × municipalities) matrix of expected
  employed working-age members, which any instance can carry as ``outcome``. The optimiser takes
  any score matrix: this model is a plug-in.
"""

from __future__ import annotations

import csv
import gzip
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from .features import (
    MEMBER_FEATURES,
    case_scores_from_logits,
    member_matrix,
    muni_feature_names,
    muni_matrix,
    working_age_members,
)
from .model import Instance, Member, Municipality
from .synthetic import (
    SYNTHETIC_NOTE,
    Truth,
    _apportion,
    generate_cases,
    synthetic_municipalities,
)

HISTORY_FIELDS = (
    "case_id",
    "year",
    "municipality",
    "age",
    "sex",
    "education_years",
    "work_experience_years",
    "languages",
    "literate",
    "tie",
    "employed",
    "synthetic",
)


# ----------------------------------------------------------------------------- history


def generate_history(rows: int = 20000, seed: int = 0) -> list[dict[str, Any]]:
    """SYNTHETIC member rows (working-age members of ``rows`` placed cases, 2014–2023)."""
    munis = synthetic_municipalities(seed + 1000)
    truth = Truth.for_municipalities(munis)
    rng = np.random.default_rng(np.random.SeedSequence([seed, 31]))
    cases = generate_cases(rows, munis, seed + 1000, linked_share=0.0)
    pop = np.array([m.attributes["population"] for m in munis], dtype=float)
    weight = pop**0.75
    code_idx = {m.code: j for j, m in enumerate(munis)}
    choice = np.empty(len(cases), dtype=np.int64)
    slots = _apportion(weight, len(cases))  # a case-worker-like spread over the country
    pool = np.repeat(np.arange(len(munis)), slots)
    rng.shuffle(pool)
    for i, c in enumerate(cases):
        if c.ties and rng.random() < 0.5:
            choice[i] = code_idx[c.ties[0]]
        else:
            choice[i] = pool[i]
    out: list[dict[str, Any]] = []
    owner, members = working_age_members(cases)
    tie = np.array([munis[choice[i]].code in cases[i].ties for i in owner], dtype=float)
    p = truth.member_probabilities(members, choice[owner], tie)
    employed = rng.random(len(p)) < p
    years = rng.integers(2014, 2024, len(cases))
    for k, (i, m) in enumerate(zip(owner, members, strict=True)):
        out.append(
            {
                "case_id": f"H{seed}-{i:06d}",
                "year": int(years[i]),
                "municipality": munis[choice[i]].code,
                "age": m.age,
                "sex": m.sex or "",
                "education_years": "" if m.education_years is None else m.education_years,
                "work_experience_years": ""
                if m.work_experience_years is None
                else m.work_experience_years,
                "languages": " ".join(m.languages),
                "literate": "" if m.literate is None else int(m.literate),
                "tie": int(tie[k]),
                "employed": int(employed[k]),
                "synthetic": 1,
            }
        )
    return out


def write_history(path: str | Path, *, rows: int = 20000, seed: int = 0) -> int:
    data = generate_history(rows, seed)
    with Path(path).open("w", encoding="utf-8", newline="") as fh:
        fh.write(f"# {SYNTHETIC_NOTE}\n")
        w = csv.DictWriter(fh, fieldnames=HISTORY_FIELDS)
        w.writeheader()
        w.writerows(data)
    return len(data)


class HistoryError(ValueError):
    """A history file was refused: ``issues`` are ``{"line", "column", "code", "message"}``
    (line numbers count every line of the file, comments included; codes are stable so that
    the app can translate them)."""

    def __init__(self, issues: list[dict[str, Any]]):
        self.issues = issues
        first = issues[0]
        super().__init__(
            f"line {first['line']}, column {first['column']}: {first['message']}"
            + (f" (and {len(issues) - 1} more)" if len(issues) > 1 else "")
        )


_FLAGS = {"0": 0, "1": 1}


def _whole(low: int, high: int, *, empty: bool = False):
    """A parser of whole numbers in [low, high] ("" for an empty value when allowed; None when
    the value is refused)."""

    def parse(v: str):
        if v == "" and empty:
            return ""
        return int(v) if v.isdigit() and low <= int(v) <= high else None

    return parse


def _flag(*, empty: bool = False):
    return lambda v: "" if (v == "" and empty) else _FLAGS.get(v)


#: the history format's checked columns: (parser, what a value must be)
_HISTORY_PARSERS: dict[str, tuple[Any, str]] = {
    "year": (_whole(1990, 2100), "a year"),
    "age": (_whole(0, 120), "an age 0-120"),
    "sex": (lambda v: v if v in ("", "f", "m", "x") else None, "f, m, x or empty"),
    "education_years": (_whole(0, 30, empty=True), "years 0-30 or empty"),
    "work_experience_years": (_whole(0, 80, empty=True), "years 0-80 or empty"),
    "literate": (_flag(empty=True), "0, 1 or empty"),
    "tie": (_flag(), "0 or 1"),
    "employed": (_flag(), "0 or 1"),
    "synthetic": (_flag(), "0 or 1"),
}
MAX_HISTORY_ISSUES = 50


def parse_history(lines: list[str], municipality_codes: set[str] | None = None) -> list[dict]:
    """Rows of the history format (docs/placement-format.md, "Outcome history"), every value
    checked; refused with :class:`HistoryError` naming the line and column of each problem.
    Municipality codes must be real ones (the shipped registry) unless others are given."""
    codes = municipality_codes or {m.code for m in synthetic_municipalities(0)}
    issues: list[dict[str, Any]] = []
    numbered = [(n, ln) for n, ln in enumerate(lines, 1) if not ln.startswith("#") and ln.strip()]
    if not numbered:
        raise HistoryError([{"line": 1, "column": "", "code": "empty", "message": "no rows"}])
    header_line, header = numbered[0]
    columns = next(csv.reader([header]))
    missing = [c for c in HISTORY_FIELDS if c not in columns]
    if missing:
        raise HistoryError(
            [
                {
                    "line": header_line,
                    "column": c,
                    "code": "missing_column",
                    "message": f"the column {c} is missing",
                }
                for c in missing
            ]
        )
    rows: list[dict[str, Any]] = []
    reader = csv.reader([ln for _, ln in numbered[1:]])
    for (line, _), values in zip(numbered[1:], reader, strict=True):
        if len(values) != len(columns):
            issues.append(
                {
                    "line": line,
                    "column": "",
                    "code": "column_count",
                    "message": f"{len(values)} values, the header has {len(columns)}",
                }
            )
        else:
            raw = dict(zip(columns, values, strict=True))
            row: dict[str, Any] = {**raw}
            for column, (parse, expected) in _HISTORY_PARSERS.items():
                value = parse(raw[column].strip())
                if value is None:
                    issues.append(
                        {
                            "line": line,
                            "column": column,
                            "code": "bad_value",
                            "message": f"{raw[column]!r} is not {expected}",
                        }
                    )
                else:
                    row[column] = None if value == "" else value
            row["sex"] = row["sex"] or None
            if raw["municipality"] not in codes:
                issues.append(
                    {
                        "line": line,
                        "column": "municipality",
                        "code": "unknown_municipality",
                        "message": f"{raw['municipality']!r} is not a municipality code",
                    }
                )
            if not raw["case_id"].strip():
                issues.append(
                    {"line": line, "column": "case_id", "code": "bad_value", "message": "empty"}
                )
            if row.get("literate") is not None:
                row["literate"] = bool(row["literate"])
            rows.append(row)
        if len(issues) >= MAX_HISTORY_ISSUES:
            break
    if issues:
        raise HistoryError(issues)
    if not rows:
        raise HistoryError(
            [{"line": header_line, "column": "", "code": "empty", "message": "no rows"}]
        )
    return rows


def read_history(path: str | Path) -> list[dict[str, Any]]:
    """A history file (plain or gzip-compressed CSV), checked by :func:`parse_history`."""
    p = Path(path)
    opener = gzip.open if p.suffix == ".gz" else open
    with opener(p, "rt", encoding="utf-8", newline="") as fh:
        return parse_history(fh.read().splitlines())


def _member(r: dict[str, Any]) -> Member:
    return Member(
        age=int(r["age"]),
        sex=r.get("sex") or None,
        education_years=r.get("education_years"),
        work_experience_years=r.get("work_experience_years"),
        languages=tuple(str(r.get("languages", "")).split()),
        literate=r.get("literate"),
    )


# ----------------------------------------------------------------------------- the model


@dataclass
class OutcomeModel:
    kind: str
    regions: tuple[str, ...]
    theta: np.ndarray | None = None  # logistic: (F × G), intercept in [0, 0]
    tie_coef: float = 0.0
    estimator: Any = None  # gbm
    report: dict[str, Any] = field(default_factory=dict)

    # -- prediction
    def member_probabilities(
        self,
        members: list[Member],
        munis: list[Municipality],
        muni_idx: np.ndarray,
        tie: np.ndarray,
    ) -> np.ndarray:
        x = member_matrix(members)
        g = muni_matrix(munis, self.regions)[muni_idx]
        if self.kind == "logistic":
            logit = np.einsum("nf,fg,ng->n", x, self.theta, g) + self.tie_coef * tie
            return 1 / (1 + np.exp(-logit))
        return self.estimator.predict_proba(np.column_stack([x, g, tie]))[:, 1]

    def score_matrix(self, inst: Instance) -> np.ndarray:
        """(cases × municipalities) expected employed working-age members."""
        owner, members = working_age_members(inst.cases)
        m_idx = inst.muni_index
        ties = {i: [m_idx[t] for t in c.ties] for i, c in enumerate(inst.cases) if c.ties}
        munis = inst.municipalities
        if self.kind == "logistic":
            return case_scores_from_logits(
                inst.n_cases,
                owner,
                member_matrix(members),
                self.theta,
                muni_matrix(munis, self.regions),
                self.tie_coef,
                ties,
            )
        out = np.zeros((inst.n_cases, len(munis)))
        x = member_matrix(members)
        g = muni_matrix(munis, self.regions)
        for j in range(len(munis)):
            tie = np.array([j in ties.get(int(i), ()) for i in owner], dtype=float)
            p = self.estimator.predict_proba(
                np.column_stack([x, np.repeat(g[j : j + 1], len(x), axis=0), tie])
            )[:, 1]
            np.add.at(out[:, j], owner, p)
        return out

    # -- persistence (logistic only: coefficients as JSON)
    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_document(), indent=1), encoding="utf-8")

    def to_document(self) -> dict[str, Any]:
        """The model as a JSON-ready document (what :meth:`save` writes)."""
        if self.kind != "logistic":
            raise ValueError("only logistic models can be saved (as JSON)")
        return {
            "format": "kotopaikka-outcome-model",
            "version": 1,
            "kind": self.kind,
            "regions": list(self.regions),
            "member_features": list(MEMBER_FEATURES),
            "municipality_features": list(muni_feature_names(self.regions)),
            "theta": self.theta.tolist(),
            "tie": self.tie_coef,
            "report": self.report,
            "synthetic": bool(self.report.get("synthetic", False)),
        }

    @classmethod
    def load(cls, path: str | Path) -> OutcomeModel:
        return cls.from_document(json.loads(Path(path).read_text(encoding="utf-8")))

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> OutcomeModel:
        if doc.get("format") != "kotopaikka-outcome-model" or doc.get("kind") != "logistic":
            raise ValueError("not a Kotopaikka outcome model document")
        return cls(
            "logistic",
            tuple(doc["regions"]),
            np.array(doc["theta"]),
            doc["tie"],
            report=doc.get("report", {}),
        )


def _design(rows: list[dict[str, Any]], munis: list[Municipality], regions: tuple[str, ...]):
    idx = {m.code: j for j, m in enumerate(munis)}
    x = member_matrix([_member(r) for r in rows])
    g = muni_matrix(munis, regions)[[idx[r["municipality"]] for r in rows]]
    tie = np.array([r["tie"] for r in rows], dtype=float)
    y = np.array([r["employed"] for r in rows], dtype=np.int64)
    return x, g, tie, y


def single_threaded_numerics():
    """Run BLAS and OpenMP on one thread inside the block.

    Why: the fitted coefficients depend on the order in which multi-threaded BLAS adds up
    partial sums. With the machine's default thread count the same seed gave a model of AUC
    0.7718 and, with one thread, 0.7717, so the benchmark instances (whose scores come from
    the model) changed with the machine. Training is a few seconds, so one thread costs
    little and makes the model independent of the thread count (a different CPU or BLAS build
    can still round differently; that is not tested).
    """
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1)


def train(
    rows: list[dict[str, Any]], *, kind: str = "logistic", seed: int = 0, test_share: float = 0.25
) -> OutcomeModel:
    """Fit on a random 75 % of the cases, report on the other 25 %."""
    from sklearn.linear_model import LogisticRegression

    munis = synthetic_municipalities(0)
    regions = tuple(sorted({m.region for m in munis}))
    x, g, tie, y = _design(rows, munis, regions)
    cases = np.array([r["case_id"] for r in rows])
    uniq = np.unique(cases)
    rng = np.random.default_rng(np.random.SeedSequence([seed, 41]))
    test_cases = set(rng.choice(uniq, int(len(uniq) * test_share), replace=False).tolist())
    test = np.array([c in test_cases for c in cases])
    if kind == "logistic":
        feats = np.einsum("nf,ng->nfg", x, g).reshape(len(x), -1)
        design = np.column_stack([feats[:, 1:], tie])  # const x const is the intercept
        est = LogisticRegression(C=1.0, max_iter=2000)
        with single_threaded_numerics():
            est.fit(design[~test], y[~test])
        coef = np.concatenate([[est.intercept_[0]], est.coef_[0][:-1]])
        theta = coef.reshape(x.shape[1], g.shape[1])
        model = OutcomeModel("logistic", regions, theta, float(est.coef_[0][-1]))
        p_test = est.predict_proba(design[test])[:, 1]
    elif kind == "gbm":
        from sklearn.ensemble import HistGradientBoostingClassifier

        design = np.column_stack([x, g, tie])
        est = HistGradientBoostingClassifier(
            max_depth=5, learning_rate=0.05, max_iter=300, random_state=seed
        )
        with single_threaded_numerics():
            est.fit(design[~test], y[~test])
        model = OutcomeModel("gbm", regions, estimator=est)
        p_test = est.predict_proba(design[test])[:, 1]
    else:
        raise ValueError(f"unknown model kind {kind!r}")
    synthetic = all(str(r.get("synthetic", "0")) in ("1", "True", "true") for r in rows)
    model.report = quality_report(
        y[test], p_test, n_train=int((~test).sum()), synthetic=synthetic, kind=kind
    )
    if synthetic:  # the ceiling: how well the true probabilities rank the same rows
        truth = Truth.for_municipalities(munis)
        idx = {m.code: j for j, m in enumerate(munis)}
        test_rows = [r for r, t in zip(rows, test, strict=True) if t]
        p_true = truth.member_probabilities(
            [_member(r) for r in test_rows],
            np.array([idx[r["municipality"]] for r in test_rows]),
            np.array([r["tie"] for r in test_rows], dtype=float),
        )
        model.report["auc_of_true_probabilities"] = round(_auc(y[test], p_true), 4)
    return model


def _auc(y: np.ndarray, p: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, p)) if len(np.unique(y)) > 1 else float("nan")


def quality_report(
    y: np.ndarray, p: np.ndarray, *, n_train: int, synthetic: bool, kind: str, bins: int = 10
) -> dict[str, Any]:
    """AUC, Brier score, log loss and a calibration table (equal-width bins)."""
    from sklearn.metrics import brier_score_loss, log_loss

    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(p, edges) - 1, 0, bins - 1)
    table = []
    for b in range(bins):
        sel = which == b
        if sel.any():
            table.append(
                {
                    "bin": f"{edges[b]:.1f}-{edges[b + 1]:.1f}",
                    "n": int(sel.sum()),
                    "mean_predicted": round(float(p[sel].mean()), 4),
                    "observed_rate": round(float(y[sel].mean()), 4),
                }
            )
    # calibration error weighted by bin size
    ece = sum(t["n"] * abs(t["mean_predicted"] - t["observed_rate"]) for t in table) / len(y)
    return {
        "kind": kind,
        "synthetic": synthetic,
        "note": SYNTHETIC_NOTE if synthetic else "",
        "n_train": n_train,
        "n_test": len(y),
        "auc": round(_auc(y, p), 4),
        "brier": round(float(brier_score_loss(y, p)), 4),
        "log_loss": round(float(log_loss(y, p, labels=[0, 1])), 4),
        "expected_calibration_error": round(float(ece), 4),
        "employment_rate_test": round(float(y.mean()), 4),
        "calibration": table,
    }


@cache
def default_model(seed: int = 0, rows: int = 12000) -> OutcomeModel:
    """A logistic model trained on SYNTHETIC history (cached per process)."""
    return train(generate_history(rows, seed), kind="logistic", seed=seed)
