"""`manage.py load_rules`: load the shipped legal rules (idempotent)."""

from django.core.management.base import BaseCommand

from kotopaikka.rules.loader import load_rules
from kotopaikka.rules.selectors import unset_rules


class Command(BaseCommand):
    help = "Load the dated legal rules shipped in kotopaikka/rules/data/legal_rules.csv."

    def handle(self, *args, **options):
        report = load_rules()
        self.stdout.write(f"Legal rules: {report.created} created, {report.updated} updated.")
        for rule in unset_rules():
            self.stdout.write(
                f"  awaiting an administrator: {rule.key} from {rule.valid_from} "
                f"({rule.legal_reference})"
            )
