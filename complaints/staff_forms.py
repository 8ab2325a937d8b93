"""Forms of the staff dashboard: a complaint taken at the desk or by phone for a citizen."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .forms import DesaField, GroupedCategoryField, GroupedChoices, PhotosField
from .models import Channel, Kind, Language, Privacy
from .validation import clean_phone

WALK_IN_CHANNELS = [
    (Channel.WALK_IN.value, _("In person, at the office")),
    (Channel.PHONE.value, _("By phone")),
]


class WalkInForm(GroupedChoices, forms.Form):
    """What a member of staff notes for a citizen who comes in or calls (SPEC §8)."""

    channel = forms.ChoiceField(
        label=_("How did the citizen reach you?"),
        choices=WALK_IN_CHANNELS,
        initial=Channel.WALK_IN,
        widget=forms.RadioSelect,
    )
    kind = forms.ChoiceField(
        label=_("What does the citizen bring?"),
        choices=Kind.choices,
        initial=Kind.COMPLAINT,
        widget=forms.RadioSelect,
    )
    category = GroupedCategoryField()
    desa = DesaField(
        error_messages={"required": _("Choose the desa/kelurahan where the problem is.")}
    )
    address_detail = forms.CharField(
        label=_("Address detail"),
        max_length=300,
        required=False,
        help_text=_("Street, banjar, landmark."),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=150,
        help_text=_("In a few words: what and where, e.g. “Pothole on Jalan Raya Kuta”."),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The citizen's account: what, since when, and how it affects them."),
    )
    photos = PhotosField(
        label=_("Photos"),
        required=False,
        help_text=_("Up to 5 photos the citizen brought (JPEG, PNG or WebP, at most 10 MB each)."),
    )
    privacy = forms.ChoiceField(
        label=_("Privacy (ask the citizen)"),
        choices=Privacy.choices,
        initial=Privacy.PUBLIC,
        widget=forms.RadioSelect,
    )
    reporter_name = forms.CharField(label=_("Citizen's name"), max_length=120, required=False)
    reporter_email = forms.EmailField(label=_("Citizen's e-mail"), required=False)
    reporter_phone = forms.CharField(
        label=_("Citizen's phone / WhatsApp"), max_length=30, required=False
    )
    language = forms.ChoiceField(
        label=_("Language of the citizen's messages"),
        choices=Language.choices,
        initial=Language.INDONESIAN,
    )
    # One per form shown: a second press of the button does not file the complaint twice.
    nonce = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, desas, **kwargs):
        self.desas = desas
        super().__init__(*args, **kwargs)

    def desa_rows(self):
        return self.desas

    def clean_desa(self):
        desa = self.cleaned_data["desa"]
        if not self.desas.filter(pk=desa.pk).exists():
            # A camat office files for its own kecamatan; the complaint desk for the regency.
            raise ValidationError(
                _(
                    "%(desa)s is outside your area: the complaint desk or the camat office of "
                    "Kecamatan %(kecamatan)s takes this complaint."
                )
                % {"desa": desa.name, "kecamatan": desa.kecamatan.name}
            )
        return desa

    def clean_reporter_phone(self):
        return clean_phone(self.cleaned_data.get("reporter_phone"))

    def clean(self):
        data = super().clean()
        wanted = ("reporter_name", "reporter_email", "reporter_phone")
        if not any(f in self.errors for f in wanted) and not any(data.get(f) for f in wanted):
            raise ValidationError(
                {"reporter_name": _("Note the citizen's name, or an e-mail address or phone.")}
            )
        return data

    def filing_data(self):
        """Keyword arguments for lifecycle.file_complaint (the photos are attached apart)."""
        data = dict(self.cleaned_data)
        data.pop("nonce")
        return data
