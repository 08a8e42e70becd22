from django.contrib import admin

from .models import (
    Applicant,
    Organisation,
    OrganisationMember,
    OrganisationTerm,
    PartyMember,
    Post,
    PostBudget,
    PostHolding,
    RecruitmentRound,
    ResidentGroup,
    ResidentGroupMembership,
)


class PostInline(admin.TabularInline):
    model = Post
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "established_on", "phone"]
    inlines = [PostInline]


@admin.register(OrganisationTerm)
class OrganisationTermAdmin(admin.ModelAdmin):
    list_display = ["organisation", "number", "member_count", "starts_on", "ends_on"]
    list_select_related = ["organisation"]


@admin.register(PostHolding)
class PostHoldingAdmin(admin.ModelAdmin):
    list_display = ["post", "name", "phone", "started_on", "ended_on"]
    list_select_related = ["post__organisation"]
    raw_id_fields = ["person", "recruited_as", "term"]


@admin.register(PostBudget)
class PostBudgetAdmin(admin.ModelAdmin):
    list_display = ["post", "year", "amount", "source"]
    list_select_related = ["post__organisation"]


@admin.register(RecruitmentRound)
class RecruitmentRoundAdmin(admin.ModelAdmin):
    list_display = ["title", "announced_on", "recruitment_date", "places", "age_limit"]


@admin.register(Applicant)
class ApplicantAdmin(admin.ModelAdmin):
    list_display = ["name", "round", "result", "decided_on", "hired_post"]
    list_select_related = ["round", "hired_post__organisation"]
    raw_id_fields = ["person"]


@admin.register(ResidentGroup)
class ResidentGroupAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "area"]
    raw_id_fields = ["leader"]


@admin.register(ResidentGroupMembership)
class ResidentGroupMembershipAdmin(admin.ModelAdmin):
    list_display = ["group", "household", "joined_on"]
    list_select_related = ["group", "household"]
    raw_id_fields = ["household"]


@admin.register(OrganisationMember)
class OrganisationMemberAdmin(admin.ModelAdmin):
    list_display = ["organisation", "person", "role", "joined_on", "left_on"]
    list_select_related = ["organisation", "person"]
    raw_id_fields = ["person"]


@admin.register(PartyMember)
class PartyMemberAdmin(admin.ModelAdmin):
    list_display = ["person", "joined_on", "branch", "transferred_in"]
    list_select_related = ["person", "branch"]
    raw_id_fields = ["person"]
