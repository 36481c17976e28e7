import pytest

from officebook.cells import neutralise_cell, starts_formula


@pytest.mark.parametrize("value", ["=1+1", "+A1", "-2", "@SUM(A1)", "\t=1", "\r=1", "  =HYPERLINK(\"x\")", "\u3000=1"])
def test_formula_starts_are_neutralised(value):
    assert starts_formula(value)
    assert neutralise_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["公文审核", "Document review", "1+1", "a=b", "", "'quoted"])
def test_plain_text_is_kept(value):
    assert not starts_formula(value)
    assert neutralise_cell(value) == value
