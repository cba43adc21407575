"""The frozen T0 of a CTG's indicators, and the comparison of a later run with it.

``ctgstats baseline freeze PARAMS.yaml`` writes a versioned JSON file: every value of the
T0 diagnostic with its source, year (vintage), the sha256 of the input files and a hash
of the indicator's definition (methodology rule 17). A frozen baseline is never rewritten
silently: freezing again needs ``--force``, and the previous file is kept beside it.

A value with an approximate 95 % interval (census complementary exploitation) also records
``ic_bas`` and ``ic_haut``; the keys are written only when the value has an interval, so a
baseline frozen before intervals existed (without the keys) still loads, with NaN bounds.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from ctgstats import __version__
from ctgstats.core.errors import InputError
from ctgstats.core.files import write_text_atomic
from ctgstats.data.registry import Registry
from ctgstats.indicators.measures import MEASURE_COLUMNS
from ctgstats.present.formatting import fr_number

BASELINE_FORMAT = "ctgstats-baseline"
BASELINE_VERSION = 1
VALUE_COLUMNS = [*MEASURE_COLUMNS, "unite", "definition_hash"]
INTERVAL_COLUMNS = ("ic_bas", "ic_haut")
"""Interval bounds of a value: written only when present (older baselines lack them)."""


class BaselineError(InputError, ValueError):
    """A baseline file that cannot be written or read (the message names the file)."""


@dataclass
class Baseline:
    """A frozen T0: metadata and one row per (indicator, territory)."""

    path: Path
    meta: dict[str, Any]
    values: pd.DataFrame

    def value_for(self, indicator: str, territory: str) -> pd.Series | None:
        rows = self.values[
            (self.values["indicateur"] == indicator) & (self.values["territoire"] == territory)
        ]
        return rows.iloc[0] if len(rows) else None


ANNUAL_KINDS: frozenset[str] = frozenset({"user_table", "caf", "register"})
"""Source kinds whose files hold one value per year: T0 is the value of ``t0_year``."""


def t0_values(measures: pd.DataFrame, registry: Registry, *, t0_year: int | None) -> pd.DataFrame:
    """One T0 value per (indicator, territory).

    Annual sources (:data:`ANNUAL_KINDS`: local data, CAF files, registers): the value
    of ``t0_year`` (or the latest before it; the latest of all when ``t0_year`` is None),
    so that files published after T0 never move it. Census, Filosofi and surveys: the
    latest measure available when freezing.
    """
    rows = []
    for (indicator, _territory), group in measures.groupby(["indicateur", "territoire"], sort=True):
        spec = registry.get(indicator)
        candidates = group
        if spec.source.kind in ANNUAL_KINDS and t0_year is not None:
            years = pd.to_numeric(group["annee"], errors="coerce")
            candidates = group[years <= t0_year]
        if candidates.empty:
            continue
        row = candidates.sort_values("annee").iloc[-1].to_dict()
        row["unite"] = spec.unit
        row["definition_hash"] = registry.definition_hash(indicator)
        rows.append(row)
    return pd.DataFrame(rows, columns=VALUE_COLUMNS)


def _records(values: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON records of the values, without the interval keys of a value that has none."""
    records = json.loads(values.to_json(orient="records", force_ascii=False))
    for record in records:
        for column in INTERVAL_COLUMNS:
            if record.get(column) is None:
                record.pop(column, None)
    return records


def write_baseline(
    path: Path,
    values: pd.DataFrame,
    *,
    territory: dict[str, Any],
    force: bool = False,
    params_sha256: str | None = None,
) -> Path:
    """Write the T0 file; refuse to replace an existing one unless ``force``."""
    path = Path(path)
    if path.exists() and not force:
        raise BaselineError(
            f"{path} : un T0 est déjà figé ici ; il n'est jamais réécrit en silence. "
            "Utilisez --force pour le figer à nouveau (le fichier actuel sera gardé en copie)."
        )
    content = {
        "format": BASELINE_FORMAT,
        "version": BASELINE_VERSION,
        "frozen_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "ctgstats_version": __version__,
        "territory": territory,
        "params_sha256": params_sha256,
        "values": _records(values),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        os.replace(path, path.with_name(f"{path.stem}.{stamp}.bak{path.suffix}"))
    return write_text_atomic(path, json.dumps(content, ensure_ascii=False, indent=2) + "\n")


def load_baseline(path: Path) -> Baseline:
    """Read a frozen T0 file (BaselineError naming the file when it is not one)."""
    path = Path(path)
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(
            f"indicators.baseline : {path} introuvable ; figez-le d'abord avec "
            "`ctgstats baseline freeze PARAMS.yaml`"
        ) from None
    except json.JSONDecodeError as error:
        raise BaselineError(f"{path} : pas un fichier T0 JSON ({error})") from None
    if content.get("format") != BASELINE_FORMAT:
        raise BaselineError(f"{path} : pas un T0 ctgstats (format {content.get('format')!r})")
    if content.get("version") != BASELINE_VERSION:
        raise BaselineError(
            f"{path} : la version {content.get('version')} du T0 n'est pas "
            f"prise en charge (attendue : {BASELINE_VERSION})"
        )
    values = pd.DataFrame(content.get("values", []), columns=VALUE_COLUMNS)
    values["annee"] = values["annee"].astype(int)
    values["valeur"] = values["valeur"].astype("float64")
    for column in ("n_eff", *INTERVAL_COLUMNS):
        values[column] = pd.to_numeric(values[column]).astype("float64")
    meta = {k: v for k, v in content.items() if k != "values"}
    return Baseline(path=path, meta=meta, values=values)


def _files(text: object) -> dict[str, str]:
    if not isinstance(text, str) or not text:
        return {}
    return dict(item.split("=", 1) for item in text.split(";") if "=" in item)


def revision_notes(t0: pd.Series, measures: pd.DataFrame, registry: Registry) -> list[str]:
    """Cautions when the T0 source was revised or the definition changed since T0."""
    notes = []
    if registry.definition_hash(t0["indicateur"]) != t0["definition_hash"]:
        notes.append("définition modifiée depuis le T0 : comparaison à interpréter avec prudence")
    same = measures[
        (measures["indicateur"] == t0["indicateur"])
        & (measures["territoire"] == t0["territoire"])
        & (measures["annee"] == t0["annee"])
    ]
    if len(same):
        now = float(same.iloc[0]["valeur"])
        then = float(t0["valeur"])
        if abs(now - then) > 1e-9 * max(1.0, abs(then)):
            notes.append(
                f"source révisée : la valeur {t0['annee']} figée au T0 "
                f"({fr_number(then, 2)}) diffère de celle des fichiers actuels "
                f"({fr_number(now, 2)})"
            )
        before, after = _files(t0["fichiers"]), _files(same.iloc[0]["fichiers"])
        changed = sorted(n for n in before if n in after and before[n] != after[n])
        if changed:
            notes.append(f"fichier(s) source modifié(s) depuis le T0 : {', '.join(changed)}")
    return notes
