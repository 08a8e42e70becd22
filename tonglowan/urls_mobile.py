"""The building leaders' phone pages under /m/: one namespace, ``mobile``, made of the
pages each app contributes (the ``urlpatterns`` of its mobile url module)."""

from buildings.mobile import urls as buildings_mobile
from households.mobile import urls as households_mobile
from ownersassoc.mobile import urls as ownersassoc_mobile
from services.facilities import mobile_urls as facilities_mobile
from services.monitoring import mobile_urls as monitoring_mobile
from services.requests import mobile_urls as services_mobile

app_name = "mobile"
urlpatterns = [
    *households_mobile.urlpatterns,
    *buildings_mobile.urlpatterns,
    *services_mobile.urlpatterns,
    *monitoring_mobile.urlpatterns,
    *facilities_mobile.urlpatterns,
    *ownersassoc_mobile.urlpatterns,
]
