"""WCAG 2.1 AA in CI: axe-core over every page of every demo role in Finnish and the main pages
in Swedish (also the states after a failed submit, and the error pages), the 320 px reflow of
every page, and the footer link to the accessibility statement on every page.

One browser context per role: it logs in once and then crawls from the home page, following
every link to a page of this server and visiting each route shape a bounded number of times
(one person stands for all persons; see `a11y.Crawler`). The crawl runs once per module
(`audit` fixture); the tests below assert on what it found, so one slow crawl serves all.

Exceptions are only those the accessibility statement lists (`portal.accessibility.
KNOWN_ISSUES`): each is tolerated on its own pages and rules, and a listed issue that is no
longer found fails too, so that the statement is corrected when the problem is fixed.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from urllib.parse import urlsplit

import pytest
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.utils import translation
from playwright.sync_api import expect

from kotopaikka.portal import accessibility
from kotopaikka.portal.demo import DEMO_USERS

from .a11y import DESKTOP, REFLOW_WIDTH, SUMMARY, Audit, Crawler, install_axe, timed
from .conftest import TIMEOUT_MS, log_in_as

ROLES = [user.username for user in DEMO_USERS]
AXE_VERSION = accessibility.AXE_CORE_VERSION
TODAY = dt.date.today()

#: Routes that are not pages (actions answering with a redirect, files, JSON). Every other
#: named route must be reached by the audit, so a new page cannot be left out.
NOT_PAGES = {
    "logout",
    "set_language",
    "switch_role",
    "health",
    "api-schema",
    "people:export",
    "people:delete",
    "people:household_link",
    "people:household_unlink",
    "placement:propose",
    "placement:withdraw",
    "placement:placement_decision",
    "placement:arrival",
    "placement:decide",
    "placement:move_resolve",
    "placement:agreement_document",
    "placement:run_start",
    "placement:run_send",
    "integration:contact_add",
    "integration:plan_review",
    "integration:transfer_request",
    "integration:transfer_decide",
    "integration:waiting_add",
    "integration:plan_pdf",  # a PDF file
}


# --------------------------------------------------------------------------------------------
# Data: the demo's placement data, and integration clients in Helsinki


def _actor(username: str):
    from kotopaikka.access.models import User
    from kotopaikka.access.policy import Actor

    user = User.objects.get(username=username)
    return Actor(user, user.role_assignments.select_related("organisation").get())


def _helsinki_case(reference: str, *, arrive: bool) -> None:
    """A quota family of two placed in Helsinki, with person records; arrived or not."""
    from kotopaikka.people.services import PersonData, person_create
    from kotopaikka.placement import services as placement
    from kotopaikka.portal.demo import temporary_hetu

    officer, helsinki = _actor("officer"), _actor("helsinki")
    case = placement.case_create(
        actor=officer,
        data=placement.CaseData(
            reference=reference,
            members=[placement.MemberData(age=38), placement.MemberData(age=9)],
        ),
        is_synthetic=True,
    )
    import random

    rng, used = random.Random(reference), set()
    for member, (given, birth) in zip(
        case.members.all(),
        [("Farid", dt.date(1988, 4, 2)), ("Sima", dt.date(2017, 9, 14))],
        strict=True,
    ):
        member.person = person_create(
            actor=officer,
            data=PersonData(
                given_names=given,
                family_name=f"Rahimi-{reference[-1]}",
                date_of_birth=birth,
                identifiers=[("hetu", temporary_hetu(birth, rng, used))],
                nationalities=["AFG"],
                languages=[("prs", "native")],
            ),
            confirm_possible_duplicate=True,
        )
        member.save()  # test data: a member linked as the identities page would link it
    proposal = placement.proposal_create(actor=officer, case_id=case.pk, municipality_code="091")
    placement.proposal_decide(actor=helsinki, proposal_id=proposal.pk, accept=True)
    placement.placement_decide(actor=officer, proposal_id=proposal.pk)
    if arrive:
        placement.arrival_record(
            actor=helsinki,
            proposal_id=proposal.pk,
            arrived_on=TODAY - dt.timedelta(days=20),
            first_residence_date=TODAY - dt.timedelta(days=12),
            residence_permit_on=TODAY - dt.timedelta(days=90),
        )


@pytest.fixture(scope="module")
def audit_data(kp_server, django_db_blocker):
    """The demo's placement data (agreements, cases, proposals, arrivals) and two Helsinki
    families: one arrived (integration clients), one waiting for its arrival to be recorded.
    Deleted again with the module's other rows (see conftest.kp_server)."""
    from django.core.management import call_command

    from kotopaikka.audit.context import command_context
    from kotopaikka.portal.demo_placement import seed_placement

    with django_db_blocker.unblock(), command_context("cli"):
        seed_placement()
        call_command("train_outcome_model")  # the model card, and runs that use the model
        _helsinki_case("147-77700001", arrive=True)
        _helsinki_case("147-77700002", arrive=False)
        _integration_states()
    return kp_server


def _integration_states() -> None:
    """A civic orientation group, a client moved to Espoo on request (Helsinki's former
    client page), and a merge of two records of one man (the administrator's unmerge page)."""
    from kotopaikka.integration import orientation, transfers
    from kotopaikka.integration.models import IntegrationClient
    from kotopaikka.people.merging import person_merge
    from kotopaikka.people.services import PersonData, person_create

    helsinki = _actor("helsinki")
    first, second = IntegrationClient.objects.filter(person__family_name="Rahimi-1").order_by(
        "person__given_names"
    )
    group = orientation.group_create(
        actor=helsinki, name="Darinkielinen ryhmä", language="prs", starts_on=TODAY
    )
    orientation.group_enrol(actor=helsinki, group_id=group.pk, client_ids=[first.pk])
    move = transfers.transfer_request(
        actor=helsinki, client_id=second.pk, to_municipality="049", moves_on=TODAY
    )
    transfers.transfer_decide(actor=_actor("espoo"), transfer_id=move.pk, accept=True)
    twice = [
        person_create(
            actor=helsinki,
            data=PersonData(
                given_names=given, family_name=family, date_of_birth=dt.date(1979, 5, 6)
            ),
            confirm_possible_duplicate=True,
        )
        for given, family in (("Mohammed", "Al-Hassan"), ("Muhammad", "Alhassan"))
    ]
    person_merge(actor=_actor("supervisor"), survivor_id=twice[0].pk, merged_id=twice[1].pk)


def _extra_paths(role: str) -> list[str]:
    """Pages a role reaches only through a state the crawl might not meet first."""
    from kotopaikka.placement.models import PlacementCase

    if role == "officer":
        decided = (
            PlacementCase.objects.filter(
                regional_authority__code="evk-01",
                status=PlacementCase.Status.DECIDED,
                members__person__isnull=True,
            )
            .distinct()
            .first()
        )
        return [f"/placement/cases/{decided.pk}/identities/"] if decided else []
    if role == "helsinki":
        waiting = PlacementCase.objects.get(reference="147-77700002")
        return [f"/placement/cases/{waiting.pk}/"]
    return []


# --------------------------------------------------------------------------------------------
# Failed submits: the error summary is audited, and must have the focus


def _failed(crawler: Crawler, path: str, label: str, fill=None) -> None:
    page = crawler.page
    page.goto(path)
    if fill:
        fill(page)
    page.locator("main form.kp-form[method=post] [type=submit]").first.click()
    page.wait_for_load_state("load")
    crawler.check(f"{label} – after a failed submit", status=None)
    focused = page.evaluate(
        "() => document.activeElement && document.activeElement.matches('[data-kp-error-summary]')"
    )
    if not focused:
        crawler.audit.focus_failures.append(f"{crawler.role}: {label} ({page.url})")


def _failed_submits(crawler: Crawler, role: str) -> None:
    if role == "officer":
        _failed(crawler, "/persons/new/", "person form")
        _failed(crawler, "/placement/cases/new/", "case form")
        _failed(crawler, "/placement/agreements/edit/", "agreement form")
        for path in _extra_paths("officer"):
            _failed(crawler, path, "identities form")
    if role == "helsinki":
        _failed(crawler, "/placement/moves/new/", "self-arranged move form")
        from kotopaikka.integration.models import IntegrationClient

        client = IntegrationClient.objects.filter(municipality__code="091").first()
        _failed(
            crawler,
            f"/integration/clients/{client.pk}/edit/",
            "client record form",
            fill=lambda page: page.locator("#id_email").fill("not an address"),
        )


# --------------------------------------------------------------------------------------------
# The crawl


def _new_context(browser, server):
    context = browser.new_context(base_url=server.url, locale="en-US", viewport=DESKTOP)
    context.set_default_timeout(TIMEOUT_MS)
    context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    install_axe(context)
    return context


def _to_swedish(page) -> None:
    page.goto("/")
    page.locator('form.kp-lang button[value="sv"]').click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")


def _submit_built_form(page, action: str, fields: int = 0, size: int = 0, token: bool = True):
    """POST a form built in the page (for the 400, 403 CSRF and 413 pages)."""
    with page.expect_navigation():
        page.evaluate(
            """([action, fields, size, token]) => {
          const form = document.createElement("form");
          form.method = "post"; form.action = action;
          const add = (name, value) => {
            const input = document.createElement("input");
            input.type = "hidden"; input.name = name; input.value = value; form.append(input);
          };
          if (token) add("csrfmiddlewaretoken",
            document.querySelector("[name=csrfmiddlewaretoken]").value);
          for (let i = 0; i < fields; i++) add("f" + i, "x");
          if (size) add("big", "x".repeat(size));
          document.body.append(form); form.submit();
        }""",
            [action, fields, size, token],
        )


def _anonymous(crawler: Crawler, server) -> None:
    page = crawler.page
    crawler.visit("/accounts/login/", "login page")
    crawler.visit("/accessibility/", "accessibility statement")
    _failed(
        crawler,
        "/accounts/login/",
        "login page",
        fill=lambda p: (
            p.locator("#id_username").fill("no-such-user"),
            p.locator("#id_password").fill("wrong password"),
        ),
    )
    crawler.visit("/no-such-page/", "404 page", expect_error=True)
    page.goto("/accounts/login/")
    _submit_built_form(page, "/accounts/login/", token=False)
    crawler.check("403 CSRF page", expect_error=True, status=403)
    page.goto("/accounts/login/")
    _submit_built_form(page, "/accounts/login/", fields=1200)
    crawler.check("400 page", expect_error=True, status=400)
    page.goto("/accounts/login/")
    _submit_built_form(page, "/accounts/login/", size=1_200_000)
    crawler.check("413 page", expect_error=True, status=413)
    # The 500 page cannot be caused on purpose: its real handler's answer is served instead.
    from kotopaikka.core.errorpages import server_error

    with translation.override("fi"):
        body = server_error(RequestFactory().get("/")).content
    page.route("**/__error-500__/", lambda route: route.fulfill(status=500, body=body))
    page.goto("/__error-500__/")
    crawler.check("500 page", expect_error=True, status=500)


@pytest.fixture(scope="module")
def audit(browser, audit_data) -> Audit:
    """Run the whole audit once for the module (see the module docstring)."""
    server = audit_data
    result = Audit()
    swedish_shapes: set[str] = set()
    started = time.monotonic()
    with timed(result):
        for role in ["anonymous", *ROLES]:
            context = _new_context(browser, server)
            page = context.new_page()
            crawler = Crawler(page, result, role=role, language="fi", origin=server.url)
            try:
                if role == "anonymous":
                    _anonymous(crawler, server)
                    _to_swedish(page)
                    sv = Crawler(page, result, role=role, language="sv", origin=server.url)
                    sv.visit("/accounts/login/", "login page")
                    sv.visit("/accessibility/", "accessibility statement")
                    continue
                log_in_as(page, role)
                crawler.crawl(["/", *_extra_paths(role)])
                if role == "officer":
                    crawler.visit("/placement/")
                    page.get_by_test_id("run-optimiser").click()
                    page.wait_for_load_state("load")
                    expect(page.get_by_test_id("run-state")).to_be_visible()
                    crawler.check("optimiser run page")
                if role == "analyst":
                    crawler.visit("/placement/agreements/1/", "403 page", expect_error=True)
                _failed_submits(crawler, role)
                # Swedish: the home page and the pages it links to, each shape once over all
                # roles (the Finnish crawl has covered every page of every role).
                _to_swedish(page)
                sv = Crawler(page, result, role=role, language="sv", origin=server.url)
                sv.visit("/", "home page")  # each role's own tasks
                sv.shapes.update({shape: 99 for shape in swedish_shapes})
                sv.crawl(sv.links(), depth=0)
                swedish_shapes |= set(sv.shapes)
            finally:
                context.close()
    pages = {(r.role, r.url) for r in result.results}
    SUMMARY.append(
        f"{len(result.results)} page loads ({len(pages)} distinct pages by role; "
        f"{sum(r.language == 'fi' for r in result.results)} in Finnish, "
        f"{sum(r.language == 'sv' for r in result.results)} in Swedish) for {len(ROLES)} roles "
        f"and anonymous; {len(result.rules)} axe-core {AXE_VERSION} rules (WCAG 2.0/2.1 A "
        f"and AA); {sum(len(r.violations) for r in result.results)} violations "
        f"({len(_unexpected(result))} not listed in the accessibility statement); axe over "
        f"<main> reused for {result.reused} loads whose main content had been audited; "
        f"{sum(r.scroll_width is not None for r in result.results)} pages measured at "
        f"{REFLOW_WIDTH} px; audit took {time.monotonic() - started:.0f} s"
    )
    SUMMARY.append(f"axe-core rules: {', '.join(result.rules)}")
    if os.environ.get("KOTOPAIKKA_A11Y_REPORT"):
        result.dump(os.environ["KOTOPAIKKA_A11Y_REPORT"])
    return result


# --------------------------------------------------------------------------------------------
# The rules that decide what fails


def _known_for(url: str):
    path = urlsplit(url).path
    return [i for i in accessibility.KNOWN_ISSUES if any(path.startswith(p) for p in i.paths)]


def _unexpected(audit: Audit) -> list[str]:
    found = []
    for r in audit.results:
        tolerated = {rule for issue in _known_for(r.url) for rule in issue.axe_rules}
        for v in r.violations:
            if v["id"] not in tolerated:
                nodes = "; ".join(f"{n['target']} – {n['summary']}" for n in v["nodes"][:3])
                found.append(f"{r.describe()}: {v['id']} ({v['impact']}): {v['help']}: {nodes}")
    return found


def _route_name(url: str) -> str | None:
    try:
        return resolve(urlsplit(url).path).view_name
    except Resolver404:
        return None


def _page_routes() -> set[str]:
    """Every named route of the site outside the admin and the API."""
    names = set()

    def walk(patterns, namespace: str = "", prefix: str = "") -> None:
        for p in patterns:
            route = prefix + str(p.pattern)
            if route.startswith(("admin/", "api/")):
                continue
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, ns, route)
            elif isinstance(p, URLPattern) and p.name:
                names.add(namespace + p.name)

    walk(get_resolver().url_patterns)
    return names - NOT_PAGES


# --------------------------------------------------------------------------------------------
# The tests


@pytest.mark.browser
def test_every_page_passes_axe_core_wcag_a_and_aa(audit):
    unexpected = _unexpected(audit)
    assert not unexpected, f"{len(unexpected)} violations:\n" + "\n".join(unexpected)


@pytest.mark.browser
def test_every_known_issue_of_the_statement_is_still_found(audit):
    """A known issue that the audit can detect but no longer finds must leave the statement."""
    stale = []
    for issue in accessibility.KNOWN_ISSUES:
        pages = [r for r in audit.results if issue in _known_for(r.url)]
        if issue.paths and not pages:
            stale.append(f"{issue.key}: none of its pages {issue.paths} was audited")
        for rule in issue.axe_rules:
            if not any(v["id"] == rule for r in pages for v in r.violations):
                stale.append(f"{issue.key}: axe rule {rule} is no longer violated")
        if issue.reflow and not any(r.scroll_width > REFLOW_WIDTH for r in pages):
            stale.append(f"{issue.key}: its pages now reflow at {REFLOW_WIDTH} px")
    assert not stale, "fixed? update portal/accessibility.py and docs/accessibility.md:\n" + (
        "\n".join(stale)
    )


@pytest.mark.browser
def test_every_page_reflows_at_320_css_pixels(audit):
    wide = [
        f"{r.describe()}: {r.scroll_width} px wide; sticking out: {', '.join(r.offenders)}"
        for r in audit.results
        if r.scroll_width is not None
        and r.scroll_width > REFLOW_WIDTH
        and not any(issue.reflow for issue in _known_for(r.url))
    ]
    assert sum(r.scroll_width is not None for r in audit.results) > 100
    assert not wide, "\n".join(wide)


@pytest.mark.browser
def test_every_page_links_to_the_accessibility_statement_in_its_footer(audit):
    missing = [r.describe() for r in audit.results if not r.has_statement_link]
    assert not missing, "no footer link to the accessibility statement:\n" + "\n".join(missing)


@pytest.mark.browser
def test_the_audit_reaches_every_page_of_the_site(audit):
    """Every named page route was audited for some role (in Finnish), and no link that a
    role was shown led to an error."""
    reached = {_route_name(r.url) for r in audit.results if r.language == "fi"}
    missing = sorted(_page_routes() - reached)
    assert not missing, f"pages the audit did not reach (add a path or a state): {missing}"
    assert not audit.truncated, f"crawls stopped at {Crawler.MAX_PAGES} pages: {audit.truncated}"
    broken = [
        f"{r.describe()}: {r.status}"
        for r in audit.results
        if r.status and r.status >= 400 and not r.expect_error
    ]
    assert not broken, "links that answer an error:\n" + "\n".join(broken)
    assert any(_route_name(r.url) == "accessibility_statement" for r in audit.results)
    assert any(r.language == "sv" and _route_name(r.url) == "home" for r in audit.results)


@pytest.mark.browser
def test_the_error_summary_has_the_focus_after_every_failed_submit(audit):
    assert audit.focus_failures == [], audit.focus_failures
    assert sum("failed submit" in r.label for r in audit.results) >= 7
