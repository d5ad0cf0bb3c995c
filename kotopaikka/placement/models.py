"""Placement into municipalities: agreements on municipal places, cases waiting for a
municipality, proposals, municipal decisions, arrivals and self-arranged moves.

Capacity is counted in the optimiser's dimensions (`kotopaikka.optimiser.model.DIMENSIONS`):
persons first, then cases, large-family dwellings, unaccompanied-minor places and emergency places.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kotopaikka.optimiser.model import DIMENSIONS, LARGE_FAMILY_SIZE
from kotopaikka.people.models import Person
from kotopaikka.registry.models import Municipality, Organisation


class Need(models.TextChoices):
    """Needs a case may have and services a municipality may offer (same codes as the optimiser)."""

    SPECIALISED_HEALTH_CARE = "specialised_health_care", _("specialised health care nearby")
    ACCESSIBLE_DWELLING = "accessible_dwelling", _("accessible dwelling")
    UNACCOMPANIED_MINOR_HOUSING = (
        "unaccompanied_minor_housing",
        _("housing for unaccompanied minors"),
    )
    SWEDISH_SCHOOLING = "swedish_schooling", _("Swedish-language schooling")


DIMENSION_LABELS = {
    "persons": _("persons"),
    "cases": _("cases"),
    "large_family_dwellings": _("dwellings for large families (5+ persons)"),
    "unaccompanied_minor_places": _("places for unaccompanied minors"),
    "emergency_places": _("emergency cases"),
}
assert tuple(DIMENSION_LABELS) == DIMENSIONS  # one list of dimensions in the whole system


class PlacementAgreement(models.Model):
    """A municipality's agreement with its regional authority on placement and integration.

    Usually multi-year and reviewed every year; a precondition for compensation. Changes are
    change-logged (django-auditlog) and counted in `version`.
    """

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="placement_agreements",
        verbose_name=_("municipality"),
    )
    regional_authority = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="placement_agreements",
        limit_choices_to={"kind": Organisation.Kind.REGIONAL_AUTHORITY},
        verbose_name=_("regional authority"),
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    wellbeing_county_consulted_on = models.DateField(
        _("wellbeing services county consulted on"), null=True, blank=True
    )
    services = models.JSONField(_("services offered"), default=list, blank=True)
    accepts_emergency_cases = models.BooleanField(_("accepts emergency cases"), default=False)
    document = models.FileField(_("agreement document"), upload_to="agreements/%Y/", blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    is_synthetic = models.BooleanField(_("synthetic"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["municipality__code", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "valid_from"], name="one_agreement_start_per_municipality"
            )
        ]
        verbose_name = _("placement agreement")
        verbose_name_plural = _("placement agreements")

    def __str__(self) -> str:
        return (
            f"{self.municipality} {self.valid_from:%Y}–{self.valid_until:%Y}"
            if self.valid_until
            else str(self.municipality)
        )


class AgreementYear(models.Model):
    """Places agreed for one calendar year, per capacity dimension (None: no separate limit)."""

    agreement = models.ForeignKey(
        PlacementAgreement, on_delete=models.CASCADE, related_name="years"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    persons = models.PositiveIntegerField(_("persons"))
    cases = models.PositiveIntegerField(_("cases"), null=True, blank=True)
    large_family_dwellings = models.PositiveIntegerField(
        _("dwellings for large families (5+ persons)"), null=True, blank=True
    )
    unaccompanied_minor_places = models.PositiveIntegerField(
        _("places for unaccompanied minors"), null=True, blank=True
    )
    emergency_places = models.PositiveIntegerField(_("emergency cases"), null=True, blank=True)

    class Meta:
        ordering = ["agreement", "year"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "year"], name="one_row_per_agreement_year")
        ]
        verbose_name = _("agreed places for a year")
        verbose_name_plural = _("agreed places for years")

    def capacity(self) -> dict[str, int | None]:
        return {d: getattr(self, d) for d in DIMENSIONS}


class CaseQuerySet(models.QuerySet):
    def for_actor(self, actor) -> CaseQuerySet:
        from .scope import case_scope_q

        return self.filter(case_scope_q(actor)).distinct()


class PlacementCase(models.Model):
    """A family or a person travelling alone, waiting for a municipality.

    Holds the anonymised data used for matching (from the resettlement registration form or
    the reception centre's application); the identities are linked through `CaseMember.person`
    and become visible to a municipality only after it accepts.
    """

    class Kind(models.TextChoices):
        QUOTA = "quota", _("quota refugee")
        RECEPTION = "reception", _("reception centre resident with a permit")

    class Status(models.TextChoices):
        WAITING = "waiting", _("waiting")
        PROPOSED = "proposed", _("proposed to a municipality")
        ACCEPTED = "accepted", _("accepted by a municipality")
        DECIDED = "decided", _("placement decided")
        ARRIVED = "arrived", _("arrived")
        MOVED_INDEPENDENTLY = "moved", _("moved independently")
        WITHDRAWN = "withdrawn", _("withdrawn")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    reference = models.CharField(
        _("case reference"),
        max_length=40,
        help_text=_("E.g. the UNHCR case number 147-…"),
    )
    regional_authority = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="placement_cases",
        limit_choices_to={"kind": Organisation.Kind.REGIONAL_AUTHORITY},
        verbose_name=_("regional authority"),
    )
    reception_centre = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="placement_applications",
        limit_choices_to={"kind": Organisation.Kind.RECEPTION_CENTRE},
        verbose_name=_("reception centre"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.WAITING
    )
    emergency = models.BooleanField(_("emergency case"), default=False)
    nationality = models.CharField(_("nationality"), max_length=3, blank=True)
    needs = models.JSONField(_("needs"), default=list, blank=True)
    ties = models.JSONField(_("ties to municipalities"), default=list, blank=True)
    wishes = models.JSONField(_("wished municipalities"), default=list, blank=True)
    wishes_note = models.CharField(_("other wishes"), max_length=500, blank=True)
    available_from = models.DateField(_("available from"), null=True, blank=True)
    linked_group = models.CharField(
        _("linked cases"),
        max_length=40,
        blank=True,
        help_text=_("Cases with the same value are placed together."),
    )
    excluded_municipalities = models.ManyToManyField(
        Municipality, blank=True, related_name="declined_cases", verbose_name=_("declined by")
    )
    received_on = models.DateField(_("waiting since"))
    is_synthetic = models.BooleanField(_("synthetic"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["received_on", "reference"]
        # A reference is unique in the register of the one who holds the case (a regional
        # authority; a reception centre within it), not across the country: a uniqueness
        # error for another holder's reference would tell that the case exists.
        constraints = [
            models.UniqueConstraint(
                fields=["regional_authority", "reference"],
                condition=Q(reception_centre__isnull=True),
                name="case_reference_unique_per_authority",
            ),
            models.UniqueConstraint(
                fields=["reception_centre", "reference"],
                condition=Q(reception_centre__isnull=False),
                name="case_reference_unique_per_reception_centre",
            ),
        ]
        indexes = [models.Index(fields=["reference"], name="case_reference_idx")]
        verbose_name = _("placement case")
        verbose_name_plural = _("placement cases")

    def __str__(self) -> str:
        return self.reference

    @property
    def need_labels(self) -> list[str]:
        """The needs in the user's language."""
        return [str(Need(code).label) if code in Need.values else code for code in self.needs]

    def person_ids(self) -> list[uuid.UUID]:
        """The person records linked to the case's members (members without one are left out)."""
        return sorted(self.members.filter(person__isnull=False).values_list("person_id", flat=True))

    def demand(self) -> dict[str, int]:
        """Use of each capacity dimension, exactly as the optimiser counts it."""
        members = list(self.members.all())
        return {
            "persons": len(members),
            "cases": 1,
            "large_family_dwellings": 1 if len(members) >= LARGE_FAMILY_SIZE else 0,
            "unaccompanied_minor_places": sum(1 for m in members if m.unaccompanied_minor),
            "emergency_places": 1 if self.emergency else 0,
        }


class CaseMember(models.Model):
    """One member of a case, as the anonymised matching data describes them."""

    case = models.ForeignKey(PlacementCase, on_delete=models.CASCADE, related_name="members")
    age = models.PositiveSmallIntegerField(_("age"))
    sex = models.CharField(_("sex"), max_length=6, choices=Person.Sex.choices, blank=True)
    education_years = models.PositiveSmallIntegerField(
        _("years of education"), null=True, blank=True
    )
    work_experience_years = models.PositiveSmallIntegerField(
        _("years of work experience"), null=True, blank=True
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    literate = models.BooleanField(_("literate"), null=True, blank=True)
    unaccompanied_minor = models.BooleanField(_("unaccompanied minor"), default=False)
    person = models.OneToOneField(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="case_membership"
    )

    class Meta:
        ordering = ["case", "-age", "id"]
        verbose_name = _("case member")
        verbose_name_plural = _("case members")


class ProposalQuerySet(models.QuerySet):
    def for_actor(self, actor) -> ProposalQuerySet:
        from .scope import proposal_scope_q

        return self.filter(proposal_scope_q(actor))


class Proposal(models.Model):
    """A proposal to place a case in a municipality, counted against that year's places."""

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting decision")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")
        WITHDRAWN = "withdrawn", _("withdrawn")

    class DeclineReason(models.TextChoices):
        NO_HOUSING = "no_housing", _("no suitable housing")
        SERVICES_UNAVAILABLE = "services", _("needed services not available")
        CAPACITY = "capacity", _("places already in use")
        WELLBEING_COUNTY = "wellbeing_county", _("wellbeing services county advised against")
        OTHER = "other", _("other reason")

    ACTIVE = (Status.PENDING, Status.ACCEPTED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(PlacementCase, on_delete=models.CASCADE, related_name="proposals")
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="proposals"
    )
    agreement_year = models.ForeignKey(
        AgreementYear, on_delete=models.PROTECT, related_name="proposals"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    demand = models.JSONField(_("places used"), default=dict)
    explanation = models.JSONField(_("explanation"), default=dict, blank=True)
    proposed_by = models.CharField(_("proposed by"), max_length=150)
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    deadline = models.DateField(_("decision due"))
    decided_by = models.CharField(_("decided by"), max_length=150, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decline_reason = models.CharField(
        _("reason"), max_length=20, choices=DeclineReason.choices, blank=True
    )
    decline_note = models.CharField(_("note"), max_length=500, blank=True)
    placement_decided_on = models.DateField(_("placement decision"), null=True, blank=True)
    reminded_on = models.DateField(_("last reminder"), null=True, blank=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-proposed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status__in=["pending", "accepted"]),
                name="one_active_proposal_per_case",
            )
        ]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")


class Arrival(models.Model):
    """A case's arrival in its municipality: starts integration services and compensation."""

    case = models.OneToOneField(PlacementCase, on_delete=models.CASCADE, related_name="arrival")
    proposal = models.OneToOneField(
        Proposal, on_delete=models.PROTECT, null=True, blank=True, related_name="arrival"
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="arrivals"
    )
    arrived_on = models.DateField(_("arrival date"))
    # What the arrival tells integration services (kept here too, so that members whose
    # identities are entered after the arrival are received with the same facts).
    first_residence_date = models.DateField(
        _("first municipality of residence registered on"), null=True, blank=True
    )
    residence_permit_on = models.DateField(_("first residence permit"), null=True, blank=True)
    group = models.CharField(_("group under the Integration Act"), max_length=24, blank=True)
    recorded_by = models.CharField(_("recorded by"), max_length=150)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("arrival")
        verbose_name_plural = _("arrivals")


class SelfArrangedMove(models.Model):
    """A person with a permit who moved to a municipality without a proposal.

    Counted against the municipality's places so that usage and statistics stay right, even
    when that exceeds the agreement (recorded with a warning, never refused: the move happened).
    """

    case = models.OneToOneField(
        PlacementCase, on_delete=models.CASCADE, related_name="self_arranged_move"
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="self_arranged_moves"
    )
    agreement_year = models.ForeignKey(
        AgreementYear,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="self_arranged_moves",
    )
    moved_on = models.DateField(_("moved on"))
    demand = models.JSONField(_("places used"), default=dict)
    exceeded = models.JSONField(_("capacity exceeded in"), default=list, blank=True)
    recorded_by = models.CharField(_("recorded by"), max_length=150)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("self-arranged move")
        verbose_name_plural = _("self-arranged moves")


class MoveNoticeQuerySet(models.QuerySet):
    def for_actor(self, actor) -> MoveNoticeQuerySet:
        from .scope import move_notice_scope_q

        return self.filter(move_notice_scope_q(actor))


class MoveNotice(models.Model):
    """A municipality's report that a member of a waiting case moved there on their own.

    The municipality found the person by what only the mover has (identity code and date of
    birth); it learns nothing else until the regional authority holding the case resolves
    the notice. Confirming it records the `SelfArrangedMove` (counted against the places),
    withdraws a pending proposal to another municipality and opens the persons to the
    receiving municipality; a notice never does any of that by itself.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("awaiting the regional authority")
        CONFIRMED = "confirmed", _("confirmed")
        REJECTED = "rejected", _("rejected")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(PlacementCase, on_delete=models.CASCADE, related_name="move_notices")
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="move_notices"
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="move_notices"
    )
    moved_on = models.DateField(_("moved on"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    reported_by = models.CharField(_("reported by"), max_length=150)
    reported_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    resolved_by = models.CharField(_("resolved by"), max_length=150, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution_note = models.CharField(_("note"), max_length=500, blank=True)

    objects = MoveNoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "municipality"],
                condition=Q(status="open"),
                name="one_open_move_notice_per_case_and_municipality",
            )
        ]
        verbose_name = _("move notice")
        verbose_name_plural = _("move notices")


class OutcomeModelVersion(models.Model):
    """A trained outcome model (employment two years after arrival, `kotopaikka.optimiser.
    outcome`): its training data's description, features, quality on held-out cases and the
    model document itself with its SHA-256, so that a run can say exactly which model scored
    it. A training request is a row too (queued, running, done or failed); only a finished
    one gets a version number, and the newest finished one is the model in force."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    class Source(models.TextChoices):
        SHIPPED = "shipped", _("the synthetic history shipped with Kotopaikka")
        UPLOAD = "upload", _("an uploaded history file")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    version = models.PositiveIntegerField(_("version"), unique=True, null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    source = models.CharField(_("training data"), max_length=8, choices=Source.choices)
    history_file = models.FileField(_("history file"), upload_to="outcome-history/%Y/", blank=True)
    history_name = models.CharField(_("file name"), max_length=200, blank=True)
    requested_by = models.CharField(_("requested by"), max_length=150)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    trained_at = models.DateTimeField(_("trained at"), null=True, blank=True)
    synthetic = models.BooleanField(_("synthetic data"), default=False)
    rows = models.PositiveIntegerField(_("member rows"), default=0)
    cases = models.PositiveIntegerField(_("cases"), default=0)
    first_year = models.PositiveSmallIntegerField(_("first year"), null=True, blank=True)
    last_year = models.PositiveSmallIntegerField(_("last year"), null=True, blank=True)
    features = models.JSONField(_("features"), default=dict, blank=True)
    report = models.JSONField(_("quality report"), default=dict, blank=True)
    document = models.TextField(_("model document"), blank=True)
    sha256 = models.CharField(_("SHA-256 of the model document"), max_length=64, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("outcome model")
        verbose_name_plural = _("outcome models")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="done") | (Q(version__isnull=False) & ~Q(sha256="")),
                name="outcome_model_done_has_version_and_hash",
            )
        ]

    def __str__(self) -> str:
        return f"outcome model v{self.version}" if self.version else "outcome model (training)"


class PlacementPolicy(models.Model):
    """A regional authority's placement policy, one row per version (a change is a new row).

    The policy is lexicographic (docs/placement-policy.md): emergency cases first (if
    `emergency_first`), then persons placed, each weighted by the time the case has waited,
    then the expected outcome, ties and wishes with the weights below, and an optional
    regional-share fairness term. `kotopaikka.placement.policy` turns it into optimiser weights
    so that a case that fits is never left unplaced for a bonus. An authority without a row
    runs on the documented default (`policy.DEFAULT_POLICY`, version 0)."""

    regional_authority = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="placement_policies"
    )
    version = models.PositiveIntegerField(_("version"))
    created_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    created_by = models.CharField(_("changed by"), max_length=150)
    emergency_first = models.BooleanField(_("emergency cases first"), default=True)
    waiting_weight = models.DecimalField(
        _("weight of waiting time (per year waited)"), max_digits=4, decimal_places=2
    )
    waiting_cap_years = models.DecimalField(
        _("waiting time counted at most (years)"), max_digits=3, decimal_places=1
    )
    outcome_weight = models.DecimalField(
        _("weight of expected employment"), max_digits=4, decimal_places=2
    )
    tie_weight = models.DecimalField(_("weight of a tie"), max_digits=4, decimal_places=2)
    wish_weight = models.DecimalField(_("weight of a wish"), max_digits=4, decimal_places=2)
    fairness_weight = models.DecimalField(
        _("weight of the regional share (per person of deviation)"),
        max_digits=4,
        decimal_places=2,
    )
    reason = models.TextField(_("reason for the change"), max_length=2000)

    class Meta:
        ordering = ["regional_authority", "-version"]
        verbose_name = _("placement policy")
        verbose_name_plural = _("placement policies")
        constraints = [
            models.UniqueConstraint(
                fields=["regional_authority", "version"], name="placement_policy_version_unique"
            ),
            models.CheckConstraint(
                condition=Q(waiting_weight__gte=0)
                & Q(waiting_cap_years__gte=0)
                & Q(outcome_weight__gte=0)
                & Q(tie_weight__gte=0)
                & Q(wish_weight__gte=0)
                & Q(fairness_weight__gte=0),
                name="placement_policy_weights_not_negative",
            ),
        ]


class RunQuerySet(models.QuerySet):
    def for_actor(self, actor) -> RunQuerySet:
        from .scope import run_scope_q

        return self.filter(run_scope_q(actor))


class OptimiserRun(models.Model):
    """One optimiser run: its inputs, parameters, objective, bound, proven gap and the proposed
    assignments with their explanations."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    regional_authority = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="optimiser_runs"
    )
    created_by = models.CharField(_("started by"), max_length=150)
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    year = models.PositiveSmallIntegerField(_("year"))
    case_ids = models.JSONField(_("cases"), default=list)
    locked = models.JSONField(_("locked pairs"), default=dict, blank=True)
    excluded = models.JSONField(_("excluded pairs"), default=dict, blank=True)
    parameters = models.JSONField(_("parameters"), default=dict)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    stage = models.CharField(_("stage"), max_length=40, blank=True)
    progress = models.FloatField(_("progress"), default=0.0)
    method = models.CharField(_("method"), max_length=20, blank=True)
    solver_status = models.CharField(_("solver status"), max_length=20, blank=True)
    objective = models.FloatField(_("objective"), null=True, blank=True)
    bound = models.FloatField(_("upper bound"), null=True, blank=True)
    gap = models.FloatField(_("proven gap"), null=True, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("proposals sent"), null=True, blank=True)
    outcome_model = models.ForeignKey(
        OutcomeModelVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="runs",
        verbose_name=_("outcome model"),
    )
    policy = models.ForeignKey(
        PlacementPolicy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="runs",
        verbose_name=_("placement policy"),
        help_text=_("Empty: the run used the default policy (version 0)."),
    )

    objects = RunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("optimiser run")
        verbose_name_plural = _("optimiser runs")
