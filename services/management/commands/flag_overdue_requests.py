from django.core.management.base import BaseCommand

from services.requests.services import requests_flag_overdue


class Command(BaseCommand):
    help = "Flag residents' requests past their deadline and notify their units (the daily job, by hand)."

    def handle(self, *args, **options):
        flagged = requests_flag_overdue()
        self.stdout.write(f"{flagged} request(s) newly flagged overdue.")
