from django import forms
from django.utils.translation import gettext_lazy as _

from buildings.models import Building
from community.models import Department
from services.firesafety.models import InspectionResult
from services.firesafety.selectors import INSPECTING_UNITS

DATE = forms.DateInput(attrs={"type": "date"})


class InspectionForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("inspecting unit"), queryset=Department.objects.none())
    building = forms.ModelChoiceField(
        label=_("building"), queryset=Building.objects.order_by("code"), required=False
    )
    premises = forms.CharField(
        label=_("premises"),
        max_length=100,
        required=False,
        help_text=_("A market stall, storage room or shop, as named on site."),
    )
    inspected_on = forms.DateField(label=_("inspected on"), widget=DATE)
    findings = forms.CharField(label=_("findings"), widget=forms.Textarea(attrs={"rows": 3}))
    result = forms.ChoiceField(label=_("result"), choices=InspectionResult.choices)
    rectification_deadline = forms.DateField(
        label=_("rectify by"),
        required=False,
        widget=DATE,
        help_text=_("Empty: the default number of days after the inspection."),
    )

    def __init__(self, *args, units=INSPECTING_UNITS, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Department.objects.filter(code__in=units)


class RectificationForm(forms.Form):
    rectified_on = forms.DateField(label=_("rectified on"), widget=DATE)
    note = forms.CharField(label=_("what was rectified"), widget=forms.Textarea(attrs={"rows": 2}))
    evidence = forms.FileField(label=_("evidence"))
