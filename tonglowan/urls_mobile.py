"""The building leaders' phone pages under /m/: one namespace, ``mobile``, made of the
pages each app contributes (its ``mobile_urls.urlpatterns``)."""

from buildings import mobile_urls as buildings_mobile
from households import mobile_urls as households_mobile
from services import mobile_urls as services_mobile

app_name = "mobile"
urlpatterns = [
    *households_mobile.urlpatterns,
    *buildings_mobile.urlpatterns,
    *services_mobile.urlpatterns,
]
