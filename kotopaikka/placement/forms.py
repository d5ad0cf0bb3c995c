"""Forms of the placement pages. They only parse input; the services validate and decide."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kotopaikka.core.forms import DateInput, ServiceErrorsMixin, split_codes
from kotopaikka.integration.models import IntegrationClient
from kotopaikka.optimiser.model import DIMENSIONS
from kotopaikka.people.forms import PersonForm
from kotopaikka.people.models import HouseholdMember
from kotopaikka.people.services import FamilyMember

from .models import (
    DIMENSION_LABELS,
    CaseMember,
    Need,
    PlacementAgreement,
    PlacementCase,
    Proposal,
)
from .services import CaseData, MemberData

#: yes/no in the three languages of the form
YES_NO = {"yes": True, "kyllä": True, "ja": True, "no": False, "ei": False, "nej": False}


class CaseForm(ServiceErrorsMixin, forms.Form):
    reference = forms.CharField(label=_("Case reference"), max_length=40)
    kind = forms.ChoiceField(label=_("Kind"), choices=PlacementCase.Kind.choices)
    emergency = forms.BooleanField(label=_("Emergency case"), required=False)
    nationality = forms.CharField(
        label=_("Nationality"),
        required=False,
        max_length=3,
        help_text=_("ISO 3166 code, e.g. AFG."),
    )
    needs = forms.MultipleChoiceField(
        label=_("Needs"), choices=Need.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    ties = forms.CharField(
        label=_("Ties to municipalities"),
        required=False,
        help_text=_("Municipality codes, e.g. 091, 837."),
    )
    wishes = forms.CharField(
        label=_("Wished municipalities"), required=False, help_text=_("Municipality codes.")
    )
    available_from = forms.DateField(label=_("Available from"), required=False, widget=DateInput())
    linked_group = forms.CharField(label=_("Linked cases"), required=False, max_length=40)
    members = forms.CharField(
        label=_("Members"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "One member per line: age; sex (female/male/other or empty); years of education; years of work "
            "experience; languages (ISO 639 codes separated by commas); literate (yes/no); unaccompanied minor (yes/no). "
            "Example: 34; female; 12; 5; prs, eng; yes; no"
        ),
    )

    def clean_members(self) -> list[MemberData]:
        members: list[MemberData] = []
        for number, line in enumerate(self.cleaned_data["members"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split(";")] + [""] * 7
            try:
                members.append(
                    MemberData(
                        age=int(parts[0]),
                        sex=parts[1].lower(),
                        education_years=int(parts[2]) if parts[2] else None,
                        work_experience_years=int(parts[3]) if parts[3] else None,
                        languages=split_codes(parts[4]),
                        literate=YES_NO.get(parts[5].lower()),
                        unaccompanied_minor=YES_NO.get(parts[6].lower()) is True,
                    )
                )
            except ValueError:
                raise ValidationError(
                    _("Line %(n)s: age and years must be whole numbers.") % {"n": number}
                ) from None
        return members

    def to_data(self) -> CaseData:
        d = self.cleaned_data
        return CaseData(
            reference=d["reference"],
            kind=d["kind"],
            members=d["members"],
            emergency=d["emergency"],
            nationality=d["nationality"],
            needs=list(d["needs"]),
            ties=split_codes(d["ties"]),
            wishes=split_codes(d["wishes"]),
            available_from=d["available_from"],
            linked_group=d["linked_group"],
        )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File (CSV or JSON)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise ValidationError(_("The file is larger than 5 MB."))
        try:
            return upload.name.lower().endswith(".json"), upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(_("The file is not UTF-8 text.")) from None


class ProposeForm(forms.Form):
    municipality = forms.CharField(label=_("Municipality code"), max_length=3)
    deadline = forms.DateField(label=_("Decision due"), required=False, widget=DateInput())


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept")), ("decline", _("Decline"))],
        widget=forms.RadioSelect,
    )
    reason = forms.ChoiceField(
        label=_("Reason for declining"),
        choices=[("", "–"), *Proposal.DeclineReason.choices],
        required=False,
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class DateForm(forms.Form):
    date = forms.DateField(label=_("Date"), initial=dt.date.today, widget=DateInput())


class ArrivalForm(forms.Form):
    """The arrival, and what integration services need from it from the start."""

    arrived_on = forms.DateField(label=_("Arrival date"), initial=dt.date.today, widget=DateInput())
    first_residence_date = forms.DateField(
        label=_("First municipality of residence registered on"),
        required=False,
        widget=DateInput(),
        help_text=_(
            "As registered in the Population Information System; leave empty until it is. "
            "It starts the state's calculated compensation period."
        ),
    )
    residence_permit_on = forms.DateField(
        label=_("First residence permit"), required=False, widget=DateInput()
    )
    group = forms.ChoiceField(
        label=_("Group under the Integration Act"),
        required=False,
        choices=[("", _("from the kind of case")), *IntegrationClient.Group.choices],
    )


class SelfMoveForm(forms.Form):
    """A person who moved to the municipality on their own, identified by what only they
    have: both must match one person of a case waiting for a municipality."""

    identity_code = forms.CharField(
        label=_("Personal identity code"),
        max_length=11,
        help_text=_("The mover's personal identity code or temporary identity code."),
    )
    date_of_birth = forms.DateField(label=_("Date of birth"), widget=DateInput())
    moved_on = forms.DateField(label=_("Moved on"), initial=dt.date.today, widget=DateInput())


class MoveResolutionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("confirm", _("Confirm the move")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class AgreementForm(ServiceErrorsMixin, forms.Form):
    municipality = forms.CharField(label=_("Municipality code"), max_length=3)
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput())
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=DateInput())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    services = forms.MultipleChoiceField(
        label=_("Services offered"),
        choices=Need.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    accepts_emergency_cases = forms.BooleanField(label=_("Accepts emergency cases"), required=False)
    document = forms.FileField(label=_("Agreement document (PDF)"), required=False)
    wellbeing_county_consulted_on = forms.DateField(
        label=_("Wellbeing services county consulted on"),
        required=False,
        widget=DateInput(),
    )

    @classmethod
    def initial_from(cls, agreement: PlacementAgreement, year: int) -> dict:
        """The form filled with a stored agreement and its places for `year` (revising it)."""
        row = next((y for y in agreement.years.all() if y.year == year), None)
        return {
            "municipality": agreement.municipality.code,
            "valid_from": agreement.valid_from,
            "valid_until": agreement.valid_until,
            "year": year,
            "services": list(agreement.services),
            "accepts_emergency_cases": agreement.accepts_emergency_cases,
            "wellbeing_county_consulted_on": agreement.wellbeing_county_consulted_on,
            **({d: getattr(row, d) for d in DIMENSIONS} if row else {}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for dimension in DIMENSIONS:
            self.fields[dimension] = forms.IntegerField(
                label=DIMENSION_LABELS[dimension], required=dimension == "persons", min_value=0
            )


class MemberIdentityForm(PersonForm):
    """The personal data form of one case member: the person fields and the relation to the
    head of the household (the first member on the page)."""

    relation = forms.ChoiceField(
        label=_("Relation to the head of the household"),
        choices=[
            (code, label)
            for code, label in HouseholdMember.Relation.choices
            if code != HouseholdMember.Relation.HEAD
        ],
        required=False,
    )

    def __init__(self, *args, member: CaseMember, is_head: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.member, self.is_head = member, is_head
        if is_head:
            del self.fields["relation"]

    def to_family_member(self) -> FamilyMember:
        return FamilyMember(
            data=self.to_data(),
            relation=self.cleaned_data.get("relation") or HouseholdMember.Relation.HEAD,
            confirm_possible_duplicate=bool(self.cleaned_data.get("confirm_possible_duplicate")),
        )


def member_identity_forms(members: list[CaseMember], data=None) -> list[MemberIdentityForm]:
    """One form per case member without a person record, the eldest first (the head)."""
    return [
        MemberIdentityForm(data, prefix=f"m{m.pk}", member=m, is_head=index == 0)
        for index, m in enumerate(members)
    ]
