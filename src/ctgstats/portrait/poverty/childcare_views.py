"""What the notebook shows of the section « Accueil du jeune enfant » (one call per block)."""

from __future__ import annotations

from IPython.display import HTML
from matplotlib.figure import Figure

from ctgstats.portrait import findings as findings_module
from ctgstats.portrait import views as portrait_views
from ctgstats.portrait.charts import indicator_comparison
from ctgstats.portrait.model import Portrait
from ctgstats.portrait.poverty.childcare_chapter import COMMUNES_TABLE
from ctgstats.portrait.poverty.childcare_compute import COVERAGE_SERIES, SOURCE_LABEL
from ctgstats.portrait.poverty.childcare_findings import GLOBAL, THEME, latest_year
from ctgstats.present import display
from ctgstats.present.formatting import fr_number

__all__ = [
    "INDICATORS",
    "communes_table",
    "definitions",
    "findings",
    "key_figures",
    "modes_chart",
]

INDICATORS = (
    *(s.ident for s in COVERAGE_SERIES),
    f"{GLOBAL}_evolution",
    "population_moins_3_ans",
)
KEY = (
    GLOBAL,
    "taux_couverture_accueil_eaje",
    "taux_couverture_accueil_assistants_maternels",
    f"{GLOBAL}_evolution",
    "population_moins_3_ans",
)
SHORT = {
    GLOBAL: "Ensemble des\nmodes d'accueil",
    "taux_couverture_accueil_eaje": "EAJE (crèches,\nmicro-crèches)",
    "taux_couverture_accueil_assistants_maternels": "Assistants\nmaternels",
    "taux_couverture_accueil_prescolarisation": "École\npréélémentaire",
    "taux_couverture_accueil_garde_domicile": "Garde\nà domicile",
}


def key_figures(portrait: Portrait) -> HTML:
    """Coverage rates of the territory and its comparators (latest year), children under 3."""
    return display.key_figures_table(portrait.figures, indicators=KEY, labels=portrait.labels)


def findings(portrait: Portrait) -> HTML:
    """The section's findings (constats)."""
    return display.findings_list(findings_module.sentences(portrait, theme=THEME))


def modes_chart(portrait: Portrait) -> Figure | HTML:
    """Coverage by mode of care, territory against comparators, latest year."""
    year = latest_year(portrait)
    figures = portrait.figures
    available = figures[
        (figures["indicateur"] == GLOBAL) & (figures["annee"] == year) & figures["disponible"]
    ]
    if year is None or available.empty:
        return portrait_views._finish(portrait, None)
    chart = indicator_comparison(
        figures,
        indicators=SHORT,
        annee=year,
        labels=portrait.labels,
        source=f"Source : {SOURCE_LABEL}, {year}",
        title=f"Places d'accueil pour 100 enfants de moins de 3 ans, par mode d'accueil, {year}",
        note="n.d. : non publié ou territoire non couvert par le fichier de la Cnaf.",
    )
    return portrait_views._finish(portrait, chart)


def communes_table(portrait: Portrait) -> HTML:
    """Published global rate of each commune, latest year (alphabetical, not ranked)."""
    table = portrait.tables.get(COMMUNES_TABLE)
    columns = [c for c in (table.columns if table is not None else []) if c.startswith("taux_")]
    if table is None or table.empty or not columns:
        return HTML("<p><em>Taux de couverture des communes non disponible.</em></p>")
    year = max(c.rsplit("_", 1)[1] for c in columns)
    status = table[f"statut_couverture_{year}"]
    shown = table[["code", "commune"]].rename(columns={"code": "Code", "commune": "Commune"})
    shown[f"Places pour 100 enfants de moins de 3 ans, {year}"] = [
        fr_number(v, 1) if s == "publié" else ("n.c." if s == "non couverte" else "n.p.")
        for v, s in zip(table[f"taux_couverture_{year}"], status, strict=True)
    ]
    covered = int((status != "non couverte").sum())
    note = (
        "<p class='ctg-note'>Communes par ordre alphabétique. « n.c. » : commune non couverte "
        "par le fichier communal de la Cnaf (il ne retient que les communes les plus "
        "peuplées) ; « n.p. » : non publié. Le taux du territoire est celui du fichier de "
        f"son propre niveau, jamais une moyenne des communes. Communes couvertes : {covered} "
        f"sur {len(table)}.</p>"
    )
    return HTML(shown.to_html(index=False, escape=True, classes="ctg-table") + note)


def definitions(portrait: Portrait) -> HTML:
    """Definitions and sources of the section's indicators."""
    return display.definitions_table(portrait.figures, indicators=INDICATORS)
