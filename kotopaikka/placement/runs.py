"""Optimiser runs: build an instance from the queue and the free places, solve it in the
background (Django tasks, database worker), store the result with its explanations, and send
the proposals.

The optimiser itself (`kotopaikka.optimiser`) knows nothing of Django; this module is the only
place that translates between the two.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from kotopaikka.access.policy import Actor, require
from kotopaikka.access.roles import Op
from kotopaikka.access.scope import locked_in_scope
from kotopaikka.audit.context import command_context
from kotopaikka.audit.models import AuditEvent
from kotopaikka.audit.services import record_denial, record_event
from kotopaikka.optimiser import model as om
from kotopaikka.optimiser.municipalities import real_municipalities

from .capacity import usage_by_year
from .errors import CaseNotFound
from .models import OptimiserRun, PlacementCase
from .outcome_models import current_model, load_model
from .policy import DEFAULT_POLICY, Policy, compile_policy, policy_in_force, regional_shares
from .selectors import agreement_years
from .services import RUN, proposal_create

PROGRESS_EVERY_SECONDS = 1.0


def build_instance(run: OptimiserRun) -> om.Instance:
    """The optimiser instance for a run: its waiting cases and every municipality with free
    places in the run's year (capacity = places still free, per dimension), scored by the run's
    outcome model (if any) and weighted by the run's placement policy."""
    years = list(agreement_years(run.year).select_related("agreement__municipality__region"))
    usage = usage_by_year(years)
    groups = {m.code: m.group for m in real_municipalities()}  # urban / rural, for the model
    municipalities = []
    for year in years:
        agreement = year.agreement
        muni = agreement.municipality
        free = usage[year.pk].free
        municipalities.append(
            om.Municipality(
                code=muni.code,
                name=muni.name_fi,
                region=muni.region.code,
                capacity={d: None if free[d] is None else max(0, free[d]) for d in om.DIMENSIONS},
                services=tuple(agreement.services),
                accepts_emergency=agreement.accepts_emergency_cases,
                attributes={
                    "population": muni.population,
                    # the format's key; left out when unknown (the model then uses the mean)
                    **(
                        {}
                        if muni.unemployment_share is None
                        else {"unemployment_pct": float(muni.unemployment_share)}
                    ),
                    "language": muni.language_status,
                    "group": groups.get(muni.code, ""),
                },
            )
        )
    known = {m.code for m in municipalities}
    cases = []
    waiting = PlacementCase.objects.filter(
        pk__in=run.case_ids, status=PlacementCase.Status.WAITING
    )  # a case proposed since the run was queued already counts in the usage
    for case in waiting.prefetch_related("members", "excluded_municipalities"):
        declined = {m.code for m in case.excluded_municipalities.all()} | set(
            run.excluded.get(str(case.pk), [])
        )
        cases.append(
            om.Case(
                id=str(case.pk),
                members=[
                    om.Member(
                        age=m.age,
                        sex=m.sex or None,
                        education_years=m.education_years,
                        work_experience_years=m.work_experience_years,
                        languages=tuple(m.languages),
                        literate=m.literate,
                        unaccompanied_minor=m.unaccompanied_minor,
                    )
                    for m in case.members.all()
                ],
                needs=tuple(case.needs),
                ties=tuple(c for c in case.ties if c in known),
                wishes=tuple(c for c in case.wishes if c in known),
                available_from=case.available_from.isoformat() if case.available_from else None,
                emergency=case.emergency,
                declined_by=tuple(sorted(declined & known)),
                linked_group=case.linked_group or None,
                locked_to=run.locked.get(str(case.pk)),
            )
        )
    cases.sort(key=lambda c: c.id)
    inst = om.Instance(
        municipalities=municipalities,
        cases=cases,
        name=f"run-{run.pk}",
        synthetic=False,
        note="",
    )
    if run.outcome_model is not None:
        inst.outcome = load_model(run.outcome_model).score_matrix(inst)
        inst.outcome_label = "expected employed working-age members two years after arrival"
    stored = run.parameters.get("policy")  # runs queued before policies existed: the default
    policy = DEFAULT_POLICY if stored is None else Policy(**stored)
    if policy.fairness_weight > 0:
        inst.regions = regional_shares(municipalities)
    scales = compile_policy(policy, inst, today=timezone.localdate(run.created_at))
    run.parameters = {**run.parameters, "scales": scales}
    return inst


def optimiser_run_start(
    *,
    actor: Actor,
    year: int,
    case_ids: list[str] | None = None,
    time_limit: float = 10.0,
    seed: int = 0,
    locked: dict[str, str] | None = None,
    excluded: dict[str, list[str]] | None = None,
) -> OptimiserRun:
    """Queue an optimiser run for waiting cases in the actor's scope (all of them by default)."""
    require(actor, Op.OPTIMISER_RUN)
    waiting = PlacementCase.objects.for_actor(actor).filter(status=PlacementCase.Status.WAITING)
    if case_ids is not None:
        wanted = {str(c) for c in case_ids}
        found = {
            str(pk)
            for pk in waiting.filter(pk__in=[uuid.UUID(c) for c in wanted]).values_list(
                "pk", flat=True
            )
        }
        missing = sorted(wanted - found)
        if missing:
            for case_id in missing:
                record_denial(
                    actor=actor,
                    object_type="placement.PlacementCase",
                    object_id=case_id,
                    purpose="optimiser_run",
                )
            raise CaseNotFound()
        ids = sorted(found)
    else:
        ids = sorted(str(pk) for pk in waiting.values_list("pk", flat=True))
    if not ids:
        raise ValidationError({"cases": [_("There are no waiting cases to place.")]})
    if not 1 <= time_limit <= 600:
        raise ValidationError({"time_limit": [_("The time limit is between 1 and 600 seconds.")]})
    policy, policy_row = policy_in_force(actor.organisation)
    model = current_model()
    with transaction.atomic():
        run = OptimiserRun.objects.create(
            regional_authority=actor.organisation,
            created_by=actor.user.get_username(),
            year=year,
            case_ids=ids,
            locked=locked or {},
            excluded=excluded or {},
            parameters={
                "time_limit": time_limit,
                "seed": seed,
                "method": "auto",
                "policy": policy.as_dict(),
                "outcome_model": None
                if model is None
                else {"version": model.version, "sha256": model.sha256},
            },
            policy=policy_row,
            outcome_model=model,
        )
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            object_type=RUN,
            object_id=run.pk,
            subject_ids=ids,
            detail={"cases": len(ids), "year": year},
        )
        # Enqueued in the same transaction: the database worker sees the task only once the
        # run it refers to is committed (and never a task for a run that was rolled back).
        run_optimiser_task.enqueue(str(run.pk))
    return run


def optimiser_rerun(
    *,
    actor: Actor,
    previous_id,
    lock: list[str] = (),
    exclude: list[str] = (),
    time_limit: float = 10.0,
) -> OptimiserRun:
    """Run again the cases of an earlier run that still wait, with some of its proposed pairs
    locked (kept as they are) or excluded (that municipality ruled out for that case), and
    the earlier run's locks and exclusions kept. The pairs are named by case: each must be one of the
    earlier run's proposals (a 400 naming the field otherwise). A re-run is for this year's
    places, as only those can be sent."""
    from .selectors import optimiser_run_get, waiting_case_ids

    old = optimiser_run_get(actor=actor, run_id=previous_id)
    proposed = {a["case"]: a["municipality"] for a in old.result.get("assignments", [])}
    errors: dict[str, list[str]] = {}
    for field, wanted in (("lock", lock), ("exclude", exclude)):
        unknown = [c for c in wanted if str(c) not in proposed]
        if unknown:
            errors[field] = [
                _("Not a proposal of the earlier run: %(cases)s.")
                % {"cases": ", ".join(map(str, unknown))}
            ]
    both = set(map(str, lock)) & set(map(str, exclude))
    if both:
        errors["exclude"] = [_("A pair cannot be both locked and excluded.")]
    if errors:
        raise ValidationError(errors)
    waiting = set(waiting_case_ids(actor=actor))
    # the earlier run's own locks hold too (a lock is kept until the case is sent or unlocked
    # by starting afresh)
    locked = {c: m for c, m in old.locked.items() if c in waiting and c not in set(exclude)}
    locked.update({str(c): proposed[str(c)] for c in lock})
    excluded: dict[str, list[str]] = {str(c): [proposed[str(c)]] for c in exclude}
    for case_id, codes in old.excluded.items():
        excluded.setdefault(case_id, []).extend(c for c in codes if c not in excluded[case_id])
    return optimiser_run_start(
        actor=actor,
        year=timezone.localdate().year,
        case_ids=[c for c in old.case_ids if c in waiting],
        time_limit=time_limit,
        locked=locked,
        excluded=excluded,
    )


def execute_run(run_id: str) -> OptimiserRun:
    """Solve a queued run and store the result (the body of the background task)."""
    from kotopaikka.optimiser.solve import solve

    run = OptimiserRun.objects.get(pk=run_id)
    if run.status not in (OptimiserRun.Status.QUEUED, OptimiserRun.Status.RUNNING):
        return run
    run.status = OptimiserRun.Status.RUNNING
    run.started_at = timezone.now()
    run.save(update_fields=["status", "started_at"])
    last = [0.0]

    def progress(stage: str, share: float) -> None:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_EVERY_SECONDS:
            last[0] = now
            OptimiserRun.objects.filter(pk=run.pk).update(
                stage=stage[:40], progress=min(max(share, 0.0), 1.0)
            )

    try:
        instance = build_instance(run)
        params = run.parameters
        result = solve(
            instance,
            time_limit=float(params["time_limit"]),
            seed=int(params["seed"]),
            method=params.get("method", "auto"),
            progress=progress,
        )
    except Exception as exc:
        run.status = OptimiserRun.Status.FAILED
        run.error = f"{type(exc).__name__}: {exc}"[:2000]
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        return run
    with transaction.atomic():
        run.status = OptimiserRun.Status.DONE
        run.progress = 1.0
        run.objective, run.bound, run.gap = result.objective, result.bound, result.gap
        run.method = result.method
        run.solver_status = result.status
        run.result = _result_dict(result)
        run.finished_at = timezone.now()
        run.save()  # with the policy's scales, which build_instance added to the parameters
        # the result names cases and where they would go: a change of personal data, audited
        # with the run's cases as subjects (no acting user: the worker writes it)
        record_event(
            actor=None,
            action=AuditEvent.Action.UPDATE,
            object_type=RUN,
            object_id=run.pk,
            subject_ids=run.case_ids,
            fields=["status", "result", "objective", "bound", "gap"],
            detail={"status": run.status, "solver_status": result.status, "gap": result.gap},
        )
    return run


def _result_dict(result: om.Result) -> dict[str, Any]:
    """The stored result: codes and parameters (rendered in the reader's language by
    `explanations`), plus the optimiser's English message for the record."""

    def explanation(e: om.Explanation | None) -> dict[str, Any] | None:
        if e is None:
            return None
        return {
            "components": e.components,
            "group": e.group,
            "alternatives": [
                {
                    "municipality": a.municipality,
                    "coefficient": a.coefficient,
                    "delta": a.delta,
                    "reason": a.reason,
                    "details": a.details,
                    "message": a.message,
                }
                for a in e.alternatives
            ],
        }

    return {
        "assignments": [
            {
                "case": a.case,
                "municipality": a.municipality,
                "locked": a.locked,
                "coefficient": a.coefficient,
                "explanation": explanation(a.explanation),
            }
            for a in result.assignments
        ],
        "unplaced": [
            {"case": u.case, "reason": u.reason, "details": u.details, "message": u.message}
            for u in result.unplaced
        ],
        "components": result.components,
        "timings": result.timings,
        "stats": {k: v for k, v in result.stats.items() if isinstance(v, (int, float, str))},
    }


@task()
def run_optimiser_task(run_id: str) -> str:
    """Background task: solve the run (database worker in the demo and production)."""
    with command_context("task"):
        return execute_run(run_id).status


def optimiser_run_send(
    *, actor: Actor, run_id, deadline: dt.date | None = None
) -> tuple[list[str], dict[str, str]]:
    """Send the run's proposals (skipping cases no longer waiting); returns (sent, not sent)."""

    require(actor, Op.PROPOSAL_CREATE)
    # Claim the run in a short transaction of its own (the row lock makes a second click or a
    # second officer wait, then find it claimed). The proposals are not made inside it: each
    # proposal_create writes audit events, and a transaction spanning them all would hold the
    # audit chain's single head row, and so every audited read in the system, until the last.
    with locked_in_scope(
        OptimiserRun.objects.for_actor(actor),
        run_id,
        actor=actor,
        object_type=RUN,
        purpose="send",
        not_found=CaseNotFound,
    ) as run:
        if run.status != OptimiserRun.Status.DONE:
            raise ValidationError({"run": [_("The run has not finished.")]})
        if run.sent_at is not None:
            raise ValidationError({"run": [_("The proposals of this run have already been sent.")]})
        if run.year != timezone.localdate().year:  # proposals are checked against this year
            raise ValidationError(
                {"run": [_("The run was for %(year)s; start a new run.") % {"year": run.year}]}
            )
        run.sent_at = timezone.now()
        run.save(update_fields=["sent_at"])
    sent: list[str] = []
    not_sent: dict[str, str] = {}
    try:
        for item in run.result.get("assignments", []):
            try:  # each proposal is its own transaction: a refused case does not undo others
                proposal_create(
                    actor=actor,
                    case_id=item["case"],
                    municipality_code=item["municipality"],
                    deadline=deadline,
                    explanation=item.get("explanation") or {},
                )
            except ValidationError as exc:  # CapacityExceeded included
                not_sent[item["case"]] = "; ".join(exc.messages)
            except CaseNotFound:  # moved out of this authority's scope since the run
                not_sent[item["case"]] = _("The case was not found.")
            else:
                sent.append(item["case"])
    except BaseException:
        # a crash half-way: the proposals made so far stand (each is audited); release the
        # claim so that the run can be sent again (cases already proposed are then skipped)
        OptimiserRun.objects.filter(pk=run.pk).update(sent_at=None)
        raise
    record_event(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        object_type=RUN,
        object_id=run.pk,
        subject_ids=sent + sorted(not_sent),
        fields=["sent_at"],
        detail={"sent": len(sent), "not_sent": len(not_sent)},
    )
    return sent, not_sent
