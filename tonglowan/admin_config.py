from django.contrib.admin.apps import AdminConfig


class TonglowanAdminConfig(AdminConfig):
    """Django's admin with the site of ``tonglowan.admin_site`` (administrators only)."""

    default_site = "tonglowan.admin_site.AdministratorsAdminSite"
