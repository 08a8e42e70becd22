"""The building leader's ballot collection on the phone (/m/owners/): door to door, for the
owners of their own buildings only, each sheet with a photo of the signed form."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.forms import add_service_errors
from ownersassoc import selectors, services
from ownersassoc.forms import SheetForm
from ownersassoc.models import BallotSheet


def ballot_meetings(request):
    meetings = selectors.meetings_open_for_collection(request.user)
    return render(request, "mobile/owners/meeting_list.html", {"meetings": meetings})


def ballot_owners(request, pk):
    meeting = selectors.open_meeting_get_for_leader(user=request.user, pk=pk)
    owners = selectors.leader_owners(user=request.user, meeting=meeting)
    return render(
        request, "mobile/owners/owner_list.html", {"meeting": meeting, "ownerships": owners}
    )


def ballot_collect(request, pk, person_pk):
    if not request.user.has_perm("ownersassoc.add_ballotsheet"):
        raise PermissionDenied
    meeting = selectors.open_meeting_get_for_leader(user=request.user, pk=pk)
    ownership = selectors.leader_owner_get(user=request.user, meeting=meeting, person_pk=person_pk)
    form = SheetForm(
        request.POST or None,
        request.FILES or None,
        motions=meeting.motions.all(),
        photo_required=True,
        initial={"signed_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.sheet_record(
                meeting=meeting,
                owner=ownership.owner,
                choices=form.choices(),
                source=BallotSheet.Source.LEADER,
                user=request.user,
                signed_on=form.cleaned_data["signed_on"],
                photo=form.cleaned_data["photo"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Ballot sent: staff will confirm it against the photo."))
            return redirect("mobile:ballot_owners", pk=meeting.pk)
    context = {"meeting": meeting, "ownership": ownership, "form": form}
    return render(request, "mobile/owners/ballot_form.html", context)
