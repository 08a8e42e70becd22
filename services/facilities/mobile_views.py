"""The building leader's phone pages for public facilities (/m/facilities/)."""

from django.http import Http404
from django.shortcuts import render

from services.facilities import selectors
from services.facilities.views import facility_report as _facility_report


def facility_list(request):
    if not request.user.has_perm("services.add_residentrequest"):
        raise Http404
    facilities = selectors.facilities_to_report(request.user).select_related("owner_unit")
    return render(request, "mobile/facilities/facility_list.html", {"facilities": facilities})


def facility_report(request, pk):
    return _facility_report(request, pk, template="mobile/facilities/facility_report.html")
