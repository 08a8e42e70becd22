"""Premises the community lets (market stalls, ground-floor storage rooms, shops), their
leases and rent. The plan's premises are state poverty-alleviation assets: each records who
owns the asset (DOMAIN.md §5). Imported by ``buildings.models``."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Premises(models.Model):
    class Kind(models.TextChoices):
        MARKET_STALL = "market_stall", _("Market stall")
        STORAGE = "storage", _("Ground-floor storage room")
        SHOP = "shop", _("Shop")

    code = models.CharField(_("number"), max_length=30, unique=True)
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices)
    building = models.ForeignKey(
        "buildings.Building",
        verbose_name=_("building"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="premises",
        help_text=_("Empty for a stall of the market."),
    )
    area = models.DecimalField(_("area (m²)"), max_digits=7, decimal_places=2)
    asset_owner = models.CharField(
        _("owner of the asset"), max_length=100, default=_("State poverty-alleviation asset")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("premises")
        verbose_name_plural = _("premises")
        ordering = ["kind", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(area__gt=0), name="premises_area_positive")
        ]

    def __str__(self):
        return f"{self.code} {self.get_kind_display()}"

    def get_absolute_url(self):
        return reverse("buildings:premises_detail", args=[self.pk])


class Lease(models.Model):
    """A lease of one premises. Two leases of one premises never overlap: the service
    refuses it while holding a row lock on the premises (see ``lease_create``)."""

    premises = models.ForeignKey(
        Premises, verbose_name=_("premises"), on_delete=models.PROTECT, related_name="leases"
    )
    tenant = models.CharField(_("tenant"), max_length=100)
    tenant_phone = models.CharField(_("tenant's phone"), max_length=20, blank=True)
    started_on = models.DateField(_("lease starts"))
    ended_on = models.DateField(_("lease ends"))
    monthly_rent = models.DecimalField(_("monthly rent (yuan)"), max_digits=9, decimal_places=2)
    deposit = models.DecimalField(_("deposit (yuan)"), max_digits=9, decimal_places=2, default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lease")
        verbose_name_plural = _("leases")
        ordering = ["premises", "-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__gte=F("started_on")), name="lease_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(monthly_rent__gte=0), name="lease_rent_not_negative"
            ),
            # No two leases of one premises start on the same day: the part of "no overlap"
            # that a unique index holds on every database.
            models.UniqueConstraint(fields=["premises", "started_on"], name="lease_unique_start"),
        ]

    def __str__(self):
        return f"{self.premises} {self.tenant}"


class RentPayment(models.Model):
    """Rent received on a lease. A wrong payment is never deleted: staff reverse it with a
    reason (``rent_payment_reverse``), it stays on record, and it no longer counts towards
    the rent received or the community fund."""

    lease = models.ForeignKey(
        Lease, verbose_name=_("lease"), on_delete=models.PROTECT, related_name="payments"
    )
    paid_on = models.DateField(_("paid on"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=9, decimal_places=2)
    note = models.CharField(_("note"), max_length=200, blank=True)
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
        verbose_name = _("rent payment")
        verbose_name_plural = _("rent payments")
        ordering = ["lease", "paid_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="rent_payment_positive"),
            models.CheckConstraint(
                condition=(Q(reversed_at__isnull=True) & Q(reversal_reason=""))
                | (Q(reversed_at__isnull=False) & ~Q(reversal_reason="")),
                name="rent_payment_reversal_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.lease} {self.paid_on} {self.amount}"
