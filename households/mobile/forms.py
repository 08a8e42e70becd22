"""Forms of the building leaders' phone pages (households side)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.idnumbers import normalize_id_number, normalize_mobile
from households.fieldlogs.models import PublicityRecord, Visit
from households.forms import VersionedForm
from households.mobile.services import HOUSEHOLD_CONTACT_FIELDS, PERSON_STATUS_FIELDS
from households.models import Household, LabourCapacity, LeftReason, Person, Relationship

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NON_HEAD = [c for c in Relationship.choices if c[0] != Relationship.HEAD]


def _phone_field(label):
    # Longer than 11 so that "139 0000 1111" is accepted and normalised, then validated.
    return forms.CharField(
        label=label,
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )


class HouseholdContactForm(VersionedForm):
    phone = _phone_field(_("contact phone"))

    class Meta:
        model = Household
        fields = HOUSEHOLD_CONTACT_FIELDS
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def clean_phone(self):
        return normalize_mobile(self.cleaned_data.get("phone"))


class PersonStatusForm(VersionedForm):
    phone = _phone_field(_("phone"))

    class Meta:
        model = Person
        fields = PERSON_STATUS_FIELDS

    def clean_phone(self):
        return normalize_mobile(self.cleaned_data.get("phone"))


class ProposalChangeForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=50)
    id_number = forms.CharField(
        label=_("new ID number"),
        max_length=30,
        required=False,
        help_text=_("Leave empty to keep the ID number."),
    )
    relationship = forms.ChoiceField(label=_("relationship to head"), choices=NON_HEAD)
    note = forms.CharField(
        label=_("note for the staff"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, person: Person, **kwargs):
        kwargs.setdefault("initial", {"name": person.name, "relationship": person.relationship})
        super().__init__(*args, **kwargs)
        if person.is_head:
            # The head stays head: changing the head is decided by staff.
            self.fields["relationship"].choices = [(Relationship.HEAD, Relationship.HEAD.label)]

    def clean_id_number(self):
        return normalize_id_number(self.cleaned_data.get("id_number"))


class ProposalLeaveForm(forms.Form):
    left_on = forms.DateField(label=_("left on"), widget=DATE, initial=timezone.localdate)
    reason = forms.ChoiceField(label=_("reason for leaving"), choices=LeftReason.choices)
    note = forms.CharField(
        label=_("note for the staff"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ProposalMemberForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=50)
    id_number = forms.CharField(label=_("ID number"), max_length=30)
    relationship = forms.ChoiceField(label=_("relationship to head"), choices=NON_HEAD)
    labour_capacity = forms.ChoiceField(label=_("labour capacity"), choices=LabourCapacity.choices)
    phone = forms.CharField(
        label=_("phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    note = forms.CharField(
        label=_("note for the staff"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def clean_id_number(self):
        return normalize_id_number(self.cleaned_data.get("id_number"))

    def clean_phone(self):
        from core.idnumbers import validate_mobile

        phone = normalize_mobile(self.cleaned_data.get("phone"))
        if phone:
            validate_mobile(phone)
        return phone


class HouseholdChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return household_label(obj)


class HouseholdMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return household_label(obj)


def household_label(household) -> str:
    """ "1-101 温建华" (rows of ``leader_household_list``: dwelling and heads are loaded)."""
    heads = "、".join(p.name for p in getattr(household, "heads", []))
    d = household.dwelling
    return (
        f"{d.building.code}-{d.entrance}-{d.room} {heads}".strip()
        if d
        else f"{household.number} {heads}"
    )


class VisitForm(forms.ModelForm):
    household = HouseholdChoiceField(label=_("household"), queryset=Household.objects.none())

    class Meta:
        model = Visit
        fields = ["household", "visited_on", "reason", "note"]
        widgets = {"visited_on": DATE, "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, households, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = households


class PublicityForm(forms.ModelForm):
    households = HouseholdMultipleChoiceField(
        label=_("households reached"),
        queryset=Household.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = PublicityRecord
        fields = ["building", "topic", "title", "held_on", "households", "note"]
        widgets = {"held_on": DATE, "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, buildings, households, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = buildings
        self.fields["households"].queryset = households
        if len(buildings) == 1:
            self.fields["building"].initial = buildings[0].pk
