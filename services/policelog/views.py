"""The police duty log: the list, record an incident, one incident (and a dispute made a
resident's request)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.forms import add_service_errors
from services.policelog import selectors, services
from services.policelog.forms import IncidentForm
from services.policelog.models import IncidentKind

PAGE_SIZE = 50


def incident_list(request):
    qs = selectors.incidents_for_user(request.user)
    kind = request.GET.get("kind", "")
    if kind in IncidentKind.values:
        qs = qs.filter(kind=kind)
    page = Paginator(qs.order_by("-occurred_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "services/policelog/incident_list.html",
        {
            "page": page,
            "kind": kind,
            "kinds": IncidentKind.choices,
            "query": f"kind={kind}",
            "can_record": bool(selectors.recording_units_for(request.user)),
        },
    )


def incident_create(request):
    if not selectors.sees_incidents(request.user):
        raise Http404
    units = selectors.recording_units_for(request.user)
    if not units:
        raise PermissionDenied
    form = IncidentForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            incident = services.incident_record(user=request.user, **form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Incident recorded."))
            return redirect(incident.get_absolute_url())
    return render(request, "services/policelog/incident_form.html", {"form": form})


def incident_detail(request, pk):
    incident = selectors.incident_get_for_user(user=request.user, pk=pk)
    can_request = (
        incident.kind == IncidentKind.DISPUTE
        and incident.request_id is None
        and request.user.has_perm("services.add_residentrequest")
    )
    if request.method == "POST":
        if not can_request:
            raise PermissionDenied
        try:
            req = services.incident_to_request(incident=incident, user=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Request #%(pk)s filed.") % {"pk": req.pk})
            return redirect("services:request_detail", pk=req.pk)
    return render(
        request,
        "services/policelog/incident_detail.html",
        {"incident": incident, "can_request": can_request},
    )
