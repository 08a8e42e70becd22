from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from buildings.hygiene.models import HygieneCheck
from core.images import PhotoField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class HygieneCheckForm(forms.ModelForm):
    photo = PhotoField(
        label=_("photo"), help_text=_("Optional. Taken with the phone camera; at most 10 MB.")
    )

    class Meta:
        model = HygieneCheck
        fields = ["building", "area", "checked_on", "score", "problems", "photo"]
        widgets = {
            "checked_on": DATE,
            "score": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": 100}),
            "problems": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"problems": _("Leave empty when nothing was wrong.")}

    def __init__(self, *args, buildings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = buildings
        self.fields["building"].empty_label = None
        self.fields["checked_on"].initial = timezone.localdate

    def clean_score(self):
        score = self.cleaned_data["score"]
        if score is not None and not 0 <= score <= 100:
            raise forms.ValidationError(_("The score is between 0 and 100."))
        return score


class HygieneFixForm(forms.Form):
    fixed_on = forms.DateField(label=_("fixed on"), widget=DATE, initial=timezone.localdate)
    fix_note = forms.CharField(label=_("what was done"), widget=forms.Textarea(attrs={"rows": 2}))
