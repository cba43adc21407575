"""Territory resolution, commune movements, harmonisation and aggregation (hand-made)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from ctgstats.core.codes import Level
from ctgstats.core.territories import (
    Movements,
    TerritoryError,
    aggregate,
    composition_from_frame,
    harmonise,
    main_code_of,
    resolve,
)

MVT_COLUMNS = [
    "MOD",
    "DATE_EFF",
    "TYPECOM_AV",
    "COM_AV",
    "TNCC_AV",
    "NCC_AV",
    "NCCENR_AV",
    "LIBELLE_AV",
    "TYPECOM_AP",
    "COM_AP",
    "TNCC_AP",
    "NCC_AP",
    "NCCENR_AP",
    "LIBELLE_AP",
]


@pytest.fixture
def composition():
    frame = pd.DataFrame(
        {
            "CODGEO": ["31471", "31001", "31002", "09001", "31003"],
            "LIBGEO": ["Saint-Béat-Lez", "Agassac", "Aignes", "Ariège-1", "Trois"],
            "EPCI": ["200072635", "200072635", "200071298", "200072635", "200071298"],
            "LIBEPCI": ["CC PHG", "CC PHG", "CC TL", "CC PHG", "CC TL"],
            "DEP": ["31", "31", "31", "09", "31"],
            "REG": ["76"] * 5,
        }
    )
    return composition_from_frame(frame, cog_year=2026, source="compo.csv")


def _movements(rows):
    frame = pd.DataFrame([dict(zip(MVT_COLUMNS, r)) for r in rows], columns=MVT_COLUMNS)
    return Movements.from_frame(frame.fillna(""), source="mvt.csv")


MERGE = [
    (
        "32",
        "2019-01-01",
        "COM",
        "31298",
        "0",
        "LEZ",
        "Lez",
        "Lez",
        "COM",
        "31471",
        "0",
        "SAINT BEAT LEZ",
        "Saint-Béat-Lez",
        "Saint-Béat-Lez",
    ),
    (
        "32",
        "2019-01-01",
        "COM",
        "31471",
        "0",
        "SAINT BEAT",
        "Saint-Béat",
        "Saint-Béat",
        "COM",
        "31471",
        "0",
        "SAINT BEAT LEZ",
        "Saint-Béat-Lez",
        "Saint-Béat-Lez",
    ),
    (
        "32",
        "2019-01-01",
        "COM",
        "31298",
        "0",
        "LEZ",
        "Lez",
        "Lez",
        "COMD",
        "31298",
        "0",
        "LEZ",
        "Lez",
        "Lez",
    ),
]


def test_resolve_levels(composition):
    epci = resolve(Level.EPCI, "200072635", composition=composition)
    assert epci.communes == ("09001", "31001", "31471")
    assert epci.name == "CC PHG"
    assert epci.id == "epci:200072635"
    dep = resolve("departement", "31", composition=composition)
    assert dep.communes == ("31001", "31002", "31003", "31471")
    group = resolve(
        "groupe", "vallee", composition=composition, name="Vallée", communes=["31471", "31001"]
    )
    assert group.communes == ("31001", "31471")


def test_unknown_codes_are_refused_naming_field_and_file(composition):
    with pytest.raises(TerritoryError) as caught:
        resolve("epci", "200072636", composition=composition)
    message = str(caught.value)
    assert "territory.code" in message and "'200072636'" in message
    assert "COG 2026" in message and "compo.csv" in message
    assert "200072635" in message  # closest code suggested
    with pytest.raises(TerritoryError, match="31999"):
        resolve("groupe", "g", composition=composition, name="G", communes=["31001", "31999"])


def test_france_from_a_partial_table_is_not_available(composition):
    france = resolve("france", "FR", composition=composition)
    assert france.communes is None
    assert france.note.startswith("composition incomplète") and "99" in france.note


def test_straddling_epci_takes_the_departement_with_most_communes(composition):
    members = ["09001", "31001", "31471"]
    assert main_code_of(members, composition=composition, column="departement") == "31"


def test_codes_stay_strings(composition):
    assert composition.table["commune"].tolist()[3] == "09001"


def test_merge_chain_and_dates():
    moves = _movements(
        MERGE
        + [
            (
                "31",
                "2022-01-01",
                "COM",
                "31471",
                "0",
                "X",
                "X",
                "X",
                "COM",
                "31999",
                "0",
                "Y",
                "Y",
                "Y",
            )
        ]
    )
    assert moves.successors("31298", until_year=2018) == {"31298": ""}
    assert set(moves.successors("31298", until_year=2019)) == {"31471"}
    assert set(moves.successors("31298", until_year=2023)) == {"31999"}


def test_harmonise_sums_merged_communes_and_blanks_medians(composition):
    source = pd.DataFrame(
        {"NBMEN16": [120.0, 30.5, 80.0], "Q216": [19000.0, 17000.0, 21000.0]},
        index=pd.Index(["31471", "31298", "31001"], name="CODGEO"),
    )
    result, records, unknown = harmonise(
        source,
        target_codes=composition.table["commune"],
        movements=_movements(MERGE),
        cog_year=2026,
        source="FILO2016_DISP_COM.csv",
        non_additive=["Q216"],
        departements=["31", "09"],
    )
    assert result.loc["31471", "NBMEN16"] == pytest.approx(150.5)
    assert math.isnan(result.loc["31471", "Q216"])  # a median is not additive
    assert result.loc["31001", "Q216"] == 21000.0
    assert unknown == []
    assert len(records) == 1
    assert records[0].old_codes == ("31298", "31471") and records[0].new_code == "31471"
    assert "non additifs" in records[0].detail


def test_harmonise_reports_unknown_codes_of_covered_departements_only(composition):
    source = pd.DataFrame(
        {"P22_POP": [10.0, 20.0, 5.0]}, index=pd.Index(["31001", "31777", "75056"], name="CODGEO")
    )
    result, _, unknown = harmonise(
        source,
        target_codes=composition.table["commune"],
        movements=_movements(MERGE),
        cog_year=2026,
        source="rp",
        departements=["31", "09"],
    )
    assert unknown == ["31777"]  # 75056 is outside the composition's départements
    assert list(result.index) == ["31001"]


def test_split_commune_is_shared_by_population():
    frame = pd.DataFrame(
        {
            "CODGEO": ["50001", "50002"],
            "LIBGEO": ["A", "B"],
            "EPCI": ["200000001"] * 2,
            "LIBEPCI": ["E"] * 2,
            "DEP": ["50"] * 2,
            "REG": ["28"] * 2,
        }
    )
    comp = composition_from_frame(frame, cog_year=2024, source="c")
    split = _movements(
        [
            (
                "21",
                "2023-01-01",
                "COM",
                "50001",
                "0",
                "A",
                "A",
                "A",
                "COM",
                "50002",
                "0",
                "B",
                "B",
                "B",
            )
        ]
    )
    source = pd.DataFrame({"P19_POP": [1000.0]}, index=pd.Index(["50001"], name="CODGEO"))
    result, records, _ = harmonise(
        source,
        target_codes=comp.table["commune"],
        movements=split,
        cog_year=2024,
        source="rp",
        source_year=2022,
        weights={"50001": 300.0, "50002": 100.0},
    )
    assert result.loc["50001", "P19_POP"] == pytest.approx(750.0)
    assert result.loc["50002", "P19_POP"] == pytest.approx(250.0)
    assert records[0].action == "scission"
    with pytest.raises(TerritoryError, match="a été scindée"):
        harmonise(
            source,
            target_codes=comp.table["commune"],
            movements=split,
            cog_year=2024,
            source="rp",
            source_year=2022,
        )
    # a source already in the 2024 geography is left as it is
    same, records, _ = harmonise(
        source,
        target_codes=comp.table["commune"],
        movements=split,
        cog_year=2024,
        source="rp",
        source_year=2024,
    )
    assert same.loc["50001", "P19_POP"] == 1000.0 and records == []


def test_aggregate_sums_numerators_and_denominators(composition):
    communes = pd.DataFrame(
        {"C22_FAMMONO": [10.0, 30.0, 5.0], "C22_FAM": [100.0, 100.0, 50.0]},
        index=pd.Index(["31001", "31471", "09001"], name="CODGEO"),
    )
    epci = resolve("epci", "200072635", composition=composition)
    totals, notes = aggregate(communes, [epci])
    assert totals.loc["epci:200072635", "C22_FAMMONO"] == 45.0
    assert totals.loc["epci:200072635", "C22_FAM"] == 250.0
    # ratio of sums 45/250 = 18 %, not the mean of ratios (10+30+10)/3 = 16.7 %
    assert notes == {}


def test_aggregate_never_presents_a_partial_sum(composition):
    communes = pd.DataFrame(
        {"P22_POP": [10.0, 30.0]}, index=pd.Index(["31001", "31471"], name="CODGEO")
    )
    epci = resolve("epci", "200072635", composition=composition)
    france = resolve("france", "FR", composition=composition)
    totals, notes = aggregate(communes, [epci, france])
    assert math.isnan(totals.loc["epci:200072635", "P22_POP"])
    assert "09001" in notes["epci:200072635"]
    assert math.isnan(totals.loc["france:FR", "P22_POP"])


def test_merge_with_a_missing_part_is_not_a_partial_sum(composition):
    # Filosofi 2016 (geography 2017): Lez (31298) is secret, hence absent from the file.
    source = pd.DataFrame(
        {"NBMEN16": [120.0, 80.0], "Q216": [19000.0, 21000.0]},
        index=pd.Index(["31471", "31001"], name="CODGEO"),
    )
    result, records, _ = harmonise(
        source,
        target_codes=composition.table["commune"],
        movements=_movements(MERGE),
        cog_year=2026,
        source="FILO2016_DISP_COM.csv",
        non_additive=["Q216"],
        departements=["31", "09"],
        source_year=2017,
    )
    assert result.loc["31471"].isna().all()  # not Saint-Béat alone posing as Saint-Béat-Lez
    assert result.loc["31001", "NBMEN16"] == 80.0
    assert records[0].action == "fusion incomplète" and "31298" in records[0].detail
    # the same file published after the merge (geography 2019) is complete as it is
    after, records, _ = harmonise(
        source,
        target_codes=composition.table["commune"],
        movements=_movements(MERGE),
        cog_year=2026,
        source="FILO2018_DISP_COM.csv",
        non_additive=["Q216"],
        departements=["31", "09"],
        source_year=2019,
    )
    assert after.loc["31471", "Q216"] == 19000.0 and records == []


def test_predecessors(composition):
    moves = _movements(MERGE)
    assert moves.predecessors("31471", since_year=2017, until_year=2026) == {"31298"}
    assert moves.predecessors("31471", since_year=2019, until_year=2026) == set()


# ------------------------------------------------- coverage of régions and France


def _composition(rows, source="EPCI_2026_dep31.csv"):
    frame = pd.DataFrame(rows, columns=["CODGEO", "LIBGEO", "EPCI", "LIBEPCI", "DEP", "REG"])
    return composition_from_frame(frame, cog_year=2026, source=source)


def test_a_region_is_not_computed_from_one_of_its_departements(composition):
    # Occitanie (76) has 13 départements; the table holds 09 and 31 only
    region = resolve("region", "76", composition=composition)
    assert region.communes is None
    assert region.note.startswith("composition incomplète")
    assert "11 de ses départements" in region.note and "11, 12, 30" in region.note
    communes = pd.DataFrame(
        {"P22_POP": [10.0, 30.0, 5.0, 7.0, 1.0]},
        index=pd.Index(["31471", "31001", "31002", "09001", "31003"], name="CODGEO"),
    )
    totals, notes = aggregate(communes, [region])
    assert math.isnan(totals.loc["region:76", "P22_POP"])  # not 53, Haute-Garonne + Ariège
    assert notes["region:76"].startswith("composition incomplète")
    # a département is taken as given (no reference list of its communes)
    assert resolve("departement", "31", composition=composition).communes == (
        "31001",
        "31002",
        "31003",
        "31471",
    )


def test_a_region_with_all_its_departements_is_computed():
    # Corse (94) = 2A + 2B
    corse = _composition(
        [
            ("2A004", "Ajaccio", "242010056", "CA", "2A", "94"),
            ("2B033", "Bastia", "242020071", "CA", "2B", "94"),
        ]
    )
    assert resolve("region", "94", composition=corse).communes == ("2A004", "2B033")
    only_2a = _composition([("2A004", "Ajaccio", "242010056", "CA", "2A", "94")])
    assert resolve("region", "94", composition=only_2a).communes is None


def _national(*, without=()):
    # one commune per département of the COG (101, DOM included): e.g. 31001, 2A001, 97101
    deps = [f"{d:02d}" for d in range(1, 96) if d != 20] + ["2A", "2B"]
    deps += ["971", "972", "973", "974", "976"]
    assert len(deps) == 101
    rows = [
        (f"{d}{'01' if len(d) == 3 else '001'}", f"C{d}", "200000001", "E", d, "00")
        for d in deps
        if d not in without
    ]
    return _composition(rows)


def test_france_and_france_metropolitaine_from_a_national_table():
    national = _national()
    france = resolve("france", "FR", composition=national)
    metro = resolve("france", "FRM", composition=national)
    assert france.label == "France" and metro.label == "France métropolitaine"
    assert len(france.communes) == 101 and "97101" in france.communes
    assert len(metro.communes) == 96 and not any(c.startswith("97") for c in metro.communes)
    # Filosofi's METROPOLE code "1" is France métropolitaine
    assert resolve("france", "1", composition=national).id == "france:FRM"
    # without Mayotte France is incomplete, France métropolitaine is not
    no_mayotte = _national(without=("976",))
    assert not no_mayotte.is_national
    assert resolve("france", "FR", composition=no_mayotte).communes is None
    assert len(resolve("france", "FRM", composition=no_mayotte).communes) == 96
    no_lot = _national(without=("46",))
    assert resolve("france", "FRM", composition=no_lot).communes is None
    assert "46" in resolve("france", "FRM", composition=no_lot).note


def test_where_phrases_name_the_comparator():
    from ctgstats.present.labels import where_phrase

    assert where_phrase("departement", "31", "Haute-Garonne") == "en Haute-Garonne"
    assert where_phrase("departement", "32", "Gers") == "dans le Gers"
    assert where_phrase("departement", "09", "Ariège") == "dans l'Ariège"
    assert where_phrase("departement", "65", "Hautes-Pyrénées") == "dans les Hautes-Pyrénées"
    assert where_phrase("departement", "974", "La Réunion") == "à La Réunion"
    assert where_phrase("region", "76", "Occitanie") == "en Occitanie"
    assert where_phrase("france", "FRM", "France métropolitaine") == "en France métropolitaine"
    assert where_phrase("france", "FR", "France") == "en France"
    assert where_phrase("departement", "00", "Val-d'Exemple") == "pour Val-d'Exemple"


def test_a_split_commune_is_shared_by_the_weights_and_recorded():
    # 31002 restored from 31001 on 1 January 2020 (MOD 21); a file in geography 2019
    split = [
        ("21", "2020-01-01", "COM", "31001", "0", "A", "A", "A", "COM", "31002", "0", "B", "B", "B")
    ]
    source = pd.DataFrame(
        {"C16_MEN": [200.0, 40.0]}, index=pd.Index(["31001", "31003"], name="CODGEO")
    )
    kwargs = dict(
        target_codes=["31001", "31002", "31003"],
        movements=_movements(split),
        cog_year=2026,
        source="base-cc-coupl-fam-men-2016.csv",
        source_year=2019,
    )
    with pytest.raises(TerritoryError, match="scindée"):
        harmonise(source, **kwargs)
    result, records, _ = harmonise(
        source,
        **kwargs,
        weights={"31001": 300.0, "31002": 100.0},
        weights_source={
            "31001": "population P22_POP de x.csv",
            "31002": "population P22_POP de x.csv",
        },
    )
    assert result["C16_MEN"].to_dict() == {"31001": 150.0, "31002": 50.0, "31003": 40.0}
    assert records[0].action == "scission" and records[0].new_code == "31001, 31002"
    assert "75,0%" in records[0].detail and "P22_POP de x.csv" in records[0].detail
