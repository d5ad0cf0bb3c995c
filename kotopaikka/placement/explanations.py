"""A run's explanations in the reader's language.

The optimiser stores each reason as a code with parameters (`kotopaikka.optimiser.explain`);
this module turns them into sentences through the translation catalogues, with municipality
names in the active language and numbers in its format. The optimiser's English `message`
stays in the stored result for the record and the CLI; pages, the API and e-mails use these.
"""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .models import DIMENSION_LABELS, Need

COMPONENT_LABELS = {
    "outcome": gettext_lazy("expected employment"),
    "tie": gettext_lazy("tie"),
    "wish": gettext_lazy("wish"),
    "placement": gettext_lazy("persons placed"),
    "emergency": gettext_lazy("emergency case"),
}
#: the components a case worker compares between municipalities (the tiers' scales are the
#: same for a case wherever it goes, so they never explain a choice)
BONUS_COMPONENTS = ("outcome", "tie", "wish")

METHOD_LABELS = {
    "exact": gettext_lazy("exact"),
    "decompose": gettext_lazy("decomposition"),
    "greedy": gettext_lazy("first come, first served"),
    "auto": gettext_lazy("automatic"),
}


def number(value: float | int | None, decimals: int = 2) -> str:
    if value is None:
        return "–"
    if float(value).is_integer():
        return number_format(int(value), use_l10n=True, force_grouping=True)
    if abs(value) < 10**-decimals:  # a small difference is still shown, not as 0,00
        decimals = min(6, decimals + 2)
        if abs(value) < 10**-decimals:
            return number_format(float(f"{value:.2g}"), 6, use_l10n=True).rstrip("0")
    return number_format(round(float(value), decimals), decimals, use_l10n=True)


def percent(share: float | None) -> str:
    """A share as a percentage in the active language ("0,09 %" in Finnish and Swedish)."""
    if share is None:
        return "–"
    decimals = 2 if share >= 0.0001 or share == 0 else 4
    return _("%(value)s %%") % {"value": number_format(100 * share, decimals, use_l10n=True)}


def method_text(method: str, status: str, gap: float | None) -> str:
    """ "exact, proven optimal"; "decomposition, proven gap 0,09 %"."""
    label = METHOD_LABELS.get(method, method)
    if status == "optimal" or gap == 0:
        return _("%(method)s, proven optimal") % {"method": label}
    if status == "heuristic" and gap is None:
        return _("%(method)s, no bound") % {"method": label}
    return _("%(method)s, proven gap %(gap)s") % {"method": label, "gap": percent(gap)}


def dimension(code: str) -> str:
    return str(DIMENSION_LABELS.get(code, code))


def needs_text(codes: list[str]) -> str:
    labels = dict(Need.choices)
    return ", ".join(str(labels.get(c, c)) for c in codes)


def _group_subject(details: dict) -> str | None:
    if "linked_group" not in details:
        return None
    cases = details.get("group_cases", 2)
    return ngettext(
        "the linked group %(group)s (%(n)s case)",
        "the linked group %(group)s (%(n)s cases)",
        cases,
    ) % {"group": details["linked_group"], "n": cases}


def alternative_text(alt: dict, names: dict[str, str]) -> str:
    """Why an alternative municipality was not chosen, in plain words."""
    d = alt.get("details") or {}
    reason = alt["reason"]
    place = names.get(alt["municipality"], alt["municipality"])
    group = _group_subject(d)
    if reason == "need_not_met":
        text = _("%(municipality)s does not offer: %(needs)s") % {
            "municipality": place,
            "needs": needs_text(d.get("needs", [])),
        }
    elif reason == "declined":
        text = _("%(municipality)s has declined the case") % {"municipality": place}
    elif reason == "emergency_not_accepted":
        text = _("%(municipality)s does not take emergency cases") % {"municipality": place}
    elif reason == "too_large":
        text = _(
            "too small: needs %(needed)s %(dimension)s, %(municipality)s has %(free)s in all"
        ) % {
            "needed": number(d.get("needed")),
            "dimension": dimension(d.get("dimension", "persons")),
            "municipality": place,
            "free": number(d.get("free")),
        }
    elif reason == "capacity_full":
        values = {
            "free": number(d.get("free")),
            "needed": number(d.get("needed")),
            "dimension": dimension(d.get("dimension", "persons")),
        }
        if group:
            text = _(
                "%(group)s would not fit together: %(free)s %(dimension)s left, %(needed)s needed"
            ) % {**values, "group": group}
        else:
            text = _("full: %(free)s %(dimension)s left, %(needed)s needed") % values
        group = None
    elif reason == "fairness":
        text = _("scores %(delta)s more but would upset the regional balance by %(cost)s") % {
            "delta": number(alt.get("delta")),
            "cost": number(-float(d.get("fairness_change", 0.0))),
        }
    elif reason == "equal_score":
        text = _("scores the same; either would do")
    elif reason == "within_gap":
        text = _("would score %(delta)s more and has room: the result is within its proven gap") % {
            "delta": number(alt.get("delta"))
        }
    elif reason == "lower_score":
        component = d.get("component", "")
        text = _("scores %(by)s lower, most of it in %(component)s (%(difference)s)") % {
            "by": number(d.get("by", -(alt.get("delta") or 0.0))),
            "component": COMPONENT_LABELS.get(component, component),
            "difference": number(d.get("component_difference")),
        }
    elif reason == "locked":
        text = _("already accepted (locked); kept as it is")
    else:
        text = alt.get("message", reason)
    if group and reason in ("need_not_met", "declined", "emergency_not_accepted", "too_large"):
        text = _("%(group)s: %(reason)s") % {"group": group, "reason": text}
    return text


def _rules_text(rules: dict[str, int]) -> str:
    parts = []
    for key, count in sorted(rules.items()):
        if key.startswith("need_not_met:"):
            needs = key.split(":", 1)[1].split(",")
            parts.append(
                ngettext(
                    "%(n)s municipality does not offer %(needs)s",
                    "%(n)s municipalities do not offer %(needs)s",
                    count,
                )
                % {"n": count, "needs": needs_text(needs)}
            )
        elif key == "declined":
            parts.append(
                ngettext(
                    "%(n)s municipality has declined it",
                    "%(n)s municipalities have declined it",
                    count,
                )
                % {"n": count}
            )
        elif key == "emergency_not_accepted":
            parts.append(
                ngettext(
                    "%(n)s municipality takes no emergency cases",
                    "%(n)s municipalities take no emergency cases",
                    count,
                )
                % {"n": count}
            )
    return "; ".join(parts)


def fix_text(fix: dict, names: dict[str, str]) -> str:
    """What change would place an unplaced case."""
    kind = fix.get("kind")
    place = names.get(fix.get("municipality", ""), fix.get("municipality", ""))
    if kind == "more_places":
        return _("%(more)s more %(dimension)s in %(municipality)s would place it.") % {
            "more": number(fix.get("more")),
            "dimension": dimension(fix.get("dimension", "persons")),
            "municipality": place,
        }
    if kind == "add_service":
        changes = []
        if fix.get("needs"):
            changes.append(_("offered %(needs)s") % {"needs": needs_text(fix["needs"])})
        if fix.get("accept_emergency"):
            changes.append(_("took emergency cases"))
        return _("It would fit in %(municipality)s if %(municipality)s %(changes)s.") % {
            "municipality": place,
            "changes": _(" and ").join(str(c) for c in changes),
        }
    if kind == "policy":
        return _("A placement policy that values placing the case would place it.")
    if kind == "run_longer":
        return _("A longer run may place it.")
    return ""


def unplaced_text(item: dict, names: dict[str, str]) -> str:
    """Why a case was left unplaced, and what change would place it."""
    d = item.get("details") or {}
    reason = item["reason"]
    group = _group_subject(d)
    if reason == "no_eligible_municipality":
        text = _("No municipality meets the hard rules: %(rules)s.") % {
            "rules": _rules_text(d.get("rules", {}))
        }
    elif reason == "too_large":
        n = d.get("allowed", 0)
        text = (
            _("The only allowed municipality is too small for it.")
            if n == 1
            else _("All %(n)s allowed municipalities are too small for it.") % {"n": n}
        )
    elif reason == "capacity_full":
        n = d.get("allowed", 0)
        text = (
            _("The only allowed municipality with room for it is full.")
            if n == 1
            else _("All %(n)s allowed municipalities that could take it are full.") % {"n": n}
        )
    elif reason == "not_worth":
        text = _("There are free places, but the weights make placing it worth nothing.")
    elif reason == "fairness":
        text = _("Placing it would cost more in regional balance than it gains.")
    elif reason == "within_gap":
        text = _("%(municipality)s has room; the result is within its proven gap.") % {
            "municipality": names.get(d.get("best", ""), d.get("best", ""))
        }
    else:
        text = item.get("message", reason)
    if group:
        persons = d.get("group_persons")
        text = ngettext(
            "%(group)s, %(persons)s person in all: %(reason)s",
            "%(group)s, %(persons)s persons in all: %(reason)s",
            persons or 0,
        ) % {"group": group, "persons": persons, "reason": text}
    fix = fix_text(d.get("fix") or {}, names)
    return f"{text} {fix}".strip()


def components_rows(components: dict[str, float]) -> list[tuple[str, str, float]]:
    """(code, label, value) of a score's parts that a case worker compares, in a fixed order."""
    return [(c, str(COMPONENT_LABELS[c]), components.get(c, 0.0)) for c in BONUS_COMPONENTS]


def municipality_codes(result: dict) -> set[str]:
    """Every municipality code a stored result names (to look their names up at once)."""
    codes = set()
    for a in result.get("assignments", []):
        codes.add(a["municipality"])
        for alt in (a.get("explanation") or {}).get("alternatives", []):
            codes.add(alt["municipality"])
    for u in result.get("unplaced", []):
        d = u.get("details") or {}
        codes.update(x for x in (d.get("best"), (d.get("fix") or {}).get("municipality")) if x)
    return codes


def run_summary(run) -> dict:
    """What the run page and the API say of a run besides its rows: the method in words, the
    proven gap as a percentage and in score points, the policy and the outcome model used."""
    from .policy import DEFAULT_POLICY, Policy

    stored = run.parameters.get("policy")
    policy = DEFAULT_POLICY if stored is None else Policy(**stored)
    model = run.parameters.get("outcome_model")
    gap_points = None
    if run.objective is not None and run.bound is not None:
        gap_points = max(0.0, run.bound - run.objective)
    return {
        "method_text": method_text(run.method, run.solver_status, run.gap) if run.method else "",
        "gap_percent": percent(run.gap) if run.gap is not None else "–",
        "gap_points": number(gap_points),
        "policy": policy,
        "policy_default": stored is None or policy.version == 0,
        "model": model,
        "scales": run.parameters.get("scales") or {},
    }
