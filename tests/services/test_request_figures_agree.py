"""The request figures page and the supervisor's overview show one set of figures per unit
(``services.requests.selectors.request_figures_by_unit``), rendered by the same partials."""

import lxml.html

from services.demo.requests import seed_requests

# Every figure the overview shows of a unit's requests, each also on the figures page.
SHARED = ["on_time_rate", "open_overdue", "satisfaction_rate", "satisfaction_score", "verdicts"]


def _cells(html: str, table_id: str) -> dict[str, dict[str, str]]:
    """{unit code: {figure name: the text the page shows}} of one table."""
    doc = lxml.html.fromstring(html)
    rows = {}
    for tr in doc.get_element_by_id(table_id).xpath(".//tbody/tr[@data-unit]"):
        rows[tr.get("data-unit")] = {
            cell.get("data-figure"): " ".join(cell.text_content().split())
            for cell in tr.xpath(".//*[@data-figure]")
        }
    return rows


def test_figures_page_and_overview_agree_on_every_unit_of_the_demo(
    client_for, supervisor_user, household_a, household_b, leader_a, staff_user, department_user
):
    assert seed_requests() > 0
    client = client_for(supervisor_user)
    figures = _cells(client.get("/services/requests/figures/").content.decode(), "figures-table")
    overview = _cells(
        client.get("/services/obligations/overview/").content.decode(), "overview-table"
    )
    assert figures, "the demo assigns requests to units"
    for code, row in figures.items():
        shown = overview[code]
        # The overview leaves out a count of nought (no verdict, nothing past the deadline).
        expected = {
            k: row[k] for k in SHARED if not (k in ("open_overdue", "verdicts") and row[k] == "0")
        }
        assert shown == expected, code
    # Units with no request assigned show no figures on the overview either.
    for code, shown in overview.items():
        if code not in figures:
            assert shown == {
                "on_time_rate": "—",
                "satisfaction_rate": "—",
                "satisfaction_score": "—",
            }
