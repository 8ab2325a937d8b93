"""The citizen's filing form; its checks are those of the API (validation.py)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from opd.models import Category, Desa, Kecamatan

from .models import Kind, Privacy
from .photos import MAX_PER_COMPLAINT as MAX_PHOTOS
from .photos import PhotoRejected, prepare
from .validation import clean_location, clean_phone, contact_errors

PRIVACY_HELP = {
    Privacy.PUBLIC: _("Your complaint and your name are shown on the public list."),
    Privacy.ANONYMOUS: _(
        "Your complaint is public, but your name and contact are seen only by the regency's "
        "complaint desk — never by the OPD or the public."
    ),
    Privacy.CONFIDENTIAL: _(
        "Nothing is public: only you, the complaint desk, the handling OPD and the regency's "
        "leadership can read it."
    ),
}


class GroupedCategoryField(forms.ModelChoiceField):
    """An active category by its code, optional: the desk chooses when the citizen cannot."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(
            queryset=Category.objects.filter(is_active=True).select_related("sector"),
            to_field_name="code",
            label=_("Category"),
            empty_label=_("— Not sure: let the complaint desk choose —"),
            error_messages={"invalid_choice": _("Choose a category from the list.")},
            **kwargs,
        )

    def label_from_instance(self, obj):
        return obj.name


class DesaField(forms.ModelChoiceField):
    """A desa or kelurahan by its Kemendagri code."""

    def __init__(self, *, error_messages=None, **kwargs):
        super().__init__(
            queryset=Desa.objects.select_related("kecamatan"),
            to_field_name="code",
            label=_("Desa / kelurahan"),
            empty_label=_("— Choose the desa or kelurahan —"),
            error_messages={
                "invalid_choice": _("Choose a desa or kelurahan from the list."),
                **(error_messages or {}),
            },
            **kwargs,
        )

    def label_from_instance(self, obj):
        return obj.name


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to five photos, each checked and re-encoded by photos.prepare."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultiplePhotoInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(uploads) > MAX_PHOTOS:
            raise ValidationError(_("At most %(n)s photos.") % {"n": MAX_PHOTOS})
        prepared = []
        for upload in uploads:
            try:
                prepared.append(prepare(upload))
            except PhotoRejected as e:
                raise ValidationError(f"{upload.name}: {e}") from e
        return prepared


class GroupedChoices:
    """What the filing templates list: privacy modes with their help, categories by sector,
    desa by kecamatan."""

    def privacy_choices(self):
        return [(value, label, PRIVACY_HELP[value]) for value, label in Privacy.choices]

    def category_groups(self):
        groups = {}
        for category in self.fields["category"].queryset:
            groups.setdefault(category.sector, []).append(category)
        return list(groups.items())

    def desa_rows(self):
        return self.fields["desa"].queryset.order_by("kecamatan__code", "name")

    def desa_groups(self):
        groups = {}
        for desa in self.desa_rows():
            groups.setdefault(desa.kecamatan, []).append(desa)
        return list(groups.items())


class ComplaintForm(GroupedChoices, forms.Form):
    kind = forms.ChoiceField(
        label=_("What do you want to send?"),
        choices=Kind.choices,
        initial=Kind.COMPLAINT,
        widget=forms.RadioSelect,
    )
    category = GroupedCategoryField()
    kecamatan = forms.ModelChoiceField(
        label=_("Kecamatan"),
        queryset=Kecamatan.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("— Choose the kecamatan —"),
        error_messages={"invalid_choice": _("Choose a kecamatan from the list.")},
    )
    desa = DesaField(required=False)
    title = forms.CharField(
        label=_("Title"),
        max_length=150,
        help_text=_("In a few words: what and where, e.g. “Pothole on Jalan Raya Kuta”."),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What is the problem, since when, and how does it affect you?"),
    )
    address_detail = forms.CharField(
        label=_("Address detail"),
        max_length=300,
        required=False,
        help_text=_("Street, banjar, landmark."),
    )
    latitude = forms.DecimalField(
        label=_("Latitude"),
        max_digits=9,
        decimal_places=6,
        required=False,
        widget=forms.HiddenInput,
    )
    longitude = forms.DecimalField(
        label=_("Longitude"),
        max_digits=9,
        decimal_places=6,
        required=False,
        widget=forms.HiddenInput,
    )
    photos = PhotosField(
        label=_("Photos"),
        required=False,
        help_text=_(
            "Up to 5 photos (JPEG, PNG or WebP, at most 10 MB each). Location data in "
            "the photos is removed."
        ),
    )
    privacy = forms.ChoiceField(
        label=_("Privacy"),
        choices=Privacy.choices,
        initial=Privacy.PUBLIC,
        widget=forms.RadioSelect,
    )
    reporter_name = forms.CharField(label=_("Your name"), max_length=120, required=False)
    reporter_email = forms.EmailField(label=_("E-mail"), required=False)
    reporter_phone = forms.CharField(label=_("Phone / WhatsApp"), max_length=30, required=False)

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        if user is not None and user.is_authenticated:
            self.fields["reporter_name"].initial = user.display_name()
            self.fields["reporter_email"].initial = user.email

    def clean_reporter_phone(self):
        return clean_phone(self.cleaned_data.get("reporter_phone"))

    def clean(self):
        data = super().clean()
        if any(f in self.errors for f in ("kecamatan", "desa", "latitude", "longitude")):
            return data
        desa, errors = clean_location(
            desa=data.get("desa"),
            kecamatan=data.get("kecamatan"),
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
        )
        if "reporter_phone" not in self.errors:
            errors.update(
                contact_errors(
                    is_authenticated=bool(self.user and self.user.is_authenticated),
                    email=data.get("reporter_email"),
                    phone=data.get("reporter_phone"),
                )
            )
        if errors:
            raise ValidationError(errors)
        data["desa"] = desa
        return data

    def filing_data(self):
        data = dict(self.cleaned_data)
        data.pop("kecamatan", None)
        return data
