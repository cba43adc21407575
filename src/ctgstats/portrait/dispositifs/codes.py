"""Code lists of the inventory: data·inclusion's, and the CTG themes of ctgstats.

``data_inclusion.yaml`` holds the lists of the national data·inclusion schema
(https://github.com/gip-inclusion/data-inclusion-schema, version 1.0.8): service themes
(``thematiques``, categories and sub-themes), publics and lead networks
(``reseaux_porteurs``), codes and labels as published, so that an inventory can be
exchanged with data·inclusion. ``themes_ctg.yaml`` is ctgstats' own: the themes of a
CTG, the needs indicators of the portrait that measure each, and the coverage grades of
the Pacte local des solidarités.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

__all__ = [
    "CodeLists",
    "CtgTheme",
    "code_lists",
]


@dataclass(frozen=True)
class CtgTheme:
    """One theme of a CTG (``petite_enfance`` …)."""

    code: str
    label: str
    data_inclusion: tuple[str, ...]
    needs: tuple[str, ...]
    """Indicator ids of the portrait measuring the need, most important first."""
    short_labels: dict[str, str]
    """Indicator id → short French label (the compact crossing table)."""


@dataclass(frozen=True)
class CodeLists:
    """Every code list an inventory is checked against (code → French label)."""

    schema_version: str
    schema_url: str
    thematiques: dict[str, str]
    publics: dict[str, str]
    reseaux_porteurs: dict[str, str]
    themes: dict[str, CtgTheme]
    couverture: dict[str, str]

    @property
    def schema_label(self) -> str:
        """« schéma data·inclusion 1.0.8 » (what tables and notes cite)."""
        return f"schéma data·inclusion {self.schema_version}"


def _load(name: str) -> Any:
    text = (resources.files("ctgstats") / "portrait" / "dispositifs" / name).read_text(
        encoding="utf-8"
    )
    return yaml.safe_load(text)


@cache
def code_lists() -> CodeLists:
    """The code lists shipped with ctgstats (read once)."""
    national = _load("data_inclusion.yaml")
    local = _load("themes_ctg.yaml")
    themes = {
        code: CtgTheme(
            code=code,
            label=str(entry["label"]),
            data_inclusion=tuple(entry.get("data_inclusion") or ()),
            needs=tuple(need["id"] for need in entry.get("besoins") or ()),
            short_labels={need["id"]: need["court"] for need in entry.get("besoins") or ()},
        )
        for code, entry in local["themes"].items()
    }
    return CodeLists(
        schema_version=str(national["schema"]["version"]),
        schema_url=str(national["schema"]["url"]),
        thematiques=dict(national["thematiques"]),
        publics=dict(national["publics"]),
        reseaux_porteurs=dict(national["reseaux_porteurs"]),
        themes=themes,
        couverture=dict(local["couverture"]),
    )
