"""pyproject.toml stays installable by the setuptools of 2027: the licence is an SPDX expression string."""

from __future__ import annotations

import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def test_the_licence_is_an_spdx_string_and_setuptools_knows_that_form() -> None:
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    assert project["project"]["license"] == "AGPL-3.0-or-later"  # a TOML table is an error from 2027-02-18
    requires = project["build-system"]["requires"]
    assert any(requirement.replace(" ", "") == "setuptools>=77" for requirement in requires)  # PEP 639 support
