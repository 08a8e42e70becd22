from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _person_label(person):
    dwelling = person.household.dwelling
    room = f"{dwelling.entrance}-{dwelling.room}" if dwelling else ""
    return f"{person.name}（{room} {person.household.number}）"


def _household_label(household):
    dwelling = household.dwelling
    room = f"{dwelling.entrance}-{dwelling.room}" if dwelling else ""
    return f"{household.number}（{room}）"


class AppointForm(forms.Form):
    person = forms.ModelChoiceField(label=_("resident"), queryset=None)
    started_on = forms.DateField(label=_("appointed from"), initial=timezone.localdate)
    note = forms.CharField(label=_("notes"), max_length=200, required=False)

    def __init__(self, *args, residents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = residents
        self.fields["person"].label_from_instance = _person_label


class AssignForm(forms.Form):
    household = forms.ModelChoiceField(label=_("household"), queryset=None)
    started_on = forms.DateField(label=_("assigned from"), initial=timezone.localdate)

    def __init__(self, *args, households, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = households
        self.fields["household"].label_from_instance = _household_label


class EndForm(forms.Form):
    ended_on = forms.DateField(label=_("ended on"), initial=timezone.localdate)
