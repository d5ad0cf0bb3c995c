from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RulesConfig(AppConfig):
    """Law as data: every legal rule, rate, period and deadline the system computes with is a
    dated row with its legal reference and how well it is verified."""

    name = "kotopaikka.rules"
    verbose_name = _("Legal rules")
