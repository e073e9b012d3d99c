"""The docs say what the analysis does for small groups under ``within_group = median``
(issue 22, item 6): the mean, below MIN_QUANTILE_VALUES voters."""

from pathlib import Path

import pytest

from mcda.core.constants import MIN_QUANTILE_VALUES

DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.mark.parametrize("name", ["methods.md", "analysis-format.md"])
def test_median_description_names_the_small_group_mean(name):
    text = " ".join((DOCS / name).read_text("utf-8").split())
    where = [i for i in range(len(text)) if text.startswith("`median`", i)]
    assert any(f"fewer than {MIN_QUANTILE_VALUES} voters uses the mean" in text[i:i + 300]
               for i in where), name
