"""Integration services: the client record of a municipality's integration services
(kotoutuja-asiakas), with the dates that drive the deadlines and the state's compensation, its
timeline, and health information kept apart for the roles that need it."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kotopaikka.people.models import Person
from kotopaikka.registry.models import Municipality


class ClientQuerySet(models.QuerySet):
    def for_actor(self, actor) -> ClientQuerySet:
        from .scope import client_scope_q

        return self.filter(client_scope_q(actor))


class IntegrationClient(models.Model):
    """A person served by a municipality's integration services."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("received")
        ASSESSMENT = "assessment", _("in assessment")
        PLAN_ACTIVE = "plan_active", _("integration plan active")
        PLAN_ENDED = "plan_ended", _("integration plan ended")
        MOVED_AWAY = "moved_away", _("moved away")
        CLOSED = "closed", _("closed")

    class Group(models.TextChoices):
        """The person's group under the Integration Act (it decides the compensation period
        and which services the municipality must offer)."""

        QUOTA_REFUGEE = "quota_refugee", _("quota refugee")
        INTERNATIONAL_PROTECTION = "international_protection", _("international protection")
        TEMPORARY_PROTECTION = "temporary_protection", _("temporary protection")
        FAMILY_MEMBER = "family_member", _("family member of these")
        OTHER = "other", _("other")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.OneToOneField(
        Person, on_delete=models.CASCADE, related_name="integration_client"
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="integration_clients",
        verbose_name=_("municipality"),
    )
    group = models.CharField(
        _("group under the Integration Act"),
        max_length=24,
        choices=Group.choices,
        default=Group.OTHER,
    )
    client_since = models.DateField(_("client since"))
    arrived_on = models.DateField(_("arrival in the municipality"), null=True, blank=True)
    first_residence_date = models.DateField(
        _("first municipality of residence registered on"),
        null=True,
        blank=True,
        help_text=_(
            "The day the first municipality of residence was registered in the Population "
            "Information System; starts the state's calculated compensation period."
        ),
    )
    residence_permit_on = models.DateField(_("first residence permit"), null=True, blank=True)
    trafficking_victim = models.BooleanField(
        _("victim of trafficking in human beings"),
        default=False,
        help_text=_("Exempt from the time limits of the assessment and the plan (681/2023)."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED
    )
    ended_on = models.DateField(
        _("client relationship ended on"),
        null=True,
        blank=True,
        help_text=_(
            "Set when the status becomes closed or moved away; starts the retention period."
        ),
    )
    responsible_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="integration_clients",
        verbose_name=_("responsible worker"),
    )
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    interpreter_needed = models.BooleanField(_("needs an interpreter"), default=False)
    interpreter_language = models.CharField(
        _("interpreting language"), max_length=3, blank=True, help_text=_("ISO 639 code")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = ["person__family_name", "person__given_names"]
        verbose_name = _("integration client")
        verbose_name_plural = _("integration clients")

    def __str__(self) -> str:
        return str(self.person)


class ClientEvent(models.Model):
    """The client's timeline: what happened, in words a case worker reads (the audit log,
    which also holds every read, is separate)."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("became a client")
        UPDATED = "updated", _("client details changed")
        STATUS = "status", _("status changed")
        HEALTH = "health", _("health information changed")
        ASSESSMENT = "assessment", _("assessment recorded")
        PLAN = "plan", _("integration plan version made")
        REVIEW = "review", _("integration plan reviewed")
        ORIENTATION = "orientation", _("civic orientation recorded")
        GUIDANCE = "guidance", _("guidance contact")
        TRANSFER = "transfer", _("move to another municipality")
        MINOR_SUPPORT = "minor", _("support of an unaccompanied minor changed")

    client = models.ForeignKey(IntegrationClient, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=12, choices=Kind.choices)
    occurred_at = models.DateTimeField(_("time"), auto_now_add=True)
    actor_username = models.CharField(_("by"), max_length=150, blank=True)
    organisation_code = models.CharField(_("organisation"), max_length=40, blank=True)
    fields = models.JSONField(_("fields"), default=list, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("client event")
        verbose_name_plural = _("client events")


class ClientHealth(models.Model):
    """Health and functional-capacity information: special-category data, shown and changed
    only by roles with `Op.CLIENT_HEALTH` (a separate view level from the client record)."""

    client = models.OneToOneField(
        IntegrationClient, on_delete=models.CASCADE, related_name="health"
    )
    functional_capacity = models.TextField(_("functional capacity"), blank=True)
    health_notes = models.TextField(_("health information relevant to services"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.CharField(_("updated by"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("health information")
        verbose_name_plural = _("health information")


class Cefr(models.TextChoices):
    """A language skill on the Common European Framework's scale (as the assessment records
    Finnish and Swedish)."""

    NONE = "0", _("no skills yet")
    A1 = "A1", "A1"
    A2 = "A2", "A2"
    B1 = "B1", "B1"
    B2 = "B2", "B2"
    C1 = "C1", "C1"
    C2 = "C2", "C2"


class Assessment(models.Model):
    """The assessment of skills and integration service needs (osaamisen ja kotoutumisen
    palvelutarpeen arviointi, 681/2023): the initial interview, always held by a public
    official, with the content the Act lists; or its multi-professional version."""

    class Kind(models.TextChoices):
        INITIAL = "initial", _("initial interview")
        MULTI_PROFESSIONAL = "multi", _("multi-professional assessment")

    class Literacy(models.TextChoices):
        NONE = "none", _("cannot read or write yet")
        OTHER_SCRIPT = "other_script", _("reads and writes, but not the Latin alphabet")
        BASIC = "basic", _("basic literacy")
        FUNCTIONAL = "functional", _("functional literacy")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        related_name="assessments_made",
        verbose_name=_("made by the municipality"),
    )
    client = models.ForeignKey(
        IntegrationClient, on_delete=models.CASCADE, related_name="assessments"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.INITIAL)
    held_on = models.DateField(_("held on"))
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="assessments_held",
        verbose_name=_("held by (official)"),
    )
    participants = models.TextField(_("other participants"), blank=True)
    language = models.CharField(_("language of the assessment"), max_length=3)
    interpreter_used = models.BooleanField(_("an interpreter took part"), default=False)
    literacy = models.CharField(_("literacy"), max_length=12, choices=Literacy.choices)
    finnish_level = models.CharField(_("Finnish"), max_length=2, choices=Cefr.choices)
    swedish_level = models.CharField(_("Swedish"), max_length=2, choices=Cefr.choices)
    learning_skills = models.TextField(_("learning skills"), blank=True)
    working_life_skills = models.TextField(_("working-life skills"), blank=True)
    employment_needs = models.TextField(_("employment needs"), blank=True)
    education_needs = models.TextField(_("education needs"), blank=True)
    earlier_education = models.TextField(_("earlier education"), blank=True)
    work_experience = models.TextField(_("work experience"), blank=True)
    strengths = models.TextField(_("strengths"), blank=True)
    life_situation = models.TextField(_("life situation"), blank=True)
    other_service_needs = models.TextField(_("other service needs"), blank=True)
    plan_needed = models.BooleanField(_("an integration plan is needed"))
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")


class ServiceKind(models.TextChoices):
    """The services of the municipal integration programme (681/2023 §13)."""

    CIVIC_ORIENTATION = "civic_orientation", _("multilingual civic orientation")
    INTEGRATION_TRAINING = "integration_training", _("integration training")
    LITERACY = "literacy", _("literacy training")
    LANGUAGE_COURSE = "language_course", _("language course")
    GUIDANCE = "guidance", _("guidance and advice")
    EMPLOYMENT = "employment", _("employment services")
    OTHER = "other", _("other service")


class IntegrationPlan(models.Model):
    """One version of a client's integration plan. A change makes a new version (the older
    ones stay, with what changed), so the plan the client agreed to can always be shown."""

    class AgreedHow(models.TextChoices):
        SIGNED = "signed", _("signed in person")
        ELECTRONIC = "electronic", _("agreed electronically")
        ORALLY = "orally", _("agreed orally, recorded by the official")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        related_name="plans_made",
        verbose_name=_("made by the municipality"),
    )
    client = models.ForeignKey(IntegrationClient, on_delete=models.CASCADE, related_name="plans")
    version = models.PositiveIntegerField(_("version"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    goals = models.TextField(_("goals"))
    responsible_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="plans_responsible",
        verbose_name=_("responsible worker"),
    )
    agreed_on = models.DateField(_("agreed with the client on"), null=True, blank=True)
    agreed_how = models.CharField(
        _("how the client agreed"), max_length=10, choices=AgreedHow.choices, blank=True
    )
    agreement_interpreter = models.BooleanField(
        _("an interpreter took part in the agreement"), default=False
    )
    length_reason = models.TextField(_("reason for the longer duration"), blank=True)
    change_summary = models.TextField(_("what changed"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.CharField(_("created by"), max_length=150, blank=True)

    class Meta:
        ordering = ["client", "-version"]
        verbose_name = _("integration plan")
        verbose_name_plural = _("integration plans")
        constraints = [
            models.UniqueConstraint(fields=["client", "version"], name="one_plan_per_version"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="plan_ends_after_it_starts",
            ),
        ]


class PlanMeasure(models.Model):
    """A planned measure of a plan version: the service, its provider, hours and dates, and
    the day the client enrolled (the Act's six-month enrolment instruction)."""

    plan = models.ForeignKey(IntegrationPlan, on_delete=models.CASCADE, related_name="measures")
    service = models.CharField(_("service"), max_length=24, choices=ServiceKind.choices)
    description = models.CharField(_("description"), max_length=300, blank=True)
    provider = models.CharField(_("provider"), max_length=200)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1, null=True, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    enrolled_on = models.DateField(_("client enrolled on"), null=True, blank=True)
    final_test_level = models.CharField(
        _("final language test"),
        max_length=2,
        choices=Cefr.choices,
        blank=True,
        help_text=_("The level reached in the final test of integration training."),
    )

    class Meta:
        ordering = ["starts_on", "id"]
        verbose_name = _("planned measure")
        verbose_name_plural = _("planned measures")


class PlanReview(models.Model):
    """A review of the plan (at least every six months under 681/2023)."""

    client = models.ForeignKey(
        IntegrationClient, on_delete=models.CASCADE, related_name="plan_reviews"
    )
    plan = models.ForeignKey(IntegrationPlan, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField(_("reviewed on"))
    note = models.TextField(_("note"), blank=True)
    reviewed_by = models.CharField(_("reviewed by"), max_length=150, blank=True)

    class Meta:
        ordering = ["-reviewed_on", "-id"]
        verbose_name = _("plan review")
        verbose_name_plural = _("plan reviews")


class OrientationTopic(models.TextChoices):
    """The nine mandatory topics of multilingual civic orientation (VNA 576/2024 §1)."""

    VALUES = "values", _("Finnish values, norms and key legislation")
    RIGHTS = "rights", _("fundamental and human rights, and equality")
    GENDER = "gender", _("gender equality and sexual rights")
    INTEGRATION = "integration", _("the goals of integration and integration services")
    WORK = "work", _("employment, entrepreneurship and the labour market")
    STUDIES = "studies", _("studies")
    PARTICIPATION = "participation", _("organisations, volunteering and participation")
    EVERYDAY = "everyday", _("household economy and everyday life")
    HISTORY = "history", _("Finnish history and culture")


class GroupQuerySet(models.QuerySet):
    def for_actor(self, actor) -> GroupQuerySet:
        from .scope import group_scope_q

        return self.filter(group_scope_q(actor))


class OrientationGroup(models.Model):
    """A course group of multilingual civic orientation, taught in one language."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="orientation_groups"
    )
    name = models.CharField(_("name"), max_length=120)
    language = models.CharField(_("language of teaching"), max_length=3)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    capacity = models.PositiveSmallIntegerField(_("places"), null=True, blank=True)
    participants = models.ManyToManyField(
        IntegrationClient, related_name="orientation_groups", blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = GroupQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("civic orientation group")
        verbose_name_plural = _("civic orientation groups")


class OrientationSession(models.Model):
    """One teaching session of a group, with its hours and the topics it covered."""

    group = models.ForeignKey(OrientationGroup, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(_("held on"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    topics = models.JSONField(_("topics"), default=list)

    class Meta:
        ordering = ["held_on", "id"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")


class Attendance(models.Model):
    """Hours a client attended one session (at most the session's hours)."""

    session = models.ForeignKey(
        OrientationSession, on_delete=models.CASCADE, related_name="attendances"
    )
    client = models.ForeignKey(
        IntegrationClient, on_delete=models.CASCADE, related_name="attendances"
    )
    hours = models.DecimalField(_("hours attended"), max_digits=4, decimal_places=1)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(fields=["session", "client"], name="one_attendance_per_session")
        ]


class SelfStudy(models.Model):
    """Independent study counted towards the 70 hours where the decree allows it (e.g. the
    client's language is rare): material, hours and topics, with the reason."""

    client = models.ForeignKey(
        IntegrationClient, on_delete=models.CASCADE, related_name="self_study"
    )
    studied_until = models.DateField(_("studied until"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    topics = models.JSONField(_("topics"), default=list)
    material = models.CharField(_("material"), max_length=300)
    reason = models.CharField(_("why independent study"), max_length=300)
    recorded_by = models.CharField(_("recorded by"), max_length=150, blank=True)

    class Meta:
        ordering = ["-studied_until", "-id"]
        verbose_name = _("independent study")
        verbose_name_plural = _("independent study")


class OrientationWaiting(models.Model):
    """A client waiting for a civic orientation group in a language: the waiting list shows
    which languages need a group."""

    client = models.OneToOneField(
        IntegrationClient, on_delete=models.CASCADE, related_name="orientation_waiting"
    )
    language = models.CharField(_("language"), max_length=3)
    since = models.DateField(_("waiting since"))

    class Meta:
        ordering = ["language", "since"]
        verbose_name = _("waiting for civic orientation")
        verbose_name_plural = _("waiting for civic orientation")


class ContactChannel(models.TextChoices):
    IN_PERSON = "in_person", _("in person")
    PHONE = "phone", _("telephone")
    VIDEO = "video", _("video call")
    MESSAGE = "message", _("message or e-mail")
    OUTREACH = "outreach", _("outreach or event")


class ContactTopic(models.TextChoices):
    HOUSING = "housing", _("housing")
    EMPLOYMENT = "employment", _("work and employment")
    EDUCATION = "education", _("education and language studies")
    HEALTH = "health", _("health and social services")
    BENEFITS = "benefits", _("benefits and money")
    FAMILY = "family", _("family and children")
    RESIDENCE = "residence", _("residence permit and registration")
    DAILY_LIFE = "daily_life", _("everyday matters")
    OTHER = "other", _("other")


class GuidanceContact(models.Model):
    """A guidance and advice contact with a client (681/2023 §13: the programme's sixth
    service): when, how, about what, with an interpreter or not, how long."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        related_name="guidance_given",
        verbose_name=_("made by the municipality"),
    )
    client = models.ForeignKey(
        IntegrationClient, on_delete=models.CASCADE, related_name="guidance_contacts"
    )
    contacted_on = models.DateField(_("date"))
    channel = models.CharField(_("channel"), max_length=10, choices=ContactChannel.choices)
    topic = models.CharField(_("topic"), max_length=12, choices=ContactTopic.choices)
    interpreter_used = models.BooleanField(_("an interpreter took part"), default=False)
    minutes = models.PositiveSmallIntegerField(_("minutes"))
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.CharField(_("recorded by"), max_length=150, blank=True)

    class Meta:
        ordering = ["-contacted_on", "-id"]
        verbose_name = _("guidance contact")
        verbose_name_plural = _("guidance contacts")


class AnonymousContact(models.Model):
    """Guidance given without identifying the person (a walk-in question, an info event): only
    counts, for the municipality's statistics; no personal data."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="anonymous_contacts"
    )
    contacted_on = models.DateField(_("date"))
    channel = models.CharField(_("channel"), max_length=10, choices=ContactChannel.choices)
    topic = models.CharField(_("topic"), max_length=12, choices=ContactTopic.choices)
    language = models.CharField(_("language"), max_length=3, blank=True)
    count = models.PositiveSmallIntegerField(_("number of contacts"), default=1)
    recorded_by = models.CharField(_("recorded by"), max_length=150, blank=True)

    class Meta:
        ordering = ["-contacted_on", "-id"]
        verbose_name = _("anonymous contact")
        verbose_name_plural = _("anonymous contacts")


class MinorSupport(models.Model):
    """An unaccompanied minor's (or young adult's) support: the representative, the housing,
    and the age at which the support ends (a dated rule: 21, 25 from 15.7.2020, 23 from
    1.7.2024), from which the end date is computed."""

    class Housing(models.TextChoices):
        FAMILY_GROUP_HOME = "group_home", _("family group home")
        SUPPORTED_HOUSING = "supported", _("supported housing")
        FAMILY_PLACEMENT = "family", _("family placement")
        AFTERCARE = "aftercare", _("aftercare")
        OWN_HOME = "own_home", _("own home")

    client = models.OneToOneField(
        IntegrationClient, on_delete=models.CASCADE, related_name="minor_support"
    )
    representative = models.CharField(_("representative"), max_length=200, blank=True)
    representative_contact = models.CharField(
        _("representative's contact details"), max_length=200, blank=True
    )
    housing = models.CharField(_("housing"), max_length=12, choices=Housing.choices)
    housing_since = models.DateField(_("housing since"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("support of an unaccompanied minor")
        verbose_name_plural = _("support of unaccompanied minors")


class ClientTransfer(models.Model):
    """A client's move to another municipality, on request: the old municipality asks, the new
    one accepts (the record is then the new one's; the old keeps read access to its own
    entries only) or declines."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for the new municipality")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(
        IntegrationClient, on_delete=models.CASCADE, related_name="transfers"
    )
    from_municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="transfers_out"
    )
    to_municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="transfers_in"
    )
    moves_on = models.DateField(_("moves on"))
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    requested_by = models.CharField(_("requested by"), max_length=150)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.CharField(_("decided by"), max_length=150, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("transfer to another municipality")
        verbose_name_plural = _("transfers to another municipality")
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=models.Q(status="pending"),
                name="one_pending_transfer_per_client",
            )
        ]
