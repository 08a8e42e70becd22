"""Phone pages of this app under /m/ (namespace ``mobile``, see tonglowan/urls_mobile.py)."""

urlpatterns: list = []
