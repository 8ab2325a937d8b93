"""Sign-up (SPEC §1: citizens may file and follow complaints with an account) and log-in forms."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from complaints.validation import clean_phone

from . import lockout


class RegisterForm(UserCreationForm):
    email = forms.EmailField(
        label=_("E-mail"),
        help_text=_("For notices about your complaints and to reset your password."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Phone / WhatsApp"),
        max_length=30,
        required=False,
        help_text=_("Optional. For example 0812 3456 7890."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ["username", "first_name", "email", "phone"]
        labels = {"first_name": _("Your name")}
        help_texts = {"first_name": _("Shown with your public complaints.")}
        widgets = {"first_name": forms.TextInput(attrs={"autocomplete": "name"})}

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        # One account per address: the password reset mail must reach exactly one person.
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _("An account with this e-mail address already exists."), code="duplicate_email"
            )
        return email

    def clean_phone(self):
        return clean_phone(self.cleaned_data.get("phone"))

    def save(self, commit=True):
        user = super().save(commit=False)
        user.language = "en" if get_language() == "en" else "id"
        if commit:
            user.save()
        return user


class LockoutMixin:
    """Says why a locked log-in is refused, instead of the usual wrong-password message."""

    def _lock_error(self, username):
        until = lockout.locked_until(username, lockout.client_ip(self.request))
        if until is None:
            return None
        return ValidationError(lockout.lockout_message(until), code="locked")

    def clean(self):
        username = self.cleaned_data.get("username")
        if username and (error := self._lock_error(username)):
            raise error
        try:
            return super().clean()
        except ValidationError:
            # This failure may have been the one that reached the limit.
            if username and (error := self._lock_error(username)):
                raise error from None
            raise


class LoginForm(LockoutMixin, AuthenticationForm):
    pass


class AdminLoginForm(LockoutMixin, AdminAuthenticationForm):
    pass
