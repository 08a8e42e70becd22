"""Forms of work tasks, their progress notes and accountability records."""

from django import forms
from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from community.departments import MEASURE_UNITS
from community.models import Department
from core.images import reencode_image
from core.uploads import check_file_type
from services.worktasks.models import Accountability, TaskState
from services.worktasks.rules import rule_choices

# Documents, spreadsheets and photos: what units send as proof of work done.
EVIDENCE_EXTENSIONS = ["pdf", "jpg", "jpeg", "png", "doc", "docx", "xls", "xlsx", "txt"]


DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _rule_choices():
    return [("", "—")] + rule_choices()


def _measure_choices():
    return [("", "—")] + [(m, m) for m in MEASURE_UNITS]


class WorkTaskForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("work task", "title"), max_length=200)
    unit = forms.ModelChoiceField(
        label=_("responsible unit"), queryset=Department.objects.filter(is_active=True)
    )
    rule_code = forms.ChoiceField(label=_("obligation rule"), choices=_rule_choices, required=False)
    measure = forms.ChoiceField(
        label=_("measure of the plan"), choices=_measure_choices, required=False
    )
    deadline = forms.DateField(label=_("deadline"), widget=DATE_WIDGET)
    leader_name = forms.CharField(
        label=_("responsible leader (head of unit)"),
        max_length=50,
        required=False,
        help_text=_("Empty: the head of the unit as recorded for the unit."),
    )
    liaison_name = forms.CharField(label=_("liaison"), max_length=50, required=False)
    description = forms.CharField(
        label=pgettext_lazy("work task", "description"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )


class WorkTaskNoteForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(label=_("progress"), widget=forms.Textarea(attrs={"rows": 3}))
    state_to = forms.ChoiceField(label=_("new state"), required=False)
    evidence = forms.FileField(
        label=_("evidence file"),
        required=False,
        validators=[FileExtensionValidator(EVIDENCE_EXTENSIONS)],
    )

    def __init__(self, *args, task, allowed_states, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = task.version
        labels = dict(TaskState.choices)
        self.fields["state_to"].choices = [("", _("(unchanged)"))] + [
            (s.value, labels[s.value]) for s in TaskState if s in allowed_states
        ]
        self.fields["evidence"].help_text = _(
            "PDF, photo, Word, Excel or text; at most %(mb)d MB."
        ) % {"mb": settings.WORK_TASK_EVIDENCE_MAX_BYTES // (1024 * 1024)}

    def clean_evidence(self):
        evidence = self.cleaned_data.get("evidence")
        if evidence is not None and evidence.size > settings.WORK_TASK_EVIDENCE_MAX_BYTES:
            raise forms.ValidationError(
                _("The evidence file is larger than %(mb)d MB.")
                % {"mb": settings.WORK_TASK_EVIDENCE_MAX_BYTES // (1024 * 1024)}
            )
        if evidence is not None:
            # The content must be what the extension says (magic bytes), and a photo is
            # re-encoded so that nothing appended to it is kept.
            extension = evidence.name.rsplit(".", 1)[-1].lower()
            check_file_type(evidence, extension)
            if extension in ("jpg", "jpeg", "png"):
                stem = evidence.name.rsplit(".", 1)[0][-190:]
                evidence = reencode_image(evidence, max_bytes=settings.WORK_TASK_EVIDENCE_MAX_BYTES)
                evidence.name = f"{stem}.jpg"
        return evidence


class AccountabilityOpenForm(forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))


class AccountabilityUpdateForm(forms.Form):
    finding = forms.CharField(
        label=_("finding"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    outcome = forms.ChoiceField(label=_("outcome"), choices=Accountability.Outcome.choices)
    closed_on = forms.DateField(label=_("closed on"), widget=DATE_WIDGET, required=False)
