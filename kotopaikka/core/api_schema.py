"""OpenAPI schema generation: every operation documents the errors it can answer.

drf-spectacular documents only the success response. A generated client then has no type for
the 400 body and treats a 404 or 429 as a protocol error, and schemathesis (CI) fails every
undocumented status. This `AutoSchema` adds, to every operation, the error statuses the
platform answers (the bodies are those of `core.api_errors`):

| status | when | operations |
|---|---|---|
| 400 `ValidationError` | bad field, parameter or body | with a body, query parameters, or unsafe |
| 401 `Error` | no or bad credentials | all |
| 403 `Error` | role or role header refused, CSRF | all |
| 404 `Error` | id not found or out of scope | with path parameters, or unsafe |
| 409 `Error` | conflict with stored data | unsafe |
| 413 `Error` | body over the route's limit | with a body |
| 415 `Error` | body not in a documented media type | with a body |
| 429 `Error` | throttled | all |

A view whose answers differ from the table (the password login has no credentials to refuse
with 401, a body-less logout no field for a 400) lists its own in `error_statuses`.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent

#: the bodies of core.api_errors, as OpenAPI components
ERROR_SCHEMA = {
    "type": "object",
    "description": "Every error except 400: a message in the request's language and a code.",
    "properties": {
        "detail": {"type": "string", "description": "in the request's language"},
        "code": {"type": "string", "description": "machine-readable, e.g. not_found"},
    },
    "required": ["detail", "code"],
    "additionalProperties": True,  # a 409 adds its conflict's payload
}
VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "description": (
        "400: messages by field, in the request's language. A key is the field's name, a "
        "dotted path for nested input (members.0.sex), the query parameter's name, 'body' for "
        "a body that cannot be read, or 'non_field_errors'."
    ),
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}
DESCRIPTIONS = {
    "400": "Invalid input: messages by field.",
    "401": "Not authenticated, or the credentials are not valid.",
    "403": "The acting role may not do this (or the role header names no role of the user).",
    "404": "Not found, or not in the acting role's scope.",
    "409": "Conflicts with stored data (e.g. a possible duplicate, no free places).",
    "413": "The request body is larger than this address accepts.",
    "415": "The body is not in a media type this operation accepts.",
    "429": "Too many requests: wait for the time in Retry-After.",
}
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class KotopaikkaAutoSchema(AutoSchema):
    def _component(self, name: str, schema: dict) -> dict:
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, schema=schema, object=name
        )
        self.registry.register_on_missing(component)
        return component.ref

    def error_statuses(self) -> list[str]:
        """The error statuses of this operation (the table in the module docstring)."""
        declared = getattr(self.view, "error_statuses", None)
        if declared is not None:
            return sorted(declared)
        has_body = self.method in {"POST", "PUT", "PATCH"} and self.get_request_serializer()
        path_params = "{" in self.path
        query_params = any(p.get("in") == "query" for p in self._get_parameters())
        unsafe = self.method in UNSAFE
        statuses = ["401", "403", "429"]
        if has_body or query_params or unsafe:
            statuses.append("400")
        if path_params or unsafe:
            statuses.append("404")
        if unsafe:
            statuses.append("409")
        if has_body:
            statuses += ["413", "415"]
        return sorted(statuses)

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        error = self._component("Error", ERROR_SCHEMA)
        invalid = self._component("ValidationError", VALIDATION_ERROR_SCHEMA)
        for code in self.error_statuses():
            responses.setdefault(
                code,
                {
                    "description": DESCRIPTIONS[code],
                    "content": {
                        "application/json": {"schema": invalid if code == "400" else error}
                    },
                },
            )
        return responses
