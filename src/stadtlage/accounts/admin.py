from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from stadtlage.accounts.models import Membership, User
from stadtlage.audit.admin import AuditedModelAdmin


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("organisation",)


@admin.register(User)
class StadtlageUserAdmin(AuditedModelAdmin, UserAdmin):
    inlines = [MembershipInline]
    list_display = ("username", "first_name", "last_name", "is_active", "is_staff")
