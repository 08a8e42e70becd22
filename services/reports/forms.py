"""The filters of the reports. Every report takes a building number; some take a year or a
period. A job keeps the raw values and runs them through the same form again, so the page,
the job and ``export_report --param`` validate them one way."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from households.models import PovertyStatus
from services.monitoring.models import CaseStatus, Purpose, Source


class ReportForm(forms.Form):
    building = forms.CharField(
        label=_("building number"),
        required=False,
        max_length=20,
        help_text=_("Leave empty for every building."),
    )
    format = forms.ChoiceField(
        label=_("file format"),
        choices=[("xlsx", _("Excel workbook (.xlsx)")), ("csv", _("CSV, first sheet only"))],
        initial="xlsx",
        required=False,
    )

    def clean_format(self):
        return self.cleaned_data.get("format") or "xlsx"

    def report_params(self) -> dict:
        """The filters as JSON values (dates as ISO text), without the format."""
        out = {}
        for name, value in self.cleaned_data.items():
            if name == "format" or value in (None, ""):
                continue
            out[name] = value.isoformat() if isinstance(value, datetime.date) else value
        return out


class RosterReportForm(ReportForm):
    """The household list's filters, all carried by its 导出 Excel button: the text search
    (the list's own lookups, ``HouseholdFilter.search``), building, poverty status, move-in
    year, lives here or moved out, never confirmed."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Name, ID number, phone or household number"),
    )

    poverty_status = forms.ChoiceField(
        label=_("poverty status"),
        required=False,
        choices=[("", "---------"), *PovertyStatus.choices],
    )
    move_in_year = forms.IntegerField(
        label=_("move-in year"), required=False, min_value=2000, max_value=2100
    )
    is_active = forms.ChoiceField(
        label=_("lives here"),
        required=False,
        choices=[("1", _("Lives here")), ("0", _("Moved out"))],
        help_text=_("The roster lists the households living here unless moved out is chosen."),
    )
    confirmed = forms.ChoiceField(
        label=_("confirmed by the leader"),
        required=False,
        choices=[("", _("All")), ("never", _("Never confirmed"))],
    )

    def clean_q(self):
        return self.cleaned_data.get("q", "").strip()


def _this_year():
    return timezone.localdate().year


class YearReportForm(ReportForm):
    year = forms.IntegerField(
        label=_("year"), required=False, min_value=2000, max_value=2100, initial=_this_year
    )

    def clean_year(self):
        return self.cleaned_data.get("year") or _this_year()


class PeriodReportForm(ReportForm):
    since = forms.DateField(label=_("filed from"), required=False)
    until = forms.DateField(label=_("filed until (inclusive)"), required=False)

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end of the period is before its start."))
        return data


class MonitoringReportForm(ReportForm):
    """The case list's filters (``services.monitoring.selectors.CASE_FILTERS``)."""

    status = forms.ChoiceField(
        label=_("status"), required=False, choices=[("", "---------"), *CaseStatus.choices]
    )
    source = forms.ChoiceField(
        label=_("source of the lead"),
        required=False,
        choices=[("", "---------"), *Source.choices],
    )
    purpose = forms.ChoiceField(
        label=_("purpose"), required=False, choices=[("", "---------"), *Purpose.choices]
    )
    flagged = forms.BooleanField(
        label=_("only cases nearing or past the 15-day limit"), required=False
    )
    figure = forms.ChoiceField(
        label=_("figure of the overview"),
        required=False,
        choices=[
            ("", "---------"),
            ("new", _("new leads in the past 30 days")),
            ("open", _("cases in progress")),
            ("overdue", _("open past 15 days")),
            ("monitored", _("households under monitoring")),
            ("cleared", _("risks cleared in the past 30 days")),
        ],
    )

    def clean_flagged(self):
        return "1" if self.cleaned_data.get("flagged") else ""


def form_errors_text(form) -> str:
    """All errors of a bound form as one line naming each field (for the shell)."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else name
        parts.append(f"{label}：{'；'.join(str(e) for e in errors)}")
    return "；".join(parts)
