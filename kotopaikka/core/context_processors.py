from django.conf import settings
from django.http import HttpRequest


def demo_mode(request: HttpRequest) -> dict:
    """The demo shows a banner on every page: its persons are synthetic."""
    return {"show_synthetic_banner": settings.DEMO_MODE}
