"""``manage.py import_households FILE [--dry-run] [--create-dwellings] [--apply-moves]
[--user USERNAME]``: the staff pages' import from the shell.

Exit status: 0 the file is valid (and written unless ``--dry-run``), 1 it has errors
(nothing written; the error workbook is written next to the file), 2 it cannot be read.
"""

import os
import sys

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from households.imports.reader import ImportFileError
from households.imports.services import (
    ImportConflict,
    batch_from_path,
    batch_record_check,
    batch_write,
    check_file,
)
from households.imports.validate import Options
from households.imports.workbooks import write_error_workbook

COUNT_LABELS = [
    ("rows", gettext_lazy("data rows")),
    ("households_new", gettext_lazy("new households")),
    ("households_changed", gettext_lazy("changed households")),
    ("households_unchanged", gettext_lazy("unchanged households")),
    ("people_new", gettext_lazy("new people")),
    ("people_changed", gettext_lazy("changed people")),
    ("people_moved", gettext_lazy("of whom move between households")),
    ("people_unchanged", gettext_lazy("unchanged people")),
    ("dwellings_new", gettext_lazy("new dwellings")),
    ("errors", gettext_lazy("errors")),
    ("warnings", gettext_lazy("warnings")),
]


class Command(BaseCommand):
    help = "Import a household roster (.xlsx or .csv): exit 0 valid, 1 errors, 2 unreadable."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument("--create-dwellings", action="store_true")
        parser.add_argument("--apply-moves", action="store_true")
        parser.add_argument("--user", help="the user the history names (username)")

    def handle(self, *args, **opts):
        with translation.override(settings.LANGUAGE_CODE):
            status = self._run(opts)
        if status:
            sys.exit(status)

    def _run(self, opts) -> int:
        path = opts["file"]
        user = None
        if opts["user"]:
            user = get_user_model().objects.filter(username=opts["user"]).first()
            if user is None:
                raise CommandError(f"no user {opts['user']}")
        options = Options(
            create_dwellings=opts["create_dwellings"], apply_moves=opts["apply_moves"]
        )
        if not os.path.isfile(path):
            self.stderr.write(_("No such file: %(path)s") % {"path": path})
            return 2
        try:
            check = check_file(path=path, name=os.path.basename(path), options=options)
        except ImportFileError as exc:
            self.stderr.write(str(exc))
            return 2
        for key, label in COUNT_LABELS:
            self.stdout.write(f"{label}: {check.counts.get(key, 0)}")
        for message in check.warnings[:50]:
            self.stdout.write(_("Warning: %(message)s") % {"message": message})
        if not check.ok:
            for message in check.errors[:200]:
                self.stdout.write(_("Error: %(message)s") % {"message": message})
            stem = os.path.splitext(path)[0]
            error_path = _("%(stem)s-errors.xlsx") % {"stem": stem}
            write_error_workbook(error_path, check)
            self.stdout.write(
                _("Error workbook: %(path)s. Nothing was written.") % {"path": error_path}
            )
            if not opts["dry_run"]:
                batch_record_check(
                    batch=batch_from_path(path=path, user=user, options=options), check=check
                )
            return 1
        if opts["dry_run"]:
            self.stdout.write(_("The file is valid (--dry-run: nothing written)."))
            return 0
        batch = batch_from_path(path=path, user=user, options=options)
        batch_record_check(batch=batch, check=check)
        try:
            written = batch_write(batch=batch, user=user, path=path, check=check)
        except ImportConflict as exc:
            self.stderr.write(str(exc))
            return 1
        self.stdout.write(
            _(
                "Imported (batch #%(pk)s): %(households_created)d households and "
                "%(people_created)d people created, %(households_changed)d households and "
                "%(people_changed)d people changed, %(dwellings_created)d dwellings created."
            )
            % {"pk": batch.pk, **written}
        )
        return 0
