"""Portrait-level views: what the notebooks display, one call per block.

Notebooks hold no logic: each cell calls one function here, which picks the figures of a
theme from the :class:`~ctgstats.portrait.build.Portrait` and hands them to
:mod:`ctgstats.present.display` (HTML tables and boxes) or :mod:`ctgstats.portrait.charts`
(figures).
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from IPython.display import HTML
from matplotlib.figure import Figure

from ctgstats.data.registry import load_registry
from ctgstats.portrait import charts, precision
from ctgstats.portrait import findings as findings_module
from ctgstats.portrait.model import Portrait
from ctgstats.present import display
from ctgstats.present.formatting import fr_int
from ctgstats.present.glossary import readable_glossary

THEMES: dict[str, tuple[str, ...]] = {
    "population": (
        "population",
        "population_evolution",
        "population_evolution_pct",
        "population_tcam",
        "naissances",
        "deces",
        "solde_naturel",
        "solde_migratoire_apparent",
        "taux_variation_solde_naturel",
        "taux_variation_solde_migratoire",
    ),
    "ages": (
        "part_moins_15",
        "part_moins_20",
        "part_60_plus",
        "part_65_plus",
        "part_75_plus",
        "part_80_plus",
        "indice_vieillissement",
    ),
    "menages": (
        "menages",
        "taille_moyenne_menages",
        "menages_une_personne",
        "part_menages_une_personne",
        "part_80_plus_seules",
    ),
    "familles": (
        "menages_avec_enfants",
        "part_menages_avec_enfants",
        "menages_avec_enfants_evolution",
        "menages_couple_avec_enfants",
        "menages_monoparentaux",
        "familles",
        "familles_avec_enfants",
        "familles_avec_enfants_evolution",
        "familles_avec_enfants_evolution_pct",
        "familles_avec_enfants_moins_25",
        "familles_monoparentales",
        "part_familles_monoparentales",
        "familles_nombreuses",
        "part_familles_nombreuses",
        "couples_avec_enfants",
        "couples_sans_enfant",
        "part_couples_sans_enfant",
    ),
    "revenus": (
        "revenu_median_uc",
        "revenu_d1_uc",
        "revenu_d9_uc",
        "rapport_interdecile",
        "menages_fiscaux",
        "part_prestations_sociales",
    ),
}
FINDING_THEMES = {
    "population": ("Population",),
    "ages": ("Vieillissement",),
    "menages": ("Ménages",),
    "familles": ("Familles",),
    "revenus": ("Revenus",),
}


def _rp_source(portrait: Portrait, *, exploitation: str = "principale") -> str:
    years = ", ".join(f"RP{v}" for v in portrait.vintages)
    return (
        f"Source : Insee, {years}, exploitation {exploitation} — géographie COG {portrait.cog_year}"
    )


def _finish(portrait: Portrait, figure: Figure | None) -> Figure | HTML:
    if figure is None:
        return HTML(
            "<p><em>Graphique non disponible : les données nécessaires ne sont pas "
            "publiées dans les fichiers fournis.</em></p>"
        )
    if portrait.fictional:
        charts.fictional_watermark(figure)
    return figure


def header(portrait: Portrait) -> HTML:
    """Banner (fictional data), territory, comparators, geography and vintages."""
    parts = [display.fictional_banner().data] if portrait.fictional else []
    territory = portrait.territory
    members = len(territory.communes or ())
    comparators = ", ".join(html.escape(c.label) for c in portrait.comparators) or "aucun"
    parts.append(
        f"<p><strong>{html.escape(territory.label)}</strong> "
        f"({html.escape(territory.level.value)} {html.escape(territory.code)}, "
        f"{fr_int(members)} communes au 1er janvier {portrait.cog_year}).<br>"
        f"Comparaisons : {comparators}.<br>"
        f"Recensements : {', '.join(str(v) for v in portrait.vintages)}"
        + (f" ; revenus : Filosofi {portrait.filosofi_year}" if portrait.filosofi_year else "")
        + ".</p>"
    )
    return HTML("\n".join(parts))


def key_figures(portrait: Portrait, theme: str, *, annee: str | None = None) -> HTML:
    """Table of a theme's figures: one row per indicator, one column per territory."""
    return display.key_figures_table(
        portrait.figures, indicators=THEMES[theme], labels=portrait.labels, annee=annee
    )


def definitions(portrait: Portrait, themes: Sequence[str]) -> HTML:
    """Definitions and sources of the indicators of some themes."""
    indicators = [i for theme in themes for i in THEMES[theme]]
    return display.definitions_table(portrait.figures, indicators=indicators)


def findings(portrait: Portrait, themes: Sequence[str]) -> HTML:
    """Findings (constats) of some themes, as a list of French sentences."""
    wanted = {t for theme in themes for t in FINDING_THEMES[theme]}
    sentences = [
        s for theme in sorted(wanted) for s in findings_module.sentences(portrait, theme=theme)
    ]
    return display.findings_list(sentences)


def vigilance(portrait: Portrait, *, chapter: str | None = None) -> HTML:
    """The "Points de vigilance" box: the portrait's, or one catalogue chapter's."""
    if chapter is None:
        return display.vigilance_box(portrait.vigilance)
    return display.vigilance_box(portrait.chapter_vigilance.get(chapter, []))


def population_chart(portrait: Portrait) -> Figure | HTML:
    """Population of the territory at each census vintage."""
    figure = charts.population_trend(
        portrait.figures,
        territory=portrait.territory.id,
        labels=portrait.labels,
        source=_rp_source(portrait),
    )
    return _finish(portrait, figure)


def age_chart(portrait: Portrait) -> Figure | HTML:
    """Shares by age group, territory and comparators, last vintage."""
    table = portrait.tables.get("structure_par_age")
    if table is None or table.empty:
        return _finish(portrait, None)
    source = f"Source : Insee, RP{portrait.last_year}, exploitation principale"
    return _finish(portrait, charts.age_structure(table, labels=portrait.labels, source=source))


def pyramid_chart(portrait: Portrait) -> Figure | HTML:
    """Population pyramid of the territory (when age × sex is published)."""
    table = portrait.tables.get("pyramide")
    if table is None or table.empty:
        return HTML(
            "<p><em>Pyramide des âges non disponible : les fichiers fournis ne "
            "croisent pas l'âge et le sexe.</em></p>"
        )
    source = f"Source : Insee, RP{portrait.last_year}, exploitation principale"
    return _finish(
        portrait,
        charts.pyramid(
            table, territory=portrait.territory.id, labels=portrait.labels, source=source
        ),
    )


def _last_year_comparison(
    portrait: Portrait, indicators: dict[str, str], *, exploitation: str, title: str
) -> Figure | HTML:
    """Bars of some shares in the last census, the territory against its comparators."""
    source = f"Source : Insee, RP{portrait.last_year}, exploitation {exploitation}"
    return _finish(
        portrait,
        charts.indicator_comparison(
            portrait.figures,
            indicators=indicators,
            annee=str(portrait.last_year),
            labels=portrait.labels,
            source=source,
            title=f"{title}, {portrait.last_year}",
        ),
    )


def ageing_chart(portrait: Portrait) -> Figure | HTML:
    """Shares of 60+, 75+ … compared with the comparators."""
    indicators = {
        "part_moins_15": "Moins de 15 ans",
        "part_60_plus": "60 ans ou plus",
        "part_75_plus": "75 ans ou plus",
    }
    return _last_year_comparison(
        portrait,
        indicators,
        exploitation="principale",
        title="Jeunes et personnes âgées dans la population",
    )


def households_chart(portrait: Portrait) -> Figure | HTML:
    """One-person households and single-parent families, compared."""
    indicators = {
        "part_menages_une_personne": "Ménages d'une personne",
        "part_familles_monoparentales": "Familles monoparentales\n(parmi les familles "
        "avec enfant(s))",
        "part_couples_sans_enfant": "Couples sans enfant\n(parmi les familles)",
    }
    return _last_year_comparison(
        portrait,
        indicators,
        exploitation="complémentaire",
        title="Personnes seules, familles monoparentales et couples sans enfant",
    )


def families_change_chart(portrait: Portrait) -> Figure | HTML:
    """Change in families with children (any age) over the main period."""
    source = (
        f"Source : Insee, RP{portrait.first_year} et RP{portrait.last_year}, "
        "exploitation complémentaire"
    )
    return _finish(
        portrait,
        charts.change_bars(
            portrait.figures,
            indicator="familles_avec_enfants_evolution_pct",
            labels=portrait.labels,
            source=source,
        ),
    )


def income_chart(portrait: Portrait) -> Figure | HTML:
    """Deciles of disposable income per consumption unit, by territory."""
    table = portrait.tables.get("deciles")
    if table is None or table.empty:
        return _finish(portrait, None)
    source = f"Source : Insee-DGFiP-Cnaf-Cnav-CCMSA, Filosofi {portrait.filosofi_year}"
    return _finish(portrait, charts.deciles(table, labels=portrait.labels, source=source))


def communes_table(portrait: Portrait) -> HTML:
    """Population of each commune (alphabetical: communes are not ranked)."""
    table = portrait.tables["communes"].copy()
    renamed = {"code": "Code", "commune": "Commune"}
    for column in list(table.columns):
        if column.startswith("population_"):
            table[column] = table[column].map(fr_int)
            renamed[column] = f"Population {column.rsplit('_', 1)[1]}"
        elif column.startswith("revenu_median_uc_"):
            year = column.rsplit("_", 1)[1]
            status = table[f"statut_revenu_{year}"]
            table[column] = [
                fr_int(v) + "\u00a0€"
                if s == "publié"
                else ("s" if s.startswith("secret") else "n.c.")
                for v, s in zip(table[column], status)
            ]
            renamed[column] = f"Revenu médian par UC {year}"
    table = table[[c for c in table.columns if c in renamed]].rename(columns=renamed)
    note = (
        "<p class='ctg-note'>Communes par ordre alphabétique (elles ne sont pas classées : "
        "les écarts entre petites communes sont souvent dans la marge d'erreur). "
        "« s » : secret statistique (non publié par l'Insee) ; « n.c. » : non calculable "
        "(commune issue d'une fusion, les médianes ne s'additionnent pas).</p>"
    )
    return HTML(table.to_html(index=False, escape=True, classes="ctg-table") + note)


def harmonisation_table(portrait: Portrait) -> HTML:
    """Communes harmonised to the COG year (merges, splits), or a sentence."""
    table = portrait.tables["harmonisation"]
    if table.empty:
        return HTML(
            f"<p>Aucune commune n'a dû être harmonisée : tous les fichiers sont dans "
            f"la géographie du COG {portrait.cog_year}.</p>"
        )
    shown = table.assign(fichier=table["fichier"].map(portrait.source_title)).rename(
        columns={
            "fichier": "Source",
            "operation": "Opération",
            "anciens_codes": "Anciens codes",
            "code_cog": f"Code COG {portrait.cog_year}",
            "detail": "Détail",
        }
    )
    return HTML(shown.to_html(index=False, escape=True, classes="ctg-table"))


def precision_method() -> HTML:
    """Methodology appendix: how the 95 % intervals of census sample figures are computed."""
    paragraphs = "".join(f"<p>{html.escape(text)}</p>" for text in precision.METHOD_TEXT)
    return HTML(
        '<div class="ctg-method"><h3>Précision des estimations du recensement</h3>'
        f"{paragraphs}</div>"
    )


def glossary(themes: Sequence[str]) -> HTML:
    """Methodology appendix from the indicator registry, for the indicators of ``themes``.

    The registry (``src/ctgstats/data/indicateurs.yaml``) is the single source of the
    definitions, formulas, sources, update frequencies and comparable gaps of every report.
    """
    wanted = [i for theme in themes for i in THEMES[theme]]
    table = load_registry().glossary()
    table = readable_glossary(table[table["indicateur"].isin(wanted)])
    return display.simple_table(table, caption="Glossaire des indicateurs (registre ctgstats)")
