"""services' staff and unit pages under /services/ (namespace ``services``), one url
module per area."""

from . import obligation_urls, record_urls, request_urls

app_name = "services"
urlpatterns = [
    *request_urls.urlpatterns,
    *record_urls.urlpatterns,
    *obligation_urls.urlpatterns,
]
