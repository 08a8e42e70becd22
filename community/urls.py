"""community's pages under /community/ (namespace ``community``)."""

from community.organisation import urls as organisation_urls

app_name = "community"
urlpatterns = [*organisation_urls.urlpatterns]
