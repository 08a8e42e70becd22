"""python manage.py export_report CODE|table:<template id> -o FILE [--user U] [--format xlsx|csv] [--param k=v …]

Writes the same workbook as the /reports/ pages, with that user's scope and masking
(default: an administrator's scope, ID numbers masked), logs the export, and prints one
line with the row count. Exit status 2 for an unknown code or user, a report out of the
user's reach, or invalid filters."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from community.roles import Role
from core.jobs import JobError
from services.reports.builder.services import is_table_code, table_report_for_code
from services.reports.selectors import REPORTS, may_run
from services.reports.services import report_export


class Command(BaseCommand):
    help = "Export a report (workbook or CSV) from the shell."

    def add_arguments(self, parser):
        parser.add_argument("code")
        parser.add_argument("-o", "--output", required=True)
        parser.add_argument("--user", default="")
        parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
        parser.add_argument("--param", action="append", default=[], metavar="KEY=VALUE")

    def handle(self, *args, code, output, user, format, param, **options):
        table = is_table_code(code)
        report = REPORTS.get(code)
        if report is None and not table:
            raise CommandError(f"报表不存在：{code}", returncode=2)
        User = get_user_model()
        full_ids = None
        if user:
            account = User.objects.filter(username=user, is_active=True).first()
            if account is None:
                raise CommandError(f"用户不存在：{user}", returncode=2)
        else:
            account = (
                User.objects.filter(is_active=True)
                .filter(Q(is_superuser=True) | Q(groups__name=Role.ADMINISTRATOR.value))
                .order_by("pk")
                .first()
            )
            if account is None:
                raise CommandError("没有可用的管理员账号：请用 --user 指定用户", returncode=2)
            full_ids = False  # an administrator's scope, ID numbers masked
        if table:  # a saved template of the table builder: table:<id>
            if code == "table":
                raise CommandError("请指定模板编号：table:<编号>", returncode=2)
            try:
                report = table_report_for_code(user=account, code=code, params={})
            except JobError as exc:
                raise CommandError(str(exc), returncode=2) from exc
        if not may_run(account, code):
            raise CommandError(
                f"报表“{code}”不在用户 {account.username} 的权限范围内", returncode=2
            )
        params = {}
        for item in param:
            key, sep, value = item.partition("=")
            if not sep or not key:
                raise CommandError(f"参数格式应为 key=value：{item}", returncode=2)
            params[key.strip()] = value.strip()
        try:
            rows = report_export(
                report=report,
                user=account,
                params=params,
                path=output,
                fmt=format,
                full_ids=full_ids,
            )
        except JobError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        self.stdout.write(f"{code}: {rows} 行 → {output}（用户 {account.username}）")
