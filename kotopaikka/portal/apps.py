from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The top floor: the role home page and its task cards, role switching, site pages and
    the synthetic demo data. It may use every app; no app may import it."""

    name = "kotopaikka.portal"
    verbose_name = _("Kotopaikka portal")

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the system checks
