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
    ("rows", "数据行"),
    ("households_new", "新增户"),
    ("households_changed", "变更户"),
    ("households_unchanged", "未变户"),
    ("people_new", "新增人员"),
    ("people_changed", "变更人员"),
    ("people_moved", "其中迁户"),
    ("people_unchanged", "未变人员"),
    ("dwellings_new", "新建房屋"),
    ("errors", "错误"),
    ("warnings", "提醒"),
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
            self.stderr.write(f"文件不存在：{path}")
            return 2
        try:
            check = check_file(path=path, name=os.path.basename(path), options=options)
        except ImportFileError as exc:
            self.stderr.write(str(exc))
            return 2
        for key, label in COUNT_LABELS:
            self.stdout.write(f"{label}：{check.counts.get(key, 0)}")
        for message in check.warnings[:50]:
            self.stdout.write(f"提醒 {message}")
        if not check.ok:
            for message in check.errors[:200]:
                self.stdout.write(f"错误 {message}")
            stem = os.path.splitext(path)[0]
            error_path = f"{stem}-错误.xlsx"
            write_error_workbook(error_path, check)
            self.stdout.write(f"错误工作簿：{error_path}；未写入任何数据。")
            if not opts["dry_run"]:
                batch_record_check(
                    batch=batch_from_path(path=path, user=user, options=options), check=check
                )
            return 1
        if opts["dry_run"]:
            self.stdout.write("检查通过（--dry-run：未写入）。")
            return 0
        batch = batch_from_path(path=path, user=user, options=options)
        batch_record_check(batch=batch, check=check)
        try:
            written = batch_write(batch=batch, user=user, path=path, check=check)
        except ImportConflict as exc:
            self.stderr.write(str(exc))
            return 1
        self.stdout.write(
            "已导入（批次 #{pk}）：新增户 {households_created}，新增人员 {people_created}，"
            "变更户 {households_changed}，变更人员 {people_changed}，新建房屋 {dwellings_created}。".format(
                pk=batch.pk, **written
            )
        )
        return 0
