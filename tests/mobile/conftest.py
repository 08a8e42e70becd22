import io

import pytest
from PIL import Image

from tests.households.factories import DwellingFactory, HouseholdFactory, PersonFactory


@pytest.fixture
def make_household():
    """``make_household(building, **fields)``: a household with a head in ``building``."""

    def make(building, **fields):
        household = HouseholdFactory(dwelling=DwellingFactory(building=building), **fields)
        PersonFactory(household=household, relationship="01")
        return household

    return make


@pytest.fixture
def jpeg_bytes():
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(buf, format="JPEG")
    return buf.getvalue()
