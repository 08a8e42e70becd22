import pytest
from django.core.paginator import EmptyPage

from core.paging import CappedPaginator, RegistryPaginator, planner_row_estimate
from households.models import Household
from tests.households.factories import HouseholdFactory

pytestmark = pytest.mark.django_db


def test_deep_pages_by_deferred_join_hold_the_same_rows_in_the_same_order(
    django_assert_num_queries,
):
    for _ in range(23):
        HouseholdFactory()
    qs = Household.objects.order_by("-number")
    plain = CappedPaginator(qs, 5)
    deferred = RegistryPaginator(qs, 5)
    deferred.deferred_join_offset = 5

    for number in range(1, 6):
        assert [h.pk for h in deferred.page(number)] == [h.pk for h in plain.page(number)]
    assert len(deferred.page(5)) == 3


def test_page_count_is_capped_and_says_so():
    for _ in range(7):
        HouseholdFactory()
    paginator = CappedPaginator(Household.objects.order_by("number"), 2)
    paginator.max_pages = 3

    assert (paginator.num_pages, paginator.is_capped) == (3, True)
    assert paginator.get_page(9).number == 3
    assert paginator.num_pages == 3  # is_capped leaves the capped number in place


def test_a_capped_count_stops_at_its_cap_and_says_so(django_assert_num_queries):
    for _ in range(7):
        HouseholdFactory()
    qs = Household.objects.filter(is_active=True).order_by("number")

    capped = RegistryPaginator(qs, 2, count_cap=5)
    with django_assert_num_queries(1):
        assert (capped.count, capped.is_count_capped) == (5, True)
    assert capped.num_pages == 3
    assert [h.pk for h in capped.page(3)] == [h.pk for h in qs[4:5]]

    roomy = RegistryPaginator(qs, 2, count_cap=7)
    assert (roomy.count, roomy.is_count_capped) == (7, False)
    assert RegistryPaginator(qs, 2).is_count_capped is False


def test_a_search_reads_its_keys_and_its_count_in_one_query(django_assert_num_queries):
    from django.core.paginator import Paginator

    for _ in range(23):
        HouseholdFactory()
    qs = Household.objects.filter(is_active=True).order_by("-number")
    plain = Paginator(qs, 5)

    for number in (1, 3, 5):
        paginator = RegistryPaginator(qs, 5)
        with django_assert_num_queries(2):  # keys with the count, then the rows by key
            page = paginator.get_page(number)
            rows = [h.pk for h in page]
        assert rows == [h.pk for h in plain.page(number)]
        assert (paginator.count, paginator.num_pages, page.number) == (23, 5, number)

    past_the_end = RegistryPaginator(qs, 5).get_page(9)
    assert (past_the_end.number, len(past_the_end)) == (5, 3)
    assert RegistryPaginator(qs, 5).get_page("x").number == 1
    nothing = RegistryPaginator(Household.objects.filter(number="none").order_by("number"), 5)
    assert (len(nothing.get_page(1)), nothing.count) == (0, 0)


def test_pages_past_a_low_estimate_are_checked_against_the_true_count(monkeypatch):
    """Rows added since the statistics were gathered leave the estimate below the true
    count: the true last pages still open (the admin's changelists use this paginator)."""
    import core.paging

    for _ in range(7):
        HouseholdFactory()
    monkeypatch.setattr(core.paging, "ESTIMATE_ABOVE", 0)
    monkeypatch.setattr(core.paging, "planner_row_estimate", lambda qs: 3)
    qs = Household.objects.order_by("number")

    paginator = core.paging.EstimatedCountPaginator(qs, 2)
    assert (paginator.count, paginator.num_pages, paginator.is_estimate) == (3, 2, True)
    page = paginator.page(4)
    assert [h.pk for h in page] == [qs[6].pk]
    assert (paginator.count, paginator.num_pages, paginator.is_estimate) == (7, 4, False)
    with pytest.raises(EmptyPage):
        core.paging.EstimatedCountPaginator(qs, 2).page(5)


def test_the_admin_opens_the_true_last_page_of_people_past_a_low_estimate(
    client_for, admin_user, monkeypatch
):
    import core.paging
    from tests.households.factories import PersonFactory

    for _ in range(5):
        PersonFactory()
    monkeypatch.setattr(core.paging, "ESTIMATE_ABOVE", 0)
    monkeypatch.setattr(core.paging, "planner_row_estimate", lambda qs: 3)  # two pages
    monkeypatch.setattr("households.admin.PersonAdmin.list_per_page", 2)
    client = client_for(admin_user)

    response = client.get("/admin/households/person/", {"p": 3})

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 1


def test_filtered_querysets_are_never_estimated():
    HouseholdFactory()

    assert planner_row_estimate(Household.objects.filter(is_active=True)) is None
    assert RegistryPaginator(Household.objects.filter(is_active=True), 10).count == 1


def test_a_search_with_many_matches_pages_by_deferred_join_from_page_one(
    django_assert_num_queries,
):
    for _ in range(12):
        HouseholdFactory()
    qs = Household.objects.filter(is_active=True).order_by("-number")
    plain = CappedPaginator(qs, 5)
    deferred = RegistryPaginator(qs, 5)
    deferred.deferred_join_matches = 10
    assert deferred.count == 12
    with django_assert_num_queries(2):  # the page's keys, then its rows
        rows = [h.pk for h in deferred.page(1)]
    assert rows == [h.pk for h in plain.page(1)]
    few = RegistryPaginator(qs, 5)
    assert few.count == 12
    with django_assert_num_queries(1):  # 12 matches: one query
        assert [h.pk for h in few.page(1)] == rows


def test_a_list_may_count_its_matches_apart_from_its_keys(django_assert_num_queries):
    for number in range(3):
        HouseholdFactory(number=f"K{number}")
    qs = Household.objects.filter(number__startswith="K").order_by("number")

    with django_assert_num_queries(1):  # the keys and the count in one statement
        together = RegistryPaginator(qs, 2).get_page(1)
        assert together.paginator.count == 3
    with django_assert_num_queries(2):  # COUNT, then the page
        apart = RegistryPaginator(qs, 2, count_with_keys=False).get_page(1)
        assert apart.paginator.count == 3
        assert [h.number for h in apart] == ["K0", "K1"]
    assert [h.number for h in together] == ["K0", "K1"]
