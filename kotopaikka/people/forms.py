"""The person form: turns form input into `PersonData` and maps service errors back to fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kotopaikka.core.forms import DateInput, ServiceErrorsMixin, split_codes

from .identifiers import IdentifierKind
from .models import HouseholdMember, Person, PersonLanguage
from .services import PersonData

IDENTIFIER_FIELDS = {
    IdentifierKind.HETU: "identifier_hetu",
    IdentifierKind.MIGRI_CUSTOMER: "identifier_migri",
    IdentifierKind.UNHCR: "identifier_unhcr",
}


class PersonForm(ServiceErrorsMixin, forms.Form):
    given_names = forms.CharField(label=_("Given names"), max_length=200)
    family_name = forms.CharField(label=_("Family name"), max_length=200)
    other_names = forms.CharField(
        label=_("Other forms of the name"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "One per line, optionally followed by | and the ISO 15924 script, e.g. محمد | Arab."
        ),
    )
    date_of_birth = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput())
    birth_date_precision = forms.ChoiceField(
        label=_("Precision of date of birth"),
        choices=Person.BirthDatePrecision.choices,
        initial=Person.BirthDatePrecision.DAY,
        help_text=_(
            "If only the year is known, enter 1 January of that year and choose 'year only'."
        ),
    )
    sex = forms.ChoiceField(
        label=_("Sex"), required=False, choices=[("", _("not recorded")), *Person.Sex.choices]
    )
    identifier_hetu = forms.CharField(
        label=_("Personal identity code"),
        required=False,
        max_length=11,
        help_text=_("For example 010594Y9032."),
    )
    identifier_migri = forms.CharField(
        label=_("Finnish Immigration Service customer number"), required=False, max_length=12
    )
    identifier_unhcr = forms.CharField(label=_("UNHCR number"), required=False, max_length=20)
    nationalities = forms.CharField(
        label=_("Nationalities"),
        required=False,
        help_text=_("ISO 3166 codes separated by commas, e.g. AFG, SYR. XXA = stateless."),
    )
    mother_tongues = forms.CharField(
        label=_("Mother tongues"),
        required=False,
        help_text=_("ISO 639 codes separated by commas, e.g. prs, ara."),
    )
    other_languages = forms.CharField(
        label=_("Other languages"), required=False, help_text=_("ISO 639 codes, e.g. eng, fin.")
    )
    confirm_possible_duplicate = forms.BooleanField(
        label=_("I have checked the possible duplicates: this is a different person."),
        required=False,
    )

    def to_data(self) -> PersonData:
        d = self.cleaned_data
        languages = [
            (code, PersonLanguage.Level.MOTHER_TONGUE) for code in split_codes(d["mother_tongues"])
        ]
        languages += [
            (code, PersonLanguage.Level.GOOD) for code in split_codes(d["other_languages"])
        ]
        other_names = []
        for line in d["other_names"].splitlines():
            value, _sep, script = line.partition("|")
            if value.strip():
                other_names.append((value.strip(), script.strip()))
        return PersonData(
            given_names=d["given_names"],
            family_name=d["family_name"],
            date_of_birth=d["date_of_birth"],
            birth_date_precision=d["birth_date_precision"],
            sex=d["sex"],
            identifiers=[(kind, d[name]) for kind, name in IDENTIFIER_FIELDS.items() if d[name]],
            nationalities=split_codes(d["nationalities"]),
            languages=languages,
            other_names=other_names,
        )

    @classmethod
    def initial_from(cls, data: PersonData) -> dict:
        ids = dict(data.identifiers)
        return {
            "given_names": data.given_names,
            "family_name": data.family_name,
            "other_names": "\n".join(f"{v} | {s}" if s else v for v, s in data.other_names),
            "date_of_birth": data.date_of_birth,
            "birth_date_precision": data.birth_date_precision,
            "sex": data.sex,
            **{name: ids.get(kind, "") for kind, name in IDENTIFIER_FIELDS.items()},
            "nationalities": ", ".join(data.nationalities),
            "mother_tongues": ", ".join(
                c for c, lvl in data.languages if lvl == PersonLanguage.Level.MOTHER_TONGUE
            ),
            "other_languages": ", ".join(
                c for c, lvl in data.languages if lvl != PersonLanguage.Level.MOTHER_TONGUE
            ),
        }

    def service_error_field(self, key: str) -> str | None:
        """The service names identifiers by kind (`identifiers.hetu`) and languages as one."""
        if key.startswith("identifiers."):
            return IDENTIFIER_FIELDS.get(key.split(".", 1)[1])
        return "mother_tongues" if key == "languages" else key


class HouseholdLinkForm(forms.Form):
    relative = forms.UUIDField(label=_("Family member"))
    relation = forms.ChoiceField(label=_("Relation"), choices=HouseholdMember.Relation.choices)


class PersonSearchForm(forms.Form):
    """The person list's search: words of a name, an identifier or a date, and a date of
    birth of its own (the page's date picker)."""

    q = forms.CharField(label=_("Search by name, identifier or date of birth"), required=False)
    dob = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput())

    def __init__(self, data=None, **kwargs):
        if data is not None:
            data = data.copy()
            data["q"] = data.get("q", "")[:100]
        super().__init__(data, **kwargs)

    def criteria(self) -> dict:
        """The selector's search arguments; a date of birth that is not one is left out (its
        error shows beside the field)."""
        q = self.data.get("q", "") if self.is_bound else ""
        dob = self.cleaned_data.get("dob") if self.is_valid() else None
        return {"search": q, "date_of_birth": dob}


class MergeForm(forms.Form):
    duplicate = forms.UUIDField(label=_("The record to merge into this one"))
