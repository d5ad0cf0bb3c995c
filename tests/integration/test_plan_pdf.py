"""The printable plan: Finnish or Swedish with an English summary; the Arabic-script name and
the municipality's name in the chosen language are in the PDF's text; printing is audited."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pypdf
import pytest
from django.urls import reverse

from kotopaikka.audit.models import AuditEvent
from kotopaikka.integration import plans
from kotopaikka.integration.models import ServiceKind
from kotopaikka.people.models import PersonName

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()
ARABIC = "محمد الحسن"


@pytest.fixture
def planned(arrived, helsinki_worker):
    client = arrived[0]
    PersonName.objects.create(person=client.person, value=ARABIC, script="Arab")
    plans.plan_save(
        actor=helsinki_worker,
        client_id=client.pk,
        data=plans.PlanData(
            starts_on=TODAY,
            ends_on=TODAY + dt.timedelta(days=300),
            goals="Suomen kieli A2.1, työkokeilu keväällä",
            responsible_worker_id=helsinki_worker.user.pk,
            measures=[
                plans.MeasureData(
                    service=ServiceKind.CIVIC_ORIENTATION,
                    provider="Helsingin kaupunki",
                    starts_on=TODAY,
                    hours=Decimal(70),
                )
            ],
        ),
    )
    return client


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.parametrize(
    ("language", "heading", "municipality", "service"),
    [
        ("fi", "Kotoutumissuunnitelma", "Helsinki", "monikielinen yhteiskuntaorientaatio"),
        ("sv", "Integrationsplan", "Helsingfors", "flerspråkig samhällsorientering"),
    ],
)
def test_the_plan_prints_in_finnish_or_swedish_with_an_english_summary(
    planned, helsinki_worker, client_for, audit_mark, language, heading, municipality, service
):
    before = audit_mark()
    url = reverse("integration:plan_pdf", args=[planned.pk]) + f"?language={language}"
    response = client_for(helsinki_worker).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _text(response.content)
    assert ARABIC in text  # shaped right to left, kept in logical order in the text layer
    assert heading in text and municipality in text and service in text
    assert "Summary in English" in text and "multilingual civic orientation" in text
    assert "työkokeilu" in text  # the goals, as written
    event = AuditEvent.objects.get(seq__gt=before, action="read", person_id=planned.person_id)
    assert event.detail["purpose"] == "print_plan" and event.detail["language"] == language


def test_another_language_is_refused_by_name(planned, helsinki_worker, client_for):
    url = reverse("integration:plan_pdf", args=[planned.pk]) + "?language=de"
    response = client_for(helsinki_worker).get(url, follow=True)
    assert response.redirect_chain and "Suomi (fi) tai ruotsi (sv)." in response.content.decode()
