from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompensationConfig(AppConfig):
    """State compensation to municipalities and wellbeing services counties: the rules as
    dated data and the pure calculation engine (`engine.py`)."""

    name = "kotopaikka.compensation"
    verbose_name = _("State compensation")
