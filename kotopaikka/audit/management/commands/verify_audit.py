"""`manage.py verify_audit`: check the audit hash chain; exit 1 at the first broken link."""

from django.core.management.base import BaseCommand, CommandError

from kotopaikka.audit.verify import verify_chain


class Command(BaseCommand):
    help = "Verify the audit log's hash chain and report the first broken link."

    def handle(self, *args, **options):
        result = verify_chain()
        if result.ok:
            self.stdout.write(
                self.style.SUCCESS(f"Audit chain intact: {result.checked} events verified.")
            )
            return
        raise CommandError(
            f"Audit chain broken at event {result.broken_seq}: {result.reason} "
            f"({result.checked} events before it verified)."
        )
