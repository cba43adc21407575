"""Geography of a portrait end to end, on hand-made files in INSEE's formats.

A split commune (31002 restored from 31001 on 1 January 2020), a composition table of one
département (Haute-Garonne) and Filosofi files of every level: the split is shared by
census population, Occitanie and France are not computed from Haute-Garonne's communes,
and every comparator is named in the sentences. Expected values are computed by hand.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from tests.helpers import one

from ctgstats.core.params import parse_params
from ctgstats.data.catalog import Catalog
from ctgstats.portrait.build import census_block, compute_portrait

MVT_HEADER = (
    "MOD,DATE_EFF,TYPECOM_AV,COM_AV,TNCC_AV,NCC_AV,NCCENR_AV,LIBELLE_AV,"
    "TYPECOM_AP,COM_AP,TNCC_AP,NCC_AP,NCCENR_AP,LIBELLE_AP"
)
FILO_HEADER = "CODGEO;LIBGEO;NBMEN16;NBPERS16;NBUC16;Q216"


def _write(path, lines, *, bom=False, crlf=False):
    text = ("\r\n" if crlf else "\n").join(lines) + ("\r\n" if crlf else "\n")
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    root = tmp_path_factory.mktemp("geo")
    _write(
        root / "EPCI_2026_composition-communale_test.csv",
        [
            "CODGEO;LIBGEO;EPCI;LIBEPCI;DEP;REG",
            "31001;Aval;200000001;CC Amont;31;76",
            "31002;Bamont;200000002;CC Bas;31;76",
            "31003;Cazal;200000002;CC Bas;31;76",
        ],
        bom=True,
        crlf=True,
    )
    # INSEE's rows of a rétablissement (MOD 21): the restored commune and the one it
    # leaves, both from the commune before
    _write(
        root / "v_mvt_commune_2026.csv",
        [
            MVT_HEADER,
            "21,2020-01-01,COM,31001,0,AVAL,Aval,Aval,COM,31001,0,AVAL,Aval,Aval",
            "21,2020-01-01,COM,31001,0,AVAL,Aval,Aval,COM,31002,0,BAMONT,Bamont,Bamont",
        ],
    )
    # RP2022, geography 2025 (after the split): the pieces are separate
    _write(
        root / "base-cc-evol-struct-pop-2022.csv",
        ["CODGEO;P22_POP;P16_POP", "31001;300;280", "31002;100;90", "31003;50;45"],
    )
    # RP2016, geography 2019 (before the split): 31002 is still inside 31001
    _write(
        root / "base-cc-coupl-fam-men-2016.csv",
        ["CODGEO;C16_MEN;C16_FAM", "31001;200;120", "31003;40;20.5"],
    )
    # Filosofi 2016, geography 2017; UTF-8 with BOM, CRLF, decimal comma
    filo = {
        "COM": ["31001;Aval;180;400;250,5;21000", "31003;Cazal;30;70;45,5;19500"],
        "EPCI": ["200000002;CC Bas;70;160;100,5;20000"],
        "DEP": ["31;Haute-Garonne;600000;1300000;900000,5;21500"],
        "REG": ["76;Occitanie;2521915;5589222;3880722,4;19905"],
        "METROPOLE": ["1;France métropolitaine;28000000;62000000;42000000,5;20809"],
    }
    for level, rows in filo.items():
        _write(root / f"FILO2016_DISP_{level}.csv", [FILO_HEADER, *rows], bom=True, crlf=True)
    return root


def _portrait(data, **extra):
    params = parse_params(
        {"territory": {"level": "epci", "code": "200000002"}, "data_dirs": [str(data)], **extra}
    )
    return compute_portrait(params, Catalog.from_dirs(params.data_dirs))


@pytest.fixture(scope="module")
def portrait(data):
    return _portrait(data)


def test_a_split_commune_is_shared_by_the_population_of_the_first_census_after_it(portrait, data):
    # weights: P22_POP (RP2022 is the first census from 2020 on) 300 and 100 → 75 % / 25 %
    catalog = Catalog.from_dirs([str(data)])
    block = census_block(catalog, catalog.load_composition(portrait.cog_year))
    communes = block.communes
    assert list(portrait.census_communes.index) == ["31002", "31003"], "its own communes"
    assert communes.loc["31001", "C16_MEN"] == 200 * 0.75 == 150
    assert communes.loc["31002", "C16_MEN"] == 200 * 0.25 == 50
    assert communes.loc["31002", "C16_FAM"] == 120 * 0.25 == 30
    assert communes.loc["31002", "P22_POP"] == 100  # RP2022 is already split: untouched
    totals = portrait.census_totals
    assert totals.loc["epci:200000002", "C16_MEN"] == 50 + 40
    assert totals.loc["epci:200000002", "C16_FAM"] == 30 + 20.5
    assert totals.loc["departement:31", "C16_MEN"] == 200 + 40
    table = portrait.tables["harmonisation"]
    split = table[table["operation"] == "scission"]
    assert set(split["fichier"]) == {"base-cc-coupl-fam-men-2016.csv", "FILO2016_DISP_COM.csv"}
    for detail in split["detail"]:
        assert "31001 75,0%" in detail and "31002 25,0%" in detail
        assert "P22_POP de base-cc-evol-struct-pop-2022.csv" in detail
    assert (split["anciens_codes"] == "31001").all()
    assert (split["code_cog"] == "31001, 31002").all()


def test_filosofi_counts_are_split_and_medians_are_not(portrait):
    communes = portrait.tables["communes"].set_index("code")
    assert math.isnan(communes.loc["31002", "revenu_median_uc_2016"])
    assert "scindée" in communes.loc["31002", "statut_revenu_2016"]
    assert communes.loc["31003", "revenu_median_uc_2016"] == 19500


def test_region_and_france_are_not_computed_from_one_departement(portrait):
    assert [c.id for c in portrait.comparators] == ["departement:31", "region:76", "france:FRM"]
    assert [c.label for c in portrait.comparators] == [
        "Haute-Garonne",
        "Occitanie",
        "France métropolitaine",
    ]
    for territory in ("region:76", "france:FRM"):
        row = one(portrait.figures, territory, "population", "2022")
        assert not row["disponible"] and row["note"].startswith(
            "non disponible : composition incomplète"
        )
    # Haute-Garonne is taken as given: 300 + 100 + 50
    assert portrait.value("population", 2022, "departement:31") == 450
    # the published rows of their own level still give their income
    assert portrait.value("revenu_median_uc", 2016, "region:76") == 19905
    assert portrait.value("revenu_median_uc", 2016, "france:FRM") == 20809
    points = [p for p in portrait.vigilance if "composition incomplète" in p]
    assert len(points) == 2
    assert points[0].startswith("Comparateur « Occitanie »") and "12 de ses" in points[0]
    assert (
        points[1].startswith("Comparateur « France métropolitaine »") and "95 de ses" in points[1]
    )


def test_income_sentence_names_every_comparator(portrait):
    sentence = [s for s in portrait.findings["constat"] if "revenu disponible médian" in s][0]
    assert sentence == (
        "En 2016, le revenu disponible médian par unité de consommation est de "
        "20\u00a0000\u00a0€ par an, contre 21\u00a0500\u00a0€ en Haute-Garonne, "
        "19\u00a0905\u00a0€ en Occitanie et 20\u00a0809\u00a0€ en France métropolitaine."
    )


def test_france_entiere_never_gets_the_metropolitan_income(data):
    portrait = _portrait(data, comparators=[{"level": "france"}])
    assert [c.id for c in portrait.comparators] == ["france:FR"]
    assert portrait.comparators[0].label == "France"
    row = one(portrait.figures, "france:FR", "revenu_median_uc", "2016")
    assert not row["disponible"]
    assert "France métropolitaine" in row["note"] and "pas la France entière" in row["note"]
    sentence = [s for s in portrait.findings["constat"] if "revenu disponible médian" in s][0]
    assert "20\u00a0809" not in sentence and "France" not in sentence


def test_split_weights_take_the_first_census_from_the_split_year_on(data):
    from ctgstats.core.territories import Movements
    from ctgstats.portrait.build import split_weights

    catalog = Catalog.from_dirs([str(data)])
    tables = [(found, table.select_dtypes("number")) for found, table in catalog.rp_tables()]

    def weights(date):
        frame = pd.DataFrame(
            [["21", date, "COM", "31001", "COM", "31002"]],
            columns=["MOD", "DATE_EFF", "TYPECOM_AV", "COM_AV", "TYPECOM_AP", "COM_AP"],
        )
        return split_weights(tables, Movements.from_frame(frame, source="m"), cog_year=2026)

    # split of 2015: RP2016 is the first census after it (P16_POP 280 and 90 of RP2022)
    assert weights("2015-01-01")[0] == {"31001": 280.0, "31002": 90.0}
    assert weights("2015-01-01")[1]["31002"] == (
        "population P16_POP de base-cc-evol-struct-pop-2022.csv"
    )
    # split of 2024: no census after it yet, the most recent one (P22_POP)
    assert weights("2024-01-01")[0] == {"31001": 300.0, "31002": 100.0}
    # split of 2026 (after the geography of RP2022, 2025): no file holds both pieces
    assert weights("2026-01-01") == ({}, {})
