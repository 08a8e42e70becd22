"""A table as a report of the reports framework (the same writer, title rows, masking, job
and export log, with the column list logged), and saving a template."""

import operator

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from community.selectors import department_of_user
from core.jobs import JobError
from services.reports.builder.models import TableTemplate
from services.reports.builder.query import compile_table
from services.reports.builder.selectors import template_get_for_user, uses_builder
from services.reports.builder.spec import TableError, clean_spec
from services.reports.catalogue import EVERY_UNIT, Col, Report, ReportContext, Sheet

TABLE = "table"  # the code of a table not saved (its spec travels in the job's params)
CUSTOM_TITLE = _lazy("Custom table")


def is_table_code(code: str) -> bool:
    return code == TABLE or code.startswith(TABLE + ":")


def table_report(*, user, spec: dict, template: TableTemplate | None = None) -> Report:
    """The table as a ``Report``: one sheet, its columns in the spec's order. The spec is
    validated for ``user`` again here (``JobError`` naming the column), so a job or a
    template can never carry a field its user may not pick."""
    try:
        clean = clean_spec(spec, user)
    except TableError as exc:
        raise JobError(str(exc)) from None
    title = template.name if template is not None else str(CUSTOM_TITLE)

    def sheets(ctx: ReportContext) -> list[Sheet]:
        compiled = compile_table(clean, ctx.user, full_ids=ctx.full_ids)
        columns = [
            Col(column.header, operator.itemgetter(i), column.type)
            for i, column in enumerate(compiled.columns)
        ]
        return [Sheet(title, columns, compiled.rows, compiled.count, cells=True)]

    unit = department_of_user(user)
    return Report(
        code=template.code if template is not None else TABLE,
        title=title,
        units=(unit.code,) if unit is not None else (EVERY_UNIT,),
        sheets=sheets,
        log_detail={
            "columns": [[c["key"], c["header"]] for c in clean["columns"]],
            "rows_of": clean["rows"],
            "table_filters": clean["filters"],
            "template": template.pk if template is not None else None,
        },
    )


def table_report_for_code(*, user, code: str, params: dict) -> Report:
    """``table`` (the spec in ``params["spec"]``) or ``table:<template id>``; ``JobError``
    when the user may not use the builder or see the template."""
    if not uses_builder(user):
        raise JobError(_("The table builder is not yours to use."))
    if code == TABLE:
        return table_report(user=user, spec=params.get("spec") or {})
    pk = code.partition(":")[2]
    template = None
    if pk.isdigit():
        from django.http import Http404

        try:
            template = template_get_for_user(user=user, pk=int(pk))
        except Http404:
            template = None
    if template is None:
        raise JobError(
            _("The table template “%(code)s” does not exist or is not yours.") % {"code": code}
        )
    return table_report(user=user, spec=template.spec, template=template)


def template_save(
    *, user, spec: dict, name: str, shared: bool, description: str = "", template=None
) -> TableTemplate:
    """Create a template (or update the user's own ``template``) from a valid spec."""
    clean = clean_spec(spec, user)
    name = (name or "").strip()
    if not name:
        raise TableError(_("Give the template a name."))
    if template is None:
        template = TableTemplate(owner=user, unit=department_of_user(user))
    template.name = name[:100]
    template.description = (description or "").strip()[:300]
    template.shared = shared
    template.spec = clean
    template.save()
    return template
