"""Pages of the owners' committee and the governing documents under /owners/committee/."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.forms import add_service_errors
from households.selectors import people_for_user

from . import committee
from .forms import (
    CommitteeElectForm,
    CommitteeMeetingForm,
    DocumentForm,
    FilingForm,
    FirstMeetingForm,
)
from .models import Matter, Motion
from .views import _require_manage, _require_read


def committee_home(request):
    _require_read(request.user)
    context = {
        "terms": committee.committee_terms_for_user(request.user),
        "documents": committee.documents_for_user(request.user),
        "today": timezone.localdate(),
    }
    return render(request, "ownersassoc/committee_home.html", context)


def committee_elect(request):
    _require_manage(request.user)
    motions = Motion.objects.filter(matter=Matter.COMMITTEE).select_related("meeting")
    form = CommitteeElectForm(
        request.POST or None, motions=motions, people=people_for_user(request.user)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            term = committee.committee_elect(
                elected_on=data["elected_on"],
                term_ends_on=data["term_ends_on"],
                elected_by=data["elected_by"],
                people=data["members"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Committee recorded."))
            return redirect(term)
    return render(request, "ownersassoc/committee_form.html", {"form": form})


def committee_detail(request, pk):
    term = committee.committee_term_get_for_user(user=request.user, pk=pk)
    members = term.members.all()
    forms = {
        "first": FirstMeetingForm(members=members, prefix="first"),
        "filing": FilingForm(
            prefix="filing",
            initial={
                "filed_housing_on": term.filed_housing_on,
                "filed_town_on": term.filed_town_on,
            },
        ),
        "meeting": CommitteeMeetingForm(members=members, prefix="meeting"),
    }
    action = request.POST.get("action") if request.method == "POST" else None
    if action in forms:
        _check_may(request.user, action)
        form = forms[action] = type(forms[action])(
            request.POST, prefix=action, **({} if action == "filing" else {"members": members})
        )
        if form.is_valid():
            try:
                _record(action, term, form, request.user)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect(term)
    context = {"term": term, "forms": forms, "today": timezone.localdate()}
    return render(request, "ownersassoc/committee_detail.html", context)


def _check_may(user, action):
    perm = (
        "ownersassoc.add_committeemeeting"
        if action == "meeting"
        else "ownersassoc.change_committeeterm"
    )
    if not user.has_perm(perm):
        raise PermissionDenied


def _record(action, term, form, user):
    data = form.cleaned_data
    if action == "first":
        committee.committee_first_meeting(term=term, **data)
    elif action == "filing":
        committee.committee_filing_record(term=term, **data)
    else:
        committee.committee_meeting_record(
            term=term,
            held_on=data["held_on"],
            present=list(data["present"]),
            minutes=data["minutes"],
            resolutions=form.resolutions(),
            user=user,
        )


def document_adopt(request):
    _require_manage(request.user)
    motions = Motion.objects.filter(
        matter__in=[Matter.RULES_OF_PROCEDURE, Matter.COVENANT]
    ).select_related("meeting")
    form = DocumentForm(request.POST or None, motions=motions)
    if request.method == "POST" and form.is_valid():
        try:
            committee.document_adopt(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Document recorded."))
            return redirect("ownersassoc:committee_home")
    return render(request, "ownersassoc/document_form.html", {"form": form})


def document_detail(request, pk):
    _require_read(request.user)
    from django.shortcuts import get_object_or_404

    document = get_object_or_404(committee.documents_for_user(request.user), pk=pk)
    return render(request, "ownersassoc/document_detail.html", {"document": document})
