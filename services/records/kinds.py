"""The kinds of obligation record and which responsible units own each.

A kind's key is its model name in lower case ("training", "schoolenrolment"…): the url
kwarg ``kind`` of ``services:record_create`` / ``services:record_list``. ``units`` follow
the plan's responsibility matrix (``community.departments.MEASURE_UNITS``); where a unit
owns only some records of a kind (the women's federation records women's assistance, not
低保), ``unit_subkinds`` names the values of the record's ``kind`` field that unit may record.
"""

from dataclasses import dataclass, field

from django.db import models as db_models
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from services.records.models import (
    Allowance,
    Employment,
    FamilyPlanningRecord,
    HukouMigration,
    LandHolding,
    MedicalInsurance,
    PensionEnrolment,
    ResidencePermit,
    SchoolEnrolment,
    Training,
)

PERSON = "person"
HOUSEHOLD = "household"


@dataclass(frozen=True)
class RecordKind:
    key: str
    model: type
    measure: str  # the plan's measure number (MEASURE_UNITS key)
    units: tuple[str, ...]  # Department codes that record this kind
    subject: str  # PERSON or HOUSEHOLD
    fields: tuple[str, ...]  # what the unit enters on the form
    columns: tuple[str, ...]  # what the list shows after the subject
    date_field: str  # the list's date-range filter
    choice_filter: str = ""  # a field the list filters by choice
    unit_subkinds: dict = field(default_factory=dict)  # unit code -> allowed `kind` values

    @property
    def label(self):
        return self.model._meta.verbose_name_plural

    @property
    def label_singular(self):
        return self.model._meta.verbose_name

    def unit_may_record(self, unit_code: str, subkind: str | None = None) -> bool:
        if unit_code not in self.units:
            return False
        allowed = self.unit_subkinds.get(unit_code)
        return allowed is None or subkind is None or subkind in allowed


KINDS: dict[str, RecordKind] = {
    k.key: k
    for k in [
        RecordKind(
            key="hukoumigration",
            model=HukouMigration,
            measure="5.1",
            units=("public-security", "qinjiang-police"),
            subject=PERSON,
            fields=("status", "applied_on", "completed_on", "note"),
            columns=("status", "applied_on", "completed_on"),
            date_field="applied_on",
            choice_filter="status",
        ),
        RecordKind(
            key="residencepermit",
            model=ResidencePermit,
            measure="5.1",
            units=("public-security", "qinjiang-police"),
            subject=PERSON,
            fields=("number", "issued_on", "valid_until", "last_endorsed_on", "note"),
            columns=("number", "issued_on", "last_endorsed_on", "valid_until"),
            date_field="issued_on",
        ),
        RecordKind(
            key="medicalinsurance",
            model=MedicalInsurance,
            measure="5.2",
            units=("medical-insurance", "health"),
            subject=PERSON,
            fields=("year", "place", "transfer_done", "note"),
            columns=("year", "place", "transfer_done"),
            date_field="recorded_at",
            choice_filter="place",
        ),
        RecordKind(
            key="familyplanningrecord",
            model=FamilyPlanningRecord,
            measure="5.2",
            units=("health", "townships"),
            subject=HOUSEHOLD,
            fields=("kept_at", "status", "checked_on", "note"),
            columns=("kept_at", "status", "checked_on"),
            date_field="checked_on",
            choice_filter="status",
        ),
        RecordKind(
            key="schoolenrolment",
            model=SchoolEnrolment,
            measure="6.1",
            units=("education",),
            subject=PERSON,
            fields=("school", "grade", "status", "started_on", "ended_on", "reason", "note"),
            columns=("school", "grade", "status", "started_on", "ended_on", "escalated_at"),
            date_field="started_on",
            choice_filter="status",
        ),
        RecordKind(
            key="training",
            model=Training,
            measure="6.3",
            units=("human-resources", "vocational-school"),
            subject=PERSON,
            fields=("course", "provider", "started_on", "ended_on", "certificate", "note"),
            columns=("course", "provider", "started_on", "ended_on", "certificate"),
            date_field="started_on",
        ),
        RecordKind(
            key="employment",
            model=Employment,
            measure="6.3",
            units=("human-resources", "poverty-office", "townships"),
            subject=PERSON,
            fields=("employer", "kind", "started_on", "ended_on", "monthly_income", "note"),
            columns=("employer", "kind", "started_on", "ended_on", "monthly_income"),
            date_field="started_on",
            choice_filter="kind",
        ),
        RecordKind(
            key="pensionenrolment",
            model=PensionEnrolment,
            measure="6.4",
            units=("civil-affairs", "townships"),
            subject=PERSON,
            fields=("scheme", "place", "enrolled_on", "ended_on", "note"),
            columns=("scheme", "place", "enrolled_on", "ended_on"),
            date_field="enrolled_on",
            choice_filter="scheme",
        ),
        RecordKind(
            key="allowance",
            model=Allowance,
            measure="6.4",
            units=("civil-affairs", "womens-federation", "disabled-federation", "townships"),
            subject=HOUSEHOLD,
            fields=("kind", "started_on", "ended_on", "monthly_amount", "note"),
            columns=(
                "kind",
                "person",
                "started_on",
                "ended_on",
                "monthly_amount",
                "converted_from",
            ),
            date_field="started_on",
            choice_filter="kind",
            unit_subkinds={
                "womens-federation": ("women",),
                "disabled-federation": ("disability",),
                "townships": ("dibao_rural", "dibao_urban", "tekun"),
            },
        ),
        RecordKind(
            key="landholding",
            model=LandHolding,
            measure="5.3",
            units=("natural-resources", "forestry", "townships"),
            subject=HOUSEHOLD,
            fields=("kind", "location", "area_mu", "contract_number", "note"),
            columns=("kind", "location", "area_mu", "contract_number"),
            date_field="recorded_at",
            choice_filter="kind",
            unit_subkinds={"natural-resources": ("farmland",), "forestry": ("forest",)},
        ),
    ]
}


def get_kind(key: str) -> RecordKind:
    """The kind named in a url, or 404."""
    try:
        return KINDS[key]
    except KeyError:
        raise Http404 from None


def kind_of(record) -> RecordKind:
    from services.records.models import LandRightEvent

    if isinstance(record, LandRightEvent):
        return KINDS["landholding"]
    return KINDS[type(record)._meta.model_name]


def kinds_owned_by(unit_code: str) -> list[RecordKind]:
    return [k for k in KINDS.values() if unit_code in k.units]


def cell(record, name):
    """A list cell from a loaded row: choices by label, dates formatted, no query."""
    field = type(record)._meta.get_field(name)
    value = getattr(record, name)
    if value in (None, ""):
        return "—"
    if field.choices:
        return getattr(record, f"get_{name}_display")()
    if isinstance(field, db_models.BooleanField):
        return gettext("yes") if value else gettext("no")
    if isinstance(field, db_models.DateTimeField):
        return date_format(timezone.localtime(value), "Y-m-d")
    if isinstance(field, db_models.DateField):
        return value.isoformat()
    if name == "person":
        return value.name
    if name == "converted_from":
        return value.get_kind_display()
    return str(value)
