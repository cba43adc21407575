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
SETUP = '''from ctgstats.portrait import views
from ctgstats.portrait.charts import apply_style
from ctgstats.portrait.build import build_portrait

apply_style()
portrait = build_portrait(params)
views.header(portrait)'''


def _notebook(title: str, blocks: list[tuple[str, str]], *, parameters: str = PARAMETERS,
              setup: str = SETUP) -> nbformat.NotebookNode:
    cells = [new_code_cell(parameters, metadata={"tags": ["parameters"]}),
             new_markdown_cell(f"# {title}"),
             new_code_cell(setup)]
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
    ("code", 'views.glossary(["population", "ages"])'),
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
    ("code", 'views.glossary(["menages", "familles", "revenus"])'),
]


SURVEY_PARAMETERS = '''# Paramètres (remplacés par le runner ; par défaut : l'enquête fictive auprès des habitants)
params = {
    "territory": {"level": "epci", "code": "000000101"},
    "cog_year": 2025,
    "data_dirs": ["ctgstats:demo"],
    "surveys": [{"id": "habitants",
                 "export": "ctgstats:demo/enquetes/habitants_limesurvey.csv",
                 "codebook": "ctgstats:demo/enquetes/codebook_habitants.yaml"}],
}
survey_id = "habitants"
survey = None  # analyse d'une enquête seule (sans territoire) : sa description'''
SURVEY_SETUP = '''from ctgstats.portrait.charts import apply_style
from ctgstats.surveys import views
from ctgstats.surveys.analysis import analyse_from_params

apply_style()
analysis = analyse_from_params(params, survey_id=survey_id, survey=survey)
views.header(analysis)'''
ENQUETE = [
    ("md", "## Constats"),
    ("code", "views.findings(analysis)"),
    ("md", "## Qualité des données"),
    ("code", "views.quality(analysis)"),
    ("md", "## Pondération"),
    ("code", "views.weighting(analysis)"),
    ("md", "## Résultats par question"),
    ("code", "views.results(analysis)"),
    ("md", "## Questions à échelle"),
    ("code", "views.likert(analysis)"),
    ("md", "## Questions numériques"),
    ("code", "views.numeric(analysis)"),
    ("md", "## Résultats selon le profil des répondants"),
    ("code", "views.crosstabs(analysis)"),
    ("md", "## Expression libre"),
    ("code", "views.verbatims(analysis)"),
    ("md", "## Méthode et précautions de lecture"),
    ("code", "views.method(analysis)"),
]


INDICATOR_PARAMETERS = '''# Paramètres (remplacés par le runner ; par défaut : le suivi fictif de démonstration)
params = {
    "territory": {"level": "epci", "code": "000000101"},
    "cog_year": 2025,
    "data_dirs": ["ctgstats:demo"],
    "surveys": [
        {"id": "habitants", "year": 2026,
         "export": "ctgstats:demo/enquetes/habitants_limesurvey.csv",
         "codebook": "ctgstats:demo/enquetes/codebook_habitants.yaml"},
        {"id": "habitants_2029", "series": "habitants", "year": 2029,
         "export": "ctgstats:demo/suivi/habitants_vague2_limesurvey.csv",
         "codebook": "ctgstats:demo/enquetes/codebook_habitants.yaml"},
    ],
    "indicators": {
        "user_tables": ["ctgstats:demo/suivi/donnees_locales.csv"],
        "baseline": "ctgstats:demo/suivi/t0_baseline.json",
        "action_plan_file": "ctgstats:demo/suivi/plan_action.yaml",
    },
}'''
INDICATOR_SETUP = '''from ctgstats.portrait.charts import apply_style
from ctgstats.indicators import views
from ctgstats.indicators.followup import followup_from_params

apply_style()
portrait, followup = followup_from_params(params)
views.header(followup, portrait)'''
INDICATEURS = [
    ("md", "## Tableau de bord par fiche action"),
    ("code", "views.dashboard(followup)"),
    ("md", "## Évolution des indicateurs"),
    ("code", "views.evolution_charts(followup, portrait)"),
    ("md", "## Constats"),
    ("code", "views.findings(followup)"),
    ("md", "## Définitions des indicateurs"),
    ("code", "views.glossary(followup)"),
]


def main() -> None:
    target = ROOT / "notebooks"
    target.mkdir(exist_ok=True)
    nbformat.write(_notebook("Portrait démographique", DEMOGRAPHIE),
                   target / "01_demographie.ipynb")
    nbformat.write(_notebook("Familles, ménages et revenus", FAMILLES),
                   target / "02_familles_menages.ipynb")
    nbformat.write(_notebook("Enquête", ENQUETE, parameters=SURVEY_PARAMETERS,
                             setup=SURVEY_SETUP), target / "03_enquete.ipynb")
    nbformat.write(_notebook("Suivi des indicateurs du plan d'action", INDICATEURS,
                             parameters=INDICATOR_PARAMETERS, setup=INDICATOR_SETUP),
                   target / "04_indicateurs.ipynb")


if __name__ == "__main__":
    main()
