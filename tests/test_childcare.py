"""Early childhood (Cnaf « taux de couverture de l'accueil du jeune enfant », rules 11, 12, 16, 21).

No real extract of the ``txcouv_pe_*`` files is available here: the loader tests build
small fixture files in the two layouts established from public code (documented in
:mod:`ctgstats.portrait.poverty.childcare_read`): data.caf.fr field names (``annee``,
``numepci``, ``txcouv_epci`` …) and the portal's export with labels (``Date référence``,
``Numéro Département``, ``Taux de couv global`` …, decimal comma). Expected values are
written by hand in each test; the demo test recomputes them from the generated files with
pandas.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from ctgstats.core.codes import Level
from ctgstats.core.territories import ResolvedTerritory
from ctgstats.data import sources
from ctgstats.data.catalog import Catalog
from ctgstats.demo import DATA_DIR
from ctgstats.portrait.poverty import childcare_compute as compute
from ctgstats.portrait.poverty import childcare_read as read

EPCI_HEADER = (
    "annee;numepci;nomepci;numdep;nomdep;txcouv_psu_col_epci;txcouv_hors_psu_col_epci;"
    "txcouv_eaje_epci;txcouv_prescol_epci;txcouv_am_ind_epci;txcouv_gad_ind_epci;"
    "txcouv_ind_epci;txcouv_epci"
)
COM_HEADER = (
    "annee;numcom;nomcom;numepci;nomepci;numdep;nomdep;txcouv_psu_col_com;"
    "txcouv_hors_psu_col_com;txcouv_eaje_com;txcouv_prescol_com;txcouv_am_ind_com;"
    "txcouv_gad_ind_com;txcouv_ind_com;txcouv_com"
)
DEP_LABELS = (
    "Date référence;Numéro Département;Nom Département;Taux de couv EAJE PSU;"
    "Taux de couv hors EAJE PSU;Taux de couv EAJE - ensemble;Taux de couv préscolarisation;"
    "Taux de couv assistante maternelle;Taux de couv salariée à domicile;Taux de couv global"
)
NAT_HEADER = (
    "annee;national;txcouv_psu_nat;txcouv_hors_psu_col_nat;txcouv_eaje_nat;"
    "txcouv_prescol_nat;txcouv_am_nat;txcouv_gad_nat;txcouv_ind_nat;txcouv_nat"
)


def _write(folder, name: str, lines: list[str]) -> None:
    (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def _territory(level: Level, code: str) -> ResolvedTerritory:
    return ResolvedTerritory(level, code, "T", None, 2025)


def _fixture(folder) -> None:
    _write(
        folder,
        "txcouv_pe_epci.csv",
        [
            EPCI_HEADER,
            "2023;200000001;CC A;07;Ardèche;10.0;2.0;12.0;1.5;40.0;0.5;40.5;54.0",
            "2022;200000001;CC A;07;Ardèche;9.0;2.0;11.0;1.5;41.0;0.5;41.5;54.0",
            "2023;200000002;CC B;07;Ardèche;20.0;5.0;25.0;3.0;30.0;2.0;32.0;60.0",
            "2022;200000002;CC B;07;Ardèche;;;;;;;;",
        ],
    )
    _write(  # historical file: 2022 is also in the current file, which wins
        folder,
        "txcouv_pe_epci_hist.csv",
        [
            EPCI_HEADER,
            "2022;200000001;CC A;07;Ardèche;99.0;2.0;11.0;1.5;41.0;0.5;41.5;99.0",
            "2021;200000001;CC A;07;Ardèche;8.0;1.0;9.0;2.0;42.0;0.5;42.5;53.5",
        ],
    )
    _write(  # a commune of CC A with a much higher rate: the EPCI keeps its own row
        folder,
        "txcouv_pe_com.csv",
        [
            COM_HEADER,
            "2023;07186;Privas;200000001;CC A;07;Ardèche;30.0;5.0;35.0;4.0;30.0;1.0;31.0;70.0",
        ],
    )
    _write(
        folder,
        "txcouv_pe_dep.csv",
        [
            DEP_LABELS,
            "2023;07;Ardèche;15,5;3,5;19,0;2,5;35,0;1,0;56,5",
            "2022;7;Ardèche;15,0;3,0;18,0;2,5;36,0;1,0;57,5",
        ],
    )
    _write(
        folder,
        "txcouv_pe_nat.csv",
        [
            NAT_HEADER,
            "2023;France métropolitaine;19.8;4.0;23.8;2.8;29.8;1.6;31.4;58.0",
        ],
    )


# ------------------------------------------------------------------ file recognition


def test_files_recognised_by_name_level_and_history():
    specs = {
        n: [(s.id, s.vintage, s.level) for s in sources._specs_for_name(n)]
        for n in ("txcouv_pe_com.csv", "txcouv_pe_dep_hist.csv", "txcouv_pe_nat_2024.csv")
    }
    assert specs["txcouv_pe_com.csv"] == [("caf_txcouv_pe", 0, "COM")]
    assert specs["txcouv_pe_dep_hist.csv"] == [("caf_txcouv_pe", 0, "DEP_HIST")]
    assert specs["txcouv_pe_nat_2024.csv"] == [("caf_txcouv_pe", 2024, "NAT")]
    assert sources._specs_for_name("txcouv_pe_community.csv") == []
    # a multi-year file prints no year among the report's sources
    assert sources.readable_sources([("caf_txcouv_pe", 0)]) == [
        "Cnaf, Observatoire national de la petite enfance (data.caf.fr)"
    ]


# ------------------------------------------------------------------ pure functions


def test_figures_keep_published_values_reasons_and_blanks():
    rows = pd.DataFrame(
        [
            {"territoire": "a", "annee": 2023, "ensemble": 54.0, "eaje": 12.0, "_note": ""},
            {"territoire": "a", "annee": 2022, "ensemble": math.nan, "eaje": 11.0, "_note": ""},
            {"territoire": "b", "annee": 2023, "ensemble": math.nan, "_note": "non disponible : x"},
        ]
    )
    figures = compute.coverage_figures(rows)
    glob = figures[figures["indicateur"] == "taux_couverture_accueil_jeune_enfant"]
    assert glob["valeur"].iloc[0] == 54.0 and glob["unite"].iloc[0] == "pour 100 enfants"
    assert glob["note"].iloc[1] == compute.SECRET_NOTE and not glob["disponible"].iloc[1]
    assert glob["note"].iloc[2] == "non disponible : x"
    eaje = figures[figures["indicateur"] == "taux_couverture_accueil_eaje"]
    assert eaje["valeur"].tolist()[:2] == [12.0, 11.0]
    # a component absent from the file is not "secret": its note is empty, value NaN
    am = figures[figures["indicateur"] == "taux_couverture_accueil_assistants_maternels"]
    assert not am["disponible"].any() and am["note"].iloc[0] == ""
    evolution = compute.evolution_figures(
        compute.coverage_figures(
            pd.DataFrame(
                [
                    {"territoire": "a", "annee": 2021, "ensemble": 53.5, "_note": ""},
                    {"territoire": "a", "annee": 2023, "ensemble": 54.0, "_note": ""},
                ]
            )
        ),
        territories=["a"],
    )
    assert evolution["annee"].iloc[0] == "2021-2023"
    assert evolution["valeur"].iloc[0] == pytest.approx(0.5)


def test_under3_from_the_census_column():
    totals = pd.DataFrame({"P22_POP0002": [150.0, math.nan]}, index=["t", "f"])
    figures = compute.under3_figures(totals, vintage=2022, notes={"f": "non disponible : y"})
    assert figures["valeur"].iloc[0] == 150.0
    assert figures["note"].iloc[1] == "non disponible : y"
    assert figures["source"].iloc[0] == "Insee, RP2022, exploitation principale"


# ------------------------------------------------------------------ fixture files


def test_each_territory_from_its_own_level_file(tmp_path):
    _fixture(tmp_path)
    catalog = Catalog.from_dirs([str(tmp_path)], cache_dir=None)
    territories = [
        _territory(Level.EPCI, "200000001"),
        _territory(Level.EPCI, "200000002"),
        _territory(Level.COMMUNE, "07186"),
        _territory(Level.COMMUNE, "07001"),
        _territory(Level.DEPARTEMENT, "07"),
        _territory(Level.FRANCE, "FRM"),
        _territory(Level.FRANCE, "FR"),
        ResolvedTerritory(Level.GROUPE, "g", "Groupe", ("07186", "07001"), 2025),
    ]
    rows = read.territory_rows(catalog, territories).set_index(["territoire", "annee"])
    a = territories[0].id
    # the EPCI's own row (54.0), not its commune's 70.0; the current file beats _hist
    assert rows.loc[(a, 2023), "ensemble"] == 54.0
    assert rows.loc[(a, 2022), "ensemble"] == 54.0 and rows.loc[(a, 2022), "eaje_psu"] == 9.0
    assert rows.loc[(a, 2021), "ensemble"] == 53.5  # only in the historical file
    assert math.isnan(rows.loc[(territories[1].id, 2022), "ensemble"])  # blank cells
    assert rows.loc[(territories[2].id, 2023), "ensemble"] == 70.0
    assert rows.loc[(territories[3].id, 2023), "_note"] == read.COMMUNE_NOTE
    # label layout, decimal comma, département code "7" read as "07"
    dep = territories[4].id
    assert rows.loc[(dep, 2023), "ensemble"] == 56.5
    assert rows.loc[(dep, 2022), "assistants_maternels"] == 36.0
    assert rows.loc[(dep, 2023), "eaje"] == 19.0
    assert rows.loc[(territories[5].id, 2023), "eaje_psu"] == 19.8  # txcouv_psu_nat
    assert rows.loc[(territories[6].id, 2023), "_note"] == read.FRANCE_NOTE
    assert rows.loc[(territories[7].id, 2023), "_note"] == read.GROUP_NOTE
    figures = compute.coverage_figures(rows.reset_index())
    flagged = figures[(figures["territoire"] == territories[1].id) & (figures["annee"] == "2022")]
    assert (flagged["note"] == compute.SECRET_NOTE).all()


def test_missing_level_file_gives_a_reason(tmp_path):
    _fixture(tmp_path)
    (tmp_path / "txcouv_pe_nat.csv").unlink()
    catalog = Catalog.from_dirs([str(tmp_path)], cache_dir=None)
    rows = read.territory_rows(catalog, [_territory(Level.FRANCE, "FRM")])
    assert (
        rows["_note"]
        .str.contains("pas de fichier du taux de couverture de la Cnaf au niveau national")
        .all()
    )


def test_file_without_the_rate_column_names_it(tmp_path):
    _write(tmp_path, "txcouv_pe_epci.csv", ["annee;numepci;txcouv_eaje_epci", "2023;1;2.0"])
    catalog = Catalog.from_dirs([str(tmp_path)], cache_dir=None)
    with pytest.raises(read.ChildcareFileError, match=r"txcouv_pe_epci\.csv.*txcouv_epci"):
        read.coverage_tables(catalog)


def test_non_numeric_rate_names_file_column_and_value(tmp_path):
    _write(tmp_path, "txcouv_pe_epci.csv", [EPCI_HEADER, "2023;1;A;07;D;x;;;;;;;54.0"])
    catalog = Catalog.from_dirs([str(tmp_path)], cache_dir=None)
    with pytest.raises(read.ChildcareFileError, match=r"txcouv_psu_col_epci.*'x'"):
        read.coverage_tables(catalog)


# ------------------------------------------------------------------ demo, end to end


def _demo_file(level: str, suffix: str = "") -> pd.DataFrame:
    return pd.read_csv(DATA_DIR / "caf" / f"txcouv_pe_{level}{suffix}.csv", sep=";", dtype=str)


def test_demo_files_layout_and_consistency():
    epci = _demo_file("epci")
    assert sorted(set(epci["annee"])) == ["2022", "2023", "2024", "2025"]
    assert sorted(set(_demo_file("epci", "_hist")["annee"])) == ["2019", "2020", "2021", "2022"]
    assert list(_demo_file("com")["numcom"].unique()) == ["00018"]  # only Fictiville
    for frame, level in ((epci, "epci"), (_demo_file("dep"), "dep")):
        values = frame.filter(like="txcouv").astype(float)
        total = (
            values[f"txcouv_eaje_{level}"]
            + values[f"txcouv_prescol_{level}"]
            + values[f"txcouv_ind_{level}"]
        )
        assert (total - values[f"txcouv_{level}"]).abs().max() <= 0.15  # rounded parts
    hist, current = _demo_file("dep", "_hist"), _demo_file("dep")
    assert (
        hist[hist["annee"] == "2022"].to_numpy().tolist()
        == current[current["annee"] == "2022"].to_numpy().tolist()
    )


def test_demo_portrait_figures_come_from_each_level_file(tmp_path, monkeypatch):
    from ctgstats.portrait.build import build_portrait

    monkeypatch.setenv("CTGSTATS_CACHE_DIR", str(tmp_path))
    portrait = build_portrait(
        {
            "territory": {"level": "epci", "code": "000000101"},
            "cog_year": 2025,
            "census": {"vintages": [2011, 2016, 2022]},
            "data_dirs": ["ctgstats:demo"],
        }
    )
    epci, dep, nat = _demo_file("epci"), _demo_file("dep"), _demo_file("nat")
    for year in ("2022", "2025"):
        ours = (epci["annee"] == year) & (epci["numepci"] == "000000101")
        expected = {
            "epci:000000101": float(epci[ours]["txcouv_epci"].iloc[0]),
            "departement:00": float(dep[dep["annee"] == year]["txcouv_dep"].iloc[0]),
            "france:FRM": float(nat[nat["annee"] == year]["txcouv_nat"].iloc[0]),
        }
        for territory, value in expected.items():
            assert portrait.value(
                "taux_couverture_accueil_jeune_enfant", year, territory
            ) == pytest.approx(value)
    # the département is its own row, not the mean of its EPCIs' rates
    rates = epci[epci["annee"] == "2025"]["txcouv_epci"].astype(float)
    assert portrait.value("taux_couverture_accueil_jeune_enfant", "2025", "departement:00") != (
        pytest.approx(rates.mean())
    )
    old = _demo_file("epci", "_hist")
    ours = (old["annee"] == "2019") & (old["numepci"] == "000000101")
    start = float(old[ours]["txcouv_epci"].iloc[0])
    ours = (epci["annee"] == "2025") & (epci["numepci"] == "000000101")
    end = float(epci[ours]["txcouv_epci"].iloc[0])
    assert portrait.value(
        "taux_couverture_accueil_jeune_enfant_evolution", "2019-2025"
    ) == pytest.approx(end - start)
    # an annual Cnaf indicator is measured by the follow-up every year (T0 2022, T+3 2025)
    from ctgstats.data.registry import load_registry
    from ctgstats.indicators.measures import portrait_measures

    measures = pd.DataFrame(portrait_measures(load_registry(), portrait))
    ours = measures[
        (measures["indicateur"] == "taux_couverture_accueil_jeune_enfant")
        & (measures["territoire"] == "epci:000000101")
    ]
    assert {2022, 2025} <= set(ours["annee"])
    assert load_registry().get("taux_couverture_accueil_jeune_enfant").min_gap_years == 1
    table = portrait.tables["accueil_jeune_enfant_communes"]
    assert (table["statut_couverture_2025"] == "non couverte").all()  # no large commune
    themes = portrait.findings[portrait.findings["theme"] == "Accueil du jeune enfant"]
    assert themes["constat"].str.contains("places pour 100 enfants").any()


def test_no_coverage_file_gives_non_disponible_rows_not_an_error(tmp_path):
    from ctgstats.portrait.chapters import ChapterContext
    from ctgstats.portrait.poverty import childcare_chapter

    territory = _territory(Level.EPCI, "200000001")
    context = ChapterContext(
        params=None,  # type: ignore[arg-type]  # not read when no file is found
        territory=territory,
        territories=[territory],
        totals=pd.DataFrame({"P22_POP0002": [120.0]}, index=[territory.id]),
        communes=pd.DataFrame(),
        variances=None,
        vintages=[2022],
        notes={},
        composition=None,  # type: ignore[arg-type]
        catalog=Catalog.from_dirs([str(tmp_path)], cache_dir=None),
        cog_year=2025,
    )
    result = childcare_chapter.section(context)
    rate = result.figures[result.figures["indicateur"] == "taux_couverture_accueil_jeune_enfant"]
    assert not rate["disponible"].any()
    assert (rate["note"] == childcare_chapter.MISSING_NOTE).all()
    under3 = result.figures[result.figures["indicateur"] == "population_moins_3_ans"]
    assert under3["valeur"].tolist() == [120.0]
    assert result.vigilance and "data.caf.fr" in result.vigilance[0]
