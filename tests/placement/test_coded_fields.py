"""Point 13 of the security issue: values outside their code lists and limits are refused on
every entry path (form, API, import) with an error that names the field."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from kotopaikka.placement import services
from kotopaikka.placement.models import Proposal

from ..documents import one_page_pdf

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


@pytest.fixture
def pending(uusimaa_officer, make_agreement):
    make_agreement(uusimaa_officer)
    case = services.case_create(
        actor=uusimaa_officer,
        data=services.CaseData(reference="147-60000001", members=[services.MemberData(age=30)]),
    )
    return services.proposal_create(actor=uusimaa_officer, case_id=case.pk, municipality_code="091")


def test_a_too_long_decline_note_is_refused_naming_the_note_and_its_limit(pending, helsinki_worker):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.proposal_decide(
            actor=helsinki_worker,
            proposal_id=pending.pk,
            accept=False,
            reason="other",
            note="x" * 5000,
        )
    assert refused.value.message_dict == {
        "note": ["The note can be at most 500 characters (it has 5000)."]
    }
    pending.refresh_from_db()
    assert pending.status == Proposal.Status.PENDING


def test_the_decision_page_names_the_note_when_it_is_too_long(pending, helsinki_worker, client_for):
    client = client_for(helsinki_worker)
    response = client.post(
        reverse("placement:decide", kwargs={"proposal_id": pending.pk}),
        {"decision": "decline", "reason": "other", "note": "x" * 5000},
        follow=True,
    )
    shown = [str(m) for m in response.context["messages"]]
    assert any(m.startswith("Huomautus:") and "500" in m for m in shown), shown
    pending.refresh_from_db()
    assert pending.status == Proposal.Status.PENDING


def _case_with(officer, **member):
    return services.case_create(
        actor=officer,
        data=services.CaseData(reference="147-60000099", members=[services.MemberData(**member)]),
    )


def test_a_member_sex_outside_the_list_is_refused_by_the_service(uusimaa_officer):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        _case_with(uusimaa_officer, age=30, sex="alien")
    assert refused.value.message_dict == {
        "members": ["Member 1: unknown sex alien (choose female, male, other or leave empty)."]
    }


def test_a_member_sex_outside_the_list_is_refused_by_the_form_and_the_import(
    uusimaa_officer, client_for
):
    from kotopaikka.placement import importing
    from kotopaikka.placement.models import PlacementCase

    client = client_for(uusimaa_officer)
    response = client.post(
        reverse("placement:case_create"),
        {"reference": "147-60000098", "kind": "quota", "members": "30; alien; 10; 2; prs; yes; no"},
    )
    assert response.status_code == 400
    assert "alien" in response.content.decode()
    report = importing.import_csv(
        actor=uusimaa_officer, text="reference,kind,age,sex\n147-60000097,quota,30,alien\n"
    )
    assert report.created == [] and report.errors[0].field == "members"
    assert not PlacementCase.objects.filter(reference__in=["147-60000098", "147-60000097"]).exists()


def test_an_inbox_status_outside_the_list_is_a_400_naming_the_status(helsinki_worker, client_for):
    client = client_for(helsinki_worker)
    assert client.get(reverse("placement:inbox") + "?status=bogus").status_code == 400
    with pytest.raises(ValidationError) as refused:
        from kotopaikka.placement import selectors

        selectors.proposal_inbox(actor=helsinki_worker, status="bogus")
    assert "status" in refused.value.message_dict


PDF = one_page_pdf()


@pytest.mark.parametrize(
    ("content", "accepted"),
    [
        (PDF, True),
        (b"MZ\x90\x00" + b"\x00" * 200, False),  # a Windows program named .pdf
        (b"%PDF-1.4\nnot really a pdf", False),
        (b"", False),
    ],
)
def test_an_agreement_document_must_be_a_readable_pdf_whatever_its_name(
    content, accepted, uusimaa_officer, make_agreement
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("agreement.pdf", content, content_type="application/pdf")

    def save():
        return make_agreement(uusimaa_officer, "092", 5, document=upload)

    if accepted:
        assert save().document
    else:
        with pytest.raises(ValidationError) as refused:
            save()
        assert list(refused.value.message_dict) == ["document"]


def test_an_agreement_document_over_the_limit_is_refused_before_it_is_read(
    uusimaa_officer, make_agreement, monkeypatch
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    monkeypatch.setattr(services, "MAX_DOCUMENT_BYTES", len(PDF) - 1)
    with pytest.raises(ValidationError) as refused:
        make_agreement(uusimaa_officer, "092", 5, document=SimpleUploadedFile("a.pdf", PDF))
    assert list(refused.value.message_dict) == ["document"]
