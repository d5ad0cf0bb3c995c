"""The people core: persons, their typed identifiers, names, nationalities, languages and
households.

Nothing here is read or written directly by views: reads go through `selectors` (scope and
read audit) and writes through `services` (one transaction, audit event).
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kotopaikka.core import crypto
from kotopaikka.registry.models import Municipality, Organisation

from . import names
from .identifiers import IdentifierKind

#: The longest name key stored (a key is never longer than the names it is made of).
NAME_KEY_LENGTH = 500


class PersonQuerySet(models.QuerySet):
    def for_actor(self, actor) -> PersonQuerySet:
        """Only the persons `actor` may see (the central policy decides)."""
        from .scope import person_scope_q

        return self.filter(person_scope_q(actor))


class Person(models.Model):
    class Sex(models.TextChoices):
        FEMALE = "female", _("female")
        MALE = "male", _("male")
        OTHER = "other", pgettext_lazy("sex", "other")

    class BirthDatePrecision(models.TextChoices):
        DAY = "day", _("exact date")
        MONTH = "month", _("month and year")
        YEAR = "year", _("year only")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    given_names = models.CharField(_("given names"), max_length=200)
    family_name = models.CharField(_("family name"), max_length=200)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    birth_date_precision = models.CharField(
        _("precision of date of birth"),
        max_length=5,
        choices=BirthDatePrecision.choices,
        default=BirthDatePrecision.DAY,
    )
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices, blank=True)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="persons",
        verbose_name=_("municipality"),
        help_text=_("The municipality whose integration services hold this person's case."),
    )
    regional_authority = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="persons_directed",
        limit_choices_to={"kind": Organisation.Kind.REGIONAL_AUTHORITY},
        verbose_name=_("regional authority"),
        help_text=_(
            "The regional authority that holds the case while it waits for a municipality."
        ),
    )
    reception_centre = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="residents",
        limit_choices_to={"kind": Organisation.Kind.RECEPTION_CENTRE},
        verbose_name=_("reception centre"),
    )
    is_synthetic = models.BooleanField(
        _("synthetic"), default=False, help_text=_("Made-up demo data, not a real person.")
    )
    name_key = models.CharField(
        _("name key"),
        max_length=NAME_KEY_LENGTH,
        blank=True,
        editable=False,
        help_text=_("The name normalised for tolerant search (people.names)."),
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        editable=False,
        related_name="merged_records",
        verbose_name=_("merged into"),
        help_text=_(
            "Set when this record was merged into another (it is kept so that the audit "
            "events naming it still resolve; nobody sees it in lists or searches)."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_names"]
        indexes = [models.Index(fields=["family_name", "date_of_birth"])]
        verbose_name = _("person")
        verbose_name_plural = _("persons")

    def __str__(self) -> str:
        return f"{self.family_name}, {self.given_names}"

    def save(self, *args, **kwargs):
        """Keep the name key in step with the names, whoever saves (the services, the demo)."""
        self.name_key = names.normalise(f"{self.given_names} {self.family_name}")[:NAME_KEY_LENGTH]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"given_names", "family_name"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "name_key"}
        super().save(*args, **kwargs)

    @property
    def pseudonym(self) -> str:
        """A stable pseudonym for statistics: keyed hash of the id, not reversible without the key."""
        from django.conf import settings

        return "P-" + crypto.keyed_hash("person", str(self.id), settings.PSEUDONYM_KEY)[:12].upper()


class PersonName(models.Model):
    """Another form of the person's name, e.g. in Arabic script or an earlier spelling."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="other_names")
    value = models.CharField(_("name"), max_length=300)
    script = models.CharField(
        _("script"), max_length=4, blank=True, help_text=_("ISO 15924 code, e.g. Arab, Cyrl.")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    value_key = models.CharField(
        _("name key"), max_length=NAME_KEY_LENGTH, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("other name")
        verbose_name_plural = _("other names")

    @staticmethod
    def key_for(value: str) -> str:
        return names.normalise(value)[:NAME_KEY_LENGTH]

    def save(self, *args, **kwargs):
        self.value_key = self.key_for(self.value)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "value" in update_fields:
            kwargs["update_fields"] = {*update_fields, "value_key"}
        super().save(*args, **kwargs)


class PersonIdentifier(models.Model):
    """A typed identifier, encrypted at rest and findable by keyed hash."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(_("type"), max_length=8, choices=IdentifierKind.choices)
    value_encrypted = models.TextField(_("encrypted value"))
    lookup_hash = models.CharField(_("lookup hash"), max_length=64)
    is_temporary = models.BooleanField(_("temporary code"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "lookup_hash"], name="unique_identifier"),
            models.UniqueConstraint(fields=["person", "kind"], name="one_identifier_per_kind"),
        ]
        verbose_name = _("identifier")
        verbose_name_plural = _("identifiers")

    @staticmethod
    def hash_for(kind: str, normalised_value: str) -> str:
        return crypto.keyed_hash(f"identifier:{kind}", normalised_value)

    @property
    def value(self) -> str:
        return crypto.decrypt(self.value_encrypted)

    def __str__(self) -> str:
        return self.get_kind_display()


class PersonNationality(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="nationalities")
    country = models.CharField(
        _("country"),
        max_length=3,
        help_text=_("ISO 3166-1 alpha-3 code; XXA stateless, XXX unknown (ICAO 9303)."),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "country"], name="unique_nationality")
        ]
        verbose_name = _("nationality")
        verbose_name_plural = _("nationalities")


class PersonLanguage(models.Model):
    class Level(models.TextChoices):
        MOTHER_TONGUE = "native", _("mother tongue")
        FLUENT = "fluent", _("fluent")
        GOOD = "good", _("good")
        BASIC = "basic", _("basic")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="languages")
    language = models.CharField(_("language"), max_length=3, help_text=_("ISO 639-3 code."))
    level = models.CharField(_("level"), max_length=6, choices=Level.choices, default=Level.GOOD)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "language"], name="unique_person_language")
        ]
        verbose_name = _("language")
        verbose_name_plural = _("languages")


class Household(models.Model):
    """A family or other household that moves and is placed together."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")


class HouseholdMember(models.Model):
    class Relation(models.TextChoices):
        HEAD = "head", _("head of household")
        SPOUSE = "spouse", _("spouse or partner")
        CHILD = "child", _("child")
        PARENT = "parent", _("parent")
        SIBLING = "sibling", _("sibling")
        GRANDCHILD = "grandchild", _("grandchild")
        OTHER_RELATIVE = "relative", _("other relative")
        OTHER = "other", pgettext_lazy("relation", "other")

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    person = models.OneToOneField(
        Person, on_delete=models.CASCADE, related_name="household_membership"
    )
    relation = models.CharField(_("relation"), max_length=10, choices=Relation.choices)

    class Meta:
        verbose_name = _("household member")
        verbose_name_plural = _("household members")


class PersonEvent(models.Model):
    """The person's timeline: what happened in their case, in words a case worker reads.

    Separate from the audit log, which is technical and includes every read.
    """

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("registered in Kotopaikka")
        UPDATED = "updated", _("details changed")
        HOUSEHOLD_JOINED = "household_joined", _("joined a household")
        HOUSEHOLD_LEFT = "household_left", _("left a household")
        MUNICIPALITY_CHANGED = "municipality_changed", _("case moved to a municipality")
        MERGED = "merged", _("a duplicate record merged into this one")
        MERGED_INTO = "merged_into", _("merged into another record")
        UNMERGED = "unmerged", _("merge of duplicate records undone")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=32, choices=Kind.choices)
    occurred_at = models.DateTimeField(_("time"), auto_now_add=True)
    actor_username = models.CharField(_("by"), max_length=150, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("organisation"),
    )
    fields = models.JSONField(_("fields"), default=list, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")


class PersonMerge(models.Model):
    """One merge of a duplicate record (`merged`) into the record kept (`survivor`), with the
    record of everything that moved (`moves`), so that a system administrator can undo it
    (`people.merging.person_unmerge`). The merged record is kept as a tombstone
    (`Person.merged_into`), never deleted: audit events naming it still resolve.

    `moves` holds ids only, never names or values: per kind of row the ids that moved to the
    survivor, the other name made from the merged record's name, the household membership,
    and what each other app's merge handler moved (`people.merging.register_merge_handler`).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survivor = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="merges_kept", verbose_name=_("kept")
    )
    merged = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="merges_absorbed", verbose_name=_("merged")
    )
    merged_at = models.DateTimeField(_("merged at"), auto_now_add=True)
    merged_by = models.CharField(_("merged by"), max_length=150)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    moves = models.JSONField(_("what moved"), default=dict)
    unmerged_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    unmerged_by = models.CharField(_("undone by"), max_length=150, blank=True)

    class Meta:
        ordering = ["-merged_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["merged"],
                condition=models.Q(unmerged_at__isnull=True),
                name="one_standing_merge_per_record",
            )
        ]
        verbose_name = _("merge of duplicate records")
        verbose_name_plural = _("merges of duplicate records")

    def __str__(self) -> str:
        return f"{self.merged_id} -> {self.survivor_id}"

    @property
    def is_undone(self) -> bool:
        return self.unmerged_at is not None
