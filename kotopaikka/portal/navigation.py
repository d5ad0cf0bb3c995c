"""What the acting role may do, in one list: the home page's task cards and the navigation bar
of every page (base.html) are both built from `PAGES`, filtered by `policy.can`.

The bar shows the sections the role has (placement, integration services, persons, ...), the
current one marked with aria-current="page"; under it, the pages of the current section. A
page belongs to the section of the listed page whose address is the longest prefix of its own
(a case's page, /placement/cases/<id>/, is under the cases' queue at /placement/).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from kotopaikka.access.policy import can
from kotopaikka.access.roles import Op

#: the sections of the bar, in their order: key -> label
SECTIONS = {
    "placement": _("Placement"),
    "integration": _("Integration services"),
    "people": _("Persons"),
    "statistics": _("Statistics"),
    "reference": _("Reference data"),
    "admin": _("Administration"),
}


@dataclass(frozen=True)
class Page:
    section: str
    ops: tuple[Op, ...]  # all of them are needed
    title: str
    description: str
    url_name: str


def _page(section, ops, title, description, url_name) -> Page:
    return Page(section, ops if isinstance(ops, tuple) else (ops,), title, description, url_name)


PAGES = [
    _page(
        "integration",
        Op.CLIENT_VIEW,
        _("Integration clients"),
        _("Your municipality's clients: status, dates, responsible worker."),
        "integration:clients",
    ),
    _page(
        "integration",
        Op.CLIENT_VIEW,
        _("Work queue"),
        _("Assessments, plans, reviews and orientation hours due or overdue."),
        "integration:queue",
    ),
    _page(
        "integration",
        Op.ORIENTATION_MANAGE,
        _("Multilingual civic orientation"),
        _("Course groups by language, sessions, attendance and waiting lists."),
        "integration:groups",
    ),
    _page(
        "integration",
        Op.CLIENT_VIEW,
        _("Guidance and advice"),
        _("Anonymous contacts and the year's guidance statistics by topic."),
        "integration:guidance",
    ),
    _page(
        "integration",
        Op.CLIENT_UPDATE,
        _("Moves between municipalities"),
        _("Take over clients who move in, and see who moved without a request."),
        "integration:transfers",
    ),
    _page(
        "integration",
        Op.RETENTION_MANAGE,
        _("Retention"),
        _("Client records past their retention period, for deletion."),
        "integration:retention",
    ),
    _page(
        "placement",
        Op.PROPOSAL_DECIDE,
        _("Incoming proposals"),
        _("Accept or decline the cases proposed to your municipality."),
        "placement:inbox",
    ),
    _page(
        "placement",
        Op.CASE_LIST,
        _("Placement cases"),
        _("Cases waiting for a municipality, with filters and waiting times."),
        "placement:queue",
    ),
    _page(
        "placement",
        Op.CASE_IMPORT,
        _("Import cases"),
        _("Resettlement registration data from CSV or JSON, with a report per row."),
        "placement:case_import",
    ),
    _page(
        "placement",
        Op.SELF_MOVE_RECORD,
        _("Self-arranged moves"),
        _("Report a person who moved to your municipality on their own."),
        "placement:moves",
    ),
    _page(
        "placement",
        Op.SELF_MOVE_RESOLVE,
        _("Self-arranged moves"),
        _("Confirm or reject municipalities' reports of self-arranged moves."),
        "placement:moves",
    ),
    _page(
        "placement",
        Op.AGREEMENT_VIEW,
        _("Municipal places"),
        _("Agreements and places: agreed, proposed, accepted, arrived, free."),
        "placement:agreements",
    ),
    _page(
        "placement",
        Op.OPTIMISER_RUN,
        _("Placement policy"),
        _("What the optimiser weighs, in which order; its versions."),
        "placement:policy",
    ),
    _page(
        "placement",
        Op.OUTCOME_MODEL_VIEW,
        _("Outcome models"),
        _("The employment model the optimiser uses: its card, quality and training."),
        "placement:outcome_models",
    ),
    _page(
        "placement",
        Op.PLACEMENT_DASHBOARD,
        _("Placement dashboard"),
        _("Places by region and municipality on a map, waiting times, decisions."),
        "placement:dashboard",
    ),
    _page(
        "people",
        Op.PERSON_LIST,
        _("Persons"),
        _("Find and open the persons whose case is with your organisation."),
        "people:list",
    ),
    _page(
        "people",
        Op.PERSON_CREATE,
        _("Register a person"),
        _("Enter a new person, with a duplicate check."),
        "people:create",
    ),
    _page(
        "people",
        (Op.PERSON_MERGE, Op.PERSON_LIST),
        _("Possible duplicates"),
        _("Records that may be one person: compare them and merge."),
        "people:duplicates",
    ),
    _page(
        "people",
        Op.PERSON_UNMERGE,
        _("Merges of duplicate records"),
        _("Every merge of person records, and undoing one made in error."),
        "people:merges",
    ),
    _page(
        "statistics",
        Op.REPORTS_VIEW,
        _("Statistics"),
        _("National and regional figures, without personal data."),
        "reporting:statistics",
    ),
    _page(
        "people",
        Op.PERSON_LIST_PSEUDONYMISED,
        _("Pseudonymised data"),
        _("Person-level data without names or identity codes."),
        "people:pseudonymised",
    ),
    _page(
        "reference",
        Op.REGISTRY_VIEW,
        _("Municipalities"),
        _("All municipalities with their regions, authorities and key figures."),
        "registry:municipalities",
    ),
    _page(
        "reference",
        Op.REGISTRY_VIEW,
        _("Legal rules and deadlines"),
        _("Every deadline, limit and rate with its legal source and its date."),
        "rules:list",
    ),
    _page(
        "admin",
        Op.REGISTRY_MANAGE,
        _("Administration"),
        _("Reference data, users and their roles."),
        "admin:index",
    ),
    _page(
        "admin",
        Op.AUDIT_VERIFY,
        _("Verify the audit log"),
        _("Check that no audit event has been changed or removed."),
        "audit_verify",
    ),
]


@dataclass(frozen=True)
class Task:
    """One page the actor may open: a card on the home page, a link in the bar."""

    section: str
    title: str
    description: str
    url: str


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    url: str  # its first page
    current: bool
    pages: list[tuple[Task, bool]]  # (page, is it the current one)


def tasks(actor) -> list[Task]:
    """The pages this actor may open, in PAGES' order (one per address)."""
    if actor is None:
        return []
    seen: set[str] = set()
    found = []
    for page in PAGES:
        if all(can(actor, op) for op in page.ops):
            url = reverse(page.url_name)
            if url not in seen:
                seen.add(url)
                found.append(Task(page.section, str(page.title), str(page.description), url))
    return found


def current_task(found: list[Task], path: str) -> Task | None:
    """The task whose address is the longest prefix of `path` (None: the home page, or a
    page outside every section)."""
    matches = [t for t in found if path.startswith(t.url)]
    return max(matches, key=lambda t: len(t.url)) if matches else None


def sections(actor, path: str) -> list[Section]:
    found = tasks(actor)
    current = current_task(found, path)
    result = []
    for key, label in SECTIONS.items():
        pages = [(t, t == current) for t in found if t.section == key]
        if pages:
            is_current = current is not None and current.section == key
            result.append(Section(key, str(label), pages[0][0].url, is_current, pages))
    return result


def navigation(request: HttpRequest) -> dict:
    """Template context: `nav_sections` for base.html's bar (lazy: htmx partials and the
    pages without the bar never compute it)."""
    actor = getattr(request, "actor", None)
    return {"nav_sections": SimpleLazyObject(lambda: sections(actor, request.path))}
