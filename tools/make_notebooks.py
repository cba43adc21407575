"""Write the notebook templates in notebooks/ (run once after editing this file).

The notebooks are templates: a ``parameters`` cell with the demo defaults, then only calls
into ctgstats and display. They are committed without outputs.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
PARAMETERS = '''# Paramètres (remplacés par le runner ; par défaut : le territoire fictif de démonstration)
params = {
    "territory": {"level": "epci", "code": "000000101"},
    "cog_year": 2025,
    "census": {"vintages": [2011, 2016, 2022]},
    "data_dirs": ["ctgstats:demo"],
}'''
SETUP = '''from ctgstats import views
from ctgstats.charts import apply_style
from ctgstats.portrait import build_portrait

apply_style()
portrait = build_portrait(params)
views.header(portrait)'''


def _notebook(title: str, blocks: list[tuple[str, str]]) -> nbformat.NotebookNode:
    cells = [new_code_cell(PARAMETERS, metadata={"tags": ["parameters"]}),
             new_markdown_cell(f"# {title}"),
             new_code_cell(SETUP)]
    for kind, text in blocks:
        cells.append(new_markdown_cell(text) if kind == "md" else new_code_cell(text))
    notebook = new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    notebook.metadata["language_info"] = {"name": "python"}
    for index, cell in enumerate(notebook.cells):
        cell["id"] = f"cell-{index:02d}"
    return notebook


DEMOGRAPHIE = [
    ("md", "## Chiffres clés de la population"),
    ("code", 'views.key_figures(portrait, "population")'),
    ("md", "## Évolution de la population"),
    ("code", "views.population_chart(portrait)"),
    ("code", 'views.findings(portrait, ["population"])'),
    ("md", "## Structure par âge"),
    ("code", "views.age_chart(portrait)"),
    ("code", "views.pyramid_chart(portrait)"),
    ("md", "## Vieillissement"),
    ("code", 'views.key_figures(portrait, "ages")'),
    ("code", "views.ageing_chart(portrait)"),
    ("code", 'views.findings(portrait, ["ages"])'),
    ("md", "## Communes du territoire"),
    ("code", "views.communes_table(portrait)"),
    ("md", "## Précautions de lecture"),
    ("code", "views.vigilance(portrait)"),
    ("md", "## Définitions et sources"),
    ("code", 'views.definitions(portrait, ["population", "ages"])'),
    ("code", "views.harmonisation_table(portrait)"),
]
FAMILLES = [
    ("md", "## Ménages"),
    ("code", 'views.key_figures(portrait, "menages")'),
    ("md", "## Familles"),
    ("code", 'views.key_figures(portrait, "familles")'),
    ("code", "views.families_change_chart(portrait)"),
    ("code", "views.households_chart(portrait)"),
    ("code", 'views.findings(portrait, ["familles", "menages"])'),
    ("md", "## Revenus"),
    ("code", 'views.key_figures(portrait, "revenus")'),
    ("code", "views.income_chart(portrait)"),
    ("code", 'views.findings(portrait, ["revenus"])'),
    ("md", "## Précautions de lecture"),
    ("code", "views.vigilance(portrait)"),
    ("md", "## Définitions et sources"),
    ("code", 'views.definitions(portrait, ["menages", "familles", "revenus"])'),
]


def main() -> None:
    target = ROOT / "notebooks"
    target.mkdir(exist_ok=True)
    nbformat.write(_notebook("Portrait démographique", DEMOGRAPHIE),
                   target / "01_demographie.ipynb")
    nbformat.write(_notebook("Familles, ménages et revenus", FAMILLES),
                   target / "02_familles_menages.ipynb")


if __name__ == "__main__":
    main()
