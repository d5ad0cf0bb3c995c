"""Forms of the client pages. They only parse input; the services validate and decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kotopaikka.access.models import User
from kotopaikka.core.forms import DateInput, ServiceErrorsMixin

from .assessments import AssessmentData
from .models import (
    Assessment,
    Cefr,
    ContactChannel,
    ContactTopic,
    IntegrationClient,
    IntegrationPlan,
    MinorSupport,
    OrientationTopic,
    ServiceKind,
)
from .plans import MeasureData, PlanData
from .scope import MUNICIPAL_ROLES
from .services import ClientData


class ClientForm(ServiceErrorsMixin, forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=IntegrationClient.Status.choices)
    group = forms.ChoiceField(
        label=_("Group under the Integration Act"), choices=IntegrationClient.Group.choices
    )
    responsible_worker = forms.ModelChoiceField(
        label=_("Responsible worker"), queryset=User.objects.none(), required=False
    )
    first_residence_date = forms.DateField(
        label=_("First municipality of residence registered on"),
        required=False,
        widget=DateInput(),
    )
    residence_permit_on = forms.DateField(
        label=_("First residence permit"), required=False, widget=DateInput()
    )
    trafficking_victim = forms.BooleanField(
        label=_("Victim of trafficking in human beings"),
        required=False,
        help_text=_("Exempt from the time limits of the assessment and the plan (681/2023)."),
    )
    phone = forms.CharField(label=_("Telephone"), required=False, max_length=40)
    email = forms.EmailField(label=_("E-mail"), required=False)
    address = forms.CharField(label=_("Address"), required=False, max_length=300)
    interpreter_needed = forms.BooleanField(label=_("Needs an interpreter"), required=False)
    interpreter_language = forms.CharField(
        label=_("Interpreting language"),
        required=False,
        max_length=3,
        help_text=_("ISO 639 code, e.g. prs, ara, ukr."),
    )

    def __init__(self, *args, client: IntegrationClient, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_worker"].queryset = User.objects.filter(
            role_assignments__is_active=True,
            role_assignments__role__in=MUNICIPAL_ROLES,
            role_assignments__organisation__municipality_id=client.municipality_id,
        ).distinct()

    @classmethod
    def initial_from(cls, client: IntegrationClient) -> dict:
        return {
            "status": client.status,
            "group": client.group,
            "responsible_worker": client.responsible_worker_id,
            "first_residence_date": client.first_residence_date,
            "residence_permit_on": client.residence_permit_on,
            "phone": client.phone,
            "email": client.email,
            "address": client.address,
            "interpreter_needed": client.interpreter_needed,
            "interpreter_language": client.interpreter_language,
            "trafficking_victim": client.trafficking_victim,
        }

    def to_data(self) -> ClientData:
        d = self.cleaned_data
        worker = d["responsible_worker"]
        return ClientData(
            status=d["status"],
            group=d["group"],
            responsible_worker_id=worker.pk if worker else None,
            first_residence_date=d["first_residence_date"],
            residence_permit_on=d["residence_permit_on"],
            phone=d["phone"],
            email=d["email"],
            address=d["address"],
            interpreter_needed=d["interpreter_needed"],
            interpreter_language=d["interpreter_language"],
            trafficking_victim=d["trafficking_victim"],
        )

    def service_error_field(self, key: str) -> str | None:
        return "responsible_worker" if key == "responsible_worker_id" else key


class HealthForm(forms.Form):
    functional_capacity = forms.CharField(
        label=_("Functional capacity"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    health_notes = forms.CharField(
        label=_("Health information relevant to services"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ClientFilterForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", "–"), *IntegrationClient.Status.choices]
    )
    mine = forms.BooleanField(label=_("Only my clients"), required=False)


def _officials(client: IntegrationClient):
    return User.objects.filter(
        role_assignments__is_active=True,
        role_assignments__role__in=MUNICIPAL_ROLES,
        role_assignments__organisation__municipality_id=client.municipality_id,
    ).distinct()


class AssessmentForm(ServiceErrorsMixin, forms.Form):
    """The assessment, in the order of the Act's list of content."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Assessment.Kind.choices)
    held_on = forms.DateField(label=_("Held on"), widget=DateInput())
    held_by = forms.ModelChoiceField(label=_("Held by (official)"), queryset=User.objects.none())
    participants = forms.CharField(
        label=_("Other participants"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The multi-professional assessment: who took part, with their roles."),
    )
    language = forms.CharField(
        label=_("Language of the assessment"),
        max_length=3,
        help_text=_("ISO 639 code, e.g. prs, ara, ukr."),
    )
    interpreter_used = forms.BooleanField(label=_("An interpreter took part"), required=False)
    literacy = forms.ChoiceField(label=_("Literacy"), choices=Assessment.Literacy.choices)
    finnish_level = forms.ChoiceField(label=_("Finnish (CEFR)"), choices=Cefr.choices)
    swedish_level = forms.ChoiceField(label=_("Swedish (CEFR)"), choices=Cefr.choices)
    learning_skills = forms.CharField(
        label=_("Learning skills"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    working_life_skills = forms.CharField(
        label=_("Working-life skills"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    employment_needs = forms.CharField(
        label=_("Employment needs"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    education_needs = forms.CharField(
        label=_("Education needs"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    earlier_education = forms.CharField(
        label=_("Earlier education"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    work_experience = forms.CharField(
        label=_("Work experience"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    strengths = forms.CharField(
        label=_("Strengths"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    life_situation = forms.CharField(
        label=_("Life situation"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    other_service_needs = forms.CharField(
        label=_("Other service needs"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    plan_needed = forms.TypedChoiceField(
        label=_("Is an integration plan needed?"),
        choices=[("yes", _("yes")), ("no", _("no"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    completed_on = forms.DateField(label=_("Completed on"), required=False, widget=DateInput())

    def __init__(self, *args, client: IntegrationClient, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_by"].queryset = _officials(client)

    def to_data(self) -> AssessmentData:
        d = dict(self.cleaned_data)
        d["held_by_id"] = d.pop("held_by").pk
        return AssessmentData(**d)


class PlanForm(ServiceErrorsMixin, forms.Form):
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput())
    ends_on = forms.DateField(label=_("Ends on"), widget=DateInput())
    goals = forms.CharField(label=_("Goals"), widget=forms.Textarea(attrs={"rows": 4}))
    responsible_worker = forms.ModelChoiceField(
        label=_("Responsible worker"), queryset=User.objects.none()
    )
    agreed_on = forms.DateField(
        label=_("Agreed with the client on"), required=False, widget=DateInput()
    )
    agreed_how = forms.ChoiceField(
        label=_("How the client agreed"),
        choices=[("", "–"), *IntegrationPlan.AgreedHow.choices],
        required=False,
    )
    agreement_interpreter = forms.BooleanField(
        label=_("An interpreter took part in the agreement"), required=False
    )
    length_reason = forms.CharField(
        label=_("Reason for the longer duration"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed only when the plan runs beyond the limits in force."),
    )
    change_summary = forms.CharField(
        label=_("What changed"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed for every version after the first."),
    )

    def __init__(self, *args, client: IntegrationClient, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_worker"].queryset = _officials(client)

    def service_error_field(self, key: str) -> str | None:
        return "responsible_worker" if key == "responsible_worker" else key


class MeasureForm(forms.Form):
    # An empty first choice: an untouched extra row then submits nothing and is skipped
    # (a preselected service would make every empty row "changed" and so required).
    service = forms.ChoiceField(label=_("Service"), choices=[("", "–"), *ServiceKind.choices])
    provider = forms.CharField(label=_("Provider"), max_length=200)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    hours = forms.DecimalField(
        label=_("Hours"), required=False, min_value=0, max_value=2000, decimal_places=1
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput())
    ends_on = forms.DateField(label=_("Ends on"), required=False, widget=DateInput())
    enrolled_on = forms.DateField(label=_("Client enrolled on"), required=False, widget=DateInput())
    final_test_level = forms.ChoiceField(
        label=_("Final language test (integration training)"),
        choices=[("", "–"), *Cefr.choices],
        required=False,
    )


MeasureFormSet = forms.formset_factory(MeasureForm, extra=2, max_num=30, validate_max=True)


def plan_data(form: PlanForm, measures) -> PlanData:
    d = dict(form.cleaned_data)
    d["responsible_worker_id"] = d.pop("responsible_worker").pk
    rows = [m.cleaned_data for m in measures if m.cleaned_data and not m.cleaned_data.get("DELETE")]
    return PlanData(**d, measures=[MeasureData(**row) for row in rows])


class ReviewForm(forms.Form):
    reviewed_on = forms.DateField(label=_("Reviewed on"), widget=DateInput())
    note = forms.CharField(
        label=_("Note"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


TOPIC_CHOICES = OrientationTopic.choices


class SelfStudyForm(ServiceErrorsMixin, forms.Form):
    studied_until = forms.DateField(label=_("Studied until"), widget=DateInput())
    hours = forms.DecimalField(label=_("Hours"), min_value=0.5, max_value=70, decimal_places=1)
    topics = forms.MultipleChoiceField(
        label=_("Topics"),
        choices=TOPIC_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    material = forms.CharField(label=_("Material"), max_length=300)
    reason = forms.CharField(
        label=_("Why independent study"),
        max_length=300,
        help_text=_(
            "The decree allows it in listed cases, e.g. when the client's language is rare."
        ),
    )


class WaitingForm(forms.Form):
    language = forms.CharField(label=_("Language"), max_length=3, help_text=_("ISO 639 code"))
    since = forms.DateField(label=_("Waiting since"), widget=DateInput())


class GroupForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    language = forms.CharField(
        label=_("Language of teaching"),
        max_length=3,
        help_text=_("ISO 639 code, e.g. prs, ara, ukr."),
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput())
    ends_on = forms.DateField(label=_("Ends on"), required=False, widget=DateInput())
    capacity = forms.IntegerField(label=_("Places"), required=False, min_value=1, max_value=200)


class EnrolForm(forms.Form):
    clients = forms.MultipleChoiceField(
        label=_("Clients to enrol"), choices=(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clients"].choices = choices


class SessionForm(ServiceErrorsMixin, forms.Form):
    """A session and, for each participant, the hours attended (fields `hours_<client id>`)."""

    held_on = forms.DateField(label=_("Held on"), widget=DateInput())
    hours = forms.DecimalField(label=_("Hours"), min_value=0.5, max_value=12, decimal_places=1)
    topics = forms.MultipleChoiceField(
        label=_("Topics covered"), choices=TOPIC_CHOICES, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.participants = participants
        for client in participants:
            self.fields[f"hours_{client.pk}"] = forms.DecimalField(
                label=_("Hours attended: %(name)s") % {"name": client.person},
                required=False,
                min_value=0,
                max_value=12,
                decimal_places=1,
            )

    def service_error_field(self, key: str) -> str | None:
        if key.startswith("attendance."):
            return "hours_" + key.removeprefix("attendance.")
        return key

    def attendance(self) -> dict:
        return {
            client.pk: self.cleaned_data[f"hours_{client.pk}"]
            for client in self.participants
            if self.cleaned_data.get(f"hours_{client.pk}") is not None
        }


class ContactForm(forms.Form):
    contacted_on = forms.DateField(label=_("Date"), widget=DateInput())
    channel = forms.ChoiceField(label=_("Channel"), choices=ContactChannel.choices)
    topic = forms.ChoiceField(label=_("Topic"), choices=ContactTopic.choices)
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=480)
    interpreter_used = forms.BooleanField(label=_("An interpreter took part"), required=False)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class AnonymousContactForm(ServiceErrorsMixin, forms.Form):
    contacted_on = forms.DateField(label=_("Date"), widget=DateInput())
    channel = forms.ChoiceField(label=_("Channel"), choices=ContactChannel.choices)
    topic = forms.ChoiceField(label=_("Topic"), choices=ContactTopic.choices)
    count = forms.IntegerField(label=_("Number of contacts"), min_value=1, max_value=500, initial=1)
    language = forms.CharField(
        label=_("Language"), required=False, max_length=3, help_text=_("ISO 639 code")
    )


class MinorSupportForm(forms.Form):
    representative = forms.CharField(label=_("Representative"), required=False, max_length=200)
    representative_contact = forms.CharField(
        label=_("Representative's contact details"), required=False, max_length=200
    )
    housing = forms.ChoiceField(label=_("Housing"), choices=MinorSupport.Housing.choices)
    housing_since = forms.DateField(label=_("Housing since"), widget=DateInput())


class TransferForm(forms.Form):
    to_municipality = forms.CharField(
        label=_("New municipality (code)"), max_length=3, help_text=_("e.g. 049 for Espoo")
    )
    moves_on = forms.DateField(label=_("Moves on"), widget=DateInput())
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class TransferDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("accept", _("Accept")), ("decline", _("Decline"))]
    )
