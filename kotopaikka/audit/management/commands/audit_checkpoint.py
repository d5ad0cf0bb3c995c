"""`manage.py audit_checkpoint`: sign the audit chain's head now and append the checkpoint to
the checkpoint file and the log; `--schedule` starts the periodic background task instead;
`--public-key` prints the key an auditor checks the checkpoints with."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, no_translations

from kotopaikka.audit import checkpoints


class Command(BaseCommand):
    help = (
        "Write a signed checkpoint of the audit chain (sequence number, head hash, time) to "
        "KOTOPAIKKA_AUDIT_CHECKPOINT_DIR and the log."
    )

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument(
            "--schedule",
            action="store_true",
            help="Enqueue the periodic checkpoint task for the background worker (db_worker); "
            "it writes one now and then every KOTOPAIKKA_AUDIT_CHECKPOINT_INTERVAL_MINUTES.",
        )
        group.add_argument(
            "--public-key",
            action="store_true",
            help="Print the public key (base64) and key id that verify the checkpoints.",
        )

    @no_translations
    def handle(self, *args, **options):
        if options["public_key"]:
            self.stdout.write(f"{checkpoints.public_key_text()} (key {checkpoints.key_id()})")
            return
        if options["schedule"]:
            if checkpoints.schedule():
                minutes = settings.KOTOPAIKKA_AUDIT_CHECKPOINT_INTERVAL.total_seconds() / 60
                self.stdout.write(f"Checkpoint task enqueued: every {minutes:g} minutes.")
            else:
                self.stdout.write("A checkpoint task is already waiting in the queue.")
            return
        try:
            checkpoint = checkpoints.write_checkpoint()
        except checkpoints.CheckpointRefused as exc:
            raise CommandError(f"No checkpoint written: {exc}.") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Checkpoint written: event {checkpoint.seq} at {checkpoint.time} "
                f"(key {checkpoint.key}) to {checkpoints.checkpoint_path()}."
            )
        )
