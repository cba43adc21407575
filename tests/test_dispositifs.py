"""Inventory of dispositifs: strict validation, coverage crossing, template round trip."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook
from tests.helpers import run_cli

from ctgstats.core.codes import Level
from ctgstats.core.params import load_params, parse_params
from ctgstats.core.territories import Composition, ResolvedTerritory
from ctgstats.data.registry import load_registry
from ctgstats.demo import DATA_DIR
from ctgstats.demo import dispositifs as demo
from ctgstats.pipeline.plan import plan_run
from ctgstats.portrait.dispositifs.codes import code_lists
from ctgstats.portrait.dispositifs.compute import coverage_table, needs_table, theme_summary
from ctgstats.portrait.dispositifs.read import (
    COLUMNS,
    Geography,
    InventoryError,
    read_inventory,
)
from ctgstats.portrait.dispositifs.template import code_rows, write_template

NAMES = [c.name for c in COLUMNS]

#: A tiny territory: EPCI 000000999 with four communes, in département 99; commune
#: 99005 exists in the COG but belongs to another EPCI.
COMPOSITION = Composition(
    table=pd.DataFrame(
        {
            "commune": ["99001", "99002", "99003", "99004", "99005"],
            "nom_commune": ["Alpha", "Bravo", "Charlie", "Delta", "Echo"],
            "epci": ["000000999"] * 4 + ["000000998"],
            "nom_epci": ["CC Test"] * 4 + ["CC Autre"],
            "departement": ["99"] * 5,
            "region": ["99"] * 5,
        }
    ),
    cog_year=2025,
    source="test",
)
TERRITORY = ResolvedTerritory(
    level=Level.EPCI,
    code="000000999",
    name="CC Test",
    communes=("99001", "99002", "99003", "99004"),
    cog_year=2025,
)
GEOGRAPHY = Geography.of(TERRITORY, COMPOSITION)


def _row(**values: str) -> dict[str, str]:
    base = {
        "nom": "Relais petite enfance",
        "porteur": "CC Test",
        "theme_ctg": "petite_enfance",
        "zone_eligibilite": "99001",
    }
    return base | values


def _write_csv(path: Path, rows: list[dict[str, str]], header: list[str] = NAMES) -> Path:
    lines = [";".join(header)]
    lines += [";".join(row.get(name, "") for name in header) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _errors(path: Path, geography: Geography | None = GEOGRAPHY) -> list[str]:
    with pytest.raises(InventoryError) as caught:
        read_inventory(path, geography=geography)
    lines = str(caught.value).splitlines()
    assert all(str(path) in line for line in lines)  # every line names the file
    return lines[1:]


# ------------------------------------------------------------------ validation: CSV


def test_csv_errors_name_the_line_and_the_field(tmp_path):
    path = _write_csv(
        tmp_path / "inventaire.csv",
        [
            _row(),  # line 2: valid
            _row(nom="Accueil jeunes", theme_ctg="jeunesses"),  # line 3
            _row(nom="", porteur="CCAS"),  # line 4
            _row(nom="Multi-accueil", capacite="-3", unite_capacite="places"),  # line 5
            _row(nom="Crèche", zone_eligibilite="99001, 12345"),  # line 6
            _row(nom="Halte-garderie", zone_eligibilite="99005"),  # line 7
            _row(nom="LAEP", publics="famille", thematiques="famille--garde-denfant"),  # 8
            _row(nom="Ludothèque", capacite="12"),  # line 9: capacity without a unit
            _row(),  # line 10: same name and lead as line 2
            _row(nom="Épicerie", budget_annuel_euros="douze", couverture_besoins="bonne"),
        ],
    )
    errors = _errors(path)
    expected = [
        ("ligne 3", "theme_ctg", "'jeunesses'"),
        ("ligne 4", "nom", "champ obligatoire vide"),
        ("ligne 5", "capacite", "doit être positif ou nul"),
        ("ligne 6", "zone_eligibilite", "'12345' inconnu pour la géographie du rapport"),
        ("ligne 7", "zone_eligibilite", "99005 n'est pas dans le territoire du rapport"),
        ("ligne 8", "publics", "vouliez-vous dire 'familles'"),
        ("ligne 8", "thematiques", "vouliez-vous dire 'famille--garde-denfants'"),
        ("ligne 9", "unite_capacite", "précisez"),
        ("ligne 10", "nom", "en double avec la ligne 2"),
        ("ligne 11", "budget_annuel_euros", "un nombre est attendu"),
        ("ligne 11", "couverture_besoins", "satisfaisante, partielle"),
    ]
    assert len(errors) == len(expected), errors
    for (line, field, fragment), error in zip(expected, errors):
        assert f"{line} :" in error and f"champ « {field} »" in error, error
        assert fragment in error, error


def test_the_first_line_counts_the_errors(tmp_path):
    path = _write_csv(tmp_path / "i.csv", [_row(nom=""), _row(nom="ab", theme_ctg="x")])
    with pytest.raises(InventoryError, match=r"inventaire des dispositifs invalide \(3 erreur"):
        read_inventory(path, geography=GEOGRAPHY)


def test_header_problems_are_refused_before_the_rows(tmp_path):
    header = ["nom", "porteur", "theme", "theme_ctg", "theme_ctg"]
    path = _write_csv(tmp_path / "i.csv", [_row()], header=header)
    errors = _errors(path)
    assert any(
        "colonne « theme » inconnue (vouliez-vous dire « theme_ctg » ?)" in e for e in errors
    )
    assert any("colonne « theme_ctg » en double" in e for e in errors)
    assert any("obligatoire(s) absente(s) : zone_eligibilite" in e for e in errors)
    assert all("ligne 1 :" in e for e in errors)


def test_french_numbers_and_lists_are_read(tmp_path):
    path = _write_csv(
        tmp_path / "i.csv",
        [
            _row(
                budget_annuel_euros="12 500,50",
                capacite="24",
                unite_capacite="places",
                zone_eligibilite="99001 | 99003,99002",
                publics="familles, jeunes",
            )
        ],
    )
    inventory = read_inventory(path, geography=GEOGRAPHY)
    item = inventory.dispositifs[0]
    assert item.budget_annuel_euros == 12500.5
    assert item.capacite == 24
    assert item.publics == ("familles", "jeunes")
    assert item.communes == ("99001", "99002", "99003")
    assert inventory.lines == (2,)


def test_an_epci_or_departement_code_covers_its_communes_of_the_territory(tmp_path):
    path = _write_csv(
        tmp_path / "i.csv",
        [_row(zone_eligibilite="000000999"), _row(nom="Autre", zone_eligibilite="99")],
    )
    inventory = read_inventory(path, geography=GEOGRAPHY)
    assert [d.communes for d in inventory.dispositifs] == [TERRITORY.communes] * 2


def test_a_header_only_file_or_another_format_is_refused(tmp_path):
    empty = _write_csv(tmp_path / "vide.csv", [])
    assert any("aucun dispositif" in e for e in _errors(empty))
    other = tmp_path / "i.ods"
    other.write_bytes(b"x")
    with pytest.raises(InventoryError, match="attendu : .csv ou .xlsx"):
        read_inventory(other)
    with pytest.raises(InventoryError, match="introuvable"):
        read_inventory(tmp_path / "absent.csv")


# ----------------------------------------------------------------- validation: XLSX


def test_xlsx_errors_use_the_spreadsheet_row_numbers(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "dispositifs"
    sheet.append(NAMES)
    sheet.append([_row().get(n, "") for n in NAMES])  # row 2
    sheet.append([None] * len(NAMES))  # row 3: blank, skipped
    sheet.append([_row(nom="Crèche", capacite=-1).get(n) for n in NAMES])  # row 4
    sheet.append([_row(nom="Relais", theme_ctg="inconnu").get(n) for n in NAMES])  # row 5
    sheet.append([_row(nom="LAEP", zone_eligibilite=99005).get(n) for n in NAMES])  # row 6
    path = tmp_path / "inventaire.xlsx"
    workbook.save(path)
    errors = _errors(path)
    assert len(errors) == 3, errors
    assert "ligne 4 : champ « capacite » : doit être positif ou nul" in errors[0]
    assert "ligne 5 : champ « theme_ctg »" in errors[1] and "'inconnu'" in errors[1]
    # a number cell is read as its digits: the commune outside the territory is named
    assert "ligne 6 : champ « zone_eligibilite »" in errors[2] and "99005" in errors[2]
    assert "feuille « dispositifs »" in errors[0]


def test_xlsx_row_missing_a_required_value(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(NAMES)
    sheet.append([_row(porteur="").get(n) for n in NAMES])
    path = tmp_path / "i.xlsx"
    workbook.save(path)
    (error,) = _errors(path)
    assert "ligne 2 : champ « porteur » : champ obligatoire vide" in error


# ------------------------------------------------------------------------- crossing


def _inventory_table(tmp_path: Path) -> pd.DataFrame:
    path = _write_csv(
        tmp_path / "i.csv",
        [
            _row(
                nom="Crèche A",
                zone_eligibilite="99001, 99002",
                capacite="10",
                unite_capacite="places",
            ),
            _row(nom="Crèche B", zone_eligibilite="99002", capacite="5", unite_capacite="places"),
            _row(
                nom="Mission locale",
                theme_ctg="enfance_jeunesse, emploi_insertion",
                zone_eligibilite="000000999",
            ),
            _row(nom="OPAH", theme_ctg="logement", zone_eligibilite="99003"),
        ],
    )
    return read_inventory(path, geography=GEOGRAPHY).table()


def test_communes_covered_by_none_are_computed_by_theme(tmp_path):
    table = _inventory_table(tmp_path)
    coverage = coverage_table(table, GEOGRAPHY.communes)
    themes = list(code_lists().themes)
    assert len(coverage) == 4 * len(themes)
    counts = coverage.set_index(["theme_ctg", "code"])["nombre_dispositifs"]
    # by hand: petite enfance A→{99001, 99002}, B→{99002}
    assert counts["petite_enfance"].to_dict() == {"99001": 1, "99002": 2, "99003": 0, "99004": 0}
    summary = theme_summary(table, coverage).set_index("theme_ctg")
    assert summary.loc["petite_enfance", "communes_non_couvertes"] == ["Charlie", "Delta"]
    assert summary.loc["petite_enfance", "capacites"] == {"places": 15.0}
    assert summary.loc["enfance_jeunesse", "communes_non_couvertes"] == []
    assert summary.loc["emploi_insertion", "nombre_dispositifs"] == 1
    assert summary.loc["logement", "communes_non_couvertes"] == ["Alpha", "Bravo", "Delta"]
    assert summary.loc["seniors", "communes_non_couvertes"] == [
        "Alpha",
        "Bravo",
        "Charlie",
        "Delta",
    ]
    assert summary.loc["seniors", "nombre_dispositifs"] == 0


def _figure(territoire: str, indicateur: str, annee: str, valeur: float, ok: bool = True):
    return {
        "territoire": territoire,
        "indicateur": indicateur,
        "annee": annee,
        "valeur": valeur,
        "unite": "%",
        "source": "test",
        "definition": "",
        "disponible": ok,
        "note": "",
        "ic_bas": math.nan,
        "ic_haut": math.nan,
    }


def test_needs_take_the_latest_year_and_the_comparator_of_that_year():
    figures = pd.DataFrame(
        [
            _figure("epci:1", "part_neet_15_24", "2016", 12.0),
            _figure("epci:1", "part_neet_15_24", "2022", 15.0),
            _figure("epci:1", "part_neet_15_24", "2011-2022", 3.0),  # a period: skipped
            _figure("epci:1", "taux_chomage_15_24", "2022", math.nan, ok=False),
            _figure("departement:99", "part_neet_15_24", "2022", 13.0),
            _figure("departement:99", "part_neet_15_24", "2016", 11.0),
        ]
    )
    needs = needs_table(
        figures, territory="epci:1", comparator="departement:99", themes=["enfance_jeunesse"]
    )
    assert needs[["indicateur", "annee", "valeur", "valeur_comparateur"]].values.tolist() == [
        ["part_neet_15_24", "2022", 15.0, 13.0]
    ]


def test_every_needs_indicator_is_in_the_registries():
    known = {i.id for i in load_registry().indicators}
    for theme in code_lists().themes.values():
        assert set(theme.needs) <= known, theme.code
        assert len(theme.needs) <= 2, theme.code  # the crossing stays compact
        assert set(theme.data_inclusion) <= set(code_lists().thematiques), theme.code


# -------------------------------------------------------------------------- template


def test_xlsx_template_round_trip(tmp_path):
    path = write_template(tmp_path / "modele.xlsx")
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["dispositifs", "notice", "codes"]
    assert [c.value for c in workbook["dispositifs"][1]] == NAMES
    listed = {(r[0], r[1]) for r in workbook["codes"].iter_rows(min_row=2, values_only=True)}
    assert ("publics", "familles") in listed and ("theme_ctg", "seniors") in listed
    assert len(listed) == len(code_rows())
    with pytest.raises(InventoryError, match="aucun dispositif"):
        read_inventory(path, geography=GEOGRAPHY)  # the blank template has no line
    sheet = workbook["dispositifs"]
    sheet.append([_row(capacite="8", unite_capacite="places").get(n) for n in NAMES])
    sheet.append([_row(nom="Épicerie sociale", theme_ctg="acces_aux_droits").get(n) for n in NAMES])
    workbook.save(path)
    inventory = read_inventory(path, geography=GEOGRAPHY)
    assert [d.nom for d in inventory.dispositifs] == ["Relais petite enfance", "Épicerie sociale"]
    assert inventory.lines == (2, 3)
    assert inventory.dispositifs[0].capacite == 8


def test_csv_template_round_trip(tmp_path):
    path = write_template(tmp_path / "modele.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.decode("utf-8-sig").strip() == ";".join(NAMES)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(";".join(_row().get(n, "") for n in NAMES) + "\r\n")
    inventory = read_inventory(path, geography=GEOGRAPHY)
    assert inventory.dispositifs[0].theme_ctg == ("petite_enfance",)


def test_template_refuses_another_extension(tmp_path):
    from ctgstats.core.errors import InputError

    with pytest.raises(InputError, match=".xlsx ou .csv"):
        write_template(tmp_path / "modele.ods")


# ----------------------------------------------------------------------- demo, params


def test_demo_inventory_is_valid_over_the_demo_geography():
    assert demo.COLUMNS == tuple(NAMES)
    path = DATA_DIR / demo.FILE
    assert path.read_bytes() == demo.inventory_bytes()
    from ctgstats.data.catalog import Catalog

    composition = Catalog.from_dirs(["ctgstats:demo"]).load_composition(2025)
    table = composition.table
    members = tuple(table.loc[table["epci"] == "000000101", "commune"])
    territory = ResolvedTerritory(
        level=Level.EPCI, code="000000101", name="CC", communes=members, cog_year=2025
    )
    inventory = read_inventory(path, geography=Geography.of(territory, composition))
    assert len(inventory.dispositifs) == 15
    petite = [d for d in inventory.dispositifs if "petite_enfance" in d.theme_ctg]
    covered = {c for d in petite for c in d.communes}
    assert set(members) - covered == {"00008", "00009", "00016", "00017"}


def test_params_anchor_the_inventory_and_plan_makes_it_absolute(tmp_path):
    (tmp_path / "sub").mkdir()
    file = tmp_path / "sub" / "p.yaml"
    file.write_text(
        'territory: {level: epci, code: "000000101"}\ndispositifs: inv.xlsx\n', encoding="utf-8"
    )
    params = load_params(file)
    assert params.dispositifs == str(tmp_path / "sub" / "inv.xlsx")
    assert plan_run(params).injected["dispositifs"] == str(tmp_path / "sub" / "inv.xlsx")
    demo_params = parse_params(
        {"territory": {"level": "epci", "code": "000000101"}, "dispositifs": "ctgstats:demo/x.csv"}
    )
    assert plan_run(demo_params).injected["dispositifs"] == "ctgstats:demo/x.csv"


def test_validate_refuses_a_bad_inventory_before_any_kernel(tmp_path):
    from ctgstats.pipeline.prepare import validate

    path = _write_csv(
        tmp_path / "i.csv",
        [_row(zone_eligibilite="00001"), _row(nom="X", zone_eligibilite="00001", theme_ctg="nope")],
    )
    params = parse_params(
        {
            "territory": {"level": "epci", "code": "000000101"},
            "cog_year": 2025,
            "census": {"vintages": [2011, 2016, 2022]},
            "notebooks": ["10_dispositifs"],
            "dispositifs": str(path),
        }
    )
    with pytest.raises(InventoryError) as caught:
        validate(params)
    assert "ligne 3 : champ « theme_ctg »" in str(caught.value)


@pytest.mark.cli
def test_cli_writes_the_template_and_refuses_to_overwrite(tmp_path):
    target = tmp_path / "modele.xlsx"
    first = run_cli("dispositifs-modele", target)
    assert first.returncode == 0, first.stderr
    assert "Modèle écrit" in first.stdout and target.is_file()
    again = run_cli("dispositifs-modele", target)
    assert again.returncode == 2 and "existe déjà" in again.stderr


# -------------------------------------------------------------------------------- views


def _portrait(tables: dict, figures: pd.DataFrame | None = None, dispositifs: str | None = None):
    from types import SimpleNamespace

    comparator = ResolvedTerritory(
        level=Level.DEPARTEMENT, code="99", name="Dép. test", communes=None, cog_year=2025
    )
    return SimpleNamespace(
        fictional=True,
        territory=TERRITORY,
        comparators=[comparator],
        cog_year=2025,
        vintages=[2022],
        filosofi_year=None,
        tables=tables,
        figures=figures if figures is not None else pd.DataFrame([_figure("x", "y", "2022", 1)]),
        params=SimpleNamespace(dispositifs=dispositifs),
        chapter_vigilance={},
    )


def test_without_an_inventory_the_views_say_how_to_get_the_template():
    from ctgstats.portrait.dispositifs import views

    portrait = _portrait({})
    header = views.header(portrait).data
    assert "Aucun inventaire des dispositifs" in header
    assert "ctgstats dispositifs-modele" in header and "Données fictives" in header
    for view in (views.synthetic_table, views.needs_crossing, views.details_table):
        assert "Pas d'inventaire des dispositifs" in view(portrait).data


def test_the_crossing_view_puts_needs_next_to_the_uncovered_communes(tmp_path):
    from ctgstats.portrait.dispositifs import views

    table = _inventory_table(tmp_path)
    tables = {
        "dispositifs": table,
        "dispositifs_couverture": coverage_table(table, GEOGRAPHY.communes),
    }
    figures = pd.DataFrame(
        [
            _figure(TERRITORY.id, "taux_couverture_accueil_jeune_enfant", "2024", 41.24),
            _figure("departement:99", "taux_couverture_accueil_jeune_enfant", "2024", 58.0),
        ]
    )
    portrait = _portrait(tables, figures, dispositifs="i.csv")
    crossing = views.needs_crossing(portrait).data
    row = crossing.split("<tr>")[2]  # first body row: petite enfance
    assert "Petite enfance" in row and "de l&#x27;accueil du jeune enfant : 41,2" in row
    assert "(dép. 58,0\u00a0%), 2024" in row
    assert "2 sur 4" in row  # Charlie and Delta (by hand)
    synthetic = views.synthetic_table(portrait).data
    assert "Crèche A; Crèche B" in synthetic and "15 places" in synthetic
    assert "2 sur 4" in synthetic and "partielle" not in synthetic  # none graded
    details = views.details_table(portrait).data
    assert "Crèche A (CC Test)" in details and "capacité 10 places" in details


def test_the_portrait_memo_follows_the_inventory_content(tmp_path):
    from ctgstats.portrait.build import build_portrait

    path = _write_csv(tmp_path / "i.csv", [_row(zone_eligibilite="00001")])
    params = parse_params(
        {
            "territory": {"level": "epci", "code": "000000101"},
            "cog_year": 2025,
            "census": {"vintages": [2011, 2016, 2022]},
            "dispositifs": str(path),
        }
    )
    cache = tmp_path / "cache"
    first = build_portrait(params, cache_dir=cache)
    assert list(first.tables["dispositifs"]["nom"]) == ["Relais petite enfance"]
    _write_csv(path, [_row(nom="Crèche", zone_eligibilite="00001, 00002")])
    second = build_portrait(params, cache_dir=cache)  # same params, new file content
    assert list(second.tables["dispositifs"]["nom"]) == ["Crèche"]
    assert first.content_key != second.content_key


def test_a_value_right_of_the_last_column_is_refused(tmp_path):
    path = tmp_path / "i.csv"
    cells = [_row().get(n, "") for n in NAMES]
    path.write_text(";".join(NAMES) + "\n" + ";".join([*cells, "oubli"]) + "\n", encoding="utf-8")
    (error,) = _errors(path)
    assert "ligne 2 : valeur 'oubli' hors des colonnes" in error
