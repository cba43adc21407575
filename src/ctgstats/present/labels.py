"""One label table per indicator, read from the indicator registry.

The registry (``src/ctgstats/data/indicateurs.yaml``) is the single source of every
indicator's French label and unit: the report tables (:mod:`ctgstats.present.display`),
the portrait and indicator views and the portal all read them from here. The shipped
registry is loaded once per process.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache

from ctgstats.data.registry import load_registry

__all__ = ["LABELS", "indicator_label", "indicator_unit", "label_table"]


@lru_cache(maxsize=1)
def label_table() -> dict[str, tuple[str, str]]:
    """Indicator id → (French label, unit), from the shipped registry (cached)."""
    return {i.id: (i.label, i.unit) for i in load_registry().indicators}


def indicator_label(indicator: str) -> str:
    """French label of an indicator id; an unknown id is made readable, never dropped."""
    entry = label_table().get(indicator)
    if entry is not None:
        return entry[0]
    text = indicator.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def indicator_unit(indicator: str) -> str | None:
    """Unit of an indicator id from the registry, None when the id is unknown."""
    entry = label_table().get(indicator)
    return None if entry is None else entry[1]


class _Labels(Mapping[str, str]):
    """Read-only mapping id → label over :func:`label_table` (loaded on first use)."""

    def __getitem__(self, key: str) -> str:
        return label_table()[key][0]

    def __iter__(self) -> Iterator[str]:
        return iter(label_table())

    def __len__(self) -> int:
        return len(label_table())


#: Indicator id → French label, from the registry.
LABELS: Mapping[str, str] = _Labels()
