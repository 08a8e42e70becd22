"""/reports/: the reports a user may run and their recent jobs, a report's form (which
starts a job and sends the user to its page), and the export log."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from community.models import Department
from core.jobs import job_start, jobs_for_user
from services.reports import selectors
from services.reports.builder.selectors import uses_builder
from services.reports.services import report_form

RECENT_JOBS = 10
LOG_PAGE_SIZE = 50


def report_list(request):
    reports = selectors.reports_for_user(request.user)
    if not reports:  # a building leader or a user without a role: nothing here to find
        raise Http404
    return render(
        request,
        "reports/report_list.html",
        {
            "reports": [r for r in reports if r.rule is None],
            "rule_reports": [r for r in reports if r.rule is not None],
            "jobs": list(jobs_for_user(request.user, kind="report")[:RECENT_JOBS]),
            "can_read_log": selectors.can_read_export_log(request.user),
            "full_ids": selectors.exports_full_ids(request.user),
            "uses_builder": uses_builder(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def report_start(request, code):
    """GET: the form, filled from the query (a page's filters); POST: start the job."""
    report = selectors.report_get_for_user(user=request.user, code=code)
    form = report_form(report, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        params = {"code": report.code, "format": form.cleaned_data["format"]}
        params.update(form.report_params())
        job = job_start(kind="report", user=request.user, params=params)
        return redirect("core:job_detail", job.pk)
    if request.method == "GET":
        form = report_form(report, initial=request.GET.dict())
    return render(
        request,
        "reports/report_form.html",
        {"report": report, "form": form, "full_ids": selectors.exports_full_ids(request.user)},
    )


def export_log(request):
    if not selectors.can_read_export_log(request.user):
        raise PermissionDenied
    unit = request.GET.get("unit", "").strip()
    username = request.GET.get("user", "").strip()
    page = Paginator(selectors.export_log(unit=unit, username=username), LOG_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reports/export_log.html",
        {
            "page": page,
            "unit": unit,
            "username": username,
            "units": Department.objects.order_by("sort_order", "code"),
            "query": query.urlencode(),
        },
    )
