"""`manage.py remind_queue`: enqueue today's work-queue reminders (run daily)."""

from django.core.management.base import BaseCommand

from kotopaikka.integration.reminders import send_queue_reminders_task


class Command(BaseCommand):
    help = "Enqueue e-mail reminders of overdue and soon-due integration tasks (counts only)."

    def handle(self, *args, **options):
        result = send_queue_reminders_task.enqueue()
        self.stdout.write(f"Reminder task enqueued ({result.id}).")
