from django import forms
from django.utils.translation import gettext_lazy as _

from services.facilities.models import ClinicStaff, Facility, UpkeepKind
from services.requests.models import Urgency


class UpkeepForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=UpkeepKind.choices)
    note = forms.CharField(
        label=_("note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class ProblemReportForm(forms.Form):
    description = forms.CharField(
        label=_("what is wrong"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    urgency = forms.ChoiceField(label=_("urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)


class FacilityForm(forms.ModelForm):
    class Meta:
        model = Facility
        fields = [
            "kind",
            "name",
            "location",
            "owner_unit",
            "description",
            "opening_hours",
            "services_offered",
        ]


class ClinicStaffForm(forms.ModelForm):
    class Meta:
        model = ClinicStaff
        fields = ["name", "qualification", "post", "phone", "started_on", "ended_on"]
        widgets = {
            "started_on": forms.DateInput(attrs={"type": "date"}),
            "ended_on": forms.DateInput(attrs={"type": "date"}),
        }
