"""`manage.py load_compensation_rules`: load the shipped compensation rules (idempotent)."""

from django.core.management.base import BaseCommand

from kotopaikka.compensation.loader import load_compensation_rules
from kotopaikka.compensation.selectors import unset_rules


class Command(BaseCommand):
    help = (
        "Load the dated compensation rules shipped in "
        "kotopaikka/compensation/data/compensation_rules.csv."
    )

    def handle(self, *args, **options):
        report = load_compensation_rules()
        self.stdout.write(
            f"Compensation rules: {report.created} created, {report.updated} updated."
        )
        for rule in unset_rules():
            self.stdout.write(
                f"  awaiting two compensation handlers: {rule.key} {rule.kind or ''} "
                f"from {rule.valid_from} ({rule.statute})"
            )
