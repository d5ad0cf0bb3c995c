"""Error answers: translated pages for people, the JSON error body on API paths.

Django's own handlers answer HTML everywhere (an API client asking `/api/v1/persons/not-a-uuid/`
got the 404 page), and with `DEBUG=True` the English debug page listing every URL pattern. These
handlers (`handler400` … `handler500` in `config.urls`, `CSRF_FAILURE_VIEW`) answer
`{"detail": "…", "code": "…"}` under `/api/` and the site's own page elsewhere, both in the
request's language (the locale middleware has run by the time a handler is called).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.template.exceptions import TemplateDoesNotExist
from django.utils.translation import gettext as _

API_PREFIX = "/api/"


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def api_error(status: int, detail: str, code: str, **extra) -> JsonResponse:
    """The API's error body (the `Error` component of the OpenAPI schema)."""
    return JsonResponse(
        {"detail": detail, "code": code, **extra},
        status=status,
        json_dumps_params={"ensure_ascii": False},  # as DRF writes UTF-8
    )


def _page(request: HttpRequest, template: str, status: int, context: dict | None = None):
    body = loader.render_to_string(template, context or {}, request=request)
    return HttpResponse(body, status=status)


def bad_request(request: HttpRequest, exception=None, template_name: str = "400.html"):
    """400: a malformed request that Django itself refused (e.g. too many form fields)."""
    if is_api(request):
        return api_error(400, _("The request could not be read."), "bad_request")
    return _page(request, template_name, 400)


def permission_denied(request: HttpRequest, exception=None, template_name: str = "403.html"):
    if is_api(request):
        return api_error(
            403, _("You do not have permission to perform this action."), "permission_denied"
        )
    return _page(request, template_name, 403)


def page_not_found(request: HttpRequest, exception=None, template_name: str = "404.html"):
    if is_api(request):
        return api_error(404, _("Not found."), "not_found")
    return _page(request, template_name, 404)


def server_error(request: HttpRequest, template_name: str = "500.html"):
    """500: no context processors (the failure may be in them); the request id for support."""
    request_id = getattr(request, "request_id", "")
    if is_api(request):
        return api_error(
            500,
            _("Internal error. Give the request id %(request_id)s to support.")
            % {"request_id": request_id},
            "server_error",
        )
    try:
        body = loader.get_template(template_name).render({"request_id": request_id})
    except TemplateDoesNotExist:  # pragma: no cover - the template ships with the app
        body = "<h1>Server Error (500)</h1>"
    return HttpResponse(body, status=500)


def csrf_failure(request: HttpRequest, reason: str = "", template_name: str = "403_csrf.html"):
    """`CSRF_FAILURE_VIEW`: the form was stale or sent from elsewhere (Django's reason is
    English and for developers; it is logged by Django, not shown)."""
    if is_api(request):
        return api_error(
            403,
            _("The CSRF check failed: reload the page, or send the X-CSRFToken header."),
            "csrf_failed",
        )
    return _page(request, template_name, 403)


def request_too_large(request: HttpRequest, limit: str) -> HttpResponse:
    """413 from `core.limits.RequestSizeLimitMiddleware`; `limit` is already formatted."""
    detail = _("The request is larger than %(limit)s, the limit at this address.") % {
        "limit": limit
    }
    if is_api(request):
        return api_error(413, detail, "request_too_large")
    return _page(request, "413.html", 413, {"detail": detail})
