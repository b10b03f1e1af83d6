from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from stadtlage.accounts.models import (
    ExternalIdentity,
    IdentityProvider,
    Membership,
    SignedInDevice,
    User,
)
from stadtlage.admintools import ReadOnlyAdmin
from stadtlage.audit.admin import AuditedModelAdmin


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("organisation",)


class ExternalIdentityInline(admin.TabularInline):
    model = ExternalIdentity
    extra = 0
    fields = ("provider", "subject", "linked_at", "last_used_at")
    readonly_fields = ("linked_at", "last_used_at")


@admin.register(User)
class StadtlageUserAdmin(AuditedModelAdmin, UserAdmin):
    inlines = [MembershipInline, ExternalIdentityInline]
    list_display = ("username", "first_name", "last_name", "is_active", "is_staff")


class HttpsURLField(forms.URLField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)


class IdentityProviderForm(forms.ModelForm):
    client_secret = forms.CharField(
        label=_("Client-Geheimnis"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leer lassen, um das gespeicherte Geheimnis zu behalten."),
    )

    class Meta:
        model = IdentityProvider
        fields = (
            "name",
            "slug",
            "issuer",
            "client_id",
            "client_secret",
            "scopes",
            "username_claim",
            "organisations",
            "trust_second_factor",
            "is_active",
        )
        field_classes = {"issuer": HttpsURLField}

    def clean_client_secret(self) -> str:
        secret = self.cleaned_data.get("client_secret") or ""
        return secret or (self.instance.client_secret if self.instance.pk else "")


@admin.register(IdentityProvider)
class IdentityProviderAdmin(AuditedModelAdmin):
    form = IdentityProviderForm
    list_display = ("name", "slug", "issuer", "is_active", "trust_second_factor")
    filter_horizontal = ("organisations",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(SignedInDevice)
class SignedInDeviceAdmin(ReadOnlyAdmin):
    """Read-only: devices are signed out on /konto/geraete/ (audited there)."""

    deletable = True
    list_display = ("user", "label", "method", "signed_in_at", "last_seen_at", "ended_at")
    list_filter = ("method", "ended_reason")
    search_fields = ("user__username", "user__last_name")
