"""Django finds an app's models in ``models``: services' models live in its sub-domain
packages and are imported here only so that the app registry sees them. Domain code imports
them from their own package (``services.requests.models``), never from here."""

from services.facilities.models import ClinicStaff, Facility, FacilityUpkeep
from services.firesafety.models import FireInspection
from services.monitoring.models import (
    CaseStep,
    HelpMeasure,
    IncomeThreshold,
    MonitoringCase,
)
from services.obligations.models import RuleSnapshot
from services.policelog.models import PoliceIncident
from services.records.base import Place, ServiceRecord
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
from services.reports.builder.models import TableTemplate
from services.reports.models import ReportAccess
from services.requests.models import (
    OPEN_STATES,
    TRANSITIONS,
    Category,
    RequestEvent,
    RequestPhoto,
    ResidentRequest,
    Satisfaction,
    State,
    Urgency,
)
from services.worktasks.models import (
    UNFINISHED_STATES,
    Accountability,
    TaskState,
    WorkTask,
    WorkTaskNote,
)

__all__ = [
    "OPEN_STATES",
    "TRANSITIONS",
    "UNFINISHED_STATES",
    "Accountability",
    "Allowance",
    "CaseStep",
    "HelpMeasure",
    "IncomeThreshold",
    "MonitoringCase",
    "Category",
    "ClinicStaff",
    "Employment",
    "Facility",
    "FacilityUpkeep",
    "FamilyPlanningRecord",
    "FireInspection",
    "HukouMigration",
    "LandHolding",
    "LandRightEvent",
    "MedicalInsurance",
    "PensionEnrolment",
    "Place",
    "PoliceIncident",
    "RequestEvent",
    "ReportAccess",
    "RequestPhoto",
    "ResidencePermit",
    "ResidentRequest",
    "RuleSnapshot",
    "Satisfaction",
    "SchoolEnrolment",
    "TableTemplate",
    "ServiceRecord",
    "State",
    "TaskState",
    "Training",
    "Urgency",
    "WorkTask",
    "WorkTaskNote",
]
