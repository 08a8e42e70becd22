from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Department(models.Model):
    """A responsible unit (责任单位) named by the plan: a county bureau, the town
    government, a township, a mass organisation."""

    class Kind(models.TextChoices):
        TOWN = "town", _("Town government")
        COUNTY_BUREAU = "bureau", _("County bureau")
        COORDINATOR = "coordinator", _("Coordinating office")
        POLICE = "police", _("Police")
        ORGANISATION = "organisation", _("Mass organisation")
        SCHOOL = "school", _("School")
        TOWNSHIPS = "townships", _("Townships of origin")
        COMMUNITY = "community", _("Community")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    supervises = models.BooleanField(
        _("supervises other units"),
        default=False,
        help_text=_("The town government and the poverty-alleviation office see every unit."),
    )
    head_name = models.CharField(_("head of unit (一把手)"), max_length=50, blank=True)
    liaison_name = models.CharField(_("liaison"), max_length=50, blank=True)
    liaison_phone = models.CharField(_("liaison phone"), max_length=20, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("responsible unit")
        verbose_name_plural = _("responsible units")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name


class UserProfile(models.Model):
    """What a user account needs beyond Django's: the unit of a department user."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="profile",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("responsible unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="profiles",
    )
    display_name = models.CharField(_("full name"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("user profile")
        verbose_name_plural = _("user profiles")

    def __str__(self):
        return self.display_name or self.user.get_username()


# The organisation of the community lives in its own package; imported here so that Django
# finds its models.
from community.organisation.models import (  # noqa: E402,F401
    Applicant,
    Organisation,
    OrganisationMember,
    OrganisationTerm,
    PartyMember,
    Post,
    PostBudget,
    PostHolding,
    RecruitmentRound,
    ResidentGroup,
    ResidentGroupMembership,
)
