"""Writing a report: the same function behind the job (``services.reports.jobs``) and the
shell (``export_report``). It validates the filters with the report's form, writes the
workbook with ``core.excel`` sheet by sheet, and logs the export."""

import numbers

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from community.selectors import department_of_user
from core.audit import audit_log
from core.excel import TEXT, Column, WriteBehind, open_writer
from core.jobs import JobError
from core.querysets import read_snapshot, without_jit
from services.reports.catalogue import CHUNK_SIZE, Report, ReportContext
from services.reports.forms import ReportForm, form_errors_text
from services.reports.selectors import exports_full_ids, unit_names


def report_form(report: Report, data=None, **kwargs):
    return (report.form_class or ReportForm)(data, **kwargs)


def report_clean_params(*, report: Report, params: dict) -> dict:
    """The filters validated by the report's form; ``JobError`` naming each bad field."""
    form = report_form(report, {k: v for k, v in params.items() if k != "format"})
    if not form.is_valid():
        raise JobError(_("Invalid filters: %(errors)s") % {"errors": form_errors_text(form)})
    return form.report_params()


def _title_lines(report: Report, ctx: ReportContext, params: dict) -> list[str]:
    names = unit_names(report.units) or [_("every unit, each its own rows")]
    profile = getattr(ctx.user, "profile", None)
    who = getattr(profile, "display_name", "") or ctx.user.get_username()
    if report.readers:
        who_reads = _("Readers: %(readers)s") % {"readers": report.readers}
    else:
        who_reads = _("Responsible units: %(units)s") % {"units": "、".join(names)}
    lines = [
        str(report.title),
        who_reads,
        _("Data as of %(day)s") % {"day": ctx.today.isoformat()},
        _("Exported by %(user)s at %(at)s")
        % {"user": who, "at": timezone.localtime().strftime("%Y-%m-%d %H:%M")},
        _("ID numbers: in full") if ctx.full_ids else _("ID numbers: masked"),
    ]
    if params:
        shown = "，".join(f"{k}={v}" for k, v in params.items())
        lines.append(_("Filters: %(filters)s") % {"filters": shown})
    return lines


def _add(sums, values, columns):
    for i, (column, value) in enumerate(zip(columns, values, strict=True)):
        if column.type != TEXT and isinstance(value, numbers.Number) and i:
            sums[i] = (sums[i] or 0) + value


def _write_sheets(book, sheets, titles, fmt, progress) -> int:
    """Every sheet into ``book`` (the first only as CSV); returns the first sheet's rows."""
    counts = [sheet.count() if sheet.count else 0 for sheet in sheets]
    total = sum(counts[:1] if fmt == "csv" else counts)
    done = 0
    first_rows = 0
    for index, spec in enumerate(sheets):
        if fmt == "csv" and index:
            break
        columns = [Column(str(c.header), c.type) for c in spec.columns]
        sheet = book.sheet(str(spec.name), columns, title_lines=titles)
        sums = [None] * len(columns) if spec.totals == "sum" else None
        accessors = [c.accessor for c in spec.columns]
        rows = 0
        cells = spec.cells
        with WriteBehind(sheet.write_row) as write_row:
            for obj in spec.rows():
                values = obj if cells else [get(obj) for get in accessors]
                write_row(values)
                if sums is not None:
                    _add(sums, values, columns)
                rows += 1
                if progress is not None and (done + rows) % CHUNK_SIZE == 0:
                    progress(done + rows, total)
        done += rows
        if sums is not None and rows:
            sums[0] = _("Total")
            sheet.write_totals(sums)
        elif callable(spec.totals) and rows:
            totals = spec.totals()
            totals[0] = _("Total") if not totals[0] else totals[0]
            sheet.write_totals(totals)
        if index == 0:
            first_rows = rows
    return first_rows


def report_export(
    *,
    report: Report,
    user,
    params: dict,
    path: str,
    fmt: str = "xlsx",
    full_ids: bool | None = None,
    progress=None,
    job=None,
) -> int:
    """Write ``report`` for ``user`` to ``path``; returns the rows of its first sheet (the
    report's rows: one per household, person, request… as the report says). ``full_ids``
    None follows the user's permission. Logged with ``audit_log(action="export")``. The
    queries run without PostgreSQL's JIT compiler (``core.querysets.without_jit``), in one
    snapshot (``core.querysets.read_snapshot``), and the rows are written in a second thread
    while the next are fetched (``core.excel.WriteBehind``)."""
    with translation.override("zh-hans"), without_jit():
        clean = report_clean_params(report=report, params=params)
        full = exports_full_ids(user) if full_ids is None else full_ids
        unit = department_of_user(user)
        ctx = ReportContext(
            user=user, params=clean, full_ids=full, today=timezone.localdate(), unit=unit
        )
        with open_writer(path, fmt=fmt) as book:
            # One snapshot: the sheets agree, and the rows are computed as they are
            # written (the transaction ends before the book is packed).
            with read_snapshot():
                first_rows = _write_sheets(
                    book, report.sheets(ctx), _title_lines(report, ctx, clean), fmt, progress
                )
        audit_log(
            user=user,
            action="export",
            target=f"{report.code}"[:200],
            detail={
                "report": report.code,
                "title": str(report.title),
                "params": clean,
                "rows": first_rows,
                "full_ids": full,
                "format": fmt,
                "unit": unit.code if unit is not None else "",
                "unit_name": unit.name if unit is not None else "",
                "job": job.pk if job is not None else None,
                **(report.log_detail or {}),
            },
        )
    return first_rows
