"""Two-factor login (TOTP, django-otp) for the accounts that can do the most harm:
administrators, staff of the admin site, and every account allowed to see or export full ID
numbers (``settings.TWO_FACTOR_PERMISSIONS``, checked by codename). With ``REQUIRE_2FA``
on, such an account that logged in with its password reaches no page until it has given a
code from its authenticator app, or one of its ten single-use recovery codes; an account
without a device is first sent to set one up. An administrator resets a lost device by
deleting the user's devices in the admin (django-otp's TOTP and static device pages)."""

import base64

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .redirects import local_next

RECOVERY_CODES = 10
# Pages an account may open before its second factor: these two, logging out, the language.
OPEN_URL_NAMES = ("two_factor_setup", "two_factor_verify", "logout", "set_language")


def needs_two_factor(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return True
    return any(user.has_perm(perm) for perm in settings.TWO_FACTOR_PERMISSIONS)


class TokenForm(forms.Form):
    token = forms.CharField(
        label=pgettext_lazy("one-time password", "code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _next(request) -> str:
    return local_next(request, reverse("home"))


def _with_next(name: str, target: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': target})}"


def _qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=4)


def two_factor_setup(request):
    """Add an authenticator app: scan the QR code (or type the key), confirm with a code;
    then the recovery codes are shown once."""
    user = request.user
    if user_has_device(user):
        return redirect(_with_next("two_factor_verify", _next(request)))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("authenticator app"), confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                StaticDevice.objects.filter(user=user).delete()
                static = StaticDevice.objects.create(user=user, name=_("recovery codes"))
                codes = [StaticToken.random_token() for _i in range(RECOVERY_CODES)]
                StaticToken.objects.bulk_create(
                    [StaticToken(device=static, token=code) for code in codes]
                )
            otp_login(request, device)
            return render(
                request,
                "registration/two_factor_codes.html",
                {"codes": codes, "next": _next(request)},
            )
        form.add_error("token", _("The code is wrong or expired: enter the current code."))
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "qr": _qr_data_uri(device.config_url),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "next": _next(request),
        },
    )


def two_factor_verify(request):
    user = request.user
    if not user_has_device(user):
        return redirect(_with_next("two_factor_setup", _next(request)))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["token"].replace(" ", ""))
        if device is not None:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                left = StaticToken.objects.filter(device=device).count()
                messages.warning(
                    request,
                    _("A recovery code was used; %(n)d are left.") % {"n": left},
                )
            return redirect(_next(request))
        form.add_error("token", _("The code is wrong or expired: enter the current code."))
    return render(
        request, "registration/two_factor_verify.html", {"form": form, "next": _next(request)}
    )


class TwoFactorRequiredMiddleware:
    """With ``REQUIRE_2FA``, an account that needs a second factor and has not given it in
    this session is sent to the verify (or setup) page from every other page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.REQUIRE_2FA and needs_two_factor(request.user):
            if not request.user.is_verified():
                try:
                    name = resolve(request.path_info).url_name
                except Resolver404:
                    name = None
                if name not in OPEN_URL_NAMES:
                    return redirect(_with_next("two_factor_verify", request.get_full_path()))
        return self.get_response(request)
