"""Printed figures never show a negative zero (`-0.00` in assess's expected-utility interval)."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from beliefs.render.numbers import fixed
from beliefs.render.tables import fmt_interval


@given(
    x=st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6),
    digits=st.integers(0, 4),
)
def test_no_negative_zero_and_the_same_number_otherwise(x, digits):
    for spec in (f".{digits}f", f"+.{digits}f"):
        text = fixed(x, spec)
        assert not re.fullmatch(r"-0(\.0*)?", text)
        assert text.lstrip("+-") == format(x, spec).lstrip("+-")  # only the sign of a zero changes
        if float(text) != 0.0:
            assert text == format(x, spec)


def test_the_reported_cases():
    assert fmt_interval(-4.8, -0.001, digits=1) == "[-4.8, 0.0]"
    assert fixed(-0.004, "+.2f") == "+0.00" and fixed(-0.004, ".2f") == "0.00"
    assert fixed(-0.006, ".2f") == "-0.01" and fixed(float("-inf"), ".2f") == "-inf"
