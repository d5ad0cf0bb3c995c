"""`manage.py compile_translations [--check]`: compile the fi/sv/en catalogues with polib.

Uses polib instead of GNU gettext's msgfmt so that a fresh machine with only Python can build
the catalogues. With --check it fails on any missing or fuzzy entry (the CI gate).
"""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

DOMAINS = ("django", "djangojs")


def catalogue_problems(po: polib.POFile) -> list[str]:
    problems = []
    for entry in po:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {entry.msgid!r}")
        elif entry.msgid_plural:
            if not entry.msgstr_plural or not all(entry.msgstr_plural.values()):
                problems.append(f"untranslated plural: {entry.msgid!r}")
        elif not entry.msgstr:
            problems.append(f"untranslated: {entry.msgid!r}")
    return problems


class Command(BaseCommand):
    help = "Compile .po catalogues to .mo; with --check, fail on missing or fuzzy translations."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true")

    def handle(self, *args, check: bool, **options):
        failures: list[str] = []
        for locale_dir in settings.LOCALE_PATHS:
            for code, _name in settings.LANGUAGES:
                for domain in DOMAINS:
                    path = Path(locale_dir) / code / "LC_MESSAGES" / f"{domain}.po"
                    if not path.exists():
                        if domain == "django":
                            failures.append(f"{path}: missing catalogue")
                        continue
                    po = polib.pofile(str(path))
                    problems = catalogue_problems(po)
                    failures += [f"{path}: {p}" for p in problems]
                    po.save_as_mofile(str(path.with_suffix(".mo")))
                    self.stdout.write(
                        f"{path}: {len(po)} entries, {po.percent_translated()}% translated"
                    )
        if check and failures:
            for failure in failures[:50]:
                self.stderr.write(failure)
            raise CommandError(f"{len(failures)} translation problems")
