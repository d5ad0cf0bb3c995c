"""`manage.py load_registry`: load or update the shipped reference data (idempotent)."""

from pathlib import Path

from django.core.management.base import BaseCommand

from kotopaikka.registry.loader import DATA_DIR, load_registry


class Command(BaseCommand):
    help = "Load or update regions, authorities, counties, municipalities and organisations."

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", type=Path, default=DATA_DIR)

    def handle(self, *args, data_dir: Path, **options):
        report = load_registry(data_dir)
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS(f"Reference data loaded; {report.changed} rows changed.")
        )
