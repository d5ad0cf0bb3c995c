from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacementConfig(AppConfig):
    name = "kotopaikka.placement"
    verbose_name = _("Placement")

    def ready(self) -> None:
        # people cannot import placement (layers): it calls this when records are merged.
        from kotopaikka.people.merging import register_merge_handler

        from . import services

        register_merge_handler("placement", services.persons_repoint)
