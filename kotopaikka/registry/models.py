"""Reference data: regions, regional authorities, wellbeing services counties, municipalities
and the organisations that use Kotopaikka.

All of it is public (Statistics Finland, CC BY 4.0) and loaded by `manage.py load_registry`.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kotopaikka.core.i18n import TrilingualName


class Region(TrilingualName):
    """Maakunta / landskap: one of the 19 regions."""

    code = models.CharField(_("code"), max_length=2, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")


class WellbeingCounty(TrilingualName):
    """Hyvinvointialue: 21 counties, plus the City of Helsinki (90) and Åland (91)."""

    code = models.CharField(_("code"), max_length=2, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("wellbeing services county")
        verbose_name_plural = _("wellbeing services counties")


class RegionalAuthority(TrilingualName):
    """A regional state authority that agrees places and directs refugees.

    ELY centres served until 31.12.2025; the ten elinvoimakeskus took over on 1.1.2026. Both
    are kept, with their validity, so that history stays readable.
    """

    class Kind(models.TextChoices):
        ELY = "ely", _("ELY centre")
        EVK = "evk", _("elinvoimakeskus")

    kind = models.CharField(_("kind"), max_length=3, choices=Kind.choices)
    code = models.CharField(_("code"), max_length=2)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        ordering = ["kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "code"], name="unique_authority_kind_code")
        ]
        verbose_name = _("regional authority")
        verbose_name_plural = _("regional authorities")

    def is_valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )

    @classmethod
    def valid_on_q(cls, day: dt.date, prefix: str = "") -> Q:
        """A filter for authorities valid on `day` (optionally through a relation prefix)."""
        return (
            Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": day})
        ) & (Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gte": day}))


class Municipality(TrilingualName):
    """A municipality of the 2025 division (308), with the figures placement needs."""

    class LanguageStatus(models.TextChoices):
        FINNISH = "fi", _("Finnish-speaking")
        SWEDISH = "sv", _("Swedish-speaking")
        BILINGUAL_FI = "fi-sv", _("bilingual, Finnish majority")
        BILINGUAL_SV = "sv-fi", _("bilingual, Swedish majority")

    code = models.CharField(_("code"), max_length=3, unique=True)
    language_status = models.CharField(
        _("language status"), max_length=5, choices=LanguageStatus.choices
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("region")
    )
    wellbeing_county = models.ForeignKey(
        WellbeingCounty,
        on_delete=models.PROTECT,
        related_name="municipalities",
        verbose_name=_("wellbeing services county"),
    )
    regional_authorities = models.ManyToManyField(
        RegionalAuthority,
        related_name="municipalities",
        verbose_name=_("regional authorities"),
        help_text=_("Each authority's own validity dates say when it served the municipality."),
    )
    population = models.PositiveIntegerField(_("population"))
    population_date = models.DateField(_("population date"))
    unemployment_share = models.DecimalField(
        _("unemployment share (%)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("Unemployed jobseekers as a share of the labour force, mean of 2024 (TEM)."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    @property
    def correspondence_language(self) -> str:
        """Swedish for Swedish-speaking and Swedish-majority municipalities, else the site's
        default (Finnish): the language of e-mails sent to its staff."""
        from django.conf import settings

        return "sv" if self.language_status in ("sv", "sv-fi") else settings.LANGUAGE_CODE

    def regional_authority_on(self, day: dt.date) -> RegionalAuthority | None:
        """The regional authority that served this municipality on `day`."""
        for authority in self.regional_authorities.all():
            if authority.is_valid_on(day):
                return authority
        return None

    @property
    def is_aland(self) -> bool:
        return self.wellbeing_county.code == "91"


class Organisation(TrilingualName):
    """An organisation whose staff use Kotopaikka, or that Kotopaikka's records point to."""

    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("ministry")
        REGIONAL_AUTHORITY = "regional_authority", _("regional authority")
        KEHA = "keha", _("KEHA Centre")
        MUNICIPALITY = "municipality", _("municipality")
        WELLBEING_COUNTY = "wellbeing_county", _("wellbeing services county")
        RECEPTION_CENTRE = "reception_centre", _("reception centre")
        IMMIGRATION_SERVICE = "immigration_service", _("Finnish Immigration Service")

    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    code = models.CharField(
        _("code"), max_length=40, unique=True, help_text=_("Stable key, e.g. municipality-091.")
    )
    municipality = models.OneToOneField(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisation",
        verbose_name=_("municipality"),
    )
    regional_authority = models.OneToOneField(
        RegionalAuthority,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisation",
        verbose_name=_("regional authority"),
    )
    wellbeing_county = models.OneToOneField(
        WellbeingCounty,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisation",
        verbose_name=_("wellbeing services county"),
    )
    located_in = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="located_organisations",
        verbose_name=_("located in"),
        help_text=_("For reception centres: the municipality where the centre is."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="municipality") | Q(municipality__isnull=False),
                name="municipality_org_has_municipality",
            ),
            models.CheckConstraint(
                condition=~Q(kind="regional_authority") | Q(regional_authority__isnull=False),
                name="authority_org_has_authority",
            ),
        ]

    def municipalities_in_area(self) -> models.QuerySet[Municipality]:
        """Municipalities this regional-authority organisation serves or served."""
        if self.regional_authority_id is None:
            return Municipality.objects.none()
        return Municipality.objects.filter(regional_authorities=self.regional_authority_id)
