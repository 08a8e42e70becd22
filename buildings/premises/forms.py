from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Lease, Premises, RentPayment

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PremisesForm(forms.ModelForm):
    class Meta:
        model = Premises
        fields = ["code", "kind", "building", "area", "asset_owner"]

    def _post_clean(self):
        pass  # the service validates


class LeaseForm(forms.ModelForm):
    class Meta:
        model = Lease
        fields = ["tenant", "tenant_phone", "started_on", "ended_on", "monthly_rent", "deposit"]
        widgets = {"started_on": DATE, "ended_on": DATE}

    def _post_clean(self):
        pass  # the service validates, with the premises locked


class RentPaymentForm(forms.ModelForm):
    lease = forms.ModelChoiceField(label=_("lease"), queryset=Lease.objects.none())

    class Meta:
        model = RentPayment
        fields = ["lease", "paid_on", "amount", "note"]
        widgets = {"paid_on": DATE}

    def __init__(self, *args, leases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lease"].queryset = leases

    def _post_clean(self):
        pass


class ReversalForm(forms.Form):
    """The reason a wrong payment is reversed (rent here; the owners' fees use it too)."""

    reason = forms.CharField(label=_("reason for the reversal"), max_length=200)
