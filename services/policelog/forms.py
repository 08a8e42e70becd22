from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from buildings.models import Building
from community.models import Department
from households.models import Household
from services.policelog.models import IncidentKind


class IncidentForm(forms.Form):
    unit = forms.ModelChoiceField(label=_lazy("recording unit"), queryset=Department.objects.none())
    kind = forms.ChoiceField(label=_lazy("kind"), choices=IncidentKind.choices)
    occurred_at = forms.DateTimeField(
        label=_lazy("occurred at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    place = forms.CharField(label=_lazy("place"), max_length=200)
    building = forms.ModelChoiceField(
        label=_lazy("building"), queryset=Building.objects.order_by("code"), required=False
    )
    household_numbers = forms.CharField(
        label=_lazy("households involved"),
        required=False,
        help_text=_lazy("Household numbers, separated by spaces or commas."),
    )
    description = forms.CharField(
        label=_lazy("what happened"), widget=forms.Textarea(attrs={"rows": 3})
    )
    action_taken = forms.CharField(
        label=_lazy("action taken"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    handed_to = forms.ModelChoiceField(
        label=_lazy("handed to"), queryset=Department.objects.filter(is_active=True), required=False
    )

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Department.objects.filter(code__in=units)

    def clean_household_numbers(self):
        raw = self.cleaned_data["household_numbers"].replace("，", ",").replace(",", " ")
        numbers = list(dict.fromkeys(raw.split()))
        found = {
            h.number: h
            for h in Household.objects.select_related("dwelling").filter(number__in=numbers)
        }
        missing = [n for n in numbers if n not in found]
        if missing:
            raise forms.ValidationError(
                _("No household numbered %(numbers)s.") % {"numbers": "、".join(missing)}
            )
        return [found[n] for n in numbers]

    def service_kwargs(self):
        data = dict(self.cleaned_data)
        data["households"] = data.pop("household_numbers")
        return data
