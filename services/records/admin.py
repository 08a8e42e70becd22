from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from services.records.models import (
    Allowance,
    Employment,
    FamilyPlanningRecord,
    HukouMigration,
    LandHolding,
    LandRightEvent,
    MedicalInsurance,
    PensionEnrolment,
    ResidencePermit,
    SchoolEnrolment,
    Training,
)

PERSON_SEARCH = ["=person__id_number", "^person__name"]


class RecordAdmin(SimpleHistoryAdmin):
    list_select_related = ["person", "recorded_unit"]
    search_fields = PERSON_SEARCH
    raw_id_fields = ["person"]
    show_full_result_count = False


@admin.register(HukouMigration)
class HukouMigrationAdmin(RecordAdmin):
    list_display = ["person", "status", "applied_on", "completed_on", "recorded_unit"]
    list_filter = ["status", "recorded_unit"]


@admin.register(ResidencePermit)
class ResidencePermitAdmin(RecordAdmin):
    list_display = ["number", "person", "issued_on", "valid_until", "last_endorsed_on"]
    search_fields = [*PERSON_SEARCH, "=number"]


@admin.register(MedicalInsurance)
class MedicalInsuranceAdmin(RecordAdmin):
    list_display = ["person", "year", "place", "transfer_done", "recorded_unit"]
    list_filter = ["year", "place", "transfer_done"]


@admin.register(SchoolEnrolment)
class SchoolEnrolmentAdmin(RecordAdmin):
    list_display = ["person", "school", "grade", "status", "started_on", "ended_on"]
    list_filter = ["status"]


@admin.register(Training)
class TrainingAdmin(RecordAdmin):
    list_display = ["person", "course", "provider", "started_on", "ended_on", "certificate"]


@admin.register(Employment)
class EmploymentAdmin(RecordAdmin):
    list_display = ["person", "employer", "kind", "started_on", "ended_on", "monthly_income"]
    list_filter = ["kind"]


@admin.register(PensionEnrolment)
class PensionEnrolmentAdmin(RecordAdmin):
    list_display = ["person", "scheme", "place", "enrolled_on", "ended_on"]
    list_filter = ["scheme", "place"]


class HouseholdRecordAdmin(SimpleHistoryAdmin):
    list_select_related = ["household", "recorded_unit"]
    search_fields = ["=household__number"]
    raw_id_fields = ["household"]
    show_full_result_count = False


@admin.register(FamilyPlanningRecord)
class FamilyPlanningRecordAdmin(HouseholdRecordAdmin):
    list_display = ["household", "kept_at", "status", "checked_on"]
    list_filter = ["status", "kept_at"]


@admin.register(Allowance)
class AllowanceAdmin(HouseholdRecordAdmin):
    list_display = ["household", "kind", "person", "started_on", "ended_on", "monthly_amount"]
    list_filter = ["kind"]
    list_select_related = ["household", "person", "recorded_unit"]
    raw_id_fields = ["household", "person", "converted_from"]


@admin.register(LandHolding)
class LandHoldingAdmin(HouseholdRecordAdmin):
    list_display = ["household", "kind", "location", "area_mu", "contract_number"]
    list_filter = ["kind"]


@admin.register(LandRightEvent)
class LandRightEventAdmin(SimpleHistoryAdmin):
    list_display = ["holding", "kind", "happened_on", "counterparty", "income"]
    list_filter = ["kind"]
    list_select_related = ["holding__household"]
    raw_id_fields = ["holding"]
