"""Report outputs outside the notebooks: tables (CSV, XLSX) and the territory index page.

``tables/chiffres_cles.csv`` has exactly the columns
``indicateur,niveau,code,annee,valeur,unite,source`` (comma-separated, decimal point, full
precision). Every other table is written as CSV too, and all of them as sheets of one
workbook ``tables/<slug>.xlsx``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import pandas as pd

from ctgstats import __version__
from ctgstats.portrait import FICTIONAL_NOTICE, Portrait

KEY_INDICATORS = (
    "population", "population_tcam", "part_moins_15", "part_60_plus", "part_75_plus",
    "indice_vieillissement", "menages", "taille_moyenne_menages", "part_menages_une_personne",
    "familles_avec_enfants", "familles_avec_enfants_evolution_pct",
    "part_familles_monoparentales", "familles_nombreuses", "revenu_median_uc",
)


def _atomic_csv(frame: pd.DataFrame, path: Path) -> None:
    tmp = path.with_name(path.name + ".tmp")
    frame.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n")
    os.replace(tmp, path)


def table_frames(portrait: Portrait) -> dict[str, pd.DataFrame]:
    """Every table of the portrait by file stem (``chiffres_cles`` first)."""
    frames = {
        "chiffres_cles": portrait.key_figures(),
        "constats": portrait.findings,
        "points_de_vigilance": pd.DataFrame({"point": portrait.vigilance}),
        "definitions": (portrait.figures[["indicateur", "unite", "definition", "source"]]
                        .drop_duplicates("indicateur").reset_index(drop=True)),
    }
    for name, table in portrait.tables.items():
        frames[name] = table.reset_index(drop=True)
    labels = pd.DataFrame([{"territoire": t.id, "niveau": t.level.value, "code": t.code,
                            "libelle": t.label} for t in portrait.territories])
    frames["territoires"] = labels
    return frames


def write_tables(portrait: Portrait, folder: Path) -> list[str]:
    """Write the CSV tables and the XLSX workbook; returns paths relative to the parent."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    frames = table_frames(portrait)
    for name, frame in frames.items():
        _atomic_csv(frame, folder / f"{name}.csv")
        written.append(f"{folder.name}/{name}.csv")
    workbook = folder / f"{_workbook_stem(portrait)}.xlsx"
    tmp = workbook.with_name(workbook.name + ".tmp")
    with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
        about = [f"Portrait statistique : {portrait.territory.label}",
                 f"Géographie : COG {portrait.cog_year}",
                 f"Généré par ctgstats {__version__}"]
        if portrait.fictional:
            about.insert(0, FICTIONAL_NOTICE)
        pd.DataFrame({"a_propos": about}).to_excel(writer, sheet_name="a_propos", index=False)
        for name, frame in frames.items():
            frame.to_excel(writer, sheet_name=name[:31], index=False)
    os.replace(tmp, workbook)
    written.append(f"{folder.name}/{workbook.name}")
    return written


def _workbook_stem(portrait: Portrait) -> str:
    from ctgstats.runner import default_slug

    return f"portrait_{default_slug(portrait.params)}"


def write_index(portrait: Portrait, folder: Path, *, tasks: Sequence[tuple[str, str]]) -> Path:
    """Write the territory's ``index.html`` linking the notebooks, with the key figures."""
    from ctgstats import display, export

    key_html = display.key_figures_table(
        portrait.figures, indicators=KEY_INDICATORS, labels=portrait.labels).data
    table_links = [(f"{name}.csv", f"tables/{name}.csv") for name in table_frames(portrait)]
    table_links.append(("Classeur Excel (toutes les tables)",
                        f"tables/{_workbook_stem(portrait)}.xlsx"))
    notes = list(portrait.vigilance)
    html = export.render_index(
        title=f"Portrait de territoire — {portrait.territory.label}",
        subtitle=(f"{portrait.territory.level.value.upper()} {portrait.territory.code} · "
                  f"COG {portrait.cog_year} · recensements "
                  f"{', '.join(str(v) for v in portrait.vintages)}"),
        notebooks=list(tasks), key_figures_html=key_html, tables=table_links,
        fictional=portrait.fictional,
        generated_at=datetime.now().strftime("%d/%m/%Y %H:%M"),
        ctgstats_version=__version__, notes=notes)
    path = folder / "index.html"
    export.write_text_atomic(path, html)
    return path
