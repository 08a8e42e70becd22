"""Django's admin autodiscovery imports ``admin``: each sub-domain registers its own models."""

from services.facilities import admin as facilities_admin  # noqa: F401
from services.firesafety import admin as firesafety_admin  # noqa: F401
from services.obligations import admin as obligations_admin  # noqa: F401
from services.policelog import admin as policelog_admin  # noqa: F401
from services.records import admin as records_admin  # noqa: F401
from services.requests import admin as requests_admin  # noqa: F401
from services.worktasks import admin as worktasks_admin  # noqa: F401
