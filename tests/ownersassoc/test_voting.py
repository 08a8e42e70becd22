"""ownersassoc.voting.decide: DOMAIN.md §4's boundary cases and properties."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ownersassoc.voting import decide

T_AREA, T_N = Decimal("30000"), 300  # 300 owners of 100 m² each


def vote(matter, voted, agreed, *, area_each=Decimal("100")):
    return decide(
        matter=matter,
        total_area=T_AREA,
        total_owners=T_N,
        voted_area=voted * area_each,
        voted_owners=voted,
        agreed_area=agreed * area_each,
        agreed_owners=agreed,
    )


def test_quorum_at_two_thirds_exactly():
    assert vote(4, 200, 200).quorum is True
    assert vote(4, 199, 199).quorum is False
    assert vote(4, 199, 199).passed is False


def test_ordinary_matter_needs_more_than_half_of_voters():
    assert vote(4, 200, 101).passed is True
    assert vote(4, 200, 100).passed is False


def test_matter_five_is_ordinary():
    assert vote(5, 200, 101).passed is True


@pytest.mark.parametrize("matter", [6, 7, 8])
def test_major_matters_need_three_quarters_of_voters(matter):
    assert vote(matter, 200, 150).passed is True
    assert vote(matter, 200, 149).passed is False


def test_major_matter_with_all_voting():
    # 300 vote: three quarters is 225 inclusive
    assert vote(6, 300, 225).passed is True
    assert vote(6, 300, 224).passed is False


def test_area_alone_is_not_a_quorum():
    # 10 owners hold 2/3 of the area, but are far from 2/3 of the owners
    verdict = decide(
        matter=4,
        total_area=Decimal("30000"),
        total_owners=300,
        voted_area=Decimal("20000"),
        voted_owners=10,
        agreed_area=Decimal("20000"),
        agreed_owners=10,
    )
    assert verdict.quorum is False and verdict.passed is False


def test_headcount_alone_is_not_a_quorum():
    verdict = decide(
        matter=4,
        total_area=Decimal("30000"),
        total_owners=300,
        voted_area=Decimal("19999.99"),
        voted_owners=300,
        agreed_area=Decimal("19999.99"),
        agreed_owners=300,
    )
    assert verdict.quorum is False


def test_agreement_needs_both_area_and_headcount():
    # 101 of 200 owners agree, but they hold only half the voting area
    verdict = decide(
        matter=4,
        total_area=Decimal("30000"),
        total_owners=300,
        voted_area=Decimal("20000"),
        voted_owners=200,
        agreed_area=Decimal("10000"),
        agreed_owners=101,
    )
    assert verdict.quorum is True and verdict.passed is False


def test_exact_thirds_with_decimal_areas():
    # 2/3 of 100.00 m² is 66.666…: 66.67 is enough, 66.66 is not
    common = dict(matter=9, total_area=Decimal("100.00"), total_owners=3, voted_owners=2)
    assert decide(
        **common, voted_area=Decimal("66.67"), agreed_area=Decimal("66.67"), agreed_owners=2
    ).quorum
    assert not decide(
        **common, voted_area=Decimal("66.66"), agreed_area=Decimal("66.66"), agreed_owners=2
    ).quorum


def test_rule_names_the_threshold():
    assert "三分之二" in vote(6, 200, 150).rule or "two thirds" in vote(6, 200, 150).rule
    assert vote(6, 200, 150).rule != vote(4, 200, 150).rule


def test_floats_are_refused():
    with pytest.raises(TypeError):
        decide(
            matter=4,
            total_area=30000.0,
            total_owners=300,
            voted_area=Decimal("1"),
            voted_owners=1,
            agreed_area=Decimal("1"),
            agreed_owners=1,
        )


@pytest.mark.parametrize("matter", [0, 10])
def test_matter_outside_1_to_9_is_refused(matter):
    with pytest.raises(ValueError):
        vote(matter, 200, 200)


def test_parts_larger_than_their_whole_are_refused():
    with pytest.raises(ValueError):
        vote(4, 200, 201)


def test_no_owners_no_quorum():
    verdict = decide(
        matter=4,
        total_area=Decimal("0"),
        total_owners=0,
        voted_area=Decimal("0"),
        voted_owners=0,
        agreed_area=Decimal("0"),
        agreed_owners=0,
    )
    assert verdict.quorum is False and verdict.passed is False


# Properties ------------------------------------------------------------------------------

# The test machine is shared: slow input generation under load is not a failure of the vote.
RELAXED = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])

areas = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("300"), places=2)
choices = st.sampled_from(["agree", "oppose", "abstain", None])  # None: did not vote
owners = st.lists(st.tuples(areas, choices), min_size=1, max_size=40)
matters = st.integers(min_value=1, max_value=9)


def tally(matter, ballots):
    total_area = sum((a for a, _c in ballots), Decimal(0))
    voted = [(a, c) for a, c in ballots if c is not None]
    agreed = [(a, c) for a, c in voted if c == "agree"]
    return decide(
        matter=matter,
        total_area=total_area,
        total_owners=len(ballots),
        voted_area=sum((a for a, _c in voted), Decimal(0)),
        voted_owners=len(voted),
        agreed_area=sum((a for a, _c in agreed), Decimal(0)),
        agreed_owners=len(agreed),
    )


@RELAXED
@given(matters, owners, st.randoms())
def test_verdict_does_not_depend_on_ballot_order(matter, ballots, rnd):
    shuffled = list(ballots)
    rnd.shuffle(shuffled)
    assert tally(matter, ballots) == tally(matter, shuffled)


@RELAXED
@given(matters, owners)
def test_turning_a_ballot_into_agree_never_fails_a_pass(matter, ballots):
    if not tally(matter, ballots).passed:
        return
    for i, (area, choice) in enumerate(ballots):
        if choice in ("oppose", "abstain", None):
            changed = list(ballots)
            changed[i] = (area, "agree")
            assert tally(matter, changed).passed


@RELAXED
@given(matters, owners, areas)
def test_an_added_agreeing_owner_never_fails_a_pass(matter, ballots, area):
    if tally(matter, ballots).passed:
        assert tally(matter, [*ballots, (area, "agree")]).passed


@RELAXED
@given(
    st.integers(1, 1000),
    st.integers(0, 1000),
    st.fractions(min_value=0, max_value=1),
    st.fractions(min_value=0, max_value=1),
)
def test_quorum_needs_both_area_and_headcount(total_n, voted_n, area_share, _unused):
    voted_n = min(voted_n, total_n)
    total_area = Fraction(total_n * 100)
    verdict = decide(
        matter=9,
        total_area=total_area,
        total_owners=total_n,
        voted_area=total_area * area_share,
        voted_owners=voted_n,
        agreed_area=0,
        agreed_owners=0,
    )
    assert verdict.quorum == (3 * area_share >= 2 and 3 * voted_n >= 2 * total_n)
