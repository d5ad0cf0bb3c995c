from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationConfig(AppConfig):
    name = "kotopaikka.integration"
    verbose_name = _("Integration services")

    def ready(self) -> None:
        # people cannot import integration (layers): it calls this when records are merged.
        from kotopaikka.people.merging import register_merge_handler

        from . import services

        register_merge_handler("integration", services.client_person_repoint)
