"""A table's spec, the one description the page, the preview, the job, a saved template and
``export_report table:<id>`` share::

    {"rows": "person" | "household",
     "as_of": "2027-01-01" | "",            # ages, rules and jobs on this date (empty: today)
     "columns": [{"key": "person.name", "header": "姓名"}, {"key": "", "header": "签字"}…],
     "filters": {"building": "A", "age_min": 16, …},
     "sort": [{"key": "derived.age", "desc": true}]}

A column with an empty key is a blank column under the bureau's own header. ``clean_spec``
validates a spec for a user against that user's catalogue: a key the user may not pick is
refused with the column's number and header, however the spec was made (an edited POST, an
old template, a job's parameters).
"""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from households.models import LabourCapacity, MonitoringCategory, PovertyStatus, Sex
from services.obligations.selectors import rules_for_user
from services.records.selectors import readable_kinds
from services.reports.builder.catalogue import PERSON_ROWS, ROW_KINDS, record_sources
from services.reports.builder.selectors import fields_for_user, readable_subkinds, record_subkinds

MAX_COLUMNS = 120
MAX_HEADER = 100
NOT_MONITORED = "none"  # the filter's value for households not monitored (stored as "")


class TableError(Exception):
    """A spec that cannot be run: the message names the column or filter, in Chinese."""


ROW_CHOICES = [
    (PERSON_ROWS, _lazy("one row per person")),
    ("household", _lazy("one row per household")),
]


class FilterForm(forms.Form):
    building = forms.CharField(label=_lazy("building number"), required=False, max_length=20)
    age_min = forms.IntegerField(
        label=_lazy("aged at least"), required=False, min_value=0, max_value=150
    )
    age_max = forms.IntegerField(
        label=_lazy("aged at most"), required=False, min_value=0, max_value=150
    )
    sex = forms.ChoiceField(label=_lazy("sex"), required=False)
    labour_capacity = forms.ChoiceField(label=_lazy("labour capacity"), required=False)
    poverty_status = forms.ChoiceField(label=_lazy("poverty status"), required=False)
    monitoring_category = forms.ChoiceField(label=_lazy("monitoring category"), required=False)
    failing_rule = forms.ChoiceField(label=_lazy("failing the rule"), required=False)
    has_record = forms.ChoiceField(label=_lazy("has a record of"), required=False)
    moved_in_from = forms.DateField(label=_lazy("moved in from"), required=False)
    moved_in_until = forms.DateField(label=_lazy("moved in until (inclusive)"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        blank = [("", "---------")]
        self.fields["sex"].choices = blank + list(Sex.choices)
        self.fields["labour_capacity"].choices = blank + list(LabourCapacity.choices)
        self.fields["poverty_status"].choices = blank + list(PovertyStatus.choices)
        self.fields["monitoring_category"].choices = blank + [
            (value or NOT_MONITORED, label) for value, label in MonitoringCategory.choices
        ]
        self.fields["failing_rule"].choices = blank + [
            (rule.code, rule.title)
            for rule in rules_for_user(user)
            if rule.subject in ("person", "household")
        ]
        kinds = {kind.key for kind in readable_kinds(user)}
        subkinds = record_subkinds(user)
        self.fields["has_record"].choices = blank + [
            (source.key, source.label)
            for source in record_sources()
            if source.record_kind in kinds
            and readable_subkinds(source.kinds, subkinds.get(source.record_kind))
        ]

    def clean(self):
        data = super().clean()
        low, high = data.get("age_min"), data.get("age_max")
        if low is not None and high is not None and low > high:
            self.add_error("age_max", _("The upper age is below the lower age."))
        since, until = data.get("moved_in_from"), data.get("moved_in_until")
        if since and until and since > until:
            self.add_error("moved_in_until", _("The end of the period is before its start."))
        return data

    def values(self) -> dict:
        out = {}
        for name, value in self.cleaned_data.items():
            if value in (None, ""):
                continue
            out[name] = value.isoformat() if isinstance(value, datetime.date) else value
        return out


FILTER_NAMES = list(FilterForm.base_fields)


def _errors_text(form) -> str:
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else name
        parts.append(f"{label}：{'；'.join(str(e) for e in errors)}")
    return "；".join(parts)


def spec_from_post(data) -> dict:
    """The spec the builder's form posts (``col`` and ``header`` repeated, in order)."""
    keys, headers = data.getlist("col"), data.getlist("header")
    columns = [
        {"key": (key or "").strip(), "header": (header or "").strip()}
        for key, header in zip(keys, headers, strict=False)
    ]
    sort = []
    if data.get("sort"):
        sort.append({"key": data.get("sort"), "desc": data.get("sort_desc") == "1"})
    return {
        "rows": data.get("rows") or PERSON_ROWS,
        "as_of": (data.get("as_of") or "").strip(),
        "columns": columns,
        "filters": {name: data.get(name, "") for name in FILTER_NAMES if data.get(name)},
        "sort": sort,
    }


def table_date(spec: dict) -> datetime.date:
    return datetime.date.fromisoformat(spec["as_of"]) if spec.get("as_of") else timezone.localdate()


def clean_spec(spec: dict, user) -> dict:
    """The spec validated for ``user`` (``TableError`` naming what is wrong)."""
    if not isinstance(spec, dict):
        raise TableError(_("The table is not readable."))
    rows = spec.get("rows") or PERSON_ROWS
    if rows not in ROW_KINDS:
        raise TableError(_("Unknown kind of row: %(rows)s") % {"rows": rows})
    as_of = str(spec.get("as_of") or "").strip()
    if as_of:
        try:
            datetime.date.fromisoformat(as_of)
        except ValueError:
            raise TableError(
                _("The table's date “%(value)s” is not a date (YYYY-MM-DD).") % {"value": as_of}
            ) from None
    fields = fields_for_user(user)
    columns = []
    raw = spec.get("columns") or []
    if not raw:
        raise TableError(_("Pick at least one column."))
    if len(raw) > MAX_COLUMNS:
        raise TableError(_("A table has at most %(n)s columns.") % {"n": MAX_COLUMNS})
    for number, column in enumerate(raw, start=1):
        key = str(column.get("key") or "").strip()
        header = str(column.get("header") or "").strip()[:MAX_HEADER]
        if key:
            field = fields.get(key)
            if field is None:
                raise TableError(
                    _(
                        "Column %(n)s (%(header)s): the field “%(key)s” does not exist or is "
                        "not yours to export."
                    )
                    % {"n": number, "header": header or "—", "key": key}
                )
            if rows not in field.rows:
                raise TableError(
                    _("Column %(n)s (%(header)s): “%(label)s” has no value on this kind of row.")
                    % {"n": number, "header": header or "—", "label": field.label_for(rows)}
                )
            header = header or field.label_for(rows)
        elif not header:
            raise TableError(_("Column %(n)s has neither a field nor a header.") % {"n": number})
        columns.append({"key": key, "header": header})
    sort = []
    for item in spec.get("sort") or []:
        key = str(item.get("key") or "")
        if key not in fields or fields[key].expression is None or rows not in fields[key].rows:
            raise TableError(_("The sort field “%(key)s” is not one you may use.") % {"key": key})
        sort.append({"key": key, "desc": bool(item.get("desc"))})
    form = FilterForm(spec.get("filters") or {}, user=user)
    if not form.is_valid():
        raise TableError(_("Invalid filters: %(errors)s") % {"errors": _errors_text(form)})
    return {
        "rows": rows,
        "as_of": as_of,
        "columns": columns,
        "filters": form.values(),
        "sort": sort,
    }
