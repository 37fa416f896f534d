"""Shared pytest configuration.

`--update-goldens` rewrites the expected outputs of golden tests from what the
compiler prints now, instead of comparing against them (mypy's
`--update-data`, ruff's snapshot review). Review the resulting `git diff`
before committing: a golden that changed is a behaviour that changed.
"""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        default=False,
        help="rewrite golden expected outputs (tests/cases/…) from the current compiler instead of comparing",
    )


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    """True when the run should rewrite goldens rather than compare against them."""
    return bool(request.config.getoption("--update-goldens"))
