"""`manage.py verify_audit`: check the audit hash chain, then the database against the newest
signed checkpoint; exit 1 at the first broken link, a truncated tail or a bad checkpoint."""

from django.core.management.base import BaseCommand, CommandError, no_translations

from kotopaikka.audit.checkpoints import check_newest
from kotopaikka.audit.verify import verify_chain


class Command(BaseCommand):
    help = (
        "Verify the audit log's hash chain and report the first broken link; then check it "
        "against the newest signed checkpoint (a truncated tail, a rewritten chain, a forged "
        "checkpoint)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--min-events",
            type=int,
            default=0,
            help="Fail unless at least this many events were verified (CI: 1).",
        )
        parser.add_argument(
            "--require-checkpoint",
            action="store_true",
            help="Fail when there is no checkpoint yet.",
        )

    @no_translations
    def handle(self, *args, **options):
        result = verify_chain()
        checkpoint = check_newest()
        problems = []
        if result.ok:
            self.stdout.write(f"Audit chain intact: {result.checked} events verified.")
        else:
            problems.append(
                f"Audit chain broken at event {result.broken_seq}: {result.reason} "
                f"({result.checked} events before it verified)."
            )
        if checkpoint.ok:
            self.stdout.write(checkpoint.message)
        else:
            problems.append(checkpoint.message)
        if checkpoint.status == "none" and options["require_checkpoint"]:
            problems.append("A checkpoint is required (--require-checkpoint).")
        if result.ok and result.checked < options["min_events"]:
            problems.append(
                f"Only {result.checked} events verified; at least {options['min_events']} "
                "were required (--min-events)."
            )
        if problems:
            raise CommandError("\n".join(problems))
        self.stdout.write(self.style.SUCCESS("Audit log verified."))
