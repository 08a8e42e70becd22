"""services' models, one module per area; each module's models are imported here so that
Django finds them."""

from .base import Place, ServiceRecord
from .records import (
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
from .requests import (
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
from .tasks import (
    UNFINISHED_STATES,
    Accountability,
    RuleSnapshot,
    TaskState,
    WorkTask,
    WorkTaskNote,
)

__all__ = [
    "UNFINISHED_STATES",
    "Accountability",
    "RuleSnapshot",
    "TaskState",
    "WorkTask",
    "WorkTaskNote",
    "OPEN_STATES",
    "TRANSITIONS",
    "Allowance",
    "Category",
    "Employment",
    "FamilyPlanningRecord",
    "HukouMigration",
    "LandHolding",
    "LandRightEvent",
    "MedicalInsurance",
    "PensionEnrolment",
    "Place",
    "RequestEvent",
    "RequestPhoto",
    "ResidencePermit",
    "ResidentRequest",
    "Satisfaction",
    "SchoolEnrolment",
    "ServiceRecord",
    "State",
    "Training",
    "Urgency",
]
