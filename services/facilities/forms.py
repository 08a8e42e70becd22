from django import forms
from django.utils.translation import gettext_lazy as _

from services.facilities.models import UpkeepKind
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
