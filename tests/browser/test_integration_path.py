"""The integration-services path in the browser (issue 13's acceptance), in Finnish and once in
Swedish: the officer enters the identities of an accepted quota family; Helsinki's worker
records the arrival and finds the family as clients, completes the assessment, writes a plan
with civic orientation, records attendance up to 70 hours and sees the item leave the overdue
list, and prints the plan: the PDF's text has the client's name in Arabic script and, in
Swedish, the municipality's Swedish name."""

from __future__ import annotations

import datetime as dt
import io
import itertools

import pypdf
import pytest
from playwright.sync_api import expect

from kotopaikka.access.models import User
from kotopaikka.integration.models import IntegrationClient, OrientationTopic

TODAY = dt.date.today()
ARABIC = {"fi": "سارة الحسن", "sv": "ليلى العلي"}
FAMILY = {"fi": "Alhassan", "sv": "Alali"}
_references = itertools.count(66600001)


@pytest.fixture(scope="module")
def accepted_cases(kp_server, django_db_blocker):
    """Per language, an accepted quota case of two for Helsinki, committed for the live server
    before any test's own transaction opens (on PostgreSQL the server's connection would not
    see, and would wait on the locks of, rows a test wrote in its transaction)."""
    from kotopaikka.placement import services
    from kotopaikka.portal.demo import _actor

    def make():
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
                    reference=f"147-{next(_references)}",
                    nationality="SYR",
                    members=[
                        services.MemberData(age=38, sex="female", languages=["ara"]),
                        services.MemberData(age=9, sex="male", languages=["ara"]),
                    ],
                ),
            )
            proposal = services.proposal_create(
                actor=officer, case_id=case.pk, municipality_code="091"
            )
            services.proposal_decide(actor=worker, proposal_id=proposal.pk, accept=True)
            services.placement_decide(actor=officer, proposal_id=proposal.pk)
            return case, proposal

    return {language: make() for language in ("fi", "sv")}


def _new_page(browser, kp_server):
    context = browser.new_context(base_url=kp_server.url)
    context.set_default_timeout(15_000)
    context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    return context.new_page()


def _language(page, code: str) -> None:
    if code != "fi":
        page.locator(f"form.kp-lang button[value={code}]").click()
        page.wait_for_load_state()


def _submit(page, selector: str = "form.kp-form") -> None:
    page.locator(f"{selector} [type=submit]").first.click()
    page.wait_for_load_state()


@pytest.mark.browser
@pytest.mark.parametrize("language", ["fi", "sv"])
def test_from_identities_to_the_printed_plan(browser, kp_server, log_in, accepted_cases, language):
    case, proposal = accepted_cases[language]
    head, child = case.members.order_by("-age")

    officer = _new_page(browser, kp_server)
    log_in(officer, "officer")
    _language(officer, language)
    officer.goto(f"/placement/cases/{case.pk}/identities/")
    for member, given, born in ((head, "Sara", "1987-04-02"), (child, "Omar", "2016-09-10")):
        p = f"#id_m{member.pk}-"
        officer.locator(p + "given_names").fill(given)
        officer.locator(p + "family_name").fill(FAMILY[language])
        officer.locator(p + "date_of_birth").fill(born)
        officer.locator(p + "nationalities").fill("SYR")
        officer.locator(p + "mother_tongues").fill("ara")
    officer.locator(f"#id_m{head.pk}-other_names").fill(f"{ARABIC[language]} | Arab")
    officer.locator(f"#id_m{child.pk}-relation").select_option("child")
    _submit(officer)
    expect(officer).to_have_url(f"{kp_server.url}/placement/cases/{case.pk}/")

    worker = _new_page(browser, kp_server)
    log_in(worker, "helsinki")
    _language(worker, language)
    worker.goto(f"/placement/cases/{case.pk}/")
    prefix = f"#id_arrival-{proposal.pk}-"
    worker.locator(prefix + "arrived_on").fill(str(TODAY - dt.timedelta(days=210)))
    worker.locator(prefix + "residence_permit_on").fill(str(TODAY - dt.timedelta(days=260)))
    worker.locator(prefix + "arrived_on").locator("xpath=ancestor::form").locator(
        "[type=submit]"
    ).click()
    worker.wait_for_load_state()
    worker.goto("/integration/")
    expect(worker.get_by_role("link", name=f"{FAMILY[language]}, Sara").first).to_be_visible()
    client = IntegrationClient.objects.get(
        person__family_name=FAMILY[language], person__given_names="Sara"
    )

    worker.goto(f"/integration/clients/{client.pk}/assessment/")
    worker.locator("#id_held_on").fill(str(TODAY - dt.timedelta(days=205)))
    worker.locator("#id_language").fill("ara")
    worker.locator("#id_literacy").select_option("basic")
    worker.locator("#id_finnish_level").select_option("A1")
    worker.locator("#id_swedish_level").select_option("0")
    worker.locator("input[name=plan_needed][value=yes]").check()
    worker.locator("#id_completed_on").fill(str(TODAY - dt.timedelta(days=205)))
    _submit(worker)
    expect(worker.get_by_test_id("assessment")).to_be_visible()

    worker.goto(f"/integration/clients/{client.pk}/plan/")
    start = TODAY - dt.timedelta(days=200)
    worker.locator("#id_starts_on").fill(str(start))
    worker.locator("#id_ends_on").fill(str(start + dt.timedelta(days=330)))
    worker.locator("#id_goals").fill("Suomen kieli A2.1 ja työkokeilu")
    hanna = str(User.objects.get(username="helsinki").pk)
    worker.locator("#id_responsible_worker").select_option(value=hanna)
    worker.locator("#id_measures-0-service").select_option("civic_orientation")
    worker.locator("#id_measures-0-provider").fill("Helsingin kaupunki")
    worker.locator("#id_measures-0-starts_on").fill(str(start))
    worker.locator("#id_measures-0-ends_on").fill(str(TODAY - dt.timedelta(days=1)))
    worker.locator("#id_measures-0-hours").fill("70")
    _submit(worker)
    expect(worker.get_by_test_id("plan")).to_be_visible()

    def orientation_row():
        worker.goto("/integration/queue/")
        return worker.locator(
            f"tr[data-kind=orientation]:has(a[href='/integration/clients/{client.pk}/'])"
        )

    expect(orientation_row()).to_have_attribute("data-state", "overdue")

    worker.goto("/integration/orientation/")
    worker.locator("#id_name").fill(f"Arabiankielinen ryhmä {language}")
    worker.locator("#id_language").fill("ara")
    worker.locator("#id_starts_on").fill(str(start))
    _submit(worker)
    worker.locator(f"input[name=enrol-clients][value='{client.pk}']").check()
    worker.locator("form:has(input[name=enrol-clients]) [type=submit]").click()
    worker.wait_for_load_state()
    topics = list(OrientationTopic.values)
    for n, chosen in enumerate([topics[:5], topics[5:], *[[t] for t in topics[:4]]]):
        worker.locator("#id_session-held_on").fill(str(start + dt.timedelta(days=7 * (n + 1))))
        worker.locator("#id_session-hours").fill("12")
        for topic in chosen:
            worker.locator(f"input[name=session-topics][value={topic}]").check()
        worker.locator(f"#id_session-hours_{client.pk}").fill("12")
        worker.locator("form:has(#id_session-held_on) [type=submit]").click()
        worker.wait_for_load_state()
    expect(worker.get_by_test_id("participants")).to_contain_text("72")

    expect(orientation_row()).to_have_count(0)  # 72 hours over all nine topics: done

    pdf = worker.request.get(f"/integration/clients/{client.pk}/plan.pdf?language={language}")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.body())).pages)
    assert ARABIC[language] in text
    assert ("Helsingfors" if language == "sv" else "Helsinki") in text
    assert "Summary in English" in text
    worker.context.close()
    officer.context.close()
