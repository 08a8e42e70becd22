import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Right
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.idnumbers import (
    age_on,
    disability_in_words,
    mask_id_number,
    normalize_id_number,
    parse_disability_certificate,
    parse_id_number,
    validate_mobile,
)


class PovertyStatus(models.TextChoices):
    GENERAL = "general", _("Lifted out of poverty (general)")
    DIBAO = "dibao", _("Minimum-living-allowance household")
    TEKUN = "tekun", _("Destitute-support household")


class PovertyCause(models.TextChoices):
    ILLNESS = "illness", _("Illness")
    DISABILITY = "disability", _("Disability")
    SCHOOLING = "schooling", _("Schooling costs")
    DISASTER = "disaster", _("Disaster")
    NO_LAND = "no_land", _("Lack of land")
    NO_WATER = "no_water", _("Lack of water")
    NO_SKILLS = "no_skills", _("Lack of skills")
    NO_LABOUR = "no_labour", _("Lack of labour")
    NO_CAPITAL = "no_capital", _("Lack of capital")
    TRANSPORT = "transport", _("Poor transport")
    NO_DRIVE = "no_drive", _("Lack of own drive")
    OTHER = "other", _("Other")


class MonitoringCategory(models.TextChoices):
    NONE = "", _("Not monitored")
    UNSTABLE = "unstable", _("Unstable after lifting out of poverty")
    MARGINAL = "marginal", _("Marginal, prone to poverty")
    SHOCK = "shock", _("Sudden severe hardship")


class RelocationMode(models.TextChoices):
    CENTRALISED = "centralised", _("Centralised resettlement")
    DISPERSED = "dispersed", _("Dispersed resettlement")


class Household(models.Model):
    number = models.CharField(_("household number"), max_length=30, unique=True)
    dwelling = models.ForeignKey(
        "buildings.Dwelling",
        verbose_name=_("dwelling"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="households",
    )
    origin_town = models.CharField(_("township of origin"), max_length=50)
    origin_village = models.CharField(_("village of origin"), max_length=50)
    relocation_mode = models.CharField(
        _("relocation mode"),
        max_length=12,
        choices=RelocationMode.choices,
        default=RelocationMode.CENTRALISED,
    )
    move_in_date = models.DateField(_("move-in date"), null=True, blank=True, db_index=True)
    poverty_status = models.CharField(
        _("poverty status"), max_length=10, choices=PovertyStatus.choices, db_index=True
    )
    main_cause = models.CharField(
        _("main cause of poverty"), max_length=12, choices=PovertyCause.choices, blank=True
    )
    secondary_causes = models.JSONField(_("secondary causes"), default=list, blank=True)
    monitoring_category = models.CharField(
        _("monitoring category"),
        max_length=10,
        choices=MonitoringCategory.choices,
        default=MonitoringCategory.NONE,
        blank=True,
    )
    phone = models.CharField(
        _("contact phone"), max_length=11, blank=True, validators=[validate_mobile]
    )
    is_active = models.BooleanField(_("lives here"), default=True)
    moved_out_on = models.DateField(_("moved out on"), null=True, blank=True)
    confirmed_at = models.DateTimeField(
        _("facts last confirmed"),
        null=True,
        blank=True,
        help_text=_("When the building leader last checked this household's facts."),
    )
    notes = models.TextField(_("notes"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # The history is looked up by the record (``id``), its number and dwelling, and date:
    # the other indexes of the live table would only slow every history row written (a
    # roster import writes one per record).
    history = HistoricalRecords(no_db_index=["move_in_date", "poverty_status"])

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["number"]
        # The phone is matched whole: a plain index (``db_index=True`` would add an unused
        # ``varchar_pattern_ops`` one on PostgreSQL).
        indexes = [
            models.Index(fields=["phone"], name="household_phone"),
            # A search that finds households by their members (the last four characters of
            # an ID number: about 1,200 households at a million people) sorts them by
            # number for its page: read from this index alone, not from 1,200 table rows
            # (page 22.6 -> 21.0 ms at 250,000 households, interleaved).
            models.Index(fields=["id"], include=["number"], name="household_id_number"),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("households:household_detail", args=[self.pk])

    def get_secondary_causes_display(self):
        labels = dict(PovertyCause.choices)
        return "、".join(str(labels.get(c, c)) for c in self.secondary_causes)


class HouseholdIncome(models.Model):
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="incomes"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    per_capita_net_income = models.DecimalField(
        _("per-capita net income (yuan)"), max_digits=10, decimal_places=2
    )

    class Meta:
        verbose_name = _("household income")
        verbose_name_plural = _("household incomes")
        ordering = ["household", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["household", "year"], name="income_once_per_year")
        ]

    def __str__(self):
        return f"{self.household} {self.year}"


class Relationship(models.TextChoices):
    """Relationship to the head, codes of GB/T 4761 (家庭关系代码). Son (20) and son-in-law
    (28), daughter (30) and daughter-in-law (38) are separate values there, as here."""

    HEAD = "01", _("Head of household")
    SPOUSE = "10", _("Spouse")
    SON = "20", _("Son")
    SON_IN_LAW = "28", _("Son-in-law")
    DAUGHTER = "30", _("Daughter")
    DAUGHTER_IN_LAW = "38", _("Daughter-in-law")
    GRANDCHILD = "40", _("Grandchild")
    PARENT = "50", _("Parent")
    GRANDPARENT = "60", _("Grandparent")
    SIBLING = "70", _("Sibling")
    OTHER = "99", _("Other")


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Education(models.TextChoices):
    NONE = "none", _("Illiterate or semi-literate")
    PRESCHOOL = "preschool", _("Preschool")
    PRIMARY = "primary", _("Primary school")
    JUNIOR = "junior", _("Junior secondary")
    SENIOR = "senior", _("Senior secondary")
    VOCATIONAL = "vocational", _("Secondary vocational")
    COLLEGE = "college", _("College or above")


class SchoolStatus(models.TextChoices):
    PRESCHOOL = "preschool", _("Preschool")
    PRIMARY = "primary", _("Primary school")
    JUNIOR = "junior", _("Grades 7–9")
    SENIOR = "senior", _("Senior high school")
    VOCATIONAL = "vocational", _("Secondary vocational school")
    COLLEGE = "college", _("Higher vocational / university")
    NOT_IN_SCHOOL = "none", _("Not in school")


class Health(models.TextChoices):
    HEALTHY = "healthy", _("Healthy")
    CHRONIC = "chronic", _("Long-term chronic illness")
    SERIOUS = "serious", _("Serious illness")
    DISABLED = "disabled", _("Disabled")


class LabourCapacity(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary labour")
    SKILLED = "skilled", _("Skilled labour")
    WEAK = "weak", _("Weak or half labour")
    LOST = "lost", _("Lost labour capacity")
    NONE = "none", _("No labour capacity")

    @classmethod
    def able(cls):
        """Capacities that count as labour capacity for employment rules."""
        return [cls.ORDINARY, cls.SKILLED, cls.WEAK]


class HukouStatus(models.TextChoices):
    MOVED = "moved", _("Moved to the community")
    ORIGIN = "origin", _("Kept at origin")
    IN_PROGRESS = "in_progress", _("Migration in progress")


class TrainingWillingness(models.TextChoices):
    UNKNOWN = "", _("Not asked")
    WILLING = "yes", _("Willing to train")
    UNWILLING = "no", _("Not willing")


class LeftReason(models.TextChoices):
    MOVED_AWAY = "moved_away", _("Moved away")
    DECEASED = "deceased", _("Deceased")
    MARRIED_OUT = "married_out", _("Married out")
    SPLIT = "split", _("Formed a new household")
    OTHER = "other", _("Other")


class PersonQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, household__is_active=True)


class Person(models.Model):
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="members"
    )
    relationship = models.CharField(
        _("relationship to head"), max_length=2, choices=Relationship.choices
    )
    name = models.CharField(_("name"), max_length=50, db_index=True)
    # Unique through ``Meta.constraints``, not ``unique=True``: on PostgreSQL that would add
    # a second, ``varchar_pattern_ops`` index that no lookup uses (the number is matched
    # whole, or by its last four characters through their own index), and one more index
    # to each history row. The message is the field's, as for ``unique=True``.
    id_number = models.CharField(
        _("ID number"),
        max_length=18,
        error_messages={"unique": _("Another person already has this ID number.")},
    )
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("date of birth"), db_index=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=20, default="汉族")
    education = models.CharField(
        _("education"), max_length=12, choices=Education.choices, blank=True
    )
    school_status = models.CharField(
        _("in-school status"),
        max_length=12,
        choices=SchoolStatus.choices,
        default=SchoolStatus.NOT_IN_SCHOOL,
    )
    health = models.CharField(
        _("health"), max_length=10, choices=Health.choices, default=Health.HEALTHY
    )
    disability_certificate = models.CharField(
        _("disability certificate number"), max_length=20, blank=True
    )
    labour_capacity = models.CharField(
        _("labour capacity"), max_length=10, choices=LabourCapacity.choices
    )
    training_willingness = models.CharField(
        _("willing to train"),
        max_length=3,
        choices=TrainingWillingness.choices,
        default=TrainingWillingness.UNKNOWN,
        blank=True,
    )
    months_worked = models.PositiveSmallIntegerField(_("months worked last year"), default=0)
    phone = models.CharField(_("phone"), max_length=11, blank=True, validators=[validate_mobile])
    hukou_status = models.CharField(
        _("household registration (hukou)"),
        max_length=12,
        choices=HukouStatus.choices,
        default=HukouStatus.ORIGIN,
    )
    is_active = models.BooleanField(_("in the household"), default=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    left_reason = models.CharField(
        _("reason for leaving"), max_length=12, choices=LeftReason.choices, blank=True
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # Looked up by the person (``id``), household and date; the live table's other indexes
    # (name, birth date) would only slow each history row written.
    history = HistoricalRecords(no_db_index=["birth_date", "name"])

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["household", "relationship", "birth_date"]
        permissions = [("view_full_id_number", _("Can view full ID numbers"))]
        # The search by the last four characters of an ID number (households.filters)
        # filters on exactly this expression: an index lookup instead of a scan; the people
        # search lists the matches by name, which the index's next columns give in order
        # (no scan of the name index filtering every row on the way). The household search
        # reads only the matches' households, which the index carries (``include``), with
        # the ID number, without which PostgreSQL does not read an expression index alone:
        # an index-only scan instead of a table row fetched for each match (1,175 people
        # for four digits at a million people: 8 ms → 0.5 ms).
        #
        # Phone and labour capacity are matched whole: ``Meta.indexes`` rather than
        # ``db_index=True``, which on PostgreSQL adds an unused ``varchar_pattern_ops`` index
        # to each (a roster import of 100,000 people spent a tenth of its ``COPY`` on the
        # three such indexes, the ID number's included).
        indexes = [
            models.Index(
                Right("id_number", 4),
                F("name"),
                F("id"),
                name="person_id_last_four",
                include=["household", "id_number"],
            ),
            models.Index(fields=["phone"], name="person_phone"),
            models.Index(fields=["labour_capacity"], name="person_labour_capacity"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["id_number"], name="person_id_number_unique"),
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(relationship="01", is_active=True),
                name="one_head_per_household",
                violation_error_message=_("This household already has a head."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("households:person_detail", args=[self.pk])

    @property
    def disability_in_words(self) -> str:
        return disability_in_words(self.disability_certificate)

    def clean_fields(self, exclude=None):
        # Sex and birth date left empty come from a valid ID number before the fields are
        # checked for being required; ``clean`` then checks entered values agree.
        try:
            info = parse_id_number(self.id_number)
        except ValidationError:
            pass
        else:
            self.id_number = info.number
            self.sex = self.sex or info.sex
            self.birth_date = self.birth_date or info.birth_date
        # A certificate number is normalised as an ID number is (full-width digits, spaces,
        # a lowercase x) before its length is checked; ``clean`` checks what it carries.
        self.disability_certificate = normalize_id_number(self.disability_certificate or "")
        super().clean_fields(exclude=exclude)

    def clean(self):
        """The ID number is normalised; birth date and sex follow from it and, when
        entered, must agree with it."""
        errors = {}
        try:
            info = parse_id_number(self.id_number)
        except ValidationError as exc:
            errors["id_number"] = exc.messages
        else:
            self.id_number = info.number
            if self.birth_date is None:
                self.birth_date = info.birth_date
            elif self.birth_date != info.birth_date:
                errors["birth_date"] = _(
                    "The date of birth does not match the ID number, which gives %(date)s."
                ) % {"date": info.birth_date.isoformat()}
            if not self.sex:
                self.sex = info.sex
            elif self.sex != info.sex:
                errors["sex"] = _("The sex does not match the ID number, which gives %(sex)s.") % {
                    "sex": Sex(info.sex).label
                }
        if self.disability_certificate:
            try:
                self.disability_certificate = parse_disability_certificate(
                    self.disability_certificate, id_number=self.id_number
                )
            except ValidationError as exc:
                errors["disability_certificate"] = exc.messages
        if self.relationship == Relationship.HEAD and not self.is_active:
            errors.setdefault("is_active", []).append(
                _("The head of household cannot leave: make another member head first.")
            )
        if self.is_active is False and not self.left_reason:
            errors["left_reason"] = _("Say why the person left the household.")
        if (
            self.labour_capacity in (LabourCapacity.LOST, LabourCapacity.NONE)
            and self.months_worked
        ):
            errors["months_worked"] = _(
                "A person with no labour capacity is not recorded as having worked."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def masked_id_number(self):
        return mask_id_number(self.id_number)

    @property
    def age(self):
        return age_on(self.birth_date, timezone.localdate())

    def age_on(self, day: datetime.date) -> int:
        return age_on(self.birth_date, day)

    @property
    def is_head(self):
        return self.relationship == Relationship.HEAD


# Models of the building leaders' phone pages live in their own modules; imported here so
# that Django finds them.
from households.fieldlogs.models import PublicityRecord, Visit  # noqa: E402,F401
from households.imports.models import ImportBatch  # noqa: E402,F401
from households.proposals.models import MemberChangeProposal  # noqa: E402,F401
from households.representatives.models import (  # noqa: E402,F401
    HouseholdRepresentative,
    RepresentedHousehold,
)
