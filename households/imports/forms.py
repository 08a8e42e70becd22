from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Roster file (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    create_dwellings = forms.BooleanField(
        label=gettext_lazy("Create missing dwellings (needs 楼层 and 住房面积)"), required=False
    )
    apply_moves = forms.BooleanField(
        label=gettext_lazy("Move people registered in another household to the file's household"),
        required=False,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_MB
        if upload.size > limit * 1024 * 1024:
            raise forms.ValidationError(
                _("The file is %(size).1f MB; at most %(max)d MB can be imported at once.")
                % {"size": upload.size / 1024 / 1024, "max": limit}
            )
        return upload
