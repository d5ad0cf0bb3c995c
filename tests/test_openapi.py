"""The OpenAPI schema is generated without warnings and validates."""

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_schema_validates_without_warnings(tmp_path):
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    for path in (
        "/api/v1/persons/",
        "/api/v1/placement/cases/",
        "/api/v1/placement/proposals/{proposal_id}/decision/",
    ):
        assert path in text
