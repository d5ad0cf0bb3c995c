"""Agreement pages: the signed document is stored and served only to those who may see it, and
each revision appears in the change history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from kotopaikka.core.changelog import Change
from kotopaikka.placement.models import AgreementYear, PlacementAgreement

from ..documents import one_page_pdf

pytestmark = pytest.mark.django_db
YEAR = dt.date.today().year
PDF = one_page_pdf()


def _post(client, persons: int, document=None):
    data = {"municipality": "091", "valid_from": f"{YEAR}-01-01", "year": YEAR, "persons": persons}
    if document is not None:
        data["document"] = document
    return client.post(reverse("placement:agreement_edit"), data)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_document_is_stored_and_served_with_permission(
    uusimaa_officer, helsinki_worker, espoo_worker, analyst, client_for
):
    response = _post(
        client_for(uusimaa_officer), 10, SimpleUploadedFile("signed.pdf", PDF, "application/pdf")
    )
    assert response.status_code == 302
    agreement = PlacementAgreement.objects.get(municipality__code="091")
    url = reverse("placement:agreement_document", kwargs={"agreement_id": agreement.pk})
    assert b"".join(client_for(uusimaa_officer).get(url).streaming_content) == PDF
    assert client_for(helsinki_worker).get(url).status_code == 200
    assert client_for(espoo_worker).get(url).status_code == 404
    assert client_for(analyst).get(url).status_code == 403


def test_only_pdf_documents_are_accepted(uusimaa_officer, client_for):
    response = _post(
        client_for(uusimaa_officer), 10, SimpleUploadedFile("notes.txt", b"hello", "text/plain")
    )
    assert response.status_code == 400
    assert response.context["form"].errors["document"]
    assert not PlacementAgreement.objects.exists()


def test_revisions_are_versioned_and_shown_in_the_history(uusimaa_officer, client_for):
    client = client_for(uusimaa_officer)
    _post(client, 10)
    _post(client, 14)
    agreement = PlacementAgreement.objects.get(municipality__code="091")
    assert agreement.version == 2
    page = client.get(reverse("placement:agreement", kwargs={"agreement_id": agreement.pk}))
    assert page.status_code == 200
    history = page.context["history"]  # core.changelog.ChangeEntry, in the page's language
    with translation.override("fi"):
        persons = str(AgreementYear._meta.get_field("persons").verbose_name)
    assert any(Change(persons, "10", "14") in e.changes for e in history), history
    assert all(e.actor == uusimaa_officer.user.get_username() for e in history)


def test_dashboard_map_chart_and_csv(uusimaa_officer, analyst, helsinki_worker, client_for):
    _post(client_for(uusimaa_officer), 10)
    client = client_for(analyst)
    page = client.get(reverse("placement:dashboard"))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'class="kp-map"' in body and 'class="kp-chart"' in body
    assert 'data-code="091"' in body and body.count('data-class="') == 308  # every municipality
    # The map's text alternative: the same data as a table, linked from the map.
    assert 'href="#map-data"' in body and 'id="map-data"' in body
    helsinki = next(r for r in page.context["map_rows"] if r.code == "091")
    assert (helsinki.free, helsinki.agreed, helsinki.map_class.key) == (10, 10, "most")
    assert len(page.context["map_rows"]) == 308
    assert '<tr data-code="091"><th scope="row">Helsinki</th><td class="kp-num">10</td>' in body
    csv_text = client.get(reverse("placement:dashboard") + "?format=csv").content.decode()
    header, *rows = csv_text.strip().splitlines()
    assert header.startswith("municipality_code,municipality,region,agreed_persons")
    assert rows[0].startswith("091,Helsinki,") and ",10," in rows[0]
    assert client_for(helsinki_worker).get(reverse("placement:dashboard")).status_code == 403
