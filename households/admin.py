from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.idnumbers import normalize_id_number, normalize_mobile
from core.paging import EstimatedCountPaginator

from .models import Household, HouseholdIncome, Person


class PersonInline(admin.TabularInline):
    model = Person
    fields = [
        "relationship",
        "name",
        "id_number",
        "sex",
        "birth_date",
        "labour_capacity",
        "is_active",
    ]
    extra = 0
    show_change_link = True


@admin.register(Household)
class HouseholdAdmin(SimpleHistoryAdmin):
    list_display = [
        "number",
        "dwelling",
        "origin_town",
        "poverty_status",
        "move_in_date",
        "is_active",
    ]
    # No filter by building: a large registry has thousands; search by building number.
    # No date_hierarchy: its SELECT DISTINCT over every move-in date costs ~90 ms at
    # 250,000 households on each page view; the date filter below needs no query.
    list_filter = [
        "poverty_status",
        "relocation_mode",
        "monitoring_category",
        "is_active",
        "move_in_date",
    ]
    list_select_related = ["dwelling__building"]
    search_fields = ["number", "dwelling__building__code"]
    search_help_text = _("The start of a household number, or a building number.")
    paginator = EstimatedCountPaginator
    raw_id_fields = ["dwelling"]
    inlines = [PersonInline]
    show_full_result_count = False

    def get_search_results(self, request, queryset, search_term):
        """Lookups the indexes serve, as for people: households whose number starts with
        the term or who live in the building of that number — one IN over a UNION, so each
        half uses its index (an OR would scan every household)."""
        term = search_term.strip()
        if not term:
            return queryset, False
        by_number = Household.objects.filter(number__startswith=term).order_by().values("pk")
        in_building = (
            Household.objects.filter(dwelling__building__code=term).order_by().values("pk")
        )
        return queryset.filter(pk__in=by_number.union(in_building)), False


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "masked_id",
        "sex",
        "birth_date",
        "relationship",
        "household",
        "labour_capacity",
        "is_active",
    ]
    list_filter = [
        "sex",
        "relationship",
        "labour_capacity",
        "school_status",
        "health",
        "hukou_status",
        "is_active",
    ]
    list_select_related = ["household"]
    search_fields = ["id_number", "name", "phone"]
    search_help_text = _("A full ID number, a mobile number, or the start of a name.")
    raw_id_fields = ["household"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator

    def get_search_results(self, request, queryset, search_term):
        """Case-sensitive lookups the indexes serve (the admin's own "=" and "^" are
        UPPER(...) comparisons, a scan of a million rows): a full ID number or a mobile
        number exactly, anything else as the start of a name."""
        term = search_term.strip()
        if not term:
            return queryset, False
        id_value, phone = normalize_id_number(term), normalize_mobile(term)
        if len(id_value) == 18:
            return queryset.filter(id_number=id_value), False
        if phone.isdigit() and len(phone) == 11:
            return queryset.filter(phone=phone), False
        return queryset.filter(name__startswith=term), False

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


from households.fieldlogs.models import PublicityRecord, Visit  # noqa: E402
from households.proposals.models import MemberChangeProposal  # noqa: E402


@admin.register(MemberChangeProposal)
class MemberChangeProposalAdmin(SimpleHistoryAdmin):
    list_display = [
        "pk",
        "kind",
        "household",
        "person",
        "state",
        "proposed_by",
        "proposed_at",
        "reviewed_by",
    ]
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


from households.representatives.models import (  # noqa: E402
    HouseholdRepresentative,
    RepresentedHousehold,
)


@admin.register(HouseholdRepresentative)
class HouseholdRepresentativeAdmin(SimpleHistoryAdmin):
    list_display = ["building", "person", "started_on", "ended_on", "appointed_by"]
    list_filter = ["building"]
    list_select_related = ["building", "person", "appointed_by"]
    raw_id_fields = ["person"]
    search_fields = ["person__name"]


@admin.register(RepresentedHousehold)
class RepresentedHouseholdAdmin(SimpleHistoryAdmin):
    list_display = ["household", "representative", "started_on", "ended_on"]
    list_select_related = ["household", "representative__person", "representative__building"]
    raw_id_fields = ["household", "representative"]
    search_fields = ["=household__number"]
