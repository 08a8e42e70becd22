"""Reads of the community's organisation, scoped to the user. The organisation page is
for every staff role and the building leaders; recruitment, resident groups and party
members for the roles that read the whole registry. Out of scope is a 404."""

from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.utils import timezone

from community.roles import Role, has_role, sees_whole_registry

from .models import (
    Applicant,
    Organisation,
    OrganisationKind,
    Post,
    PostBudget,
    PostHolding,
    RecruitmentRound,
    ResidentGroup,
)


def sees_organisation(user) -> bool:
    return sees_whole_registry(user) or has_role(user, Role.BUILDING_LEADER)


def manages_organisation(user) -> bool:
    return has_role(user, Role.STAFF, Role.ADMINISTRATOR)


def _require(allowed: bool):
    if not allowed:
        raise Http404


def organisation_chart_for_user(user, *, today=None):
    """Every organisation with its posts, their current holders and this year's budget
    line (four queries: organisations, posts, holdings, budget lines)."""
    _require(sees_organisation(user))
    today = today or timezone.localdate()
    current = (
        PostHolding.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
        .filter(started_on__lte=today)
        .select_related("recruited_as__round")
        .order_by("started_on", "pk")
    )
    budgets = PostBudget.objects.filter(year=today.year)
    posts = Post.objects.prefetch_related(
        Prefetch("holdings", queryset=current, to_attr="current_holdings"),
        Prefetch("budgets", queryset=budgets, to_attr="year_budget"),
    ).order_by("sort_order", "pk")
    return Organisation.objects.prefetch_related(
        Prefetch("posts", queryset=posts, to_attr="post_list")
    ).order_by("sort_order", "pk")


def cadres_for_user(user):
    """The recruited cadres: holdings that came from a recruitment round, current first."""
    _require(sees_organisation(user))
    return (
        PostHolding.objects.filter(recruited_as__isnull=False)
        .select_related("post__organisation", "recruited_as__round")
        .order_by("ended_on", "recruited_as__round__recruitment_date", "pk")
    )


def recruitments_for_user(user):
    _require(sees_whole_registry(user))
    return RecruitmentRound.objects.annotate(
        applicant_count=Count("applicants", distinct=True),
        hired_count=Count("applicants", filter=Q(applicants__result="hired"), distinct=True),
    ).order_by("-recruitment_date", "pk")


def recruitment_get_for_user(*, user, pk: int) -> RecruitmentRound:
    _require(sees_whole_registry(user))
    applicants = Applicant.objects.select_related("hired_post", "holding").order_by("name", "pk")
    try:
        return RecruitmentRound.objects.prefetch_related(
            "posts", Prefetch("applicants", queryset=applicants, to_attr="applicant_list")
        ).get(pk=pk)
    except RecruitmentRound.DoesNotExist:
        raise Http404 from None


def resident_groups_for_user(user, *, household_number: str = ""):
    """Groups with their member count; ``household_number`` keeps the group of that
    household (which resident group does a household belong to)."""
    _require(sees_whole_registry(user))
    qs = ResidentGroup.objects.select_related("leader").annotate(
        household_count=Count("memberships")
    )
    if household_number:
        qs = qs.filter(memberships__household__number=household_number.strip())
    return qs.order_by("number")


def resident_group_get_for_user(*, user, pk: int) -> ResidentGroup:
    _require(sees_whole_registry(user))
    from .models import ResidentGroupMembership

    members = ResidentGroupMembership.objects.select_related("household__dwelling__building")
    try:
        return (
            ResidentGroup.objects.select_related("leader")
            .prefetch_related(
                Prefetch(
                    "memberships",
                    queryset=members.order_by("household__number"),
                    to_attr="member_list",
                )
            )
            .get(pk=pk)
        )
    except ResidentGroup.DoesNotExist:
        raise Http404 from None


def mass_organisations_for_user(user):
    _require(sees_whole_registry(user))
    return (
        Organisation.objects.exclude(
            kind__in=[OrganisationKind.RESIDENTS_COMMITTEE, OrganisationKind.PARTY_BRANCH]
        )
        .annotate(member_count=Count("members", filter=Q(members__left_on__isnull=True)))
        .order_by("sort_order", "pk")
    )


def party_members_for_user(user):
    _require(sees_whole_registry(user))
    from .models import PartyMember

    return PartyMember.objects.select_related("person__household", "branch").order_by(
        "joined_on", "pk"
    )
