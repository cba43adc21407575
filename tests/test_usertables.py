"""The reader of local data tables: good files, and every kind of bad row with its line."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from ctgstats.data.registry import load_registry
from ctgstats.indicators.usertables import (
    PROBLEM_COLUMNS,
    TEMPLATE_COLUMNS,
    TEMPLATE_PATH,
    VALUE_COLUMNS,
    UserTableError,
    parse_number,
    parse_period,
    read_user_table,
)

HEADER = ",".join(TEMPLATE_COLUMNS)

GOOD_ROWS = [
    (
        "places_eaje_pour_100_enfants_moins_3,000000101,epci,2022,17.9640718563,30,167,"
        '"CAF / PMI, places au 31/12",'
    ),
    "allocataires_caf,00001,commune,2022-12-31,412,,,CAF au 31/12,",
    "allocataires_caf,00001,commune,2023,405,,,CAF au 31/12,foyers",
    "frequentation_alsh,000000101,epci,2022-2023,268,,,Bilan ALSH,année scolaire",
    "allocataires_rsa,2A,departement,2022,1 148,,,CAF,",
    "allocataires_rsa,FR,france,2022,1900000,,,CAF,",
]


@pytest.fixture(scope="module")
def registry():
    return load_registry()


def _csv(
    tmp_path: Path,
    rows: list[str],
    *,
    name: str = "table.csv",
    header: str = HEADER,
    encoding: str = "utf-8",
) -> Path:
    path = tmp_path / name
    path.write_bytes(("\n".join([header, *rows]) + "\n").encode(encoding))
    return path


def _xlsx(tmp_path: Path, rows: list[list[object]], *, name: str = "table.xlsx") -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "donnees"
    sheet.append(TEMPLATE_COLUMNS)
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


def _problems(path: Path, registry) -> pd.DataFrame:
    table = read_user_table(path, registry=registry, strict=False)
    return table.problems


# --------------------------------------------------------------------------- good files


def test_template_reads_cleanly(registry):
    table = read_user_table(TEMPLATE_PATH, registry=registry)
    assert table.ok
    assert len(table.values) == 3
    header = TEMPLATE_PATH.read_text(encoding="utf-8").splitlines()[0]
    assert header == HEADER
    assert table.values["annee"].tolist() == [2022, 2022, 2023]  # 2022-2023 -> 2023


def test_good_csv(tmp_path, registry):
    table = read_user_table(_csv(tmp_path, GOOD_ROWS), registry=registry)
    values = table.values
    assert list(values.columns) == VALUE_COLUMNS
    assert list(table.problems.columns) == PROBLEM_COLUMNS and table.problems.empty
    assert values["code"].tolist() == ["000000101", "00001", "00001", "000000101", "2A", "FR"]
    assert values["annee"].tolist() == [2022, 2022, 2023, 2023, 2022, 2022]
    assert values["ligne"].tolist() == [2, 3, 4, 5, 6, 7]
    assert values["valeur"].iloc[4] == 1148.0  # space as thousands separator
    assert values["numerateur"].iloc[0] == 30 and values["denominateur"].iloc[0] == 167
    assert pd.isna(values["numerateur"].iloc[1])
    assert (values["fichier"] == "table.csv").all()
    assert values["source"].iloc[0] == "CAF / PMI, places au 31/12"
    assert values["annee"].dtype == "int64" and values["valeur"].dtype == "float64"
    assert pd.api.types.is_string_dtype(values["code"])


def test_semicolon_decimal_comma_bom_and_accented_header(tmp_path, registry):
    header = "Indicateur;Code;Niveau;Période;Valeur;Numérateur;Dénominateur;Source;Commentaire"
    rows = [
        "places_eaje_pour_100_enfants_moins_3;00001;commune;2022;17,96;30;167;CAF;",
        "allocataires_caf;01001;commune;2022;1 148,0;;;CAF;",
    ]
    path = tmp_path / "bom.csv"
    path.write_bytes(("\ufeff" + "\r\n".join([header, *rows]) + "\r\n").encode("utf-8"))
    table = read_user_table(path, registry=registry)
    assert table.values["valeur"].tolist() == [17.96, 1148.0]
    assert table.values["code"].tolist() == ["00001", "01001"]


def test_value_computed_from_numerator_and_denominator(tmp_path, registry):
    path = _csv(
        tmp_path, [("places_eaje_pour_100_enfants_moins_3,00001,commune,2022,,30,167,CAF,")]
    )
    value = read_user_table(path, registry=registry).values["valeur"].iloc[0]
    assert value == pytest.approx(30 / 167 * 100)


def test_good_xlsx(tmp_path, registry):
    path = _xlsx(
        tmp_path,
        [
            [
                "places_eaje_pour_100_enfants_moins_3",
                "000000101",
                "epci",
                2022,
                17.9640718563,
                30,
                167,
                "CAF / PMI",
                None,
            ],
            ["allocataires_caf", "00001", "commune", "2022-2023", 412, None, None, "CAF", "x"],
            [None] * 9,
            ["allocataires_rsa", "00", "departement", 2023, "1 148,5", None, None, "CAF", None],
        ],
    )
    table = read_user_table(path, registry=registry)
    values = table.values
    assert values["code"].tolist() == ["000000101", "00001", "00"]
    assert values["annee"].tolist() == [2022, 2023, 2023]
    assert values["valeur"].tolist() == [pytest.approx(17.9640718563), 412.0, 1148.5]
    assert values["ligne"].tolist() == [2, 3, 5]  # sheet rows; the blank row 4 is skipped


def test_demo_tables_csv_and_xlsx_agree(registry):
    folder = Path(__file__).resolve().parents[1] / "src/ctgstats/demo/data/suivi"
    if not (folder / "donnees_locales.csv").is_file():
        pytest.skip("demo follow-up data not generated")
    csv_values = read_user_table(folder / "donnees_locales.csv", registry=registry).values
    xlsx_values = read_user_table(folder / "donnees_locales.xlsx", registry=registry).values
    columns = [c for c in VALUE_COLUMNS if c != "fichier"]
    pd.testing.assert_frame_equal(csv_values[columns], xlsx_values[columns])


# --------------------------------------------------------------------------- bad rows

BAD_ROWS = [
    "allocataires_caf,00001,commune,2022,412,,,CAF,",  # 2 good
    "allocataire_caf,00001,commune,2022,412,,,CAF,",  # 3
    "allocataires_caf,1001,commune,2022,412,,,CAF,",  # 4
    "allocataires_caf,00001,canton,2022,412,,,CAF,",  # 5
    "allocataires_caf,00001,commune,fin 2022,412,,,CAF,",  # 6
    "allocataires_caf,00002,commune,2022,quatre cents,,,CAF,",  # 7
    "places_eaje_pour_100_enfants_moins_3,00001,commune,2022,18,30,,CAF,",  # 8
    "places_eaje_pour_100_enfants_moins_3,00002,commune,2022,19,30,167,CAF,",  # 9
    "allocataires_rsa,00001,commune,2022,10,,,CAF,",  # 10
    "allocataires_rsa,00001,commune,2022-12-31,11,,,CAF,",  # 11
    "population,00001,commune,2022,800,,,Insee,",  # 12
    "allocataires_aah,00001,commune,2022,9,,,,",  # 13
    "allocataires_aah,00002,commune,2022,9,5,,,CAF,note",  # 14
    "allocataires_prime_activite,00003,commune,2022,12,,,CAF,",  # 15 good
]


def test_every_bad_row_is_reported_with_its_line(tmp_path, registry):
    problems = _problems(_csv(tmp_path, BAD_ROWS), registry)
    by_line = {line: group for line, group in problems.groupby("ligne")}
    assert sorted(by_line) == list(range(3, 15))

    def only(line: int) -> pd.Series:
        assert len(by_line[line]) == 1, by_line[line]
        return by_line[line].iloc[0]

    row = only(3)
    assert (row["colonne"], row["valeur"]) == ("indicateur", "allocataire_caf")
    assert "inconnu" in row["probleme"] and "« allocataires_caf »" in row["probleme"]
    row = only(4)
    assert (row["colonne"], row["valeur"]) == ("code", "1001")
    assert "mal formé pour le niveau commune" in row["probleme"]
    assert "« 01001 »" in row["probleme"]
    row = only(5)
    assert (row["colonne"], row["valeur"]) == ("niveau", "canton")
    row = only(6)
    assert (row["colonne"], row["valeur"]) == ("periode", "fin 2022")
    assert "période illisible" in row["probleme"]
    row = only(7)
    assert (row["colonne"], row["valeur"]) == ("valeur", "quatre cents")
    row = only(8)
    assert (row["colonne"], row["valeur"]) == ("numerateur", "30")
    assert "numerateur sans denominateur" in row["probleme"]
    row = only(9)
    assert (row["colonne"], row["valeur"]) == ("valeur", "19")
    assert "incohérente" in row["probleme"] and "17,9641" in row["probleme"]
    for line, other in ((10, 11), (11, 10)):
        row = only(line)
        assert row["colonne"] == "indicateur, niveau, code, periode"
        assert f"ligne {other}" in row["probleme"] and "doublon" in row["probleme"]
    row = only(12)
    assert (row["colonne"], row["valeur"]) == ("indicateur", "population")
    assert "recensement" in row["probleme"]
    row = only(13)
    assert row["colonne"] == "source"
    overflow = by_line[14]
    assert "(au-delà de l'en-tête)" in overflow["colonne"].tolist()


def test_strict_raises_with_every_line(tmp_path, registry):
    path = _csv(tmp_path, BAD_ROWS)
    with pytest.raises(UserTableError) as error:
        read_user_table(path, registry=registry)
    message = str(error.value)
    assert message.startswith(f"{path} : ")
    for line in range(3, 15):
        assert f"ligne {line}, colonne" in message
    assert "ligne 4, colonne « code », valeur « 1001 »" in message
    assert "ligne 2," not in message and "ligne 15," not in message
    assert sorted(set(error.value.problems["ligne"])) == list(range(3, 15))


def test_non_strict_keeps_only_the_good_rows(tmp_path, registry):
    table = read_user_table(_csv(tmp_path, BAD_ROWS), registry=registry, strict=False)
    assert not table.ok
    assert table.values["ligne"].tolist() == [2, 15]
    assert table.values["indicateur"].tolist() == [
        "allocataires_caf",
        "allocataires_prime_activite",
    ]
    # both rows of a duplicate are left out: which one is right is the analyst's call
    assert 10 not in table.values["ligne"].tolist()


def test_valeur_within_half_a_percent(tmp_path, registry):
    rows = [
        "places_eaje_pour_100_enfants_moins_3,00001,commune,2022,18.0,30,167,CAF,",  # 0.2 %
        "places_eaje_pour_100_enfants_moins_3,00002,commune,2022,18.1,30,167,CAF,",
    ]  # 0.76 %
    problems = _problems(_csv(tmp_path, rows), registry)
    assert problems["ligne"].tolist() == [3]


def test_denominator_zero_and_denominator_alone(tmp_path, registry):
    rows = [
        "places_eaje_pour_100_enfants_moins_3,00001,commune,2022,,30,0,CAF,",
        "places_eaje_pour_100_enfants_moins_3,00002,commune,2022,18,,167,CAF,",
    ]
    problems = _problems(_csv(tmp_path, rows), registry)
    assert problems.set_index("ligne")["colonne"].to_dict() == {
        2: "denominateur",
        3: "denominateur",
    }
    assert "nul" in problems["probleme"].iloc[0]


def test_line_numbers_after_a_multiline_cell(tmp_path, registry):
    rows = [
        'allocataires_caf,00001,commune,2022,412,,,CAF,"commentaire\nsur deux lignes"',
        "allocataires_caf,00001,commune,2023,x,,,CAF,",
    ]
    problems = _problems(_csv(tmp_path, rows), registry)
    assert problems["ligne"].tolist() == [4]


def test_xlsx_numeric_code_lost_its_zeros(tmp_path, registry):
    path = _xlsx(
        tmp_path, [["allocataires_caf", 1001, "commune", 2022, 412, None, None, "CAF", None]]
    )
    problems = _problems(path, registry)
    assert problems["ligne"].tolist() == [2]
    assert problems["valeur"].iloc[0] == "1001"
    assert "« 01001 »" in problems["probleme"].iloc[0]
    assert "texte" in problems["probleme"].iloc[0]


def test_missing_required_column_always_raises(tmp_path, registry):
    header = HEADER.replace("valeur,", "valeurs,")
    path = _csv(tmp_path, ["allocataires_caf,00001,commune,2022,412,,,CAF,"], header=header)
    for strict in (True, False):
        with pytest.raises(UserTableError, match=r"ligne 1 : .*« valeur » \(« valeurs » \?\)"):
            read_user_table(path, registry=registry, strict=strict)


def test_misspelt_optional_column_is_reported(tmp_path, registry):
    header = HEADER.replace("numerateur", "numerateurs")
    path = _csv(tmp_path, ["allocataires_caf,00001,commune,2022,412,,,CAF,"], header=header)
    problems = _problems(path, registry)
    assert problems["ligne"].tolist() == [1]
    assert "« numerateur »" in problems["probleme"].iloc[0]


def test_unreadable_files(tmp_path, registry):
    latin = _csv(
        tmp_path,
        ["allocataires_caf,00001,commune,2022,412,,,Données CAF,"],
        name="latin.csv",
        encoding="latin-1",
    )
    with pytest.raises(UserTableError, match="ligne 2 : le fichier n'est pas encodé en UTF-8"):
        read_user_table(latin, registry=registry)
    other = tmp_path / "table.ods"
    other.write_bytes(b"x")
    with pytest.raises(UserTableError, match="non pris en charge"):
        read_user_table(other, registry=registry)
    with pytest.raises(UserTableError, match="introuvable"):
        read_user_table(tmp_path / "absent.csv", registry=registry)
    empty = tmp_path / "vide.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(UserTableError, match="fichier vide"):
        read_user_table(empty, registry=registry)


# --------------------------------------------------------------------------- parsers


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("2022", 2022),
        ("2022-12-31", 2022),
        ("31/12/2022", 2022),
        ("2022-2023", 2023),
        ("2022/2023", 2023),
        ("2022-23", 2023),
        (" 2024 ", 2024),
        ("2019-2021", 2021),
    ],
)
def test_parse_period(text, year):
    assert parse_period(text) == year


@pytest.mark.parametrize(
    "text", ["22", "2022-13-01", "31/02/2022", "2023-2022", "2022-25", "1850", "T4 2022", ""]
)
def test_parse_period_errors(text):
    with pytest.raises(ValueError):
        parse_period(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("17.96", 17.96),
        ("17,96", 17.96),
        ("1 148", 1148.0),
        ("1\u202f148,5", 1148.5),
        ("-3", -3.0),
        ("\u22123,5", -3.5),
        ("0", 0.0),
        ("1e3", 1000.0),
    ],
)
def test_parse_number(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["1.234,5", "1,234.5", "12 %", "abc", "nan", "inf", "1,2,3"])
def test_parse_number_errors(text):
    with pytest.raises(ValueError):
        parse_number(text)
