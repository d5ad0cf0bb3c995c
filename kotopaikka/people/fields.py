"""Which parts of a person each kind of read shows; the audit log names exactly these."""

from __future__ import annotations

from kotopaikka.access.roles import PersonView

FULL = (
    "given_names",
    "family_name",
    "other_names",
    "date_of_birth",
    "sex",
    "identifiers",
    "nationalities",
    "languages",
    "household",
    "municipality",
    "regional_authority",
    "reception_centre",
    "timeline",
)
#: What KEHA needs to compute and pay compensation: who, born when, which code, where.
COMPENSATION = ("given_names", "family_name", "date_of_birth", "identifiers", "municipality")
LIST = ("given_names", "family_name", "date_of_birth", "municipality")
PSEUDONYMISED = ("pseudonym", "birth_year", "sex", "municipality", "nationalities")

DETAIL_FIELDS = {PersonView.FULL: FULL, PersonView.COMPENSATION: COMPENSATION}
