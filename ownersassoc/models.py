"""The owners' side: the owners' register (``Ownership``), general meetings (业主大会) with
their motions and ballots. The vote itself is ``ownersassoc.voting.decide``."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords


class Ownership(models.Model):
    """One dwelling's owner for a period. The owner is a resident (``households.Person``): a
    lawful occupant allocated a flat but not yet registered counts (DOMAIN.md §4), so the
    certificate number may be empty. A dwelling has at most one current owner; a dwelling
    without one belongs to the group of unallocated or unsold dwellings, which together
    count as one owner."""

    dwelling = models.ForeignKey(
        "buildings.Dwelling",
        verbose_name=_("dwelling"),
        on_delete=models.PROTECT,
        related_name="ownerships",
    )
    owner = models.ForeignKey(
        "households.Person",
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="ownerships",
    )
    started_on = models.DateField(_("owner from"))
    ended_on = models.DateField(_("owner until"), null=True, blank=True)
    certificate_number = models.CharField(_("title certificate number"), max_length=50, blank=True)
    derived = models.BooleanField(
        _("derived from the allocation"),
        default=False,
        help_text=_("Set when the register was first built from the allocations."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ownership")
        verbose_name_plural = _("ownerships")
        ordering = ["dwelling__building__code", "dwelling__entrance", "dwelling__room"]
        constraints = [
            models.UniqueConstraint(
                fields=["dwelling"],
                condition=Q(ended_on__isnull=True),
                name="one_current_owner_per_dwelling",
                violation_error_message=_("This dwelling already has a current owner."),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="ownership_ends_after_start",
                violation_error_message=_("An ownership cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.dwelling} {self.owner}"


class Matter(models.IntegerChoices):
    """Civil Code Art. 278: what a general meeting decides."""

    RULES_OF_PROCEDURE = 1, _("Adopt or amend the rules of procedure")
    COVENANT = 2, _("Adopt or amend the management covenant")
    COMMITTEE = 3, _("Elect or replace the owners' committee")
    PROPERTY_COMPANY = 4, _("Hire or dismiss the property company")
    USE_FUND = 5, _("Use the maintenance fund")
    RAISE_FUND = 6, _("Raise the maintenance fund")
    REBUILD = 7, _("Rebuild or alter buildings and their ancillary facilities")
    COMMON_PARTS_USE = 8, _("Change the use of common parts or use them for business")
    OTHER = 9, _("Other major matters of common management")


# Notice to all owners at least 15 days before the meeting (DOMAIN.md §4).
NOTICE_DAYS = 15


class OwnersMeeting(models.Model):
    class Kind(models.TextChoices):
        REGULAR = "regular", _("Regular meeting")
        EXTRAORDINARY = "extraordinary", _("Extraordinary meeting")

    class Form(models.TextChoices):
        ASSEMBLY = "assembly", _("Assembly")
        WRITTEN = "written", _("Written solicitation")

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices, default=Kind.REGULAR)
    form = models.CharField(_("form"), max_length=10, choices=Form.choices, default=Form.WRITTEN)
    notice_date = models.DateField(_("notice date"))
    held_on = models.DateField(
        _("meeting date"), help_text=_("For a written solicitation: the day the vote closes.")
    )
    copied_to_residents_committee = models.BooleanField(
        _("notice copied to the residents' committee"), default=False
    )
    requested_area = models.DecimalField(
        _("area of the owners requesting it (m²)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Extraordinary meetings only."),
    )
    requested_owners = models.PositiveIntegerField(
        _("number of owners requesting it"),
        null=True,
        blank=True,
        help_text=_("Extraordinary meetings only."),
    )
    ballots_closed = models.BooleanField(_("ballot collection closed"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("owners' general meeting")
        verbose_name_plural = _("owners' general meetings")
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(held_on__gte=F("notice_date")),
                name="meeting_after_notice",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("ownersassoc:meeting_detail", args=[self.pk])

    @property
    def notice_days(self) -> int:
        return (self.held_on - self.notice_date).days

    def notice_deadline(self) -> datetime.date:
        """The last day the notice may be given for this meeting date."""
        return self.held_on - datetime.timedelta(days=NOTICE_DAYS)


class Motion(models.Model):
    meeting = models.ForeignKey(
        OwnersMeeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="motions"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    matter = models.PositiveSmallIntegerField(_("matter (Civil Code Art. 278)"), choices=Matter)
    text = models.TextField(_("text of the motion"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("motion")
        verbose_name_plural = _("motions")
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="motion_unique_number"),
            models.CheckConstraint(
                condition=Q(matter__gte=1, matter__lte=9), name="motion_matter_1_9"
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"


def ballot_photo_path(instance, filename):
    return f"ballots/{instance.meeting_id}/{timezone.now():%Y%m%d%H%M%S%f}.jpg"


class BallotSheet(models.Model):
    """One owner's signed voting form for one meeting, with a choice per motion (``Ballot``).

    ``owner`` empty is the sheet of the unallocated dwellings, which together are one owner.
    A sheet collected by a building leader waits for staff to confirm it against its photo;
    only confirmed sheets count. A rejected sheet is kept (with why), its ballots removed, so
    the owner may be asked again."""

    class Source(models.TextChoices):
        STAFF = "staff", _("Entered by staff from a signed form")
        LEADER = "leader", _("Collected door to door by the building leader")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Rejected")

    meeting = models.ForeignKey(
        OwnersMeeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="sheets"
    )
    owner = models.ForeignKey(
        "households.Person",
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ballot_sheets",
    )
    source = models.CharField(
        pgettext_lazy("ballot sheet", "source"), max_length=10, choices=Source.choices
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    photo = models.ImageField(
        _("photo of the signed form"), upload_to=ballot_photo_path, blank=True
    )
    signed_on = models.DateField(_("signed on"), default=timezone.localdate)
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("collected by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    collected_at = models.DateTimeField(_("collected at"), default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    rejection_reason = models.CharField(_("reason for rejection"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ballot sheet")
        verbose_name_plural = _("ballot sheets")
        ordering = ["meeting", "-collected_at"]
        constraints = [
            # One live sheet per owner and meeting; a rejected one does not block a new one.
            models.UniqueConstraint(
                fields=["meeting", "owner"],
                condition=~Q(status="rejected"),
                name="one_live_sheet_per_owner",
                violation_error_message=_("This owner has already voted in this meeting."),
            ),
            models.UniqueConstraint(
                fields=["meeting"],
                condition=Q(owner__isnull=True) & ~Q(status="rejected"),
                name="one_live_sheet_for_unallocated",
                violation_error_message=_(
                    "The unallocated dwellings have already voted in this meeting."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.meeting} · {self.owner or _('unallocated dwellings')}"


class Ballot(models.Model):
    class Choice(models.TextChoices):
        AGREE = "agree", _("Agree")
        OPPOSE = "oppose", _("Oppose")
        ABSTAIN = "abstain", _("Abstain")

    sheet = models.ForeignKey(
        BallotSheet,
        verbose_name=_("ballot sheet"),
        on_delete=models.CASCADE,
        related_name="ballots",
    )
    motion = models.ForeignKey(
        Motion, verbose_name=_("motion"), on_delete=models.PROTECT, related_name="ballots"
    )
    # The sheet's owner, repeated so that the database holds "one ballot per owner and
    # motion" itself (a constraint cannot reach through the sheet).
    owner = models.ForeignKey(
        "households.Person",
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    choice = models.CharField(_("choice"), max_length=10, choices=Choice.choices)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [
            models.UniqueConstraint(
                fields=["motion", "owner"],
                name="one_ballot_per_owner_and_motion",
                violation_error_message=_("This owner has already voted on this motion."),
            ),
            models.UniqueConstraint(
                fields=["motion"],
                condition=Q(owner__isnull=True),
                name="one_ballot_for_unallocated",
                violation_error_message=_(
                    "The unallocated dwellings have already voted on this motion."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.motion} {self.get_choice_display()}"


# The owners' committee (业主委员会), guidance rules 2009 (DOMAIN.md §5) -----------------------

COMMITTEE_MIN, COMMITTEE_MAX = 5, 11
COMMITTEE_MAX_TERM_YEARS = 5
FIRST_MEETING_DAYS = 7
FILING_DAYS = 30


class CommitteeTerm(models.Model):
    """One elected committee: its members, the first meeting that chose the chair and
    vice-chair, and its filing with the county housing department and the town."""

    elected_on = models.DateField(_("elected on"))
    elected_by = models.ForeignKey(
        Motion,
        verbose_name=_("elected by the motion"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="committee_terms",
    )
    term_ends_on = models.DateField(_("term ends on"))
    first_meeting_on = models.DateField(_("first meeting on"), null=True, blank=True)
    filed_housing_on = models.DateField(
        _("filed with the county housing department on"), null=True, blank=True
    )
    filed_town_on = models.DateField(_("filed with the town on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("owners' committee term")
        verbose_name_plural = _("owners' committee terms")
        ordering = ["-elected_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_ends_on__gt=F("elected_on")), name="committee_term_ends_after"
            ),
        ]

    def __str__(self):
        return _("Owners' committee elected %(date)s") % {"date": self.elected_on}

    def get_absolute_url(self):
        return reverse("ownersassoc:committee_detail", args=[self.pk])

    def filing_due_on(self) -> datetime.date:
        return self.elected_on + datetime.timedelta(days=FILING_DAYS)

    def filing_overdue(self, today: datetime.date | None = None) -> bool:
        """Not filed with both the housing department and the town within 30 days."""
        today = today or timezone.localdate()
        due = self.filing_due_on()
        filed = [self.filed_housing_on, self.filed_town_on]
        if all(filed):
            return any(day > due for day in filed)
        return today > due

    def first_meeting_due_on(self) -> datetime.date:
        return self.elected_on + datetime.timedelta(days=FIRST_MEETING_DAYS)


class CommitteeMember(models.Model):
    class Position(models.TextChoices):
        CHAIR = "chair", pgettext_lazy("owners committee", "Chair")
        VICE_CHAIR = "vice_chair", _("Vice-chair")
        MEMBER = "member", _("Member")

    term = models.ForeignKey(
        CommitteeTerm, verbose_name=_("term"), on_delete=models.CASCADE, related_name="members"
    )
    person = models.ForeignKey(
        "households.Person",
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="committee_seats",
    )
    position = models.CharField(
        _("position"), max_length=12, choices=Position.choices, default=Position.MEMBER
    )

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        ordering = ["term", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["term", "person"], name="committee_member_once"),
            models.UniqueConstraint(
                fields=["term", "position"],
                condition=Q(position__in=["chair", "vice_chair"]),
                name="one_chair_one_vice_chair",
            ),
        ]

    def __str__(self):
        return f"{self.person} ({self.get_position_display()})"


class CommitteeMeeting(models.Model):
    """A meeting of the committee: more than half of its members present; minutes."""

    term = models.ForeignKey(
        CommitteeTerm, verbose_name=_("term"), on_delete=models.PROTECT, related_name="meetings"
    )
    held_on = models.DateField(_("meeting date"))
    present = models.ManyToManyField(
        CommitteeMember, verbose_name=_("members present"), related_name="meetings_attended"
    )
    minutes = models.TextField(_("minutes"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("committee meeting")
        verbose_name_plural = _("committee meetings")
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"{self.term} · {self.held_on}"


class CommitteeResolution(models.Model):
    """A decision of a committee meeting: it passes with more than half of all members in
    favour (not only of those present)."""

    meeting = models.ForeignKey(
        CommitteeMeeting,
        verbose_name=_("committee meeting"),
        on_delete=models.CASCADE,
        related_name="resolutions",
    )
    title = models.CharField(_("resolution"), max_length=200)
    in_favour = models.ManyToManyField(
        CommitteeMember, verbose_name=_("members in favour"), related_name="+"
    )
    passed = models.BooleanField(_("passed"))

    class Meta:
        verbose_name = _("committee resolution")
        verbose_name_plural = _("committee resolutions")
        ordering = ["meeting", "pk"]

    def __str__(self):
        return self.title


class GoverningDocument(models.Model):
    """The management covenant (管理规约) and the rules of procedure (议事规则), each version
    adopted by a motion of a general meeting; the newest adopted version is in force."""

    class Kind(models.TextChoices):
        COVENANT = "covenant", _("Management covenant")
        RULES = "rules", _("Rules of procedure")

    kind = models.CharField(_("document"), max_length=10, choices=Kind.choices)
    version = models.PositiveSmallIntegerField(_("version"))
    adopted_by = models.ForeignKey(
        Motion,
        verbose_name=_("adopted by the motion"),
        on_delete=models.PROTECT,
        related_name="documents",
    )
    adopted_on = models.DateField(_("adopted on"))
    text = models.TextField(_("text"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("governing document")
        verbose_name_plural = _("governing documents")
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="document_version_once"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} v{self.version}"


# The property service ----------------------------------------------------------------------


def validate_uscc(value: str) -> None:
    """The unified social credit code (统一社会信用代码, GB 32100-2015) with its check
    character, by python-stdnum."""
    from stdnum.cn import uscc

    if not uscc.is_valid(value):
        raise ValidationError(
            _(
                "%(value)s is not a valid unified social credit code: 18 characters whose last "
                "is the check character."
            )
            % {"value": value}
        )


class PropertyCompany(models.Model):
    name = models.CharField(_("name"), max_length=200)
    uscc = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_uscc]
    )
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("property company")
        verbose_name_plural = _("property companies")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ServiceScope(models.TextChoices):
    PROPERTY = "property", _("Property management")
    SECURITY = "security", _("Security")
    FACILITIES = "facilities", _("Public-facility maintenance")
    AGENCY = "agency", _("Agency services")


class ServiceContract(models.Model):
    """The property-service contract, hired by a general meeting's motion (matter 4). During
    the poverty-alleviation period the county buys the service; from ``market_terms_from``
    the owners pay at the fee standard."""

    company = models.ForeignKey(
        PropertyCompany,
        verbose_name=_("property company"),
        on_delete=models.PROTECT,
        related_name="contracts",
    )
    hired_by = models.ForeignKey(
        Motion,
        verbose_name=_("hired by the motion"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contracts",
    )
    scope = models.JSONField(_("scope"), default=list)
    started_on = models.DateField(_("contract starts"))
    ended_on = models.DateField(_("contract ends"))
    fee_per_m2_month = models.DecimalField(
        _("fee standard (yuan per m² per month)"), max_digits=6, decimal_places=2
    )
    market_terms_from = models.DateField(
        _("market terms from"),
        null=True,
        blank=True,
        help_text=_("Until this date the county buys the service; empty: the county pays."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service contract")
        verbose_name_plural = _("service contracts")
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__gt=F("started_on")), name="contract_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(fee_per_m2_month__gte=0), name="contract_fee_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.company} {self.started_on:%Y-%m-%d}–{self.ended_on:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("ownersassoc:contract_detail", args=[self.pk])

    def scope_labels(self) -> list[str]:
        labels = dict(ServiceScope.choices)
        return [str(labels[s]) for s in self.scope if s in labels]

    def payer_on(self, day: datetime.date) -> str:
        if self.market_terms_from is not None and day >= self.market_terms_from:
            return str(_("owners (market terms)"))
        return str(_("county purchase (poverty-alleviation period)"))

    def clean(self):
        unknown = [s for s in self.scope if s not in ServiceScope.values]
        if not self.scope or unknown:
            raise ValidationError({"scope": _("Choose at least one scope item.")})


class ContractEvaluation(models.Model):
    """The committee's quarterly evaluation of the contract: a score (0–100) per scope item,
    the problems found and the follow-ups agreed."""

    contract = models.ForeignKey(
        ServiceContract,
        verbose_name=_("service contract"),
        on_delete=models.CASCADE,
        related_name="evaluations",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), choices=[(q, f"Q{q}") for q in range(1, 5)]
    )
    scores = models.JSONField(_("scores"), default=dict)
    average = models.DecimalField(_("average score"), max_digits=5, decimal_places=2)
    problems = models.TextField(_("problems found"), blank=True)
    follow_ups = models.TextField(_("follow-ups"), blank=True)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contract evaluation")
        verbose_name_plural = _("contract evaluations")
        ordering = ["contract", "year", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "year", "quarter"],
                name="one_evaluation_per_quarter",
                violation_error_message=_("This quarter has already been evaluated."),
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="evaluation_quarter_1_4"
            ),
        ]

    def __str__(self):
        return f"{self.contract} {self.year}Q{self.quarter}"

    def score_rows(self) -> list[tuple[str, int]]:
        labels = dict(ServiceScope.choices)
        return [(str(labels.get(k, k)), v) for k, v in self.scores.items()]


class ContractRequest(models.Model):
    """A resident's request of category 物业服务 linked to the contract it concerns."""

    contract = models.ForeignKey(
        ServiceContract,
        verbose_name=_("service contract"),
        on_delete=models.CASCADE,
        related_name="request_links",
    )
    request = models.OneToOneField(
        "services.ResidentRequest",
        verbose_name=_("resident's request"),
        on_delete=models.CASCADE,
        related_name="contract_link",
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("linked by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    linked_at = models.DateTimeField(_("linked at"), default=timezone.now)

    class Meta:
        verbose_name = _("request linked to a contract")
        verbose_name_plural = _("requests linked to a contract")
        ordering = ["-linked_at"]

    def __str__(self):
        return f"{self.contract} · {self.request}"


# The community fund ------------------------------------------------------------------------


class FundSource(models.TextChoices):
    """Where the community's money comes from (income), and what an expense was paid from.
    Rent income is not a ``FundEntry``: the ledger reads it from the leases' rent payments
    (``ownersassoc.fund``), the source named by the premises' kind (``RENT_SOURCES``)."""

    COUNTY = "county", _("County appropriation")
    MARKET_RENT = "market_rent", _("Market rent")
    STORAGE_RENT = "storage_rent", _("Storage-room rent")
    SHOP_RENT = "shop_rent", _("Shop rent")
    ASSET_SALE = "asset_sale", _("Asset-sale proceeds")
    OWNERS_FEES = "owners_fees", _("Owners' self-paid property fees")


class FundExpense(models.TextChoices):
    PROPERTY_SERVICE = "property_service", _("Property-service fees")
    REPAIRS = "repairs", _("Repairs")
    OTHER = "other", _("Other spending")


class FundEntry(models.Model):
    """One line of the community fund ledger: income from a source, or spending of a kind
    paid from a source, so that the ledger tells what each source paid for."""

    class Direction(models.TextChoices):
        INCOME = "income", _("Income")
        EXPENSE = "expense", _("Expense")

    entry_on = models.DateField(_("date"), db_index=True)
    direction = models.CharField(_("income or expense"), max_length=10, choices=Direction.choices)
    source = models.CharField(
        pgettext_lazy("fund", "source"),
        max_length=15,
        choices=FundSource.choices,
        help_text=_("For income: where it came from; for an expense: what paid for it."),
    )
    expense = models.CharField(
        _("kind of spending"), max_length=20, choices=FundExpense.choices, blank=True
    )
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    description = models.CharField(_("description"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fund entry")
        verbose_name_plural = _("fund entries")
        ordering = ["-entry_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="fund_amount_positive"),
            models.CheckConstraint(
                condition=(Q(direction="income") & Q(expense=""))
                | (Q(direction="expense") & ~Q(expense="")),
                name="fund_expense_kind_only_for_expenses",
            ),
        ]

    def __str__(self):
        return f"{self.entry_on} {self.get_direction_display()} {self.amount}"


# Owners' self-paid property fees ---------------------------------------------------------


class FeeBill(models.Model):
    """One dwelling's property fee for one month once the contract is on market terms: the
    counting area times the fee standard. Unpaid bills are reminded, then sued or
    arbitrated; nothing here cuts water, power, heat or gas (Civil Code Art. 944)."""

    contract = models.ForeignKey(
        ServiceContract,
        verbose_name=_("service contract"),
        on_delete=models.PROTECT,
        related_name="bills",
    )
    dwelling = models.ForeignKey(
        "buildings.Dwelling",
        verbose_name=_("dwelling"),
        on_delete=models.PROTECT,
        related_name="fee_bills",
    )
    owner = models.ForeignKey(
        "households.Person",
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="fee_bills",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    area = models.DecimalField(_("counting area (m²)"), max_digits=6, decimal_places=2)
    rate = models.DecimalField(
        _("fee standard (yuan per m² per month)"), max_digits=6, decimal_places=2
    )
    amount = models.DecimalField(_("amount (yuan)"), max_digits=9, decimal_places=2)
    due_on = models.DateField(_("due on"))

    class Meta:
        verbose_name = _("property fee bill")
        verbose_name_plural = _("property fee bills")
        ordering = ["-year", "-month", "dwelling"]
        constraints = [
            models.UniqueConstraint(
                fields=["dwelling", "year", "month"], name="one_fee_bill_per_month"
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="fee_bill_month_1_12"
            ),
        ]

    def __str__(self):
        return f"{self.dwelling} {self.year}-{self.month:02d}"


class FeePayment(models.Model):
    """A payment of a bill. A wrong payment is never deleted: staff reverse it with a reason
    (``fees.fee_payment_reverse``), it stays on record, and it no longer counts towards the
    bill or the community fund."""

    bill = models.ForeignKey(
        FeeBill, verbose_name=_("bill"), on_delete=models.PROTECT, related_name="payments"
    )
    paid_on = models.DateField(_("paid on"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=9, decimal_places=2)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reversed_at = models.DateTimeField(_("reversed at"), null=True, blank=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reversed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reversal_reason = models.CharField(_("reason for the reversal"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("property fee payment")
        verbose_name_plural = _("property fee payments")
        ordering = ["bill", "paid_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="fee_payment_positive"),
            models.CheckConstraint(
                condition=(Q(reversed_at__isnull=True) & Q(reversal_reason=""))
                | (Q(reversed_at__isnull=False) & ~Q(reversal_reason="")),
                name="fee_payment_reversal_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.bill} {self.amount}"


class FeeReminder(models.Model):
    """A reminder of an unpaid bill: the only step the software takes before the courts."""

    class Method(models.TextChoices):
        LETTER = "letter", _("Written reminder")
        PHONE = "phone", _("Phone call")
        VISIT = "visit", _("Home visit")

    bill = models.ForeignKey(
        FeeBill, verbose_name=_("bill"), on_delete=models.PROTECT, related_name="reminders"
    )
    sent_on = models.DateField(_("reminded on"))
    method = models.CharField(_("how"), max_length=10, choices=Method.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("fee reminder")
        verbose_name_plural = _("fee reminders")
        ordering = ["bill", "sent_on", "pk"]

    def __str__(self):
        return f"{self.bill} {self.sent_on}"
