"""Monitoring pages under /services/monitoring/ (namespace ``monitoring``)."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from buildings.selectors import buildings_for_user
from core.forms import add_service_errors
from households.fieldlogs.models import Visit
from households.fieldlogs.services import visit_create
from households.mobile.selectors import leader_household_get, leader_households
from households.selectors import households_for_user
from services.monitoring import access, cadence, selectors, services
from services.monitoring import forms as f
from services.monitoring.models import IncomeThreshold, Purpose, Source, Step

PAGE_SIZE = 50


def _require(allowed: bool):
    if not allowed:
        raise PermissionDenied


def case_list(request):
    _require(access.sees_every_case(request.user) or access.records_leads(request.user))
    qs = selectors.case_list_for_user(request.user)
    today = timezone.localdate()
    # status, source, purpose; flagged=1 nearing or past the 15 days (the staff's to-do);
    # figure= a count of the supervisors' overview; building= a building number
    filters = {k: request.GET[k].strip() for k in selectors.CASE_FILTERS if request.GET.get(k)}
    try:
        qs = selectors.cases_filtered(qs, params=filters, today=today)
    except ValueError:
        raise Http404 from None
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for case in page:
        case.overdue = selectors.is_overdue(case, today)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "services/monitoring/case_list.html",
        {
            "page": page,
            "query": query.urlencode(),
            "export_filters": sorted(filters.items()),
            "can_export": access.runs_report(request.user),
            "flagged": selectors.open_cases_flagged(
                today=today, queryset=selectors.cases_for_user(request.user)
            ),
        },
    )


def _step_forms(request, case):
    """The form of the step the case waits for, if this user records it."""
    step = services.next_step(case)
    user = request.user
    initial = {"version": case.version, "done_on": timezone.localdate()}
    if step == Step.HOME_CHECK and access.runs_procedure(user):
        cls = f.ClearingHomeCheckForm if case.purpose == Purpose.CLEAR else f.HomeCheckForm
        return step, cls(initial=initial)
    if step == Step.REVIEW and access.runs_procedure(user):
        cls = f.CategoryDecisionForm if case.purpose == Purpose.IDENTIFY else f.DecisionForm
        return step, cls(initial=initial)
    if step == Step.NOTICE and access.runs_procedure(user):
        until = timezone.localdate() + datetime.timedelta(days=4)
        return step, f.NoticeForm(initial={**initial, "notice_until": until})
    if step == Step.TOWN_REVIEW and access.records_town_step(user):
        return step, f.DecisionForm(initial=initial)
    if step == Step.COUNTY_DECISION and access.records_county_step(user):
        cls = f.CategoryDecisionForm if case.purpose == Purpose.IDENTIFY else f.DecisionForm
        return step, cls(
            initial={**initial, "category": case.category, "risk_types": case.risk_types}
        )
    return step, None


def _detail(request, case, step, step_form):
    can_run = access.runs_procedure(request.user)
    return render(
        request,
        "services/monitoring/case_detail.html",
        {
            "case": case,
            "next_step": step,
            "next_step_label": Step(step).label if step else "",
            "step_form": step_form,
            "overdue": selectors.is_overdue(case, timezone.localdate()),
            "can_run": can_run,
            "risk_form": f.RiskLevelForm(
                initial={
                    "version": case.version,
                    "level": case.risk_level,
                    "reason": case.risk_reason,
                }
            ),
            "clearing_form": f.ClearingStartForm(initial={"lead_on": timezone.localdate()}),
            "close_form": f.CloseLeadForm(initial={"version": case.version}),
            "measure_form": f.MeasureForm()
            if can_run or access.records_county_step(request.user)
            else None,
        },
    )


def case_detail(request, pk):
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    step, step_form = _step_forms(request, case)
    return _detail(request, case, step, step_form)


STEP_SERVICES = {
    Step.HOME_CHECK: services.home_check_record,
    Step.REVIEW: services.review_record,
    Step.NOTICE: services.notice_record,
    Step.TOWN_REVIEW: services.town_review_record,
    Step.COUNTY_DECISION: services.county_decision_record,
}


def step_record(request, pk, step):
    """POST the form of the step the case waits for."""
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    expected, form = _step_forms(request, case)
    if request.method != "POST" or form is None or expected != step:
        raise PermissionDenied
    form = type(form)(request.POST, request.FILES)
    if form.is_valid():
        data = dict(form.cleaned_data)
        data["expected_version"] = data.pop("version")
        if not data.get("authorisation"):
            data.pop("authorisation", None)
        try:
            STEP_SERVICES[step](case=case, actor=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(step)s recorded.") % {"step": Step(step).label})
            return redirect(case)
    return _detail(request, case, step, form)


def _post_form(request, form_cls, action, case, **form_kwargs):
    form = form_cls(request.POST, **form_kwargs)
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Saved."))
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
    return redirect(case)


def risk_level_set(request, pk):
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    _require(request.method == "POST" and access.runs_procedure(request.user))
    return _post_form(
        request,
        f.RiskLevelForm,
        lambda d: services.risk_level_set(
            case=case,
            actor=request.user,
            level=d["level"],
            reason=d["reason"],
            expected_version=d["version"],
        ),
        case,
    )


def lead_close(request, pk):
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    _require(request.method == "POST" and access.runs_procedure(request.user))
    return _post_form(
        request,
        f.CloseLeadForm,
        lambda d: services.lead_close(
            case=case, actor=request.user, reason=d["reason"], expected_version=d["version"]
        ),
        case,
    )


def clearing_start(request, pk):
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    _require(request.method == "POST" and access.runs_procedure(request.user))
    created = {}

    def start(d):
        created["case"] = services.clearing_start(
            case=case, actor=request.user, lead_on=d["lead_on"], fact=d["fact"]
        )

    response = _post_form(request, f.ClearingStartForm, start, case)
    return redirect(created["case"]) if created else response


def measure_create(request, pk):
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    _require(request.method == "POST")
    return _post_form(
        request,
        f.MeasureForm,
        lambda d: services.measure_create(case=case, actor=request.user, **d),
        case,
    )


def measure_list(request):
    qs = selectors.measures_for_user(request.user)
    _require(access.sees_every_case(request.user) or access.unit_code(request.user) is not None)
    if request.GET.get("show") != "all":
        qs = qs.filter(done_on__isnull=True)
    page = Paginator(qs.order_by("deadline", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "services/monitoring/measure_list.html",
        {"page": page, "today": timezone.localdate()},
    )


def measure_done(request, pk):
    measure = selectors.measure_get_for_user(user=request.user, pk=pk)
    form = f.MeasureDoneForm(
        request.POST or None, initial={"version": measure.version, "done_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.measure_complete(
                measure=measure,
                actor=request.user,
                done_on=form.cleaned_data["done_on"],
                result=form.cleaned_data["result"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("monitoring:measure_list")
    return render(
        request, "services/monitoring/measure_done.html", {"measure": measure, "form": form}
    )


def lead_create(request):
    _require(access.runs_procedure(request.user))
    form = f.LeadForm(request.POST or None, initial={"lead_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        household = (
            households_for_user(request.user).filter(number=d["household_number"].strip()).first()
        )
        if household is None:
            form.add_error("household_number", _("No household has this number."))
        else:
            try:
                case = services.lead_create(
                    household=household,
                    source=d["source"],
                    fact=d["fact"],
                    lead_on=d["lead_on"],
                    reported_by=request.user,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Lead recorded."))
                return redirect(case)
    return render(request, "services/monitoring/lead_form.html", {"form": form})


def authorisation_file(request, pk):
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    _require(access.sees_every_case(request.user))
    if not case.authorisation:
        raise Http404
    return FileResponse(
        case.authorisation.open("rb"), filename=case.authorisation.name.rsplit("/", 1)[-1]
    )


def notice(request, pk=None):
    """The printable public notice (公示): household number, head's name, category and
    risk types only — never ID numbers, phones, bank accounts or health."""
    _require(access.sees_every_case(request.user))
    on = timezone.localdate()
    if pk is not None:
        rows = selectors.case_list_for_user(request.user).filter(pk=pk)
        if not rows:
            raise Http404
    else:
        rows = selectors.notice_rows(user=request.user, on=on)
    return render(request, "services/monitoring/notice.html", {"rows": list(rows), "on": on})


def threshold_list(request):
    _require(access.sees_every_case(request.user))
    form = f.ThresholdForm(request.POST or None)
    if request.method == "POST":
        _require(access.runs_procedure(request.user))
        if form.is_valid():
            try:
                services.threshold_save(recorded_by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("monitoring:threshold_list")
    return render(
        request,
        "services/monitoring/threshold_list.html",
        {
            "thresholds": IncomeThreshold.objects.order_by("province", "-year"),
            "form": form,
            "can_edit": access.runs_procedure(request.user),
        },
    )


def visit_figures(request):
    """Per building: due, overdue, visited this month, key-group coverage (one query)."""
    _require(access.sees_visit_figures(request.user))
    today = timezone.localdate()
    rows = cadence.figures_by_building(households_for_user(request.user), today=today)
    return render(request, "services/monitoring/visit_figures.html", {"rows": rows, "today": today})


def visit_households(request):
    """The live list behind a count of ``visit_figures``."""
    _require(access.sees_visit_figures(request.user))
    today = timezone.localdate()
    households = households_for_user(request.user)
    building = request.GET.get("building")
    if building:
        b = buildings_for_user(request.user).filter(code=building).first()
        if b is None:
            raise Http404
        households = households.filter(dwelling__building=b)
    state = request.GET.get("state")
    if state not in (None, "", "pending", *cadence.STATES):
        raise Http404
    qs = cadence.visit_list(
        households, today=today, state=state or None, key_only=request.GET.get("key") == "1"
    )
    if request.GET.get("month") == "1":
        qs = qs.filter(last_visit__gte=cadence.period_start(today, "month"))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "services/monitoring/visit_households.html",
        {
            "page": page,
            "today": today,
            "query": query.urlencode(),
            "building": building,
            "state": state,
        },
    )


# --- the leaders' phone page -----------------------------------------------------------------


def mobile_visit(request):
    """A home visit recording who was seen and what was found, raising a monitoring lead
    in the same step when a risk was found. Households of the leader's buildings only."""
    _require(request.user.has_perm("households.add_visit"))
    households = leader_households(request.user).select_related("dwelling__building")
    initial = {"visited_on": timezone.localdate()}
    pk = request.GET.get("household", "")
    if pk:
        initial["household"] = leader_household_get(
            user=request.user, pk=int(pk) if pk.isdigit() else 0
        )
    form = f.VisitLeadForm(
        request.POST or None, households=households, reasons=Visit.Reason.choices, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        note = "\n".join(
            x
            for x in [_("Seen: %(who)s") % {"who": d["seen"]} if d["seen"] else "", d["note"]]
            if x
        )
        try:
            with transaction.atomic():
                visit = visit_create(
                    household=d["household"],
                    visited_by=request.user,
                    visited_on=d["visited_on"],
                    reason=d["reason"],
                    note=note,
                )
                if d["raise_lead"]:
                    services.lead_create(
                        household=d["household"],
                        source=d["lead_source"] or Source.VISIT,
                        fact=d["lead_fact"],
                        lead_on=d["visited_on"],
                        reported_by=request.user,
                        visit=visit,
                    )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Visit recorded and monitoring lead raised.")
                if d["raise_lead"]
                else _("Visit recorded."),
            )
            return redirect("mobile:home")
    return render(
        request, "mobile/fieldlog_form.html", {"form": form, "title": _("Record a home visit")}
    )
