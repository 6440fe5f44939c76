"""A customer's case uniforms: read from blocks of its own stream, they are that stream's
numbers in order, six a case, whatever the block size."""

from __future__ import annotations

import numpy as np
import pytest

from simcs.model import support
from simcs.model.support import CASE_UNIFORMS, CaseStream


def _uniforms_of_cases(cases: int, seed: int) -> list[float]:
    rng = np.random.Generator(np.random.PCG64(seed))
    stream = CaseStream(customer=None, gap=10.0, rng=rng)  # type: ignore[arg-type]  # never read
    out: list[float] = []
    for _ in range(cases):
        at = stream.draw()
        out.extend(stream.block[at : at + CASE_UNIFORMS])
    return out


@pytest.mark.parametrize("cases_a_block", [1, 2, 5, 16])
def test_case_uniforms_are_the_streams_numbers_in_order(
    monkeypatch: pytest.MonkeyPatch, cases_a_block: int
) -> None:
    monkeypatch.setattr(support, "BLOCK_UNIFORMS", cases_a_block * CASE_UNIFORMS)
    cases = 37  # crosses several block ends for every block size
    expected = np.random.Generator(np.random.PCG64(20261129)).random(cases * CASE_UNIFORMS)
    assert _uniforms_of_cases(cases, 20261129) == expected.tolist()


def test_an_offset_stays_valid_until_the_next_draw() -> None:
    rng = np.random.Generator(np.random.PCG64(7))
    stream = CaseStream(customer=None, gap=10.0, rng=rng)  # type: ignore[arg-type]  # never read
    for _ in range(support.CASE_BLOCK):
        at = stream.draw()
    held = stream.block[at : at + CASE_UNIFORMS].tolist()  # the last case of a block
    block = stream.block
    assert stream.draw() == 0 and stream.block is not block  # a new block for the next case
    assert block[at : at + CASE_UNIFORMS].tolist() == held  # the old one is left as it was
