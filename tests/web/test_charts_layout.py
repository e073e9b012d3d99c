"""Chart layout helpers: true tick values, labels that never overlap, a style per series."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mcda.web.present import charts


def test_ticks_sit_at_true_values_with_the_digits_they_need():
    ticks = charts.nice_ticks(0.0, 1.0, 5)
    assert [t["value"] for t in ticks] == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert {t["digits"] for t in ticks} == {2}  # 0.25 reads "0,25", not "0,2"
    assert [t["value"] for t in charts.nice_ticks(-1.0, 1.0, 5)] == [-1.0, -0.5, 0.0, 0.5, 1.0]
    assert [t["value"] for t in charts.nice_ticks(0.0, 0.4, 5)] == [0.0, 0.1, 0.2, 0.3, 0.4]


@settings(deadline=None)
@given(st.lists(st.floats(0, 300), min_size=1, max_size=12))
def test_spread_labels_keeps_order_and_gap(ys):
    out = charts.spread_labels(ys, 17, 20, 300)
    order = sorted(range(len(ys)), key=lambda i: ys[i])
    placed = [out[i] for i in order]
    assert all(b - a >= 17 - 0.11 for a, b in zip(placed, placed[1:], strict=False))
    assert min(out) >= 20 - 0.11


def test_first_eight_series_share_no_colour_marker_or_dash():
    styles = [charts.series_style(i) for i in range(8)]
    for key in ("colour", "marker", "dash"):
        assert len({s[key] for s in styles}) == 8, key
    more = {tuple(charts.series_style(i).values()) for i in range(16)}
    assert len(more) == 16


def test_rank_colours_are_distinct_for_eleven_places():
    cols = charts.rank_colours(11)
    assert len(set(cols)) == 11 and cols[0] == "#440154" and cols[-1] == "#fde725"
    assert charts.rank_colours(1) == ["#440154"]
