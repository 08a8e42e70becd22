"""/reports/builder/: the table builder (一表通).

The page is one form: the kind of row, the columns (catalogue key and header, in order),
the filters, the sort and the table's date. The preview (htmx, first 20 rows and the row
count) posts that form; the export starts a ``report`` job with the spec; saving writes a
template; uploading a bureau's blank form fills the columns from its headers. The page's
script adds, moves and removes columns in the browser; without it each of those buttons
posts the form to ``builder_edit``, which returns the page with the change made. Every
export, preview and save is validated against the user's own catalogue (``clean_spec``)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.jobs import job_start
from services.reports.builder import bureau
from services.reports.builder.catalogue import PERSON_ROWS, ROW_KINDS
from services.reports.builder.query import compile_table
from services.reports.builder.selectors import (
    builder_user_or_404,
    fields_for_user,
    template_editable_by,
    template_get_for_user,
    templates_for_user,
)
from services.reports.builder.services import TABLE, template_save
from services.reports.builder.spec import (
    ROW_CHOICES,
    FilterForm,
    TableError,
    clean_spec,
    spec_from_post,
)
from services.reports.selectors import exports_full_ids

PREVIEW_ROWS = 20
STARTER_COLUMNS = [
    "derived.row_number",
    "building.code",
    "dwelling.room",
    "person.name",
    "person.sex",
    "derived.age",
]


def _starter_spec(user) -> dict:
    fields = fields_for_user(user)
    return {
        "rows": PERSON_ROWS,
        "as_of": "",
        "columns": [
            {"key": k, "header": fields[k].label_for(PERSON_ROWS)} for k in STARTER_COLUMNS
        ],
        "filters": {},
        "sort": [],
    }


def _groups(fields: dict, rows: str) -> list:
    groups, index = [], {}
    for field in fields.values():
        if field.group not in index:
            index[field.group] = len(groups)
            groups.append({"label": field.group_label, "key": field.group, "fields": []})
        groups[index[field.group]]["fields"].append(field)
    return groups


def _page(request, spec: dict, *, template=None, error: str = "", status: int = 200, notes=None):
    user = request.user
    fields = fields_for_user(user)
    rows = spec.get("rows") if spec.get("rows") in ROW_KINDS else PERSON_ROWS
    columns = []
    for column in spec.get("columns") or []:
        field = fields.get(column.get("key") or "")
        columns.append(
            {
                "key": column.get("key") or "",
                "header": column.get("header") or "",
                "label": field.label_for(rows) if field else "",
                "unknown": bool(column.get("key")) and field is None,
            }
        )
    sort = (spec.get("sort") or [{}])[0]
    return render(
        request,
        "reports/builder.html",
        {
            "spec": spec,
            "rows": rows,
            "row_choices": ROW_CHOICES,
            "columns": columns,
            "groups": _groups(fields, rows),
            "fields": list(fields.values()),
            "filters": FilterForm(initial=spec.get("filters") or {}, user=user),
            "sort_key": sort.get("key", ""),
            "sort_desc": bool(sort.get("desc")),
            "templates": list(templates_for_user(user)),
            "template": template,
            "editable": template is not None and template_editable_by(user, template),
            "error": error,
            "notes": notes or [],
            "full_ids": exports_full_ids(user),
        },
        status=status,
    )


@require_GET
def builder(request):
    builder_user_or_404(request.user)
    return _page(request, _starter_spec(request.user))


@require_GET
def template_open(request, pk):
    template = template_get_for_user(user=request.user, pk=pk)
    return _page(request, template.spec, template=template)


@require_POST
def builder_preview(request):
    builder_user_or_404(request.user)
    context = {"error": "", "headers": [], "cells": [], "count": 0}
    try:
        spec = clean_spec(spec_from_post(request.POST), request.user)
    except TableError as exc:
        context["error"] = str(exc)
    else:
        compiled = compile_table(spec, request.user, full_ids=exports_full_ids(request.user))
        context.update(
            headers=compiled.headers,
            types=[c.type for c in compiled.columns],
            cells=compiled.first(PREVIEW_ROWS),
            count=compiled.count(),
            shown=PREVIEW_ROWS,
        )
    return render(request, "reports/partials/_builder_preview.html", context)


def _start(request, code: str, params: dict):
    fmt = request.POST.get("format") if request.POST.get("format") in ("xlsx", "csv") else "xlsx"
    job = job_start(
        kind="report", user=request.user, params={"code": code, "format": fmt, **params}
    )
    return redirect("core:job_detail", job.pk)


@require_POST
def builder_export(request):
    builder_user_or_404(request.user)
    raw = spec_from_post(request.POST)
    try:
        spec = clean_spec(raw, request.user)
    except TableError as exc:
        return _page(request, raw, error=str(exc), status=400)
    return _start(request, TABLE, {"spec": spec})


@require_POST
def builder_save(request):
    builder_user_or_404(request.user)
    raw = spec_from_post(request.POST)
    template = None
    if request.POST.get("template", "").isdigit() and request.POST.get("replace") == "1":
        template = template_get_for_user(user=request.user, pk=int(request.POST["template"]))
        if not template_editable_by(request.user, template):
            raise PermissionDenied
    try:
        template = template_save(
            user=request.user,
            spec=raw,
            name=request.POST.get("name", ""),
            description=request.POST.get("description", ""),
            shared=request.POST.get("shared") == "1",
            template=template,
        )
    except TableError as exc:
        return _page(request, raw, template=template, error=str(exc), status=400)
    messages.success(request, _("Template “%(name)s” saved.") % {"name": template.name})
    return redirect("reports:builder_template", template.pk)


@require_POST
def builder_form(request):
    """A bureau's blank form: a column for each of its headers."""
    builder_user_or_404(request.user)
    raw = spec_from_post(request.POST)
    upload = request.FILES.get("form")
    if upload is None:
        return _page(request, raw, error=_("Choose the bureau's form to upload."), status=400)
    try:
        headers = bureau.read_headers(upload)
    except ValidationError as exc:
        return _page(request, raw, error="；".join(exc.messages), status=400)
    fields = fields_for_user(request.user)
    raw["columns"] = bureau.propose(headers, fields, raw["rows"])
    unmatched = [c["header"] for c in raw["columns"] if not c["key"]]
    notes = [
        _("%(matched)s of %(total)s headers matched a field.")
        % {"matched": len(raw["columns"]) - len(unmatched), "total": len(raw["columns"])}
    ]
    if unmatched:
        notes.append(
            _("Not matched (map them below, or leave them blank): %(headers)s")
            % {"headers": "、".join(unmatched)}
        )
    return _page(request, raw, notes=notes)


@require_POST
def builder_edit(request):
    """The page's edits without its script: the form posted with what the button does,
    ``add`` (a catalogue key: a column at the end, headed with the field's label), or
    ``up``, ``down`` or ``remove`` (the index of a column). The page comes back with the
    change made and nothing saved; a key outside the user's catalogue is shown as not
    available, as a template's would be, and refused at the export."""
    builder_user_or_404(request.user)
    raw = spec_from_post(request.POST)
    columns = raw["columns"]
    rows = raw["rows"] if raw["rows"] in ROW_KINDS else PERSON_ROWS
    key = request.POST.get("add", "").strip()
    if key:
        field = fields_for_user(request.user).get(key)
        columns.append({"key": key, "header": field.label_for(rows) if field else ""})
    for action in ("up", "down", "remove"):
        value = request.POST.get(action, "")
        if not value.isdigit() or int(value) >= len(columns):
            continue
        i = int(value)
        if action == "remove":
            del columns[i]
        elif action == "up" and i > 0:
            columns[i - 1], columns[i] = columns[i], columns[i - 1]
        elif action == "down" and i + 1 < len(columns):
            columns[i], columns[i + 1] = columns[i + 1], columns[i]
    template = None
    if request.POST.get("template", "").isdigit():
        template = template_get_for_user(user=request.user, pk=int(request.POST["template"]))
    return _page(request, raw, template=template)


@require_POST
def template_export(request, pk):
    template = template_get_for_user(user=request.user, pk=pk)
    return _start(request, template.code, {})


@require_POST
def template_delete(request, pk):
    template = template_get_for_user(user=request.user, pk=pk)
    if not template_editable_by(request.user, template):
        raise PermissionDenied
    name = template.name
    template.delete()
    messages.success(request, _("Template “%(name)s” deleted.") % {"name": name})
    return redirect("reports:builder")
