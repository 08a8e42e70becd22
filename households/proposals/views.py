"""Desktop pages for community staff: the review queue of proposed member changes, and the
lists of the leaders' home visits and policy publicity."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.audit import audit_log
from households.fieldlogs import services as fieldlogs
from households.proposals import services as proposals
from households.proposals.models import MemberChangeProposal
from households.selectors import can_see_full_id

PAGE_SIZE = 50


def proposal_list(request):
    if not request.user.has_perm("households.review_memberchangeproposal"):
        raise PermissionDenied
    state = request.GET.get("state") or MemberChangeProposal.State.PENDING
    if state not in MemberChangeProposal.State.values:
        state = MemberChangeProposal.State.PENDING
    qs = (
        proposals.proposals_for_user(request.user)
        .filter(state=state)
        .order_by("proposed_at" if state == "pending" else "-reviewed_at")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "households/proposal_list.html",
        {
            "page": page,
            "state": state,
            "states": MemberChangeProposal.State.choices,
            "query": f"state={state}",
        },
    )


def proposal_detail(request, pk):
    proposal = proposals.proposal_get_for_review(user=request.user, pk=pk)
    may_see_full = can_see_full_id(request.user) and "id_number" in proposal.proposed
    # Full ID numbers only on request (?ids=full), like the household and person pages.
    full_ids = may_see_full and request.GET.get("ids") == "full"
    if full_ids and request.method == "GET":  # a decision posted from that page shows nothing
        audit_log(request=request, action="view_full_id", target=f"proposal {proposal.pk}")
    if request.method == "POST":
        decision, note = request.POST.get("decision"), request.POST.get("review_note", "")
        try:
            if decision == "approve":
                proposals.proposal_approve(proposal=proposal, reviewer=request.user, note=note)
                messages.success(request, _("Proposal approved and applied."))
            elif decision == "reject":
                proposals.proposal_reject(proposal=proposal, reviewer=request.user, reason=note)
                messages.success(request, _("Proposal rejected."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("households:proposal_detail", pk=proposal.pk)
    return render(
        request,
        "households/proposal_detail.html",
        {
            "proposal": proposal,
            "rows": proposals.proposal_rows(proposal, full_ids=full_ids),
            "full_ids": full_ids,
            "may_see_full": may_see_full,
        },
    )


def visit_list(request):
    if not request.user.has_perm("households.view_visit"):
        raise PermissionDenied
    page = Paginator(fieldlogs.visits_for_user(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "households/visit_list.html", {"page": page, "query": ""})


def publicity_list(request):
    if not request.user.has_perm("households.view_publicityrecord"):
        raise PermissionDenied
    page = Paginator(fieldlogs.publicity_for_user(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "households/publicity_list.html", {"page": page, "query": ""})
