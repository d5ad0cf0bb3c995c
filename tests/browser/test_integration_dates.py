"""Saving an integration form untouched keeps its stored dates (issue 16's date-preservation
test, for the forms the integration services added): the client record's first municipality
of residence and first residence permit, and a minor's housing date."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from playwright.sync_api import expect

from kotopaikka.integration.models import IntegrationClient, MinorSupport

TODAY = dt.date.today()
_references = itertools.count(66700001)


@pytest.fixture(scope="module")
def client_with_dates(kp_server, django_db_blocker):
    """An arrived Helsinki client with both dates and a minor's support record, committed."""
    from kotopaikka.integration.minors import minor_support_save
    from kotopaikka.people.services import PersonData, person_create
    from kotopaikka.placement import services
    from kotopaikka.portal.demo import _actor

    with django_db_blocker.unblock():
        officer, worker = _actor("officer"), _actor("helsinki")
        if not services.PlacementAgreement.objects.filter(municipality__code="091").exists():
            services.agreement_save(
                actor=officer,
                municipality_code="091",
                valid_from=TODAY.replace(month=1, day=1),
                valid_until=None,
                years={TODAY.year: {"persons": 40}},
                services=[],
                accepts_emergency_cases=False,
                wellbeing_county_consulted_on=None,
            )
        case = services.case_create(
            actor=officer,
            data=services.CaseData(
                reference=f"147-{next(_references)}", members=[services.MemberData(age=17)]
            ),
        )
        member = case.members.get()
        member.person = person_create(
            actor=officer,
            data=PersonData(
                given_names="Yonas", family_name="Tesfaye", date_of_birth=dt.date(2009, 2, 3)
            ),
            confirm_possible_duplicate=True,
        )
        member.save()  # test data: linked as the identities page would link it
        proposal = services.proposal_create(actor=officer, case_id=case.pk, municipality_code="091")
        services.proposal_decide(actor=worker, proposal_id=proposal.pk, accept=True)
        services.placement_decide(actor=officer, proposal_id=proposal.pk)
        services.arrival_record(
            actor=worker,
            proposal_id=proposal.pk,
            arrived_on=TODAY - dt.timedelta(days=30),
            first_residence_date=TODAY - dt.timedelta(days=25),
            residence_permit_on=TODAY - dt.timedelta(days=80),
        )
        client = IntegrationClient.objects.get(person=member.person)
        minor_support_save(
            actor=worker,
            client_id=client.pk,
            housing="group_home",
            housing_since=TODAY - dt.timedelta(days=29),
        )
        return client


def _dates(page) -> dict[str, str]:
    return page.evaluate(
        "() => Object.fromEntries([...document.querySelectorAll('input[type=date]')]"
        ".map(i => [i.name, i.value]))"
    )


@pytest.mark.browser
@pytest.mark.parametrize("language", ["fi", "sv"])
def test_integration_forms_saved_untouched_keep_their_dates(
    page, log_in, client_with_dates, language
):
    client = client_with_dates
    log_in(page, "helsinki")
    if language != "fi":
        page.locator(f"form.kp-lang button[value={language}]").click()
        page.wait_for_load_state()
    page.goto(f"/integration/clients/{client.pk}/edit/")
    assert _dates(page) == {
        "first_residence_date": client.first_residence_date.isoformat(),
        "residence_permit_on": client.residence_permit_on.isoformat(),
    }
    page.locator("form.kp-form button[type=submit]").first.click()
    page.wait_for_load_state()
    expect(page).to_have_url(
        f"{page.url.split('/integration/')[0]}/integration/clients/{client.pk}/"
    )
    stored = IntegrationClient.objects.get(pk=client.pk)
    assert (stored.first_residence_date, stored.residence_permit_on) == (
        client.first_residence_date,
        client.residence_permit_on,
    )

    before = MinorSupport.objects.get(client=client).housing_since
    page.goto(f"/integration/clients/{client.pk}/minor/")
    assert _dates(page) == {"housing_since": before.isoformat()}
    page.locator("form.kp-form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert MinorSupport.objects.get(client=client).housing_since == before
