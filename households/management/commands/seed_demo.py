import random
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import import_string

from core.bulkload import analyze
from households.demo import registry as demo


class Command(BaseCommand):
    help = "Seed a realistic demo community and one account per role (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--households",
            type=int,
            default=1000,
            help="How many households (default 1000; e.g. 250000 for benchmarks).",
        )
        parser.add_argument("--seed", type=int, default=2019, help="Random seed.")
        parser.add_argument(
            "--no-accounts", action="store_true", help="Do not create the demo accounts."
        )

    def handle(self, *args, households, seed, no_accounts, **options):
        if not no_accounts and not settings.DEBUG:
            raise CommandError(
                "DEBUG is off: demo accounts with published passwords are not created on a "
                "production system. Run with --no-accounts to seed data only."
            )
        if households < 1:
            raise CommandError("--households must be at least 1.")
        rng = random.Random(seed)
        started = time.monotonic()
        if demo.demo_exists():
            self.stdout.write("The demo community exists already: nothing added.")
        else:
            # One transaction for every row: a failure anywhere leaves no demo at all, so
            # the command can simply be run again.
            with transaction.atomic():
                counts = demo.seed_registry(
                    households=households, rng=rng, stdout=self.stdout, history=households <= 20000
                )
                self._phase("registry", started)
                for path in settings.DEMO_SEEDERS:
                    import_string(path)(rng=rng, stdout=self.stdout)
                    self._phase(path, started)
            self._phase("commit", started)
            # Counting comes after the commit and fresh planner statistics: a count over a
            # million rows the planner has no statistics of can take minutes instead of a
            # second, and inside the seed's transaction it would hold its locks meanwhile.
            analyze()
            self._phase("ANALYZE", started)
            for path in settings.DEMO_COUNT_SEEDERS:
                import_string(path)(rng=rng, stdout=self.stdout)
                self._phase(path, started)
            self.stdout.write(
                "Created {buildings} buildings, {dwellings} dwellings, {households} households, "
                "{people} people in {secs:.1f}s.".format(**counts, secs=time.monotonic() - started)
            )
        if not no_accounts:
            created = demo.seed_accounts()
            for path in settings.DEMO_ACCOUNT_SEEDERS:
                import_string(path)(stdout=self.stdout)
            if created:
                self.stdout.write(
                    f"Demo accounts created ({', '.join(created)}), password: {demo.DEMO_PASSWORD}"
                )
            else:
                self.stdout.write("Demo accounts exist already.")

    def _phase(self, name, started):
        self.stdout.write(f"  [{time.monotonic() - started:7.1f}s] {name} done")
