"""System checks of the portal: the accessibility statement's feedback channel must exist."""

from __future__ import annotations

from django.conf import settings
from django.core import checks


@checks.register("accessibility", deploy=True)
def feedback_address(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Act 306/2019 requires a feedback channel in the accessibility statement; without the
    setting the statement would name none."""
    if settings.ACCESSIBILITY_FEEDBACK_EMAIL:
        return []
    return [
        checks.Error(
            "ACCESSIBILITY_FEEDBACK_EMAIL is not set: the accessibility statement "
            "(/accessibility/) has no feedback address.",
            hint="Set it to the address where your organisation answers accessibility feedback.",
            id="portal.E001",
        )
    ]
