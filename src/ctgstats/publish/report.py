"""Report outputs outside the notebooks: tables (CSV, XLSX) and the index page.

``tables/chiffres_cles.csv`` has exactly the columns
``indicateur,niveau,code,annee,valeur,unite,source,ic_bas,ic_haut,note`` (comma-separated,
decimal point, full precision; the 95 % interval where one applies and the caution of the
row), ``tables/definitions.csv`` one definition per indicator and vintage, and
``tables/enquete_<id>_frequences.csv`` exactly
``question,modalite,effectif,pourcentage,ic_bas,ic_haut,base,pondere``. Every table is
written as CSV, and all of them as sheets of one workbook ``tables/<stem>.xlsx``.

These machine-readable CSVs keep their contracts. For French Excel users each table also
has a twin ``tables/<name>_fr.csv`` (``;`` separator, decimal comma, UTF-8 with BOM, CRLF,
French headers, codes as text) and the workbook has French sheet titles, formatted
headers and number formats, and a first sheet "À propos" describing the others: see
:mod:`ctgstats.publish.excel`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from ctgstats import __version__
from ctgstats.core.files import atomic_path, write_text_atomic
from ctgstats.core.notebooks import NOTEBOOKS
from ctgstats.portrait.model import FICTIONAL_NOTICE, Portrait
from ctgstats.present.formatting import fr_date
from ctgstats.publish import excel
from ctgstats.surveys.waves import series_comparisons

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


def key_indicators() -> tuple[str, ...]:
    """Key figures of the index page: :data:`KEY_INDICATORS`, then the chapters' own."""
    extra = [i for spec in NOTEBOOKS for i in spec.key_figures if i not in KEY_INDICATORS]
    return (*KEY_INDICATORS, *extra)


def portrait_tables(portrait: Portrait) -> dict[str, pd.DataFrame]:
    """Every table of the portrait by file stem (``chiffres_cles`` first)."""
    frames = {
        "chiffres_cles": portrait.key_figures(),
        "constats": portrait.findings,
        "points_de_vigilance": pd.DataFrame({"point": portrait.all_vigilance}),
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
    for comparison in series_comparisons(surveys).values():
        frames.update(comparison.tables())
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
    """Write the CSV tables, their French twins and the workbook.

    Returns
    -------
    list of str
        Paths relative to the parent of ``folder``: ``<name>.csv`` then ``<name>_fr.csv``
        for each table, then the workbook.
    """
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    surveys = surveys or {}
    frames = all_tables(portrait, surveys, followup)
    for name, frame in frames.items():
        with atomic_path(folder / f"{name}.csv") as temporary:
            frame.to_csv(temporary, index=False, encoding="utf-8", lineterminator="\n")
        written.append(f"{folder.name}/{name}.csv")
        with atomic_path(folder / french_csv_name(name)) as temporary:
            excel.write_french_csv(frame, temporary)
        written.append(f"{folder.name}/{french_csv_name(name)}")
    workbook = folder / f"{stem}.xlsx"
    with atomic_path(workbook) as temporary:
        excel.write_workbook(
            temporary,
            frames,
            workbook_sheets(portrait, surveys, followup),
            about=_about_lines(portrait, surveys),
        )
    written.append(f"{folder.name}/{workbook.name}")
    return written


def french_csv_name(name: str) -> str:
    """File name of the French twin of table ``name``: ``<name>_fr.csv``."""
    return f"{name}_fr.csv"


def _about_lines(portrait: Portrait | None, surveys: Mapping[str, Any]) -> list[str]:
    about = [f"Généré par ctgstats {__version__}"]
    if portrait is not None:
        about[:0] = [
            f"Portrait statistique : {portrait.territory.label}",
            f"Géographie : COG {portrait.cog_year}",
        ]
    fictional = (portrait is not None and portrait.fictional) or any(
        a.fictional for a in surveys.values()
    )
    if fictional:
        about.insert(0, FICTIONAL_NOTICE)
    return about


_CONTENTS = {
    "chiffres_cles": "Un chiffre par ligne : indicateur, territoire, année, valeur à pleine "
    "précision, unité, source, intervalle de confiance à 95 % et précaution",
    "constats": "Les constats rédigés du portrait, avec leurs indicateurs et précautions",
    "points_de_vigilance": "Points de vigilance : comparabilité, ruptures de série, données "
    "manquantes",
    "definitions": "Définition et source de chaque indicateur, par millésime",
    "structure_par_age": "Population par grande tranche d'âge (effectifs et parts)",
    "pyramide": "Population par tranche d'âge et sexe",
    "deciles": "Déciles du revenu disponible par unité de consommation",
    "communes": "Population de chaque commune par millésime et revenu médian",
    "logement_communes": "Logements, résidences secondaires et logements vacants de chaque "
    "commune (dernier recensement ; petites communes signalées)",
    "harmonisation": "Communes fusionnées ou scindées : codes anciens ramenés au COG",
    "territoires": "Le territoire et ses comparateurs (niveau, code, libellé)",
    "indicateurs": "Indicateurs de suivi : T0, cible, dernière valeur, évolution, statut",
    "indicateurs_detail": "Tableau de bord des indicateurs de suivi, avec explications",
    "indicateurs_mesures": "Chaque mesure des indicateurs de suivi, par territoire et année",
    "glossaire_indicateurs": "Définition, source et fréquence des indicateurs de suivi",
}

_SURVEY_CONTENTS = {
    "frequences": "réponses par question et modalité (effectif, pourcentage, IC 95 %)",
    "frequences_detail": "fréquences avec libellés, codes, taille effective et alertes",
    "qualite": "questionnaires reçus, complets, exclus",
    "problemes": "problèmes détectés dans l'export et leur traitement",
    "constats": "constats rédigés",
    "numeriques": "questions numériques : moyenne, médiane, quartiles",
    "scores": "scores moyens des échelles",
    "ponderation": "calage : répartition de la population, de l'échantillon et pondérée",
    "verbatims": "réponses libres et leurs thèmes",
}


def _short_survey_name(spec: Any, *, year: bool = True) -> str:
    """Readable short name of a survey for sheet titles: « Habitants 2029 », « Élus »."""
    title = spec.readable_title if year else (spec.title or spec.series_id)
    short = re.sub(
        r"^enqu[êe]te\s+(?:auprès\s+)?(?:des\s+|du\s+|de\s+la\s+|de\s+l'|d')?",
        "",
        title,
        flags=re.IGNORECASE,
    ).strip()
    return short or title


def _portrait_source(portrait: Portrait | None) -> str:
    if portrait is None:
        return ""
    return f"Insee, recensement de la population et Filosofi ; COG {portrait.cog_year}"


def workbook_sheets(
    portrait: Portrait | None, surveys: Mapping[str, Any], followup: Any = None
) -> list[excel.Sheet]:
    """The workbook's table sheets in :func:`all_tables` order: French title, content, source."""
    taken = {excel.ABOUT_TITLE.casefold()}
    sheets: dict[str, excel.Sheet] = {}  # a later table of the same name wins, as in all_tables
    if portrait is not None:
        for name in portrait_tables(portrait):
            sheets[name] = excel.Sheet(
                name=name,
                title=excel.sheet_title(name, taken=taken),
                content=_CONTENTS.get(name, f"Table {name}"),
                source=_portrait_source(portrait),
            )
    for number, analysis in enumerate(surveys.values(), start=1):
        prefix = f"enquete_{analysis.survey_id}_"
        names = list(analysis.tables())
        kinds = [n.removeprefix(prefix) for n in names]
        titles = excel.survey_sheet_titles(
            _short_survey_name(analysis.spec), kinds, number=number, taken=taken
        )
        label = analysis.codebook.survey.title
        year = f" ({analysis.spec.year})" if analysis.spec.year else ""
        for name, kind in zip(names, kinds, strict=True):
            sheets[name] = excel.Sheet(
                name=name,
                title=titles[kind],
                content=f"Enquête « {label} »{year} : "
                + _SURVEY_CONTENTS.get(kind, f"table {kind}"),
                source=f"Export {analysis.export_path.name}, "
                f"codebook {analysis.codebook_path.name}",
            )
    for comparison in series_comparisons(surveys).values():
        last = comparison.analyses[-1]
        years = " et ".join(str(a.spec.year) for a in comparison.analyses)
        for name in comparison.tables():
            sheets[name] = excel.Sheet(
                name=name,
                title=excel.survey_sheet_titles(
                    _short_survey_name(last.spec, year=False), ["vagues"], number=0, taken=taken
                )["vagues"],
                content=f"Enquête « {last.codebook.survey.title} » : comparaison des vagues "
                f"{years} (parts pondérées, écart en points et son IC 95 %)",
                source=", ".join(f"Export {a.export_path.name}" for a in comparison.analyses),
            )
    if followup is not None:
        for name in followup.tables():
            sheets[name] = excel.Sheet(
                name=name,
                title=excel.sheet_title(name, taken=taken),
                content=_CONTENTS.get(name, f"Table {name}"),
                source="Tables de données locales, recensement ; colonne Source",
            )
    return list(sheets.values())


def write_index(
    portrait: Portrait | None,
    folder: Path,
    *,
    tasks: Sequence[tuple[str, str]],
    surveys: Mapping[str, Any] | None = None,
    followup: Any = None,
    stem: str,
    chapters: Sequence[tuple[str, Sequence[tuple[str, str]]]] = (),
    portal_href: str | None = "../index.html",
) -> Path:
    """Write ``index.html`` linking the notebooks, with the key figures.

    ``chapters`` are the report pages grouped by part (:func:`export.render_index`),
    ``tasks`` the other links (the single-file report); ``portal_href`` links the
    portal of the output folder, which ``ctgstats run`` and ``ctgstats batch`` write
    after every run (None: no link).
    """
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
                portrait.figures, indicators=key_indicators(), labels=portrait.labels
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
    table_links = [("Classeur Excel (toutes les tables, en français)", f"tables/{stem}.xlsx")]
    sheet_titles = {s.name: s.title for s in workbook_sheets(portrait, surveys, followup)}
    taken: set[str] = set(t.casefold() for t in sheet_titles.values())
    for name in all_tables(portrait, surveys, followup):
        readable = sheet_titles.get(name) or excel.sheet_title(name, taken=taken)
        table_links.append((f"{readable} — CSV", f"tables/{name}.csv"))
        twin = french_csv_name(name)
        table_links.append((f"{readable} — CSV pour Excel (format français)", f"tables/{twin}"))
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
        generated_at=fr_date(datetime.now()),
        ctgstats_version=__version__,
        notes=notes,
        synthesis_html=synthesis,
        chapters=chapters,
        portal_href=portal_href,
    )
    path = folder / "index.html"
    write_text_atomic(path, html)
    return path
