from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kotopaikka.core"
    verbose_name = _("Kotopaikka core")

    def ready(self) -> None:
        # Start-up fails when a model has not been classified for audit (see audit_policy).
        from . import audit_policy

        audit_policy.check_all_models_classified()
        audit_policy.register_change_logging()
