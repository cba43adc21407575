"""What ``10_dispositifs.ipynb`` displays: one call per block, no logic in the notebook.

Main body: the « tableau synthétique des dispositifs existants » by CTG theme and the
compact crossing needs × dispositifs; annexes: each dispositif in full (the columns of the
Pacte local des solidarités), the communes covered by none, cautions and code lists.
Without an inventory every block says so briefly and :func:`header` says how to get the
template.
"""

from __future__ import annotations

import html
import math

import pandas as pd
from IPython.display import HTML

from ctgstats.portrait import findings as findings_module
from ctgstats.portrait import views as portrait_views
from ctgstats.portrait.dispositifs.chapter import COVERAGE_TABLE, INVENTORY_TABLE
from ctgstats.portrait.dispositifs.codes import code_lists
from ctgstats.portrait.dispositifs.compute import (
    needs_table,
    of_theme,
    split_list,
    theme_summary,
)
from ctgstats.portrait.dispositifs.findings import THEME
from ctgstats.portrait.model import Portrait
from ctgstats.present import display
from ctgstats.present.display import format_value
from ctgstats.present.formatting import fr_int, fr_number
from ctgstats.present.labels import indicator_label

__all__ = [
    "TEMPLATE_COMMAND",
    "codes_table",
    "details_table",
    "findings",
    "header",
    "needs_crossing",
    "synthetic_table",
    "uncovered_table",
    "vigilance",
]

TEMPLATE_COMMAND = "ctgstats dispositifs-modele inventaire_dispositifs.xlsx"
"""The command writing the blank template, as shown to readers."""

_ABSENT = "<p><em>Pas d'inventaire des dispositifs dans les paramètres : rien à afficher.</em></p>"


def _tables(portrait: Portrait) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    dispositifs = portrait.tables.get(INVENTORY_TABLE)
    coverage = portrait.tables.get(COVERAGE_TABLE)
    if dispositifs is None or coverage is None:
        return None
    return dispositifs, coverage


def header(portrait: Portrait) -> HTML:
    """Banner, territory, and the inventory read (or how to get the template)."""
    text = portrait_views.header(portrait).data
    found = _tables(portrait)
    if found is None:
        return HTML(
            f"{text}<p><strong>Aucun inventaire des dispositifs n'est déclaré</strong> "
            "(clé <code>dispositifs</code> des paramètres). Pour en constituer un : écrire "
            f"le modèle vierge avec <code>{html.escape(TEMPLATE_COMMAND)}</code> (ou "
            "<code>.csv</code>), le remplir (une ligne par dispositif ; les codes permis sont "
            "dans la feuille « codes »), puis ajouter <code>dispositifs: "
            "inventaire_dispositifs.xlsx</code> au fichier de paramètres. "
            "<code>ctgstats validate</code> le vérifie ligne par ligne.</p>"
        )
    dispositifs, _ = found
    name = html.escape(portrait.params.dispositifs or "")
    return HTML(
        f"{text}<p>Inventaire des dispositifs : {fr_int(len(dispositifs))} dispositifs "
        f"(fichier <code>{name}</code>), codes du {html.escape(code_lists().schema_label)}"
        ".</p>"
    )


def _capacities(capacities: dict[str, float]) -> str:
    if not capacities:
        return "—"
    return ", ".join(f"{fr_number(v, 0)} {unit}" for unit, v in capacities.items())


def _grades(rows: pd.DataFrame) -> str:
    """« partielle 2, insuffisante 1 » (appreciations in the order of the code list)."""
    counts = rows["couverture_besoins"].dropna().value_counts()
    parts = [
        f"{code.replace('_', ' ')} {fr_int(counts[code])}"
        for code in code_lists().couverture
        if counts.get(code, 0)
    ]
    return ", ".join(parts) or "non renseignée"


def synthetic_table(portrait: Portrait) -> HTML:
    """« Tableau synthétique des dispositifs existants », one row per CTG theme."""
    found = _tables(portrait)
    if found is None:
        return HTML(_ABSENT)
    dispositifs, coverage = found
    summary = theme_summary(dispositifs, coverage)
    rows = []
    for item in summary.itertuples():
        mine = of_theme(dispositifs, str(item.theme_ctg))
        listed = list(mine["nom"])
        rows.append(
            {
                "Thème CTG": item.theme,
                "Dispositifs": "; ".join(listed) or "aucun inventorié",
                "Capacité": _capacities(item.capacites),
                "Communes couvertes": (
                    f"{fr_int(item.communes_couvertes)} sur {fr_int(item.communes)}"
                ),
                "Couverture des besoins": _grades(mine) if len(mine) else "—",
            }
        )
    return display.simple_table(
        pd.DataFrame(rows),
        caption="Tableau synthétique des dispositifs existants, par thème de la CTG",
        notes=[
            "Source : inventaire des dispositifs du territoire (déclaratif ; porteurs et "
            "moyens de chaque dispositif en annexe). Un dispositif "
            "rattaché à plusieurs thèmes figure dans chacun. Une commune est couverte quand "
            "elle est dans la zone d'éligibilité d'au moins un dispositif du thème. Couverture "
            "des besoins : nombre de dispositifs par appréciation portée dans l'inventaire."
        ],
    )


#: Short name of a comparator's level in the compact crossing table.
_SHORT_LEVEL = {"departement": "dép.", "region": "rég.", "france": "France", "epci": "EPCI"}


def _need_text(row: pd.Series, comparator: str | None, short: dict[str, str]) -> str:
    value = format_value(row["valeur"], row["unite"], indicateur=row["indicateur"])
    label = short.get(row["indicateur"]) or indicator_label(row["indicateur"])
    text = f"{label} : {value}"
    other = row["valeur_comparateur"]
    if comparator and not (isinstance(other, float) and math.isnan(other)):
        text += f" ({comparator} {format_value(other, row['unite'], indicateur=row['indicateur'])})"
    return f"{text}, {row['annee']}"


def needs_crossing(portrait: Portrait) -> HTML:
    """Needs × dispositifs: each theme's needs indicators next to its coverage gaps."""
    found = _tables(portrait)
    if found is None:
        return HTML(_ABSENT)
    dispositifs, coverage = found
    summary = theme_summary(dispositifs, coverage)
    comparator = portrait.comparators[0] if portrait.comparators else None
    needs = needs_table(
        portrait.figures,
        territory=portrait.territory.id,
        comparator=comparator.id if comparator else None,
        themes=list(summary["theme_ctg"]),
    )
    short = _SHORT_LEVEL.get(comparator.level.value, comparator.label) if comparator else None
    themes = code_lists().themes
    rows = []
    for item in summary.itertuples():
        mine = needs[needs["theme_ctg"] == item.theme_ctg]
        labels = themes[str(item.theme_ctg)].short_labels
        uncovered = list(item.communes_non_couvertes)
        rows.append(
            {
                "Thème CTG": item.theme,
                "Besoins (portrait)": " ; ".join(
                    _need_text(r, short, labels) for _, r in mine.iterrows()
                )
                or "—",
                "Communes sans dispositif": (
                    f"{fr_int(len(uncovered))} sur {fr_int(item.communes)}"
                    if uncovered
                    else "aucune"
                ),
            }
        )
    notes = [
        "Besoins : dernier millésime disponible pour le territoire"
        + (f" (entre parenthèses : {comparator.label})" if comparator else "")
        + " ; sources et précautions dans les chapitres du portrait. Communes sans "
        "dispositif : communes du territoire hors de la zone de tout dispositif du thème "
        "(liste en annexe)."
    ]
    return display.simple_table(
        pd.DataFrame(rows), caption="Besoins et dispositifs, par thème de la CTG", notes=notes
    )


def uncovered_table(portrait: Portrait) -> HTML:
    """Annex: for each theme, every commune of the territory covered by no dispositif."""
    found = _tables(portrait)
    if found is None:
        return HTML(_ABSENT)
    _, coverage = found
    empty = coverage[coverage["nombre_dispositifs"] == 0]
    rows = [
        {
            "Thème CTG": theme,
            "Communes": fr_int(len(group)),
            "Communes couvertes par aucun dispositif (ordre alphabétique)": ", ".join(
                f"{r.commune} ({r.code})" for r in group.itertuples()
            ),
        }
        for theme, group in empty.groupby("theme", sort=False)
    ]
    if not rows:
        return HTML(
            "<p>Chaque commune est couverte par au moins un dispositif de chaque thème.</p>"
        )
    return display.simple_table(
        pd.DataFrame(rows), caption="Communes couvertes par aucun dispositif, par thème"
    )


def _money(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n.r."
    return f"{fr_int(float(value))}\u00a0€"  # type: ignore[arg-type]


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value == "":
        return "—"
    return str(value)


def _joined(*parts: str) -> str:
    return " ; ".join(p for p in parts if p) or "—"


def details_table(portrait: Portrait) -> HTML:
    """Annex: each dispositif in full, with the Pacte's coverage, difficulties, ways forward."""
    found = _tables(portrait)
    if found is None:
        return HTML(_ABSENT)
    dispositifs, _ = found
    lists = code_lists()
    rows = []
    for item in dispositifs.itertuples():
        themes = [lists.themes[c].label for c in split_list(item.theme_ctg)]
        publics = [lists.publics[c].lower() for c in split_list(item.publics)]
        capacity = (
            ""
            if pd.isna(item.capacite)
            else f"capacité {fr_int(item.capacite)} {item.unite_capacite}"
        )
        partners = "" if pd.isna(item.partenaires) else f"partenaires : {item.partenaires}"
        funders = "" if pd.isna(item.financeurs) else f"financeurs : {item.financeurs}"
        coverage = (
            "—" if pd.isna(item.couverture_besoins) else lists.couverture[item.couverture_besoins]
        )
        count = len(split_list(item.communes_couvertes))
        rows.append(
            {
                "Dispositif (porteur)": f"{item.nom} ({item.porteur})",
                "Thèmes, publics, zone": _joined(
                    ", ".join(themes),
                    ", ".join(publics),
                    f"{fr_int(count)} commune{'s' if count > 1 else ''}",
                ),
                "Moyens": _joined(
                    capacity, f"budget {_money(item.budget_annuel_euros)}", funders, partners
                ),
                "Couverture des besoins": coverage,
                "Difficultés et pistes d'évolution": _joined(
                    "" if pd.isna(item.difficultes) else f"difficultés : {item.difficultes}",
                    "" if pd.isna(item.pistes_evolution) else f"pistes : {item.pistes_evolution}",
                ),
            }
        )
    return display.simple_table(
        pd.DataFrame(rows),
        caption="Inventaire des dispositifs (ordre du fichier)",
        notes=["n.r. : non renseigné dans l'inventaire."],
    )


def codes_table() -> HTML:
    """Annex: the CTG themes, with the data·inclusion themes and needs each relates to."""
    lists = code_lists()
    rows = [
        {
            "Code": theme.code,
            "Thème CTG": theme.label,
            "Thématiques data·inclusion proches": ", ".join(theme.data_inclusion) or "—",
            "Indicateurs de besoin": ", ".join(indicator_label(i) for i in theme.needs) or "—",
        }
        for theme in lists.themes.values()
    ]
    return display.simple_table(
        pd.DataFrame(rows),
        caption=f"Thèmes CTG de ctgstats ; thématiques du {lists.schema_label}",
    )


def findings(portrait: Portrait) -> HTML:
    """Findings (constats) of the chapter."""
    if _tables(portrait) is None:
        return HTML(_ABSENT)
    return display.findings_list(findings_module.sentences(portrait, theme=THEME))


def vigilance(portrait: Portrait) -> HTML:
    """The chapter's points de vigilance."""
    return portrait_views.vigilance(portrait, chapter="dispositifs")
