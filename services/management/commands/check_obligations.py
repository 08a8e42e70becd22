import datetime

from django.core.management.base import BaseCommand, CommandError

from services.obligations import services as obligation_services


class Command(BaseCommand):
    help = "Take today's snapshot of every obligation rule and flag overdue work tasks (the daily job)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Run as of this day (YYYY-MM-DD) instead of today.")

    def handle(self, *args, date=None, **options):
        today = None
        if date:
            try:
                today = datetime.date.fromisoformat(date)
            except ValueError:
                raise CommandError("--date must be YYYY-MM-DD.") from None
        result = obligation_services.check_obligations(today=today)
        self.stdout.write(
            f"Snapshot of {result['snapshots']} rules taken; {result['flagged']} work tasks flagged overdue."
        )
