"""Forms of the client pages. They only parse input; the services validate and decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kotopaikka.access.models import User
from kotopaikka.core.forms import DateInput, ServiceErrorsMixin

from .models import IntegrationClient
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
