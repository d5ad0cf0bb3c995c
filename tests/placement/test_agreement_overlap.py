"""One municipality has one agreement for any day (security issue, point 15): "New or revised
agreement" for Helsinki from 1.1.2026 created a second agreement beside the existing one, which
could then be cut to 1 place, below the places in use."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from kotopaikka.placement import services
from kotopaikka.placement.models import AgreementYear, PlacementAgreement

pytestmark = pytest.mark.django_db
YEAR = dt.date.today().year


def save(officer, valid_from, valid_until=None, persons=400, year=YEAR, **extra):
    return services.agreement_save(
        actor=officer,
        municipality_code="091",
        valid_from=valid_from,
        valid_until=valid_until,
        years={year: {"persons": persons}},
        services=[],
        accepts_emergency_cases=False,
        wellbeing_county_consulted_on=None,
        **extra,
    )


def _propose_family_of(officer, size: int):
    case = services.case_create(
        actor=officer,
        data=services.CaseData(
            reference=f"147-3{size:07d}", members=[services.MemberData(30)] * size
        ),
    )
    return services.proposal_create(actor=officer, case_id=case.pk, municipality_code="091")


def test_a_second_overlapping_agreement_is_refused(uusimaa_officer):
    save(uusimaa_officer, dt.date(YEAR - 1, 1, 1))  # open-ended, from last year
    with pytest.raises(ValidationError) as refused:
        save(uusimaa_officer, dt.date(YEAR, 1, 1))
    assert list(refused.value.message_dict) == ["valid_from"]
    assert PlacementAgreement.objects.filter(municipality__code="091").count() == 1


def test_agreements_that_follow_each_other_are_allowed(uusimaa_officer):
    save(uusimaa_officer, dt.date(YEAR - 1, 1, 1), dt.date(YEAR - 1, 12, 31), year=YEAR - 1)
    save(uusimaa_officer, dt.date(YEAR, 1, 1))
    assert PlacementAgreement.objects.filter(municipality__code="091").count() == 2


def test_a_revision_is_a_new_version_of_the_same_agreement_and_not_below_use(uusimaa_officer):
    first = save(uusimaa_officer, dt.date(YEAR - 1, 1, 1))
    _propose_family_of(uusimaa_officer, 4)
    revised = save(uusimaa_officer, dt.date(YEAR - 1, 1, 1), persons=10, agreement_id=first.pk)
    assert (revised.pk, revised.version) == (first.pk, 2)
    with pytest.raises(ValidationError) as refused:
        save(uusimaa_officer, dt.date(YEAR - 1, 1, 1), persons=1, agreement_id=first.pk)
    assert "years" in refused.value.message_dict
    assert AgreementYear.objects.get(agreement=first, year=YEAR).persons == 10


def test_a_revision_cannot_end_the_period_before_a_year_in_use(uusimaa_officer):
    first = save(uusimaa_officer, dt.date(YEAR - 1, 1, 1))
    _propose_family_of(uusimaa_officer, 2)
    with pytest.raises(ValidationError) as refused:
        save(
            uusimaa_officer,
            dt.date(YEAR - 1, 1, 1),
            dt.date(YEAR - 1, 12, 31),
            year=YEAR - 1,
            agreement_id=first.pk,
        )
    assert "valid_until" in refused.value.message_dict
    assert AgreementYear.objects.filter(agreement=first, year=YEAR).exists()


def test_the_database_itself_refuses_an_overlap_on_postgresql(uusimaa_officer):
    if connection.vendor != "postgresql":
        if os.environ.get("KOTOPAIKKA_REQUIRE_POSTGRES") == "1":
            pytest.fail("KOTOPAIKKA_REQUIRE_POSTGRES=1 but the tests run on " + connection.vendor)
        pytest.skip("the exclusion constraint exists on PostgreSQL only; set DATABASE_URL")
    first = save(uusimaa_officer, dt.date(YEAR, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        PlacementAgreement.objects.create(
            municipality=first.municipality,
            regional_authority=first.regional_authority,
            valid_from=dt.date(YEAR, 6, 1),
        )


def test_the_revise_form_saves_a_new_version(uusimaa_officer, client_for):
    from django.urls import reverse

    first = save(uusimaa_officer, dt.date(YEAR, 1, 1))
    client = client_for(uusimaa_officer)
    url = reverse("placement:agreement_edit") + f"?agreement={first.pk}"
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "services"}
    data["valid_until"] = f"{YEAR + 1}-12-31"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    first.refresh_from_db()
    assert (first.version, first.valid_until) == (2, dt.date(YEAR + 1, 12, 31))
    assert PlacementAgreement.objects.filter(municipality__code="091").count() == 1
