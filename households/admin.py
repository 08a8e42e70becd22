from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Household, HouseholdIncome, Person


class PersonInline(admin.TabularInline):
    model = Person
    fields = ["relationship", "name", "id_number", "sex", "birth_date", "labour_capacity", "is_active"]
    extra = 0
    show_change_link = True


@admin.register(Household)
class HouseholdAdmin(SimpleHistoryAdmin):
    list_display = ["number", "dwelling", "origin_town", "poverty_status", "move_in_date", "is_active"]
    list_filter = ["poverty_status", "relocation_mode", "monitoring_category", "is_active", "dwelling__building"]
    list_select_related = ["dwelling__building"]
    search_fields = ["=number", "origin_village"]
    raw_id_fields = ["dwelling"]
    inlines = [PersonInline]
    show_full_result_count = False
    date_hierarchy = "move_in_date"


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["name", "masked_id", "sex", "birth_date", "relationship", "household", "labour_capacity", "is_active"]
    list_filter = ["sex", "relationship", "labour_capacity", "school_status", "health", "hukou_status", "is_active"]
    list_select_related = ["household"]
    # Exact ID number and name prefix use their indexes (see PACKAGES.md: icontains is a scan).
    search_fields = ["=id_number", "^name", "=phone"]
    raw_id_fields = ["household"]
    show_full_result_count = False

    @admin.display(description=_("ID number"))
    def masked_id(self, obj):
        return obj.masked_id_number


@admin.register(HouseholdIncome)
class HouseholdIncomeAdmin(admin.ModelAdmin):
    list_display = ["household", "year", "per_capita_net_income"]
    list_filter = ["year"]
    list_select_related = ["household"]
    raw_id_fields = ["household"]
    search_fields = ["=household__number"]


from .fieldlog_models import PublicityRecord, Visit  # noqa: E402
from .proposal_models import MemberChangeProposal  # noqa: E402


@admin.register(MemberChangeProposal)
class MemberChangeProposalAdmin(SimpleHistoryAdmin):
    list_display = ["pk", "kind", "household", "person", "state", "proposed_by", "proposed_at", "reviewed_by"]
    list_filter = ["state", "kind"]
    list_select_related = ["household", "person", "proposed_by", "reviewed_by"]
    raw_id_fields = ["household", "person", "result_person"]
    readonly_fields = ["proposed", "base_version"]
    show_full_result_count = False


@admin.register(Visit)
class VisitAdmin(SimpleHistoryAdmin):
    list_display = ["visited_on", "household", "reason", "visited_by"]
    list_filter = ["reason"]
    list_select_related = ["household", "visited_by"]
    raw_id_fields = ["household"]
    date_hierarchy = "visited_on"


@admin.register(PublicityRecord)
class PublicityRecordAdmin(SimpleHistoryAdmin):
    list_display = ["held_on", "building", "topic", "title", "recorded_by"]
    list_filter = ["topic", "building"]
    list_select_related = ["building", "recorded_by"]
    raw_id_fields = ["households"]
    date_hierarchy = "held_on"
