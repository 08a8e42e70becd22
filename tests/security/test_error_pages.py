"""Error pages in Chinese, with no inline script or style, that need no database: a 500 (for
example while PostgreSQL restarts) and a 404 that is the same for missing and hidden."""

from unittest import mock

from django.db import OperationalError
from django.test import RequestFactory
from django.urls import resolve, reverse
from django.views.defaults import page_not_found, server_error


def test_the_500_page_is_chinese_and_needs_no_database(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "系统暂时无法使用" in html and "没有保存任何不完整的数据" in html
    assert "<script" not in html and "style=" not in html


def test_the_404_page_is_chinese(rf):
    response = page_not_found(rf.get("/x/"), exception=None)
    assert response.status_code == 404 and "未找到" in response.content.decode()


def test_a_database_failure_gives_the_chinese_500_page(client_for, staff_user):
    client = client_for(staff_user)
    client.raise_request_exception = False
    lost = OperationalError("server closed the connection unexpectedly")
    resolve("/")  # import every view first: none may bind the patched selector for good
    with mock.patch("households.views.selectors.household_list_for_user", side_effect=lost):
        response = client.get(reverse("households:household_list"))
    assert response.status_code == 500
    assert "系统暂时无法使用" in response.content.decode()
