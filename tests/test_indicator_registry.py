"""The registry of indicators: shipped content, user files, glossary, definition hash."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from ctgstats.data.registry import (
    DEFAULT_REGISTRY,
    GLOSSARY_COLUMNS,
    THEMES,
    RegistryError,
    chapter_registries,
    load_registry,
)
from ctgstats.present.display import INDICATOR_LABELS

BRIEF_THEMES = {
    "petite_enfance",
    "enfance_jeunesse",
    "parentalite",
    "acces_aux_droits",
    "logement",
    "jeunesse",  # issue 11: the youth chapter
    "insertion",  # issue 11: employment and insertion
    "animation_vie_sociale",
    "handicap",
    "seniors",
    "inclusion_numerique",
    "mobilite",
    "demographie",
    "revenus",
    "pacte_prevention",
    "pacte_insertion",
    "pacte_acces_aux_droits",
}

ENTRY = """\
  - id: {id}
    label: "Indicateur {id}"
    definition: "{definition}"
    unit: personnes
    source: {{kind: user_table, name: "Données locales", frequency: annuelle}}
    min_gap_years: 1
    polarity: up
    themes: [acces_aux_droits]
"""


def _write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _registry_file(path: Path, *entries: str) -> Path:
    return _write(path, "indicators:\n" + "".join(entries))


@pytest.fixture(scope="module")
def registry():
    return load_registry()


# --------------------------------------------------------------------------- shipped


def _chapter_ids():
    """Indicators shipped by the chapters' own registry files."""
    return load_registry(*chapter_registries(), default=False).ids


def test_shipped_registry_content(registry):
    assert DEFAULT_REGISTRY.is_file()
    assert 25 <= len(registry) <= 40 + sum(1 for _ in _chapter_ids())
    expected = {
        "population": ("census", "habitants", "neutral"),
        "population_tcam": ("census", "%/an", "neutral"),
        "part_moins_20": ("census", "%", "neutral"),
        "part_60_plus": ("census", "%", "neutral"),
        "part_75_plus": ("census", "%", "neutral"),
        "indice_vieillissement": ("census", "indice", "neutral"),
        "menages": ("census", "ménages", "neutral"),
        "part_menages_une_personne": ("census", "%", "neutral"),
        "familles_avec_enfants": ("census", "familles", "neutral"),
        "familles_avec_enfants_moins_25": ("census", "familles", "neutral"),
        "part_familles_monoparentales": ("census", "%", "neutral"),
        "familles_nombreuses": ("census", "familles", "neutral"),
        "revenu_median_uc": ("filosofi", "€", "up"),
        "taux_pauvrete_60": ("filosofi", "%", "down"),
        "places_eaje_pour_100_enfants_moins_3": ("user_table", "pour 100 enfants", "up"),
        "assistantes_maternelles_places": ("user_table", "places", "up"),
        "allocataires_caf": ("user_table", "allocataires", "neutral"),
        "allocataires_rsa": ("user_table", "allocataires", "neutral"),
        "allocataires_aah": ("user_table", "allocataires", "neutral"),
        "allocataires_prime_activite": ("user_table", "allocataires", "neutral"),
        "beneficiaires_aeeh": ("user_table", "bénéficiaires", "neutral"),
        "frequentation_alsh": ("user_table", "enfants", "up"),
        "jeunes_accueillis_structures_jeunesse": ("user_table", "jeunes", "up"),
        "personnes_accompagnees_france_services": ("user_table", "personnes", "up"),
        "taux_couverture_eaje": ("user_table", "pour 100 enfants", "up"),
        "enquete_lieux_echanges_insuffisants": ("survey", "%", "down"),
        "enquete_satisfaction_lieux_echanges": ("survey", "%", "up"),
        "enquete_renoncement_droits": ("survey", "%", "down"),
    }
    for indicator_id, (kind, unit, polarity) in expected.items():
        indicator = registry.get(indicator_id)
        assert (indicator.source.kind, indicator.unit, indicator.polarity) == (
            kind,
            unit,
            polarity,
        ), indicator_id


def test_shipped_registry_rules(registry):
    for indicator in registry.indicators:
        kind = indicator.source.kind
        if kind == "census":
            assert indicator.min_gap_years is None
            assert indicator.source.exploitation in ("P", "C")
            assert indicator.formula.figure in INDICATOR_LABELS, indicator.id
        else:
            assert indicator.min_gap_years == 1, indicator.id
        if kind == "filosofi":
            assert indicator.formula.figure in INDICATOR_LABELS
        if kind == "survey":
            assert indicator.unit == "%"
    # numerator and denominator of a census ratio come from the same exploitation
    monoparentales = registry.get("part_familles_monoparentales")
    assert monoparentales.formula.numerator == ("C{yy}_FAMMONO",)
    assert monoparentales.formula.denominator == ("C{yy}_COUPAENF", "C{yy}_FAMMONO")
    assert monoparentales.source.exploitation == "C"
    survey = registry.get("enquete_satisfaction_lieux_echanges")
    assert (survey.formula.survey, survey.formula.question, survey.formula.codes) == (
        "habitants",
        "satisfaction_lieux",
        ("A4", "A5"),
    )
    assert "n'est pas un ménage Insee" in registry.get("allocataires_caf").definition


def test_themes_constant():
    assert set(THEMES) == BRIEF_THEMES
    assert all(label and label[0].isupper() for label in THEMES.values())


def test_get_suggests_close_ids(registry):
    with pytest.raises(KeyError, match="allocataires_caf"):
        registry.get("allocataire_caf")
    assert "population" in registry
    assert "inconnu" not in registry


def test_by_theme(registry):
    groups = registry.by_theme()
    assert list(groups) == [t for t in THEMES if t in groups]
    assert registry.get("places_eaje_pour_100_enfants_moins_3") in groups["petite_enfance"]
    # an indicator with several themes is under each
    part_60 = registry.get("part_60_plus")
    assert part_60 in groups["seniors"] and part_60 in groups["demographie"]


def test_glossary(registry):
    glossary = registry.glossary()
    assert list(glossary.columns) == GLOSSARY_COLUMNS
    assert len(glossary) == len(registry)
    assert glossary["indicateur"].tolist() == list(registry.ids)
    assert (glossary["libelle"].str.len() > 0).all()
    row = glossary.set_index("indicateur").loc["part_familles_monoparentales"]
    assert row["exploitation"].startswith("complémentaire (C)")
    assert "6 ans" in row["ecart_minimal"] and "5 ans" in row["ecart_minimal"]
    assert "C{yy}_FAMMONO / (C{yy}_COUPAENF + C{yy}_FAMMONO)" in row["source"]
    survey = glossary.set_index("indicateur").loc["enquete_renoncement_droits"]
    assert survey["ecart_minimal"] == "1 an"
    assert survey["polarite"] == "baisse souhaitée"
    assert "question « acces_droits »" in survey["source"]
    assert survey["exploitation"] == ""
    assert "Accès aux droits" in survey["themes"]


# --------------------------------------------------------------------------- hash


def test_definition_hash_is_stable(registry):
    digest = registry.definition_hash("part_familles_monoparentales")
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert load_registry().definition_hash("part_familles_monoparentales") == digest
    assert len({registry.definition_hash(i) for i in registry.ids}) == len(registry)


def test_definition_hash_changes_with_the_formula(registry, tmp_path):
    original = registry.get("places_eaje_pour_100_enfants_moins_3")
    data = original.model_dump(mode="json")

    def override(path: Path, **changes) -> str:
        import yaml

        entry = {**data, **changes, "override": True}
        path.write_text(
            yaml.safe_dump({"indicators": [entry]}, allow_unicode=True), encoding="utf-8"
        )
        return load_registry(path).definition_hash(original.id)

    before = registry.definition_hash(original.id)
    assert override(tmp_path / "same.yaml") == before
    assert override(tmp_path / "label.yaml", label="Autre libellé", polarity="neutral") == before
    new_formula = {**data["formula"], "scale": 1000}
    assert override(tmp_path / "formula.yaml", formula=new_formula) != before
    assert override(tmp_path / "definition.yaml", definition="Autre définition.") != before
    assert override(tmp_path / "unit.yaml", unit="pour 1000 enfants") != before


# --------------------------------------------------------------------------- user files


def test_user_file_adds_and_overrides(tmp_path):
    extra = _registry_file(
        tmp_path / "mon_registre.yaml",
        ENTRY.format(id="ateliers_numeriques", definition="Participants aux ateliers."),
        ENTRY.format(id="allocataires_caf", definition="Autre définition locale.")
        + "    override: true\n",
    )
    registry = load_registry(extra)
    shipped = load_registry()
    assert len(registry) == len(shipped) + 1
    assert registry.ids[-1] == "ateliers_numeriques"
    # the override keeps its place and replaces the whole entry
    assert registry.ids.index("allocataires_caf") == shipped.ids.index("allocataires_caf")
    assert registry.get("allocataires_caf").definition == "Autre définition locale."
    assert registry.get("allocataires_caf").polarity == "up"
    assert registry.files == (str(DEFAULT_REGISTRY), *map(str, chapter_registries()), str(extra))


def test_duplicate_id_without_override_names_both_files(tmp_path):
    extra = _registry_file(
        tmp_path / "mien.yaml", ENTRY.format(id="allocataires_caf", definition="Doublon.")
    )
    with pytest.raises(RegistryError) as error:
        load_registry(extra)
    message = str(error.value)
    assert "mien.yaml, ligne 2, indicateur 'allocataires_caf'" in message
    assert str(DEFAULT_REGISTRY) in message
    assert "override: true" in message


def test_duplicate_across_user_files(tmp_path):
    first = _registry_file(tmp_path / "a.yaml", ENTRY.format(id="nouveau", definition="A."))
    second = _registry_file(tmp_path / "b.yaml", ENTRY.format(id="nouveau", definition="B."))
    with pytest.raises(RegistryError, match=r"b\.yaml, ligne 2.*déjà défini dans .*a\.yaml"):
        load_registry(first, second)


def test_override_of_an_unknown_id(tmp_path):
    extra = _registry_file(
        tmp_path / "x.yaml", ENTRY.format(id="inexistant", definition="X.") + "    override: true\n"
    )
    with pytest.raises(
        RegistryError, match="aucun fichier de registre précédent ne définit cet identifiant"
    ):
        load_registry(extra)


def test_duplicate_in_the_same_file(tmp_path):
    extra = _registry_file(
        tmp_path / "x.yaml",
        ENTRY.format(id="deux", definition="A."),
        ENTRY.format(id="deux", definition="B."),
    )
    with pytest.raises(
        RegistryError, match="ligne 10, indicateur 'deux' : identifiant déjà défini à la ligne 2"
    ):
        load_registry(extra)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("polarity: up", "polarity: upward"),
            (
                r"ligne 8, indicateur 'mauvais' : champ polarity : "
                r"valeur attendue : 'up', 'down' ou 'neutral' "
                r"\(valeur : 'upward'\)"
            ),
        ),
        (
            ("themes: [acces_aux_droits]", "themes: [acces_droits]"),
            (
                r"ligne 9, indicateur 'mauvais' : champ themes : thème inconnu 'acces_droits' ; "
                r"vouliez-vous dire 'acces_aux_droits'"
            ),
        ),
        (
            ("unit: personnes", "unit: personnes\n    couleur: rouge"),
            r"ligne 6, indicateur 'mauvais' : champ couleur : champ inconnu",
        ),
        (
            ("    min_gap_years: 1\n", ""),
            (
                r"ligne 2, indicateur 'mauvais' : .*"
                r"min_gap_years est obligatoire pour un indicateur user_table"
            ),
        ),
        (
            ("id: mauvais", "id: Mauvais-Id"),
            r"ligne 2, indicateur 'Mauvais-Id' : champ id : ne correspond pas au motif",
        ),
    ],
)
def test_invalid_entries_name_file_line_id_field_value(tmp_path, change, expected):
    text = ENTRY.format(id="mauvais", definition="Déf.").replace(*change)
    extra = _registry_file(tmp_path / "faux.yaml", text)
    with pytest.raises(RegistryError, match=expected) as error:
        load_registry(extra)
    assert f"{tmp_path / 'faux.yaml'}" in str(error.value)


def test_source_kind_rules(tmp_path):
    census = textwrap.dedent("""\
      - id: recense
        label: "X"
        definition: "X."
        unit: "%"
        source: {kind: census, name: "Insee", frequency: "annuelle"}
        formula: {figure: part_60_plus}
        polarity: neutral
        themes: [seniors]
    """)
    path = _registry_file(tmp_path / "c.yaml", census)
    with pytest.raises(RegistryError, match="indique son exploitation"):
        load_registry(path, default=False)
    survey = textwrap.dedent("""\
      - id: sondage
        label: "X"
        definition: "X."
        unit: "habitants"
        source: {kind: survey, name: "Enquête", frequency: "à chaque vague"}
        formula: {survey: habitants, question: q}
        min_gap_years: 1
        polarity: up
        themes: [seniors]
    """)
    path = _registry_file(tmp_path / "s.yaml", survey)
    with pytest.raises(RegistryError, match=r"demande formula\.codes"):
        load_registry(path, default=False)
    local = ENTRY.format(id="local", definition="X.").replace(
        "    min_gap_years: 1\n", "    min_gap_years: 1\n    formula: {figure: population}\n"
    )
    path = _registry_file(tmp_path / "u.yaml", local)
    with pytest.raises(
        RegistryError, match="formula.figure ne sert qu'aux indicateurs census, filosofi et caf"
    ):
        load_registry(path, default=False)


CENSUS_ENTRY = """\
  - id: recense
    label: "X"
    definition: "X."
    unit: "%"
    source: {kind: census, name: "Insee", frequency: "annuelle", exploitation: P}
    formula: {figure: part_60_plus}
    min_gap_years: GAP
    polarity: neutral
    themes: [seniors]
"""


def test_census_min_gap_years_below_the_insee_floor_is_refused(tmp_path):
    path = _registry_file(tmp_path / "c.yaml", CENSUS_ENTRY.replace("GAP", "3"))
    with pytest.raises(RegistryError) as error:
        load_registry(path, default=False)
    message = str(error.value)
    assert "c.yaml, ligne 8, indicateur 'recense' : champ min_gap_years" in message
    assert "ne peut pas descendre sous l'écart minimal" in message
    assert "(valeur : 3)" in message
    # null (the rule), 5 and a longer gap are accepted
    for gap, expected in (("null", None), ("5", 5), ("8", 8)):
        path = _registry_file(tmp_path / f"c{gap}.yaml", CENSUS_ENTRY.replace("GAP", gap))
        assert load_registry(path, default=False).get("recense").min_gap_years == expected
    # the floor is the census rule only: annual data keep their 1-year gap
    local = _registry_file(tmp_path / "u.yaml", ENTRY.format(id="local", definition="X."))
    assert load_registry(local, default=False).get("local").min_gap_years == 1


def test_file_level_errors(tmp_path):
    with pytest.raises(RegistryError, match="fichier de registre introuvable"):
        load_registry(tmp_path / "absent.yaml")
    bad = _write(tmp_path / "liste.yaml", "- id: x\n")
    with pytest.raises(RegistryError, match="une seule clé 'indicators'"):
        load_registry(bad)
    broken = _write(tmp_path / "casse.yaml", "indicators: [\n")
    with pytest.raises(RegistryError, match="YAML invalide"):
        load_registry(broken)


def test_all_errors_of_a_file_are_listed(tmp_path):
    extra = _registry_file(
        tmp_path / "deux.yaml",
        ENTRY.format(id="un", definition="A.").replace("polarity: up", "polarity: haut"),
        ENTRY.format(id="deux", definition="B.").replace("unit: personnes", "unit: ''"),
    )
    with pytest.raises(RegistryError) as error:
        load_registry(extra)
    message = str(error.value)
    assert "indicateur 'un' : champ polarity" in message
    assert "indicateur 'deux' : champ unit" in message
