import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from services.monitoring.alerts import alerts_raise


class Command(BaseCommand):
    help = "Raise monitoring leads from department data alerts (the daily job); each fact once."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Run as of this day (YYYY-MM-DD) instead of today.")

    def handle(self, *args, date=None, **options):
        today = timezone.localdate()
        if date:
            try:
                today = datetime.date.fromisoformat(date)
            except ValueError:
                raise CommandError("--date must be YYYY-MM-DD.") from None
        self.stdout.write(f"{alerts_raise(today=today)} monitoring leads raised from alerts.")
