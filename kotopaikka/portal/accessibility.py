"""What the accessibility statement says, kept in one place so that the statement page, the
CI audit (tests/browser/test_accessibility.py) and docs/accessibility.md cannot drift apart.

The Act on the Provision of Digital Services (306/2019) requires a public digital service to
meet WCAG 2.1 level AA and to publish an accessibility statement: its conformance status, the
content that is not accessible and why, how and when accessibility was assessed, a feedback
channel, and the supervising authority's contact details. The audit tolerates exactly the
automated findings listed in `KNOWN_ISSUES` (on their pages, by axe rule) and fails when one of
them is no longer found, so that a fixed problem is also removed from the statement.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

#: The statement was first prepared, and last reviewed, on these dates.
PREPARED_ON = dt.date(2026, 12, 3)
REVIEWED_ON = dt.date(2026, 12, 3)
#: The manual check (the main tasks with the keyboard only, and at 320 px) was last done on.
MANUAL_CHECK_ON = dt.date(2026, 12, 3)
#: The axe-core version of the automated audit (tests/browser/vendor/axe-core/SOURCE.txt).
AXE_CORE_VERSION = "4.14.1"

#: Conformance: "full" or "partial" (WCAG 2.1 AA); partial while any known issue remains.
FULLY = "full"
PARTIALLY = "partial"

#: The supervising authority (from 2025: Traficom's accessibility supervision).
SUPERVISOR_EMAIL = "saavutettavuus@traficom.fi"
SUPERVISOR_WEBSITE = "https://www.saavutettavuusvaatimukset.fi/"


@dataclass(frozen=True)
class KnownIssue:
    """Content that does not meet a WCAG 2.1 A or AA success criterion, and why."""

    key: str
    title: Promise
    description: Promise
    criteria: tuple[str, ...]  # WCAG 2.1 success criteria, e.g. ("1.4.10",)
    reason: Promise
    #: Path prefixes where the automated audit finds it ("" for issues it cannot detect),
    #: the axe rules it may report there, and whether pages there may scroll sideways at 320 px.
    paths: tuple[str, ...] = ()
    axe_rules: tuple[str, ...] = ()
    reflow: bool = False


KNOWN_ISSUES: tuple[KnownIssue, ...] = (
    KnownIssue(
        key="session-timeout",
        title=_("The session ends after inactivity without a warning"),
        description=_(
            "After 30 minutes without activity the session ends and the user has to log in "
            "again; no warning is shown before, and input not yet saved is lost."
        ),
        criteria=("2.2.1",),
        reason=_(
            "The time limit protects the personal data on the screen of an unattended "
            "computer. A warning that lets the user continue the session is planned."
        ),
    ),
    KnownIssue(
        key="documents",
        title=_("Uploaded agreement documents"),
        description=_(
            "The agreements on municipal places are stored as the PDF files that the regional "
            "authority uploads. Kotopaikka does not check them, and they may not be accessible."
        ),
        criteria=("1.1.1", "1.3.1", "2.4.2"),
        reason=_(
            "The documents are made outside Kotopaikka by the parties to the agreement. Their "
            "content (places per year, services, dates) is shown as accessible text on the "
            "agreement's page."
        ),
    ),
)


def conformance() -> str:
    """FULLY when no known issue remains, else PARTIALLY."""
    return PARTIALLY if KNOWN_ISSUES else FULLY
