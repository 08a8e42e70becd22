"""What the responsible units record about the people and households they serve (measures
5–6 of the plan). Each record is dated, names the unit that recorded it and keeps a history.

Each kind's ``*_list_order`` index is the order of its staff list (``record_list``: the
model's ``ordering``, then the newest id first), read from the index, backwards where the
order is descending: without it every page of the list sorted the whole table (the first
page of 1,821,354 medical-insurance records took 585 ms to sort and join at a million
people). Where a list's date filter is not its order's (hukou migrations by the day applied
for, medical insurance and land holdings by the day recorded), the order's index carries
that date (``include``), so that a filtered page walks the index alone, and the date has an
index of its own for the filtered list's count: medical insurance recorded in one quarter
(895,418 of 1,821,354 records) took 822 ms, of which the count 361 ms and the page's keys
432 ms, both over the whole table."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.idnumbers import age_on
from services.records.base import Place, ServiceRecord, months_before, period_constraint

NO_LABOUR_CAPACITY = ("lost", "none")  # households.LabourCapacity.LOST / NONE
WITHDRAWAL_NOTICE_MONTHS = 6  # 农村土地承包法 Art. 30 (DOMAIN.md §9)
PENSION_MIN_AGE = 16  # DOMAIN.md §8
RESIDENCE_MONTHS = 6  # residence before a residence permit (DOMAIN.md §7)


class HukouMigration(ServiceRecord):
    class Status(models.TextChoices):
        MOVED = "moved", _("Moved to the community")
        KEPT = "kept", _("Kept at origin")
        IN_PROGRESS = "in_progress", _("In progress")

    person = models.ForeignKey(
        "households.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="hukou_migrations",
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    applied_on = models.DateField(_("applied on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("hukou migration")
        verbose_name_plural = _("hukou migrations")
        ordering = ["-recorded_at"]
        # The rules look records up by subject and date (services.obligations.rules).
        indexes = [
            # The list's date filter (the day applied for) is not its order's: carried in
            # the order's index, and indexed alone for the count (see the module's note).
            models.Index(
                fields=["recorded_at", "id"], include=["applied_on"], name="hukou_list_order"
            ),
            models.Index(fields=["applied_on"], name="hukou_applied_on"),
            models.Index(fields=["person", "completed_on"], name="hukou_person_completed"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="moved") | Q(completed_on__isnull=False),
                name="hukou_moved_has_date",
                violation_error_message=_("A completed migration needs its completion date."),
            )
        ]

    def __str__(self):
        return f"{self.person} {self.get_status_display()}"

    def clean(self):
        errors = {}
        self._check_period(errors, "applied_on", "completed_on")
        if self.status == self.Status.MOVED and not self.completed_on:
            errors["completed_on"] = _("A completed migration needs its completion date.")
        if errors:
            raise ValidationError(errors)


class ResidencePermit(ServiceRecord):
    """A residence permit (居住证): valid until ``valid_until``; each annual endorsement
    moves it a year on. A late endorsement leaves it suspended (DOMAIN.md §7)."""

    person = models.ForeignKey(
        "households.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="residence_permits",
    )
    number = models.CharField(_("permit number"), max_length=40, unique=True)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until (next endorsement due)"))
    last_endorsed_on = models.DateField(_("last endorsed on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("residence permit")
        verbose_name_plural = _("residence permits")
        ordering = ["-issued_on"]
        # The rules look records up by subject and date (services.obligations.rules).
        indexes = [
            models.Index(fields=["issued_on", "id"], name="permit_list_order"),
            models.Index(fields=["person", "valid_until"], name="permit_person_valid_until"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gt=F("issued_on")), name="permit_valid_after_issue"
            )
        ]

    def __str__(self):
        return self.number

    def clean(self):
        errors = {}
        if self.issued_on and self.valid_until and self.valid_until <= self.issued_on:
            errors["valid_until"] = _("The permit must be valid until after its issue date.")
        move_in = self.person.household.move_in_date if self.person_id else None
        if (
            self.issued_on
            and move_in
            and self.issued_on < months_before(move_in, -RESIDENCE_MONTHS)
        ):
            errors["issued_on"] = _(
                "A residence permit needs six months' residence: not before %(date)s."
            ) % {"date": months_before(move_in, -RESIDENCE_MONTHS).isoformat()}
        if errors:
            raise ValidationError(errors)

    def is_suspended_on(self, day: datetime.date) -> bool:
        """Not endorsed by its due date: the permit's use is suspended (DOMAIN.md §7)."""
        return day > self.valid_until


class MedicalInsurance(ServiceRecord):
    person = models.ForeignKey(
        "households.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="medical_insurance",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    place = models.CharField(_("enrolled at"), max_length=10, choices=Place.choices)
    transfer_done = models.BooleanField(_("transfer completed"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("medical insurance enrolment")
        verbose_name_plural = _("medical insurance enrolments")
        ordering = ["-year"]
        indexes = [
            models.Index(
                fields=["year", "id"], include=["recorded_at"], name="insurance_list_order"
            ),
            models.Index(fields=["recorded_at"], name="insurance_recorded_at"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["person", "year"], name="insurance_once_per_year")
        ]

    def __str__(self):
        return f"{self.person} {self.year}"


class FamilyPlanningRecord(ServiceRecord):
    class Status(models.TextChoices):
        ARCHIVED = "archived", _("Archive kept")
        TRANSFERRING = "transferring", _("Archive being transferred")
        MISSING = "missing", _("Archive missing")

    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="family_planning",
    )
    kept_at = models.CharField(_("archive kept at"), max_length=10, choices=Place.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    checked_on = models.DateField(_("checked on"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("family-planning record")
        verbose_name_plural = _("family-planning records")
        ordering = ["-checked_on"]
        # The rules look records up by subject and date (services.obligations.rules).
        # With the id: the latest record (newest date, then newest id) read off the index.
        indexes = [
            models.Index(fields=["checked_on", "id"], name="fp_list_order"),
            models.Index(fields=["household", "checked_on", "id"], name="fp_household_checked"),
        ]

    def __str__(self):
        return f"{self.household} {self.get_status_display()}"


class SchoolEnrolment(ServiceRecord):
    """A child's place at a school, or a refusal or wait — the plan forbids refusals, so a
    refusal is recorded, shown and escalated, never hidden."""

    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("Enrolled")
        WAITING = "waiting", _("Waiting for a place")
        REFUSED = "refused", _("Refused by the school")

    person = models.ForeignKey(
        "households.Person",
        verbose_name=_("pupil"),
        on_delete=models.PROTECT,
        related_name="school_enrolments",
    )
    school = models.CharField(_("school"), max_length=100)
    grade = models.CharField(_("grade"), max_length=20, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ENROLLED
    )
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    reason = models.CharField(_("reason given"), max_length=200, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("school enrolment")
        verbose_name_plural = _("school enrolments")
        ordering = ["-started_on"]
        # The rules look records up by subject and date (services.obligations.rules).
        # With the id: the latest record (newest date, then newest id) read off the index.
        indexes = [
            models.Index(fields=["started_on", "id"], name="enrolment_list_order"),
            models.Index(fields=["person", "started_on", "id"], name="enrolment_person_started"),
        ]
        constraints = [
            period_constraint("enrolment"),
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(reason=""),
                name="refusal_has_reason",
                violation_error_message=_("Record the reason the school gave for refusing."),
            ),
        ]

    def __str__(self):
        return f"{self.person} {self.school}"

    def clean(self):
        errors = {}
        self._check_period(errors, "started_on")
        if self.status == self.Status.REFUSED and not self.reason.strip():
            errors["reason"] = _("Record the reason the school gave for refusing.")
        if errors:
            raise ValidationError(errors)


class Training(ServiceRecord):
    person = models.ForeignKey(
        "households.Person",
        verbose_name=_("trainee"),
        on_delete=models.PROTECT,
        related_name="trainings",
    )
    course = models.CharField(_("course"), max_length=100)
    provider = models.CharField(_("provider"), max_length=100)
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    certificate = models.CharField(_("certificate"), max_length=100, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vocational training")
        verbose_name_plural = _("vocational trainings")
        ordering = ["-started_on"]
        # The rules look records up by subject and date (services.obligations.rules).
        # With the id: the latest record (newest date, then newest id) read off the index.
        indexes = [
            models.Index(fields=["started_on", "id"], name="training_list_order"),
            models.Index(fields=["person", "started_on", "id"], name="training_person_started"),
        ]
        constraints = [period_constraint("training")]

    def __str__(self):
        return f"{self.person} {self.course}"

    def clean(self):
        errors = {}
        self._check_period(errors, "started_on")
        if errors:
            raise ValidationError(errors)


class Employment(ServiceRecord):
    class Kind(models.TextChoices):
        LOCAL_FIRM = "local_firm", _("Local firm")
        INDUSTRIAL_PARK = "park", _("Industrial park")
        PUBLIC_WELFARE = "public_welfare", _("Public-welfare post")
        SELF_EMPLOYED = "self_employed", _("Self-employed")
        MIGRANT = "migrant", _("Migrant work outside the county")

    person = models.ForeignKey(
        "households.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="employments",
    )
    employer = models.CharField(_("employer"), max_length=100)
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices)
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    monthly_income = models.DecimalField(
        _("monthly income (yuan)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("employment")
        verbose_name_plural = _("employment")
        ordering = ["-started_on"]
        # The rules look records up by subject and date (services.obligations.rules).
        # With the id: the latest record (newest date, then newest id) read off the index.
        indexes = [
            models.Index(fields=["started_on", "id"], name="employment_list_order"),
            models.Index(fields=["person", "started_on", "id"], name="employment_person_started"),
        ]
        constraints = [period_constraint("employment")]

    def __str__(self):
        return f"{self.person} {self.employer}"

    def clean(self):
        errors = {}
        self._check_period(errors, "started_on")
        if self.person_id and self.person.labour_capacity in NO_LABOUR_CAPACITY:
            errors["person"] = _(
                "%(name)s has no labour capacity (%(capacity)s) and is not recorded as employed."
            ) % {"name": self.person.name, "capacity": self.person.get_labour_capacity_display()}
        if self.monthly_income is not None and self.monthly_income < 0:
            errors["monthly_income"] = _("The monthly income cannot be negative.")
        if errors:
            raise ValidationError(errors)

    def is_current_on(self, day: datetime.date) -> bool:
        return self.started_on <= day and (self.ended_on is None or self.ended_on >= day)


class PensionEnrolment(ServiceRecord):
    class Scheme(models.TextChoices):
        RESIDENT = "resident", _("Urban and rural resident pension")
        EMPLOYEE = "employee", _("Urban employee pension")

    person = models.ForeignKey(
        "households.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="pension_enrolments",
    )
    scheme = models.CharField(_("scheme"), max_length=10, choices=Scheme.choices)
    place = models.CharField(_("enrolled at"), max_length=10, choices=Place.choices)
    enrolled_on = models.DateField(_("enrolled on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pension enrolment")
        verbose_name_plural = _("pension enrolments")
        ordering = ["-enrolled_on"]
        # The rules look records up by subject and date (services.obligations.rules).
        # With the id: the latest record (newest date, then newest id) read off the index.
        indexes = [
            models.Index(fields=["enrolled_on", "id"], name="pension_list_order"),
            models.Index(fields=["person", "enrolled_on", "id"], name="pension_person_enrolled"),
        ]

    def __str__(self):
        return f"{self.person} {self.get_scheme_display()}"

    def clean(self):
        errors = {}
        self._check_period(errors, "enrolled_on")
        if self.person_id and self.enrolled_on:
            if age_on(self.person.birth_date, self.enrolled_on) < PENSION_MIN_AGE:
                errors["enrolled_on"] = _(
                    "%(name)s is under %(age)d on that date: the pension takes people aged %(age)d or over."
                ) % {"name": self.person.name, "age": PENSION_MIN_AGE}
            if self.person.school_status != "none":
                errors["person"] = _(
                    "%(name)s is a student: students do not enrol in the pension."
                ) % {"name": self.person.name}
        if errors:
            raise ValidationError(errors)


class Allowance(ServiceRecord):
    """低保 (rural or urban), destitute support, disability and women's assistance. A
    rural↔urban 低保 switch ends one allowance and starts the other with ``converted_from``."""

    class Kind(models.TextChoices):
        DIBAO_RURAL = "dibao_rural", _("Minimum living allowance (rural)")
        DIBAO_URBAN = "dibao_urban", _("Minimum living allowance (urban)")
        TEKUN = "tekun", _("Destitute support")
        DISABILITY = "disability", _("Disability assistance")
        WOMEN = "women", _("Women's assistance")

    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="allowances",
    )
    person = models.ForeignKey(
        "households.Person",
        verbose_name=_("person (for personal assistance)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="allowances",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    monthly_amount = models.DecimalField(_("monthly amount (yuan)"), max_digits=8, decimal_places=2)
    converted_from = models.OneToOneField(
        "self",
        verbose_name=_("converted from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="converted_to",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("allowance")
        verbose_name_plural = _("allowances")
        ordering = ["-started_on"]
        # The rules look allowances up by person or household, kind and date.
        indexes = [
            models.Index(fields=["started_on", "id"], name="allowance_list_order"),
            models.Index(fields=["person", "kind", "started_on"], name="allowance_person_kind"),
            models.Index(
                fields=["household", "kind", "started_on"], name="allowance_household_kind"
            ),
        ]
        constraints = [
            period_constraint("allowance"),
            models.CheckConstraint(
                condition=Q(monthly_amount__gte=0), name="allowance_amount_positive"
            ),
        ]

    def __str__(self):
        return f"{self.household} {self.get_kind_display()}"

    PERSONAL_KINDS = ("disability", "women")

    def clean(self):
        errors = {}
        self._check_period(errors, "started_on")
        if self.kind in self.PERSONAL_KINDS and not self.person_id:
            errors["person"] = _("Name the person who receives this assistance.")
        if self.person_id and self.household_id and self.person.household_id != self.household_id:
            errors["person"] = _("%(name)s is not a member of this household.") % {
                "name": self.person.name
            }
        if self.kind == self.Kind.WOMEN and self.person_id and self.person.sex != "F":
            errors["person"] = _("Women's assistance goes to a woman.")
        if self.monthly_amount is not None and self.monthly_amount < 0:
            errors["monthly_amount"] = _("The monthly amount cannot be negative.")
        if errors:
            raise ValidationError(errors)


class LandHolding(ServiceRecord):
    """Contracted farmland or forest kept at the origin (DOMAIN.md §9): relocation may not
    take it back."""

    class Kind(models.TextChoices):
        FARMLAND = "farmland", _("Farmland")
        FOREST = "forest", _("Forest")

    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="land_holdings",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    location = models.CharField(_("location"), max_length=100)
    area_mu = models.DecimalField(_("area (mu)"), max_digits=8, decimal_places=2)
    contract_number = models.CharField(
        _("contract or certificate number"), max_length=50, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("land or forest holding")
        verbose_name_plural = _("land and forest holdings")
        ordering = ["household", "kind"]
        indexes = [
            models.Index(
                fields=["household", "kind", "-id"],
                include=["recorded_at"],
                name="holding_list_order",
            ),
            models.Index(fields=["recorded_at"], name="holding_recorded_at"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(area_mu__gt=0), name="holding_area_positive")
        ]

    def __str__(self):
        return f"{self.household} {self.get_kind_display()} {self.location}"

    def clean(self):
        if self.area_mu is not None and self.area_mu <= 0:
            raise ValidationError({"area_mu": _("The area must be more than zero.")})


class LandRightEvent(ServiceRecord):
    class Kind(models.TextChoices):
        TRANSFER = "transfer", _("Transfer")
        SWAP = "swap", _("Swap")
        LEASE = "lease", _("Lease or sub-contract")
        SHARES = "shares", _("Contributed as shares")
        MORTGAGE = "mortgage", _("Mortgage or financing guarantee")
        WITHDRAWAL = "withdrawal", _("Voluntary paid withdrawal")
        EXPROPRIATION = "expropriation", _("Expropriation compensation")

    holding = models.ForeignKey(
        LandHolding, verbose_name=_("holding"), on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("event"), max_length=15, choices=Kind.choices)
    happened_on = models.DateField(_("date"))
    counterparty = models.CharField(_("counterparty"), max_length=100, blank=True)
    income = models.DecimalField(
        _("income (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    notice_given_on = models.DateField(
        _("written notice given on"),
        null=True,
        blank=True,
        help_text=_("A voluntary withdrawal needs written notice six months ahead."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("land-right event")
        verbose_name_plural = _("land-right events")
        ordering = ["-happened_on"]
        indexes = [models.Index(fields=["happened_on", "id"], name="land_event_list_order")]

    def __str__(self):
        return f"{self.holding} {self.get_kind_display()}"

    def clean(self):
        errors = {}
        if self.kind == self.Kind.WITHDRAWAL:
            if not self.notice_given_on:
                errors["notice_given_on"] = _(
                    "A voluntary withdrawal needs the date the written notice was given."
                )
            elif self.happened_on and self.notice_given_on > months_before(
                self.happened_on, WITHDRAWAL_NOTICE_MONTHS
            ):
                errors["notice_given_on"] = _(
                    "Written notice must be given at least six months before the withdrawal, "
                    "that is on or before %(date)s."
                ) % {"date": months_before(self.happened_on, WITHDRAWAL_NOTICE_MONTHS).isoformat()}
        if self.kind in (self.Kind.WITHDRAWAL, self.Kind.EXPROPRIATION) and self.income is None:
            errors["income"] = _("Record the compensation paid.")
        if self.income is not None and self.income < 0:
            errors["income"] = _("The amount cannot be negative.")
        if errors:
            raise ValidationError(errors)
