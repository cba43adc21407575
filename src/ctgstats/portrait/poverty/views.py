"""What the chapter's notebook displays, one call per block (no logic in the notebook)."""

from __future__ import annotations

from IPython.display import HTML
from matplotlib.figure import Figure

from ctgstats.portrait import views as portrait_views
from ctgstats.portrait.charts import indicator_comparison
from ctgstats.portrait.model import Portrait
from ctgstats.portrait.poverty.chapter import COMMUNES_TABLE
from ctgstats.portrait.poverty.compute import POVERTY_SERIES, poverty_source
from ctgstats.portrait.poverty.findings import AGE_LABELS, THEME
from ctgstats.present import display
from ctgstats.present.formatting import fr_percent

__all__ = [
    "INDICATORS",
    "age_chart",
    "communes_table",
    "definitions",
    "findings",
    "key_figures",
    "pending_sections",
    "vigilance",
]

INDICATORS = (*(s.ident for s in POVERTY_SERIES), "taux_pauvrete_60_evolution")
PENDING = (
    "La section « Prestations CAF » de ce chapitre demande les fichiers open data de la "
    "CAF (data.caf.fr) ; ctgstats ne les lit pas encore : elle n'est pas affichée."
)


def _years(portrait: Portrait) -> list[str]:
    rows = portrait.figures[portrait.figures["indicateur"] == "taux_pauvrete_60"]
    return sorted(set(rows["annee"]), key=int)


def key_figures(portrait: Portrait, *, annee: str | None = None) -> HTML:
    """Poverty rates of the territory and its comparators (latest year by default)."""
    return display.key_figures_table(
        portrait.figures, indicators=INDICATORS, labels=portrait.labels, annee=annee
    )


def findings(portrait: Portrait) -> HTML:
    """The chapter's findings (constats)."""
    from ctgstats.portrait import findings as findings_module

    return display.findings_list(findings_module.sentences(portrait, theme=THEME))


def vigilance(portrait: Portrait) -> HTML:
    """The chapter's points de vigilance."""
    return portrait_views.vigilance(portrait, chapter="pauvrete")


def definitions(portrait: Portrait) -> HTML:
    """Definitions and sources of the chapter's indicators."""
    return display.definitions_table(portrait.figures, indicators=INDICATORS)


def age_chart(portrait: Portrait) -> Figure | HTML:
    """Poverty rate by age of the fiscal referent, territory against comparators."""
    years = _years(portrait)
    figures = portrait.figures
    with_ages = [
        y
        for y in years
        if figures[(figures["annee"] == y) & figures["indicateur"].isin(list(AGE_LABELS))][
            "disponible"
        ].any()
    ]
    if not with_ages:
        return portrait_views._finish(portrait, None)
    year = with_ages[-1]
    indicators = {"taux_pauvrete_60": "Ensemble"} | {
        key: f"Référent fiscal :\n{label}" for key, label in AGE_LABELS.items()
    }
    chart = indicator_comparison(
        figures,
        indicators=indicators,
        annee=year,
        labels=portrait.labels,
        source=f"Source : {poverty_source(int(year))}",
        title=f"Taux de pauvreté selon l'âge du référent fiscal du ménage, {year}",
        note="n.d. : non publié (secret statistique) ou valeur plancher de 5 %.",
    )
    return portrait_views._finish(portrait, chart)


def communes_table(portrait: Portrait) -> HTML:
    """Published poverty rate of each commune (alphabetical: communes are not ranked)."""
    table = portrait.tables.get(COMMUNES_TABLE)
    if table is None or table.empty:
        return HTML("<p><em>Taux de pauvreté des communes non disponible.</em></p>")
    shown = table[["code", "commune"]].rename(columns={"code": "Code", "commune": "Commune"})
    for column in table.columns:
        if column.startswith("taux_pauvrete_60_"):
            year = column.rsplit("_", 1)[1]
            status = table[f"statut_pauvrete_{year}"]
            shown[f"Taux de pauvreté {year}"] = [
                fr_percent(v)
                if s == "publié"
                else (
                    "≤\u00a05\u00a0%"
                    if s == "plancher"
                    else ("s" if s.startswith("secret") else "n.p.")
                )
                for v, s in zip(table[column], status, strict=True)
            ]
    note = (
        "<p class='ctg-note'>Communes par ordre alphabétique. Le taux de pauvreté n'est "
        "publié que pour les communes assez grandes (environ 1 000 ménages fiscaux). "
        "« s » : secret statistique ; « n.p. » : commune absente du fichier (non publiée, "
        "ou code modifié depuis) ; « ≤ 5 % » : valeur plancher publiée par l'Insee, taux "
        "réel inférieur ou égal.</p>"
    )
    return HTML(shown.to_html(index=False, escape=True, classes="ctg-table") + note)


def pending_sections() -> HTML:
    """The sentence saying which sections of the chapter need files not read yet."""
    return HTML(f"<p><em>{PENDING}</em></p>")
