"""What every Kotopaikka model admin shares: plain, accessible form controls.

Django's admin decorates some fields with scripts whose controls fail WCAG 2.1 AA (found by the
axe audit, tests/browser/test_accessibility.py): a date field's "Today" and calendar links are
named differently from their visible text (2.5.3), the two-list selector's search icons carry
a label their element does not allow (4.1.2), and the searchable select boxes have no
accessible name (4.1.2). Kotopaikka's admins use the browser's own controls instead: a date
input (the project's one ISO date widget) and plain selects, each with its label.
"""

from __future__ import annotations

from django.db import models

from kotopaikka.core.forms import DateInput


class AccessibleAdmin:
    """Mixin for a ModelAdmin or an inline: the browser's date input for date fields.

    Do not add `autocomplete_fields` or `filter_horizontal` to Kotopaikka's admins, for the
    reasons in the module docstring.
    """

    formfield_overrides = {models.DateField: {"widget": DateInput}}
