"""`manage.py remind_proposals`: enqueue today's reminders of undecided proposals (run daily)."""

from django.core.management.base import BaseCommand

from kotopaikka.placement.reminders import send_reminders_task


class Command(BaseCommand):
    help = "Enqueue reminders of placement proposals near or past their deadline."

    def handle(self, *args, **options):
        result = send_reminders_task.enqueue()
        self.stdout.write(f"Reminder task enqueued ({result.id}).")
