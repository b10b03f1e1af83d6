from django.contrib.admin.apps import AdminConfig


class StadtlageAdminConfig(AdminConfig):
    """Django's admin with a site that signs in through stadtlage (second factor included)."""

    default_site = "stadtlage.accounts.admin_site.StadtlageAdminSite"
