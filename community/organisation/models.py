"""Who runs the community (measure 1 of the plan): the residents' committee, the party
branch and the mass organisations, their posts, terms and holders; open recruitment of
cadres; resident groups; party members among residents.

``community`` sits below ``households``: residents are named with lazy references
(``"households.Person"``, ``"households.Household"``), never imported."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class OrganisationKind(models.TextChoices):
    RESIDENTS_COMMITTEE = "committee", _("Residents' committee")
    PARTY_BRANCH = "party", _("Party branch")
    YOUTH_LEAGUE = "youth", _("Communist Youth League")
    WOMEN = "women", _("Women's federation")
    OTHER = "other", _("Other mass organisation")


GOVERNING_KINDS = [OrganisationKind.RESIDENTS_COMMITTEE, OrganisationKind.PARTY_BRANCH]


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=OrganisationKind.choices)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    phone = models.CharField(_("office phone"), max_length=20, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.name

    @property
    def is_mass_organisation(self):
        return self.kind not in GOVERNING_KINDS


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class OrganisationTerm(models.Model):
    """One term (届) of an organisation, with the number of members elected."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="terms"
    )
    number = models.PositiveSmallIntegerField(_("term number"))
    member_count = models.PositiveSmallIntegerField(_("members elected"))
    starts_on = models.DateField(_("term starts"))
    ends_on = models.DateField(_("term ends"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation term")
        verbose_name_plural = _("organisation terms")
        ordering = ["organisation", "-starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number"], name="one_term_number_per_organisation"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")), name="organisation_term_ends_after_start"
            ),
        ]

    def __str__(self):
        return _("%(org)s, term %(n)s") % {"org": self.organisation, "n": self.number}

    def clean(self):
        """The member count and term length that ``settings.ORGANISATION_RULES`` allows for
        the organisation's kind (nothing is checked for a kind not listed)."""
        if self.organisation_id is None:
            return
        kind = self.organisation.kind
        rules = settings.ORGANISATION_RULES.get(kind)
        if not rules:
            return
        label = OrganisationKind(kind).label
        errors = {}
        low, high = rules["MEMBERS"]
        if self.member_count is not None and not low <= self.member_count <= high:
            errors["member_count"] = _(
                "A %(kind)s has %(low)d to %(high)d members by law; %(n)d is outside that range."
            ) % {"kind": label, "low": low, "high": high, "n": self.member_count}
        years = rules["TERM_YEARS"]
        if self.starts_on and self.ends_on and self.ends_on > add_years(self.starts_on, years):
            errors["ends_on"] = _(
                "A term of a %(kind)s lasts at most %(years)d years: it must end by %(last)s."
            ) % {
                "kind": label,
                "years": years,
                "last": add_years(self.starts_on, years).isoformat(),
            }
        if errors:
            raise ValidationError(errors)


class PostKind(models.TextChoices):
    SECRETARY = "secretary", _("Party branch secretary")
    DEPUTY_SECRETARY = "deputy_secretary", _("Deputy party branch secretary")
    DIRECTOR = "director", _("Community director")
    DEPUTY_DIRECTOR = "deputy_director", _("Deputy director")
    MEMBER = "member", _("Committee member")
    CADRE = "cadre", _("Community cadre")
    CHAIR = "chair", _("Chair")
    OTHER = "other", _("Other post")


class Post(models.Model):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="posts"
    )
    kind = models.CharField(_("post"), max_length=20, choices=PostKind.choices)
    title = models.CharField(_("title"), max_length=50)
    single_holder = models.BooleanField(
        _("one holder at a time"),
        default=True,
        help_text=_("A secretary or a director: two people may not hold it at once."),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["organisation__sort_order", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "title"], name="one_post_title_per_org")
        ]

    def __str__(self):
        return f"{self.organisation} · {self.title}"


class PostHolding(models.Model):
    """Who holds a post from when until when. A resident is named by ``person``; a cadre
    recruited from outside the community by name. ``single_holder`` copies the post's at
    the start, so the database refuses a second current holder of a single-holder post."""

    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.PROTECT, related_name="holdings"
    )
    term = models.ForeignKey(
        OrganisationTerm,
        verbose_name=_("term"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="holdings",
    )
    person = models.ForeignKey(
        "households.Person",
        verbose_name=_("resident"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="post_holdings",
    )
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    started_on = models.DateField(_("holds the post from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    single_holder = models.BooleanField(default=True, editable=False)
    recruited_as = models.OneToOneField(
        "community.Applicant",
        verbose_name=_("recruited as"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="holding",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("post holder")
        verbose_name_plural = _("post holders")
        ordering = ["post__organisation__sort_order", "post__sort_order", "-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["post"],
                condition=Q(ended_on__isnull=True, single_holder=True),
                name="one_current_holder_of_single_post",
                violation_error_message=_("This post already has a current holder."),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="post_holding_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.post.title} {self.name}"

    @property
    def is_current(self):
        return self.ended_on is None or self.ended_on >= timezone.localdate()


# --- open recruitment of cadres -----------------------------------------------------------


class RecruitmentRound(models.Model):
    title = models.CharField(_("title"), max_length=100)
    announced_on = models.DateField(_("announced on"))
    recruitment_date = models.DateField(
        _("recruitment date"), help_text=_("Applicants' ages are counted on this day.")
    )
    posts = models.ManyToManyField(Post, verbose_name=_("posts"), related_name="recruitments")
    places = models.PositiveSmallIntegerField(_("places"))
    age_limit = models.PositiveSmallIntegerField(
        _("age limit (周岁, inclusive)"), default=settings.CADRE_RECRUITMENT_AGE_LIMIT
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("recruitment round")
        verbose_name_plural = _("recruitment rounds")
        ordering = ["-recruitment_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(recruitment_date__gte=F("announced_on")),
                name="recruitment_after_announcement",
            ),
            models.CheckConstraint(condition=Q(places__gt=0), name="recruitment_has_places"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("community:recruitment_detail", args=[self.pk])


class ApplicantResult(models.TextChoices):
    PENDING = "pending", _("Pending")
    HIRED = "hired", _("Hired")
    NOT_HIRED = "not_hired", _("Not hired")


class Applicant(models.Model):
    """A resident (``person``) or an outsider with an ID number. The birth date comes from
    the ID number and decides the age rule (``services.applicant_add``)."""

    round = models.ForeignKey(
        RecruitmentRound,
        verbose_name=_("recruitment round"),
        on_delete=models.PROTECT,
        related_name="applicants",
    )
    person = models.ForeignKey(
        "households.Person",
        verbose_name=_("resident"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
    )
    name = models.CharField(_("name"), max_length=50)
    id_number = models.CharField(
        _("ID number"), max_length=18, blank=True, help_text=_("For an applicant from outside.")
    )
    birth_date = models.DateField(_("birth date"), editable=False)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    education = models.CharField(_("education"), max_length=50, blank=True)
    result = models.CharField(
        _("result"), max_length=10, choices=ApplicantResult.choices, default=ApplicantResult.PENDING
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    hired_post = models.ForeignKey(
        Post,
        verbose_name=_("post taken"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("applicant")
        verbose_name_plural = _("applicants")
        ordering = ["round", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | ~Q(id_number=""),
                name="applicant_resident_or_id_number",
                violation_error_message=_("Choose a resident or give the ID number."),
            ),
            models.UniqueConstraint(
                fields=["round", "person"], name="one_application_per_resident"
            ),
            models.UniqueConstraint(
                fields=["round", "id_number"],
                condition=~Q(id_number=""),
                name="one_application_per_id_number",
            ),
        ]

    def __str__(self):
        return self.name


class PostBudget(models.Model):
    """The yearly budget line of a post: cadres' pay comes from the county budget."""

    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.PROTECT, related_name="budgets"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    source = models.CharField(_("source"), max_length=50, default="县财政")

    class Meta:
        verbose_name = _("post budget line")
        verbose_name_plural = _("post budget lines")
        ordering = ["-year", "post"]
        constraints = [
            models.UniqueConstraint(fields=["post", "year"], name="one_budget_line_per_post_year"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="post_budget_not_negative"),
        ]

    def __str__(self):
        return f"{self.post} {self.year}"


# --- resident groups, mass organisations, party members ---------------------------------


class ResidentGroup(models.Model):
    number = models.PositiveSmallIntegerField(_("group number"), unique=True)
    name = models.CharField(_("name"), max_length=50)
    leader = models.ForeignKey(
        "households.Person",
        verbose_name=_("group leader"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_groups",
    )
    area = models.CharField(_("area (buildings)"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("resident group")
        verbose_name_plural = _("resident groups")
        ordering = ["number"]

    def __str__(self):
        return self.name


class ResidentGroupMembership(models.Model):
    group = models.ForeignKey(
        ResidentGroup,
        verbose_name=_("resident group"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("household"),
        on_delete=models.CASCADE,
        related_name="group_memberships",
    )
    joined_on = models.DateField(_("joined on"), default=timezone.localdate)

    class Meta:
        verbose_name = _("resident group member household")
        verbose_name_plural = _("resident group member households")
        ordering = ["group", "household"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                name="household_in_one_resident_group",
                violation_error_message=_("This household already belongs to a resident group."),
            )
        ]

    def __str__(self):
        return f"{self.group}: {self.household_id}"


class OrganisationMember(models.Model):
    """A member of a mass organisation (共青团, 妇联, …)."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="members",
    )
    person = models.ForeignKey(
        "households.Person",
        verbose_name=_("resident"),
        on_delete=models.PROTECT,
        related_name="organisation_memberships",
    )
    role = models.CharField(_("role"), max_length=50, blank=True)
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        verbose_name = _("organisation member")
        verbose_name_plural = _("organisation members")
        ordering = ["organisation", "joined_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "person"],
                condition=Q(left_on__isnull=True),
                name="one_current_membership_per_org",
                violation_error_message=_("This resident is already a member."),
            )
        ]

    def __str__(self):
        return f"{self.organisation}: {self.person_id}"


class PartyMember(models.Model):
    person = models.OneToOneField(
        "households.Person",
        verbose_name=_("resident"),
        on_delete=models.PROTECT,
        related_name="party_membership",
    )
    joined_on = models.DateField(_("joined the party on"))
    branch = models.ForeignKey(
        Organisation,
        verbose_name=_("party branch"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        limit_choices_to={"kind": OrganisationKind.PARTY_BRANCH},
        related_name="party_members",
    )
    transferred_in = models.BooleanField(
        _("organisation relationship transferred in"), default=False
    )
    transferred_on = models.DateField(_("transferred on"), null=True, blank=True)

    class Meta:
        verbose_name = _("party member")
        verbose_name_plural = _("party members")
        ordering = ["joined_on", "pk"]

    def __str__(self):
        return str(self.person_id)
