"""`manage.py seed_demo`: demo users for every role and synthetic persons (idempotent)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from kotopaikka.compensation.loader import load_compensation_rules, load_provisional_demo
from kotopaikka.portal.demo import (
    DEMO_PASSWORD,
    ensure_demo_users,
    seed_duplicates,
    seed_synthetic_persons,
)
from kotopaikka.portal.demo_integration import seed_integration
from kotopaikka.portal.demo_placement import seed_placement
from kotopaikka.rules.loader import load_rules


class Command(BaseCommand):
    help = "Create demo users (one per role) and SYNTHETIC persons and households."

    def handle(self, *args, **options):
        users = ensure_demo_users()
        created = seed_synthetic_persons() + seed_duplicates()
        self.stdout.write(f"Synthetic persons created: {created} (all labelled synthetic).")
        placement = seed_placement()
        if placement:
            self.stdout.write(
                "Synthetic placement data: "
                + ", ".join(f"{n} {name}" for name, n in placement.items())
                + " (all labelled synthetic)."
            )
        # the demo's runs score cases with the outcome model (trained once, on synthetic history)
        call_command("train_outcome_model", if_none=True, stdout=self.stdout)
        load_rules()  # the integration data computes its due dates with the dated rules
        load_compensation_rules()
        provisional = load_provisional_demo()
        if provisional:
            self.stdout.write(
                f"Compensation rules: {provisional} PROVISIONAL demonstration values "
                "(not from a source; every result computed from them is marked provisional)."
            )
        integration = seed_integration()
        if integration:
            self.stdout.write(
                "Synthetic integration services: "
                + ", ".join(f"{n} {name}" for name, n in integration.items())
                + " (all labelled synthetic)."
            )
        self.stdout.write("")
        self.stdout.write(f"Demo users (password for all: {DEMO_PASSWORD}):")
        for spec in users:
            self.stdout.write(f"  {spec.username:<11} {spec.can_do}")
