"""Rule `units`: one step rule; the shortest sitting; pieces of a week's share."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from npqplan.scheduling.sittings import pieces
from npqplan.scheduling.units import SHORTEST_SITTING, chunks, shortest_sitting, step_minutes
from tests.planning import programme
from tests.scheduling.test_baseline import BASELINE

PROGRAMMES = sorted((BASELINE.parents[2].parent / "programmes").glob("*.yaml"))


def test_a_programme_in_quarter_hours_is_planned_in_quarter_hours() -> None:
    for path in PROGRAMMES:
        source = programme(path)
        step = step_minutes(source)
        figures = [c.total_minutes for c in source.all_components() if c.total_minutes]
        assert step in (5, 15)
        assert (step == 15) == all(f % 15 == 0 for f in figures) or source.assessment
        assert shortest_sitting(source) <= SHORTEST_SITTING


@given(st.integers(1, 400), st.integers(1, 24))
def test_chunks_are_near_equal_and_at_most_the_size(units: int, size: int) -> None:
    found = chunks(units, size)
    assert sum(found) == units
    assert max(found) <= size
    assert max(found) - min(found) <= 1


@given(st.integers(1, 400), st.integers(3, 24), st.integers(1, 6))
def test_pieces_are_whole_shortest_sittings_but_the_last(
    steps: int, size: int, shortest: int
) -> None:
    found = pieces(steps, size, shortest)
    assert sum(found) == steps
    if steps >= shortest:
        assert min(found) >= shortest
        assert all(p % shortest == 0 for p in found[:-1])
