"""CAF benefits (data.caf.fr, rules 11, 16 and 21).

No real extract of the Cnaf's benefit files is available here: the loader tests build
small fixture files in the two layouts documented in
:mod:`ctgstats.portrait.poverty.caf_read` (older data.caf.fr: ``Codes_Insee``, ``DTREF``,
``NB_Allocataires`` …; the Cafdata portal: ``annee``, ``numepci``, ``nb_foyers`` …, counts
rounded to 5, categories to sum). Expected values are written by hand in each test; the
demo test recomputes them from the generated files with pandas.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from ctgstats.core.codes import Level
from ctgstats.core.territories import ResolvedTerritory
from ctgstats.data.catalog import Catalog
from ctgstats.demo import DATA_DIR
from ctgstats.portrait.poverty import caf_chapter
from ctgstats.portrait.poverty import caf_compute as compute
from ctgstats.portrait.poverty import caf_read as read


def _write(folder, name: str, lines: list[str]) -> None:
    (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def _epci(code: str = "200000001", communes=("01001", "01002")) -> ResolvedTerritory:
    return ResolvedTerritory(Level.EPCI, code, "CC test", tuple(communes), 2025)


def _fixture(folder) -> None:
    _write(
        folder,
        "caf_rsa_com_2019.csv",
        [
            "Communes;Codes_Insee;DTREF;NB_Allocataires;NB_Pers_par_Foyer_Alloc",
            "Un;01001;31/12/2019;40;76",
            "Deux;01002;31/12/2019;12;23",
            "Trois;01003;31/12/2019;;",
        ],
    )
    _write(
        folder,
        "caf_rsa_com.csv",
        [
            "annee;numcom;type_rsa;nb_foyers;nb_pers",
            "2022;01001;RSA non majoré;30;55",
            "2022;01001;RSA majoré;5;15",
            "2022;01002;RSA non majoré;10;20",
            "2022;01002;RSA majoré;;",
            "2022;01003;RSA non majoré;5;10",
            "2022;01003;RSA majoré;0;0",
        ],
    )
    _write(
        folder,
        "caf_rsa_epci.csv",
        ["annee;numepci;nb_foyers;nb_pers", "2022;200000001;50;95", "2021;200000001;55;100"],
    )
    _write(
        folder,
        "caf_rsa_nat.csv",
        ["annee;national;nb_foyers;nb_pers", "2022;France métropolitaine;1800000;3500000"],
    )


@pytest.fixture
def catalog(tmp_path):
    _fixture(tmp_path)
    return Catalog.from_dirs([str(tmp_path)])


def test_both_layouts_are_recognised_by_name_and_columns(catalog):
    table = read.benefit_tables(catalog)
    old = table[(table["annee"] == 2019) & (table["niveau"] == "COM")].set_index("code")
    assert old.loc["01001", "foyers"] == 40
    assert old.loc["01001", "personnes"] == 76
    assert old.loc["01001", "disposition"] == "ancien"
    # a blank cell is "not published", never zero
    assert math.isnan(old.loc["01003", "foyers"])
    new = table[(table["annee"] == 2022) & (table["niveau"] == "COM")].set_index("code")
    # the categories of the Cafdata export are summed: 30 + 5
    assert new.loc["01001", "foyers"] == 35
    assert new.loc["01001", "disposition"] == "cafdata"
    # one blank category: the commune's total is not published (not 10)
    assert math.isnan(new.loc["01002", "foyers"])
    assert new.loc["01003", "foyers"] == 5
    assert set(table["prestation"]) == {"rsa"}


def test_missing_columns_and_bad_values_are_named(tmp_path):
    _write(tmp_path, "caf_aah_epci.csv", ["annee;numepci;montant", "2022;200000001;12"])
    with pytest.raises(read.CafFileError, match=r"caf_aah_epci\.csv.*foyers allocataires"):
        read.benefit_tables(Catalog.from_dirs([str(tmp_path)]))
    _write(tmp_path, "caf_aah_epci.csv", ["annee;numepci;nb_foyers", "2022;200000001;-5"])
    with pytest.raises(read.CafFileError, match=r"négatif.*200000001"):
        read.benefit_tables(Catalog.from_dirs([str(tmp_path)]))
    _write(tmp_path, "caf_aah_epci.csv", ["annee;numepci;nb_foyers", "2022;200000001;beaucoup"])
    with pytest.raises(read.CafFileError, match=r"'beaucoup'.*nb_foyers"):
        read.benefit_tables(Catalog.from_dirs([str(tmp_path)]))


def test_epci_takes_its_own_file_and_a_group_sums_published_communes(catalog):
    table = read.benefit_tables(catalog)
    epci = _epci()
    group = ResolvedTerritory(Level.GROUPE, "g", "Groupe", ("01001", "01003"), 2025)
    partial = ResolvedTerritory(Level.GROUPE, "h", "Autre", ("01001", "01002"), 2025)
    counts = compute.territory_counts(table, [epci, group, partial])
    rsa = counts[(counts["prestation"] == "rsa") & (counts["annee"] == 2022)].set_index(
        "territoire"
    )
    # the EPCI file (50), not the sum of its communes (35 + n.p.)
    assert rsa.loc[epci.id, "foyers"] == 50
    assert rsa.loc[epci.id, "origine"] == "fichier"
    # a group: 35 + 5, both communes published
    assert rsa.loc[group.id, "foyers"] == 40
    assert rsa.loc[group.id, "origine"] == "somme"
    # one commune not published: no sum at all, and the reason says why
    assert math.isnan(rsa.loc[partial.id, "foyers"])
    assert "1 commune(s) sur 2" in rsa.loc[partial.id, "_note"]


def test_rates_use_the_census_of_the_same_territory_and_an_earlier_vintage():
    epci = _epci()
    counts = pd.DataFrame(
        [
            {
                "territoire": epci.id,
                "prestation": "rsa",
                "annee": year,
                "foyers": foyers,
                "personnes": math.nan,
                "origine": "fichier",
                "arrondi": True,
                "_note": "",
            }
            for year, foyers in ((2015, 30.0), (2019, 40.0), (2023, 45.0))
        ]
    )
    totals = pd.DataFrame({"C16_MEN": [800.0], "C22_MEN": [900.0]}, index=[epci.id])
    rates = compute.rate_figures(counts, totals=totals, vintages=[2016, 2022], notes={})
    rsa = rates[rates["indicateur"] == "part_menages_rsa"].set_index("annee")
    assert rsa.loc["2019", "valeur"] == pytest.approx(100 * 40 / 800)  # RP2016
    assert rsa.loc["2023", "valeur"] == pytest.approx(100 * 45 / 900)  # RP2022
    assert "RP2022" in rsa.loc["2023", "source"]
    assert "arrondis à 5" in rsa.loc["2023", "source"]
    # no census before 2015 here: no rate, with the reason
    assert not rsa.loc["2015", "disponible"]
    assert "aucun recensement avant 2015" in rsa.loc["2015", "note"]


def test_national_row_matches_the_metropole_comparator_only_by_name(catalog):
    table = read.benefit_tables(catalog)
    frm = ResolvedTerritory(Level.FRANCE, "FRM", "France métropolitaine", None, 2025)
    fr = ResolvedTerritory(Level.FRANCE, "FR", "France", None, 2025)
    counts = compute.territory_counts(table, [frm, fr])
    rsa = counts[(counts["prestation"] == "rsa") & (counts["annee"] == 2022)].set_index(
        "territoire"
    )
    assert rsa.loc[frm.id, "foyers"] == 1_800_000
    assert math.isnan(rsa.loc[fr.id, "foyers"])
    assert "France entière ou France métropolitaine" in rsa.loc[fr.id, "_note"]


def test_evolution_flags_small_counts():
    rows = [
        {
            "territoire": "epci:1",
            "indicateur": "foyers_rsa_caf",
            "annee": str(y),
            "valeur": v,
            "disponible": True,
        }
        for y, v in ((2020, 80.0), (2025, 60.0))
    ]
    result = compute.evolution_figures(pd.DataFrame(rows), territories=["epci:1"])
    row = result[result["indicateur"] == "foyers_rsa_caf_evolution"].iloc[0]
    assert row["valeur"] == pytest.approx(-25.0)
    assert row["annee"] == "2020-2025"
    assert "arrondis à 5" in row["definition"]


def test_rural_share_counts_population_in_small_communes():
    communes = pd.DataFrame({"P22_POP": [1500.0, 500.0, 3000.0]}, index=["a", "b", "c"])
    assert caf_chapter.rural_share(communes, ["a", "b", "c"], vintage=2022) == pytest.approx(40.0)
    assert caf_chapter.rural_share(communes, ["a", "b"], vintage=2022) == pytest.approx(100.0)


def _demo(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA_DIR / "caf" / name, sep=";", dtype=str)


def test_demo_portrait_rates_recomputed_from_the_files(tmp_path, monkeypatch):
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
    rsa = _demo("caf_rsa_epci.csv")
    ours = rsa[(rsa["annee"] == "2025") & (rsa["numepci"] == "000000101")]
    foyers = ours["nb_foyers"].astype(float).sum()  # majoré + non majoré
    assert portrait.value("foyers_rsa_caf", "2025") == pytest.approx(foyers)
    households = portrait.census_totals.loc["epci:000000101", "C22_MEN"]
    assert portrait.value("part_menages_rsa", "2025") == pytest.approx(100 * foyers / households)
    # the older layout's December 2019 is read too, over RP2016
    old = _demo("caf_rsa_epci_2019.csv")
    start = float(old[old["NUMEPCI"] == "000000101"]["NB_Allocataires"].iloc[0])
    assert portrait.value("foyers_rsa_caf", "2019") == pytest.approx(start)
    assert portrait.value("foyers_rsa_caf_evolution", "2019-2025") == pytest.approx(
        100 * (foyers / start - 1)
    )
    assert "part_menages_rsa" in set(portrait.figures["indicateur"])
    points = [p for v in portrait.chapter_vigilance.values() for p in v]
    assert any(p.startswith("Prestations de la CAF") and "MSA" in p for p in points)
    # the demo EPCI is rural: the MSA caveat comes first among the CAF points
    shares = portrait.census_communes["P22_POP"]
    rural = 100 * shares[shares < 2000].sum() / shares.sum()
    assert (rural >= caf_chapter.RURAL_SHARE) == any(
        p.startswith("Territoire rural") for p in points
    )
