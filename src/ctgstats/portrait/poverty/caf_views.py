"""What the notebook shows of the section « Prestations de la CAF » (one call per block)."""

from __future__ import annotations

from IPython.display import HTML
from matplotlib.figure import Figure

from ctgstats.portrait import findings as findings_module
from ctgstats.portrait import views as portrait_views
from ctgstats.portrait.charts import indicator_comparison
from ctgstats.portrait.model import Portrait
from ctgstats.portrait.poverty.caf_chapter import COMMUNES_TABLE
from ctgstats.portrait.poverty.caf_compute import COUNT_SERIES, RATE_SERIES, SOURCE_LABEL
from ctgstats.portrait.poverty.caf_findings import COVERED, THEME
from ctgstats.portrait.poverty.childcare_findings import latest_year
from ctgstats.present import display
from ctgstats.present.formatting import fr_int

__all__ = ["INDICATORS", "communes_table", "definitions", "findings", "key_figures", "rates_chart"]

INDICATORS = (
    *(s.ident for s in RATE_SERIES),
    *(s.ident for s in COUNT_SERIES),
    "foyers_allocataires_caf_evolution",
    "foyers_rsa_caf_evolution",
)
KEY = (
    COVERED,
    "part_menages_rsa",
    "part_menages_prime_activite",
    "part_menages_aides_logement",
    "part_familles_monoparentales_asf",
    "foyers_rsa_caf_evolution",
)
SHORT = {
    "part_menages_rsa": "RSA",
    "part_menages_prime_activite": "Prime\nd'activité",
    "part_menages_aides_logement": "Aide au\nlogement",
    "part_menages_aah": "AAH",
}
BENEFIT_LABELS = {
    "allocataires": "Foyers allocataires",
    "rsa": "RSA",
    "prime_activite": "Prime d'activité",
    "aides_logement": "Aide au logement",
    "aah": "AAH",
}


def key_figures(portrait: Portrait) -> HTML:
    """Rates of the territory and its comparators (latest year)."""
    return display.key_figures_table(portrait.figures, indicators=KEY, labels=portrait.labels)


def findings(portrait: Portrait) -> HTML:
    """The section's findings (constats)."""
    return display.findings_list(findings_module.sentences(portrait, theme=THEME))


def rates_chart(portrait: Portrait) -> Figure | HTML:
    """Foyers allocataires per benefit for 100 households, territory against comparators."""
    year = latest_year(portrait, "part_menages_rsa")
    figures = portrait.figures
    available = figures[
        (figures["indicateur"] == "part_menages_rsa")
        & (figures["annee"] == year)
        & figures["disponible"]
    ]
    if year is None or available.empty:
        return portrait_views._finish(portrait, None)
    chart = indicator_comparison(
        figures,
        indicators=SHORT,
        annee=year,
        labels=portrait.labels,
        source=f"Source : {SOURCE_LABEL}, décembre {year} ; Insee, recensement (ménages)",
        title=f"Foyers allocataires pour 100 ménages, par prestation, décembre {year}",
        note="Un foyer allocataire n'est pas un ménage ; MSA exclue. n.d. : non publié.",
    )
    return portrait_views._finish(portrait, chart)


def communes_table(portrait: Portrait) -> HTML:
    """Foyers allocataires of each commune, latest year (alphabetical, not ranked)."""
    table = portrait.tables.get(COMMUNES_TABLE)
    columns = [c for c in (table.columns if table is not None else []) if c.startswith("foyers_")]
    if table is None or table.empty or not columns:
        return HTML("<p><em>Effectifs communaux de la CAF non disponibles.</em></p>")
    shown = table[["code", "commune"]].rename(columns={"code": "Code", "commune": "Commune"})
    for column in columns:
        benefit, year = column.removeprefix("foyers_").rsplit("_", 1)
        status = table[f"statut_{benefit}_{year}"]
        shown[f"{BENEFIT_LABELS.get(benefit, benefit)}, déc. {year}"] = [
            fr_int(v) if s == "publié" else ("absente" if s == "absente du fichier" else "n.p.")
            for v, s in zip(table[column], status, strict=True)
        ]
    note = (
        "<p class='ctg-note'>Communes par ordre alphabétique ; foyers allocataires de la Cnaf "
        "en décembre (MSA exclue). « n.p. » : non publié (secret statistique) ; « absente » : "
        "commune absente du fichier communal. Les effectifs communaux sont arrondis par la "
        "Cnaf : leur somme n'est pas le total du territoire, qui vient de son propre "
        "fichier.</p>"
    )
    return HTML(shown.to_html(index=False, escape=True, classes="ctg-table") + note)


def definitions(portrait: Portrait) -> HTML:
    """Definitions and sources of the section's indicators."""
    return display.definitions_table(portrait.figures, indicators=INDICATORS)
