from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.idnumbers import normalize_id_number
from core.images import PhotoField

from .models import Ballot, Matter, OwnersMeeting

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OwnershipForm(forms.Form):
    """A dwelling's owner: the dwelling by building number + entrance + room, the owner by
    ID number (both looked up with one indexed query each, as the household form does)."""

    building_code = forms.CharField(label=_("building number"), max_length=20)
    entrance = forms.IntegerField(label=_("entrance"), min_value=1)
    room = forms.CharField(label=_("room"), max_length=10)
    id_number = forms.CharField(label=_("owner's ID number"), max_length=30)
    started_on = forms.DateField(label=_("owner from"), widget=DATE)
    certificate_number = forms.CharField(
        label=_("title certificate number"),
        max_length=50,
        required=False,
        help_text=_("Leave empty while the title is not yet registered."),
    )

    def __init__(self, *args, dwellings, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.dwellings, self.people = dwellings, people
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("building_code"), Column("entrance"), Column("room")),
            Row(Column("id_number"), Column("started_on"), Column("certificate_number")),
            Submit("save", _("Record the owner")),
        )

    def clean(self):
        cleaned = super().clean()
        code, entrance, room = (
            (cleaned.get("building_code") or "").strip(),
            cleaned.get("entrance"),
            (cleaned.get("room") or "").strip(),
        )
        if code and entrance and room:
            dwelling = self.dwellings.filter(
                building__code=code, entrance=entrance, room=room
            ).first()
            if dwelling is None:
                self.add_error(
                    "room",
                    _("There is no room %(room)s in entrance %(entrance)s of building %(code)s.")
                    % {"room": room, "entrance": entrance, "code": code},
                )
            cleaned["dwelling"] = dwelling
        number = normalize_id_number(cleaned.get("id_number") or "")
        if number:
            person = self.people.filter(id_number=number).first()
            if person is None:
                self.add_error("id_number", _("No resident has this ID number."))
            cleaned["owner"] = person
        return cleaned


class MeetingForm(forms.ModelForm):
    class Meta:
        model = OwnersMeeting
        fields = [
            "title",
            "kind",
            "form",
            "notice_date",
            "held_on",
            "copied_to_residents_committee",
            "requested_area",
            "requested_owners",
        ]
        widgets = {"notice_date": DATE, "held_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "title",
            Row(Column("kind"), Column("form")),
            Row(Column("notice_date"), Column("held_on")),
            "copied_to_residents_committee",
            Row(Column("requested_area"), Column("requested_owners")),
            Submit("save", _("Save")),
        )

    def _post_clean(self):
        # The service validates the model (with the register's totals): not the ModelForm.
        pass


class MotionForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    matter = forms.TypedChoiceField(
        label=_("matter (Civil Code Art. 278)"), choices=Matter.choices, coerce=int
    )
    text = forms.CharField(
        label=_("text of the motion"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("title", css_class="col-md-6"), Column("matter", css_class="col-md-6")),
            "text",
            Submit("add", _("Add the motion")),
        )


class SheetForm(forms.Form):
    """One signed form: a choice per motion (fields ``motion_<id>``), the signing date and,
    from the phone, the photo of the form."""

    signed_on = forms.DateField(label=_("signed on"), widget=DATE)

    def __init__(self, *args, motions, photo_required: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.motions = list(motions)
        for motion in self.motions:
            self.fields[f"motion_{motion.pk}"] = forms.ChoiceField(
                label=str(motion),
                choices=Ballot.Choice.choices,
                widget=forms.RadioSelect,
            )
        self.fields["photo"] = PhotoField(
            label=_("photo of the signed form"),
            required=photo_required,
            help_text=_("The form signed by the owner, taken with the phone camera."),
        )

    def choices(self) -> dict[int, str]:
        return {m.pk: self.cleaned_data[f"motion_{m.pk}"] for m in self.motions}


class StaffSheetForm(SheetForm):
    """A signed form entered by staff: the owner by ID number, or the unallocated group."""

    id_number = forms.CharField(label=_("owner's ID number"), max_length=30, required=False)
    unallocated = forms.BooleanField(
        label=_("the unallocated dwellings (one owner together)"), required=False
    )
    field_order = ["id_number", "unallocated", "signed_on"]

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, photo_required=False, **kwargs)
        self.people = people
        self.order_fields(self.field_order)

    def clean(self):
        cleaned = super().clean()
        number = normalize_id_number(cleaned.get("id_number") or "")
        if cleaned.get("unallocated"):
            if number:
                raise ValidationError(
                    _("Give either an owner's ID number or the unallocated dwellings, not both.")
                )
            cleaned["owner"] = None
        elif not number:
            self.add_error("id_number", _("Give the owner's ID number."))
        else:
            person = self.people.filter(id_number=number).first()
            if person is None:
                self.add_error("id_number", _("No resident has this ID number."))
            cleaned["owner"] = person
        return cleaned

    def error_field(self, name):
        return "id_number" if name == "owner" else (name if name in self.fields else None)


class RejectForm(forms.Form):
    rejection_reason = forms.CharField(label=_("reason for rejection"), max_length=200)
