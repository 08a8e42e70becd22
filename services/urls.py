"""services' staff and unit pages under /services/ (namespace ``services``), one url
module per sub-domain."""

from services.facilities import urls as facility_urls
from services.firesafety import urls as firesafety_urls
from services.obligations import urls as obligation_urls
from services.policelog import urls as policelog_urls
from services.records import urls as record_urls
from services.requests import urls as request_urls
from services.worktasks import urls as worktask_urls

app_name = "services"
urlpatterns = [
    *request_urls.urlpatterns,
    *record_urls.urlpatterns,
    *obligation_urls.urlpatterns,
    *worktask_urls.urlpatterns,
    *facility_urls.urlpatterns,
    *firesafety_urls.urlpatterns,
    *policelog_urls.urlpatterns,
]
