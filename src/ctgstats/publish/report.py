"""Report outputs outside the notebooks: tables (CSV, XLSX) and the index page.

``tables/chiffres_cles.csv`` has exactly the columns
``indicateur,niveau,code,annee,valeur,unite,source,ic_bas,ic_haut,note`` (comma-separated,
decimal point, full precision; the 95 % interval where one applies and the caution of the
row), ``tables/definitions.csv`` one definition per indicator and vintage, and
``tables/enquete_<id>_frequences.csv`` exactly
``question,modalite,effectif,pourcentage,ic_bas,ic_haut,base,pondere``. Every table is
written as CSV, and all of them as sheets of one workbook ``tables/<stem>.xlsx``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from ctgstats import __version__
from ctgstats.core.files import atomic_path, write_text_atomic
from ctgstats.portrait.model import FICTIONAL_NOTICE, Portrait

KEY_INDICATORS = (
    "population",
    "population_tcam",
    "part_moins_15",
    "part_60_plus",
    "part_75_plus",
    "indice_vieillissement",
    "menages",
    "taille_moyenne_menages",
    "part_menages_une_personne",
    "familles_avec_enfants",
    "familles_avec_enfants_evolution_pct",
    "menages_avec_enfants",
    "menages_avec_enfants_evolution_pct",
    "part_familles_monoparentales",
    "familles_nombreuses",
    "revenu_median_uc",
)


def portrait_tables(portrait: Portrait) -> dict[str, pd.DataFrame]:
    """Every table of the portrait by file stem (``chiffres_cles`` first)."""
    frames = {
        "chiffres_cles": portrait.key_figures(),
        "constats": portrait.findings,
        "points_de_vigilance": pd.DataFrame({"point": portrait.vigilance}),
        "definitions": (
            portrait.figures[["indicateur", "annee", "unite", "definition", "source"]]
            .drop_duplicates(["indicateur", "annee"])
            .reset_index(drop=True)
        ),
    }
    for name, table in portrait.tables.items():
        frames[name] = table.reset_index(drop=True)
    frames["territoires"] = pd.DataFrame(
        [
            {"territoire": t.id, "niveau": t.level.value, "code": t.code, "libelle": t.label}
            for t in portrait.territories
        ]
    )
    return frames


def all_tables(
    portrait: Portrait | None, surveys: Mapping[str, Any], followup: Any = None
) -> dict[str, pd.DataFrame]:
    """Portrait tables, each survey's tables (``enquete_<id>_…``), then the indicators."""
    frames = portrait_tables(portrait) if portrait is not None else {}
    for analysis in surveys.values():
        frames.update(analysis.tables())
    if followup is not None:
        frames.update(followup.tables())
    return frames


def write_tables(
    portrait: Portrait | None,
    folder: Path,
    *,
    surveys: Mapping[str, Any] | None = None,
    followup: Any = None,
    stem: str,
) -> list[str]:
    """Write the CSV tables and the XLSX workbook; returns paths relative to the parent."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    frames = all_tables(portrait, surveys or {}, followup)
    for name, frame in frames.items():
        with atomic_path(folder / f"{name}.csv") as temporary:
            frame.to_csv(temporary, index=False, encoding="utf-8", lineterminator="\n")
        written.append(f"{folder.name}/{name}.csv")
    workbook = folder / f"{stem}.xlsx"
    fictional = (portrait is not None and portrait.fictional) or any(
        a.fictional for a in (surveys or {}).values()
    )
    with atomic_path(workbook) as temporary, pd.ExcelWriter(temporary, engine="openpyxl") as writer:
        about = [f"Généré par ctgstats {__version__}"]
        if portrait is not None:
            about[:0] = [
                f"Portrait statistique : {portrait.territory.label}",
                f"Géographie : COG {portrait.cog_year}",
            ]
        if fictional:
            about.insert(0, FICTIONAL_NOTICE)
        pd.DataFrame({"a_propos": about}).to_excel(writer, sheet_name="a_propos", index=False)
        for name, frame in frames.items():
            frame.to_excel(writer, sheet_name=_sheet_name(name), index=False)
    written.append(f"{folder.name}/{workbook.name}")
    return written


def _sheet_name(name: str) -> str:
    """Excel sheet names are at most 31 characters."""
    return name if len(name) <= 31 else name[:14] + "…" + name[-16:]


def write_index(
    portrait: Portrait | None,
    folder: Path,
    *,
    tasks: Sequence[tuple[str, str]],
    surveys: Mapping[str, Any] | None = None,
    followup: Any = None,
    stem: str,
) -> Path:
    """Write ``index.html`` linking the notebooks, with the key figures."""
    from ctgstats.present import display
    from ctgstats.publish import export
    from ctgstats.publish.synthesis import build_synthesis, synthesis_html

    surveys = surveys or {}
    synthesis = synthesis_html(
        build_synthesis(portrait=portrait, surveys=surveys, followup=followup)
    )
    blocks = []
    notes: list[str] = []
    if portrait is not None:
        blocks.append(
            display.key_figures_table(
                portrait.figures, indicators=KEY_INDICATORS, labels=portrait.labels
            ).data
        )
        notes.extend(portrait.vigilance)
        title = f"Diagnostic de territoire — {portrait.territory.label}"
        subtitle = (
            f"{portrait.territory.level.value.upper()} {portrait.territory.code} · "
            f"COG {portrait.cog_year} · recensements "
            f"{', '.join(str(v) for v in portrait.vintages)}"
        )
    else:
        title = "Enquête — " + ", ".join(a.codebook.survey.title for a in surveys.values())
        subtitle = "Analyse d'enquête sans portrait de territoire"
    for analysis in surveys.values():
        blocks.append(analysis.summary_html())
        notes.extend(analysis.notes)
    if followup is not None:
        from ctgstats.indicators.views import status_summary_html

        blocks.append(status_summary_html(followup))
        notes.extend(followup.notes)
    table_links = [
        (f"{name}.csv", f"tables/{name}.csv") for name in all_tables(portrait, surveys, followup)
    ]
    table_links.append(("Classeur Excel (toutes les tables)", f"tables/{stem}.xlsx"))
    fictional = (portrait is not None and portrait.fictional) or any(
        a.fictional for a in surveys.values()
    )
    html = export.render_index(
        title=title,
        subtitle=subtitle,
        notebooks=list(tasks),
        key_figures_html="\n".join(blocks),
        tables=table_links,
        fictional=fictional,
        generated_at=datetime.now().strftime("%d/%m/%Y %H:%M"),
        ctgstats_version=__version__,
        notes=notes,
        synthesis_html=synthesis,
    )
    path = folder / "index.html"
    write_text_atomic(path, html)
    return path
