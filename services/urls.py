"""services' staff and unit pages under /services/ (namespace ``services``), one url
module per sub-domain."""

from services.obligations import urls as obligation_urls
from services.records import urls as record_urls
from services.requests import urls as request_urls
from services.worktasks import urls as worktask_urls

app_name = "services"
urlpatterns = [
    *request_urls.urlpatterns,
    *record_urls.urlpatterns,
    *obligation_urls.urlpatterns,
    *worktask_urls.urlpatterns,
]
