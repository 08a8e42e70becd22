from django import forms
from django.conf import settings
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from buildings.selectors import buildings_for_user
from community.models import Department
from community.roles import sees_whole_registry
from core.images import PhotoField, reencode_image
from households.models import Person, Relationship
from households.selectors import households_for_user
from services.requests.models import Category, Satisfaction, Urgency


class RequestPhotoField(PhotoField):
    """A phone photo, re-encoded (metadata dropped) and limited to REQUEST_PHOTO_MAX_MB."""

    def clean(self, data, initial=None):
        uploaded = forms.FileField.clean(self, data, initial)
        if not uploaded or uploaded is initial:
            return uploaded
        return reencode_image(uploaded, max_bytes=settings.REQUEST_PHOTO_MAX_MB * 1024 * 1024)


class HouseholdChoiceField(forms.ModelChoiceField):
    """Labels say where the household lives and who heads it (heads prefetched)."""

    def label_from_instance(self, obj):
        dwelling = obj.dwelling
        heads = getattr(obj, "heads", [])
        head = f" · {heads[0].name}" if heads else ""
        return f"{dwelling.building.code}-{dwelling.entrance}-{dwelling.room} · {obj.number}{head}"


class RequestFileForm(forms.Form):
    """File a request. A building leader picks a household of their building from a list;
    staff type the household number. Leave the household empty for the building as a
    whole."""

    household = HouseholdChoiceField(
        label=_("household"),
        queryset=None,
        required=False,
        help_text=_("Leave empty for a request about the building as a whole."),
    )
    building = forms.ModelChoiceField(label=_("building"), queryset=None, required=False)
    category = forms.ChoiceField(
        label=_("category"), choices=[("", "---------"), *Category.choices]
    )
    urgency = forms.ChoiceField(label=_("urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    description = forms.CharField(
        label=_("description"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )
    photo1 = RequestPhotoField(label=_("photo 1"))
    photo2 = RequestPhotoField(label=_("photo 2"))
    photo3 = RequestPhotoField(label=_("photo 3"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        households = (
            households_for_user(user)
            .filter(is_active=True)
            .select_related("dwelling__building")
            .order_by("number")
        )
        field = self.fields["household"]
        field.queryset = households
        if sees_whole_registry(user):
            field.to_field_name = "number"
            field.widget = forms.TextInput(attrs={"placeholder": _("household number")})
            field.help_text = _(
                "The household number (户编号); leave empty for the building as a whole."
            )
        else:
            heads = Person.objects.filter(relationship=Relationship.HEAD, is_active=True)
            field.queryset = households.prefetch_related(
                Prefetch("members", queryset=heads, to_attr="heads")
            ).order_by(
                "dwelling__building__code",
                "dwelling__entrance",
                "dwelling__floor",
                "dwelling__room",
            )
        buildings = buildings_for_user(user).order_by("code")
        self.fields["building"].queryset = buildings
        self.fields["building"].help_text = _("Only needed when no household is chosen.")
        for name in ("photo1", "photo2", "photo3"):
            self.fields[name].widget.attrs["class"] = "form-control"

    def clean(self):
        data = super().clean()
        if (
            not data.get("household")
            and not data.get("building")
            and not self.has_error("building")
        ):
            self.add_error(
                "building", _("Choose a household or the building the request is about.")
            )
        data["photos"] = [data[n] for n in ("photo1", "photo2", "photo3") if data.get(n)]
        return data


class AcceptForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("responsible unit"),
        queryset=Department.objects.filter(is_active=True),
        empty_label=_("Choose a unit"),
    )
    note = forms.CharField(label=_("note"), required=False, max_length=1000)
    version = forms.IntegerField(widget=forms.HiddenInput)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("note"), required=False, max_length=1000)
    version = forms.IntegerField(widget=forms.HiddenInput)


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("what was done"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class VerdictForm(forms.Form):
    satisfaction = forms.ChoiceField(
        label=_("resident's verdict"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("note"), required=False, max_length=1000)
    version = forms.IntegerField(widget=forms.HiddenInput)


ACTION_FORMS = {
    "accept": AcceptForm,
    "start": NoteForm,
    "resolve": ResolveForm,
    "reject": ReasonForm,
    "reopen": ReasonForm,
    "close": VerdictForm,
}


class BulkAssignForm(forms.Form):
    """The unit for the requests ticked in the queue (their ids come as ``ids``)."""

    unit = forms.ModelChoiceField(
        label=_("responsible unit"),
        queryset=Department.objects.filter(is_active=True),
        empty_label=_("Choose a unit"),
    )
