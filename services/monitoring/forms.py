from django import forms
from django.utils.translation import gettext_lazy as _

from community.models import Department
from households.models import Household
from services.monitoring.models import (
    Category,
    HelpMeasure,
    IncomeThreshold,
    RiskLevel,
    RiskType,
    Source,
)

DATE = forms.DateInput(attrs={"type": "date"})


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ThresholdForm(forms.ModelForm):
    class Meta:
        model = IncomeThreshold
        fields = ["province", "year", "amount", "source"]

    def validate_unique(self):  # the service corrects an existing year instead
        pass


class LeadForm(forms.Form):
    household_number = forms.CharField(label=_("household number"), max_length=30)
    source = forms.ChoiceField(
        label=_("source of the lead"),
        choices=[
            (Source.SELF_REPORT, Source.SELF_REPORT.label),
            (Source.VISIT, Source.VISIT.label),
        ],
    )
    lead_on = forms.DateField(label=_("lead received on"), widget=DATE)
    fact = forms.CharField(
        label=_("what was reported or found"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class HomeCheckForm(VersionedForm):
    done_on = forms.DateField(label=_("date"), widget=DATE)
    authorisation = forms.FileField(
        label=_("signed authorisation and commitment (photo or scan)"), required=False
    )
    income_12m = forms.DecimalField(
        label=_("per-capita net income over the 12 months before the lead (yuan)"),
        max_digits=10,
        decimal_places=2,
    )
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ClearingHomeCheckForm(HomeCheckForm):
    stable_income_since = forms.DateField(
        label=_("income stably above the range since"), widget=DATE, required=False
    )
    schooling_secure = forms.BooleanField(label=_("schooling secure"), required=False)
    medical_secure = forms.BooleanField(label=_("medical care secure"), required=False)
    housing_secure = forms.BooleanField(label=_("housing secure"), required=False)
    water_secure = forms.BooleanField(label=_("drinking water secure"), required=False)


class DecisionForm(VersionedForm):
    done_on = forms.DateField(label=_("date"), widget=DATE)
    approved = forms.TypedChoiceField(
        label=_("outcome"),
        choices=[("1", _("Agreed")), ("0", _("Not agreed"))],
        coerce=lambda v: v == "1",
        initial="1",
    )
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CategoryDecisionForm(DecisionForm):
    category = forms.ChoiceField(
        label=_("category"), choices=[("", "—"), *Category.choices], required=False
    )
    risk_types = forms.MultipleChoiceField(
        label=_("risk types"),
        choices=RiskType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class NoticeForm(VersionedForm):
    done_on = forms.DateField(label=_("notice posted on"), widget=DATE)
    notice_until = forms.DateField(label=_("notice up until"), widget=DATE)
    note = forms.CharField(label=_("note"), required=False)


class RiskLevelForm(VersionedForm):
    level = forms.ChoiceField(label=_("risk level"), choices=RiskLevel.choices)
    reason = forms.CharField(label=_("reason for the risk level"), max_length=200)


class ClearingStartForm(forms.Form):
    lead_on = forms.DateField(label=_("date"), widget=DATE)
    fact = forms.CharField(label=_("why the risk can be cleared"), max_length=300)


class CloseLeadForm(VersionedForm):
    reason = forms.CharField(label=_("why the lead is closed"), max_length=200)


class MeasureForm(forms.ModelForm):
    class Meta:
        model = HelpMeasure
        fields = ["kind", "description", "unit", "deadline"]
        widgets = {"deadline": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Department.objects.filter(is_active=True)


class MeasureDoneForm(VersionedForm):
    done_on = forms.DateField(label=_("done on"), widget=DATE)
    result = forms.CharField(label=_("what was done"), widget=forms.Textarea(attrs={"rows": 2}))


class VisitLeadForm(forms.Form):
    """The leaders' visit form with a monitoring lead raised in the same step."""

    household = forms.ModelChoiceField(label=_("household"), queryset=Household.objects.none())
    visited_on = forms.DateField(label=_("date visited"), widget=DATE)
    reason = forms.ChoiceField(label=_("reason for the visit"))
    seen = forms.CharField(label=_("who was seen"), max_length=100, required=False)
    note = forms.CharField(
        label=_("what was found or agreed"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    raise_lead = forms.BooleanField(
        label=_("Risk of falling back into poverty: raise a monitoring lead"), required=False
    )
    lead_source = forms.ChoiceField(
        label=_("source of the lead"),
        choices=[
            (Source.VISIT, Source.VISIT.label),
            (Source.SELF_REPORT, Source.SELF_REPORT.label),
        ],
        initial=Source.VISIT,
        required=False,
    )
    lead_fact = forms.CharField(
        label=_("the risk found"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, households, reasons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = households
        self.fields["household"].label_from_instance = lambda h: (
            f"{h.dwelling.building.code}-{h.dwelling.entrance}-{h.dwelling.room} {h.number}"
            if h.dwelling
            else h.number
        )
        self.fields["reason"].choices = reasons

    def clean(self):
        data = super().clean()
        if data.get("raise_lead") and not (data.get("lead_fact") or "").strip():
            self.add_error("lead_fact", _("Say what risk was found to raise a lead."))
        return data
