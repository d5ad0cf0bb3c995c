"""Audit events in words: the names of the fields an event lists and of its channel, in the
user's language, for the pages that show the log (a person's access log).

A field's name is the verbose name of the field of the event's model (`object_type`, an app
label and model name, sometimes with `:what` after it), or of the related records it names
(a person's "nationalities"); the parts of a record that no single field holds (a person's
"timeline", "identifiers") have their names here. A name found nowhere is shown as it is.
"""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import ForeignObjectRel
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

#: `AuditEvent.channel` -> its name
CHANNELS = {
    "ui": _("user interface"),
    "api": _("API"),
    "cli": _("management command"),
    "task": _("background task"),
}

#: names of the parts of a record that are not one field of its model (or of the models the
#: events name most): a person's, a case's, an integration client's
PARTS = {
    "*": _("all data"),
    "identifiers": _("identifiers"),
    "nationalities": _("nationalities"),
    "languages": _("languages"),
    "other_names": _("other names"),
    "timeline": _("timeline"),
    "household": _("household"),
    "pseudonym": _("pseudonym"),
    "birth_year": _("year of birth"),
    "person": _("person"),
    "members": _("members"),
    "members.person": _("members' identities"),
    "identities": _("members' identities"),
    "due_items": _("items due"),
    "measures": pgettext_lazy("parts of a record", "measures"),
    "goals": _("goals"),
    "dates": _("dates"),
    "participants": _("participants"),
    "sessions": _("sessions"),
    "attendance": _("attendance"),
    "record": _("record"),
    "merged": _("merged record"),
    "survivor": _("record kept"),
    "moves": _("what was moved"),
    "own_assessments": _("own assessments"),
    "own_plans": _("own integration plans"),
    "own_contacts": _("own contacts"),
    "result": _("result"),
    "group": pgettext_lazy("civic orientation", "group"),
    "agreement": _("agreement on the plan"),
    "case": _("placement case"),
    "client": _("integration client"),
    "plan": _("integration plan"),
    "session": _("session"),
    "from_municipality": _("municipality moved from"),
    "to_municipality": _("municipality moved to"),
}

#: apps whose models' fields an event on another model may name (an arrival names the
#: person's municipality), searched in this order
_APPS = ("people", "integration", "placement")


def _model(label: str):
    try:
        return apps.get_model(label.split(":", 1)[0])
    except (LookupError, ValueError):
        return None


def _field(model, name: str):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _own_field_label(model, name: str) -> str | None:
    """The field's verbose name, when it has one of its own (a translated one: Django makes
    a plain, untranslated one from the name of a field without)."""
    field = _field(model, name) if model is not None else None
    if field is None or isinstance(field, ForeignObjectRel):
        return None
    return field.verbose_name if isinstance(field.verbose_name, Promise) else None


def field_label(object_type: str, name: str) -> str:
    """The name of field `name` of an event on `object_type`, in the active language."""
    model = _model(object_type)
    label = _own_field_label(model, name)
    if label is None and name in PARTS:
        label = PARTS[name]
    related = _field(model, name) if label is None and model is not None else None
    if related is not None and related.is_relation:  # the records it names
        meta = related.related_model._meta
        label = meta.verbose_name_plural if related.one_to_many else meta.verbose_name
    for app in _APPS if label is None else ():
        for other in apps.get_app_config(app).get_models():
            label = label or _own_field_label(other, name)
    return str(label) if label is not None else name


def field_labels(object_type: str, names) -> list[str]:
    return [field_label(object_type, name) for name in names or []]


def channel_label(channel: str) -> str:
    return str(CHANNELS[channel]) if channel in CHANNELS else channel
