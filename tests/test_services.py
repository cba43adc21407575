"""The services chapter (BPE): pure computations, catalogue, loaders, chapter on the demo."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ctgstats.data.catalog import Catalog
from ctgstats.data.readers import DataFileError
from ctgstats.data.registry import FIGURE_KINDS, chapter_registries, load_registry
from ctgstats.data.sources import _specs_for_name
from ctgstats.portrait.services import compute, read
from ctgstats.portrait.services.chapter import all_indicator_ids, indicator_id

FIXTURES = Path(__file__).parent / "fixtures" / "bpe"


# --------------------------------------------------------------------------- compute


def test_service_counts_sums_the_codes_and_fills_absent_communes_with_zero():
    counts = pd.DataFrame(
        {
            "code": ["01001", "01001", "01002", "01002"],
            "typequ": ["B201", "B202", "B202", "D201"],
            "nombre": [1.0, 2.0, 4.0, 3.0],
        }
    )
    table = compute.service_counts(
        counts,
        {"commerce": ("B201", "B202"), "medecin": ("D201",), "centre_social": ()},
        communes=["01001", "01002", "01003"],
    )
    assert table.loc["01001", "commerce"] == 3.0
    assert table.loc["01002", "commerce"] == 4.0
    assert table.loc["01003", "commerce"] == 0.0  # absent from the BPE: no equipment
    assert table["medecin"].tolist() == [0.0, 3.0, 0.0]
    assert table["centre_social"].isna().all()  # not in the nomenclature: unknown, not 0


def test_presence_density_share_without():
    counts = pd.Series({"a": 2.0, "b": 0.0, "c": 1.0, "d": 0.0})
    population = pd.Series({"a": 1000.0, "b": 300.0, "c": 500.0, "d": 200.0})
    assert compute.presence(counts).tolist() == [True, False, True, False]
    # (300 + 200) / 2000 = 25 %
    assert compute.share_without(counts, population) == pytest.approx(25.0)
    # 3 equipments for 2 000 inhabitants = 15 per 10 000
    assert compute.density(3.0, 2000.0) == pytest.approx(15.0)
    assert math.isnan(compute.density(3.0, 0.0))
    unknown = counts.copy()
    unknown["b"] = np.nan
    assert math.isnan(compute.share_without(unknown, population))


def test_nearest_distances_against_hand_computed_euclidean_distances():
    communes = pd.DataFrame(
        {"code": ["A", "B", "C"], "x": [0.0, 10.0, 100.0], "y": [0.0, 0.0, 0.0]}
    )
    equipment = pd.DataFrame({"x": [3.0, 10.0, 1000.0], "y": [4.0, 0.0, 0.0]})
    distances = compute.nearest_distances(communes, equipment)
    # A: (3, 4) at 5; B: on an equipment, 0; C: (10, 0) at 90 (not 900 to the far one)
    assert distances.to_dict() == pytest.approx({"A": 5.0, "B": 0.0, "C": 90.0})
    rng = np.random.default_rng(3)
    many = pd.DataFrame({"x": rng.uniform(0, 5e4, 200), "y": rng.uniform(0, 5e4, 200)})
    places = pd.DataFrame(
        {
            "code": [f"{i:05d}" for i in range(30)],
            "x": rng.uniform(0, 5e4, 30),
            "y": rng.uniform(0, 5e4, 30),
        }
    )
    brute = [
        float(np.min(np.hypot(many["x"] - x, many["y"] - y)))
        for x, y in zip(places["x"], places["y"])
    ]
    assert compute.nearest_distances(places, many).tolist() == pytest.approx(brute)


def test_nearest_distances_without_equipment_is_nan_never_zero():
    communes = pd.DataFrame({"code": ["A"], "x": [0.0], "y": [0.0]})
    result = compute.nearest_distances(communes, pd.DataFrame({"x": [], "y": []}))
    assert result.isna().all()


def test_weighted_mean():
    values = pd.Series({"a": 2.0, "b": 10.0})
    weights = pd.Series({"a": 300.0, "b": 100.0})
    assert compute.weighted_mean(values, weights) == pytest.approx((600 + 1000) / 400)
    assert math.isnan(compute.weighted_mean(pd.Series({"a": 2.0}), weights))


# --------------------------------------------------------------------------- catalogue


def test_catalogue_keeps_one_code_table_per_vintage():
    catalogue = read.load_catalogue()
    pharmacy = catalogue.get("pharmacie")
    assert catalogue.codes(pharmacy, 2021) == ("D301",)
    assert catalogue.codes(pharmacy, 2024) == ("D307",)
    assert catalogue.codes(catalogue.get("centre_social"), 2021) == ()
    assert catalogue.codes(catalogue.get("centre_social"), 2024) == ("D506",)
    assert catalogue.nomenclature(2022) is None  # codes not established: not guessed
    assert {s.id for s in catalogue.services if s.density} == {
        "medecin_generaliste",
        "pharmacie",
        "commerce_proximite",
    }
    assert catalogue.get("france_services").confirmed["bpe_2019_2021"] is False


def test_catalogue_themes_are_registry_themes():
    from ctgstats.data.registry import THEMES

    assert {s.theme for s in read.load_catalogue().services} <= set(THEMES)


def test_overseas_communes_get_no_distance():
    from ctgstats.portrait.services.chapter import commune_distances

    catalogue = read.load_catalogue()
    reference = pd.DataFrame({"code": ["31042", "97411"], "x": [0.0, 10.0], "y": [0.0, 0.0]})
    points = pd.DataFrame({"code": ["31042"], "typequ": ["D307"], "x": [3000.0], "y": [4000.0]})
    table = commune_distances(reference, points, catalogue, 2024)
    assert table.loc["31042", "pharmacie"] == pytest.approx(5.0)  # 5 000 m
    assert math.isnan(table.loc["97411", "pharmacie"])
    assert table["medecin_generaliste"].isna().all()  # no D201 point at all


def test_catalogue_errors_name_the_problem():
    data = {
        "nomenclatures": {"a": {"millesimes": [2021]}, "b": {"millesimes": [2021]}},
        "services": [],
    }
    with pytest.raises(read.CatalogueError, match="2021 dans deux nomenclatures"):
        read.parse_catalogue(data)
    bad = {
        "nomenclatures": {"a": {"millesimes": [2021]}},
        "services": [
            {
                "id": "x",
                "libelle": "X",
                "court": "X",
                "theme": "t",
                "densite": False,
                "codes": {"z": {"codes": ["A1"]}},
            }
        ],
    }
    with pytest.raises(read.CatalogueError, match="nomenclature inconnue 'z'"):
        read.parse_catalogue(bad)


def test_every_figure_has_a_registry_entry_of_kind_bpe():
    registry = load_registry(*chapter_registries(), default=False)
    assert "bpe" in FIGURE_KINDS
    for ident in all_indicator_ids(read.load_catalogue()):
        entry = registry.get(ident)
        assert entry.source.kind == "bpe", ident
        assert entry.formula.figure == ident
        assert entry.min_gap_years == 1


# --------------------------------------------------------------------------- loaders


@pytest.mark.parametrize(
    ("name", "source", "vintage"),
    [
        ("bpe21_ensemble.csv", "insee_bpe", 2021),
        ("bpe21_ensemble_csv.zip", "insee_bpe", 2021),
        ("DS_BPE_2024_data.csv", "insee_bpe", 2024),
        ("bpe21_ensemble_xy.csv", "insee_bpe_xy", 2021),
        ("BPE2024.csv", "insee_bpe_xy", 2024),
    ],
)
def test_file_names_are_recognised(name, source, vintage):
    assert [(s.id, s.vintage) for s in _specs_for_name(name)] == [(source, vintage)]


def test_metadata_file_is_not_data():
    assert _specs_for_name("DS_BPE_2024_metadata.csv") == []


@pytest.fixture()
def catalog(tmp_path):
    return Catalog.from_dirs([str(FIXTURES)], cache_dir=tmp_path / "cache")


def test_read_counts_both_layouts(catalog):
    counts = read.read_counts(catalog)
    assert sorted(set(counts["millesime"])) == [2021, 2024]
    old = counts[counts["millesime"] == 2021].set_index(["code", "typequ"])["nombre"]
    assert old[("31042", "D201")] == 5.0  # two IRIS rows summed: 2 + 3
    assert old[("31471", "A206")] == 1.0
    assert old[("2A004", "D301")] == 2.0  # Corsican code kept as a string
    new = counts[counts["millesime"] == 2024]
    assert set(new["code"]) == {"31042", "31471"}  # département rows left out
    assert "_T" not in set(new["typequ"])  # totals left out (never double counted)
    assert new.set_index(["code", "typequ"])["nombre"][("31042", "D201")] == 4.0
    assert set(counts["fichier"]) == {"bpe21_ensemble.csv", "DS_BPE_2024_data.csv"}


def test_read_points_lambert_excludes_overseas_and_unlocated(catalog):
    points = read.read_points(catalog, vintage=2021)
    assert points["code"].tolist() == ["31042", "31042"]
    assert points[["x", "y"]].to_numpy().tolist() == [[500000.0, 6200000.0], [503000.0, 6204000.0]]
    assert points.attrs["ecartes"] == 2  # the _Z row and the Réunion row (UTM, not Lambert 93)


def test_read_points_converts_longitude_latitude_to_lambert_93(catalog):
    points = read.read_points(catalog, vintage=2024)
    first = points.iloc[0]
    # lon 3°, lat 46.5°: the origin of Lambert 93 (false easting 700 km, northing 6 600 km)
    assert (first["x"], first["y"]) == pytest.approx((700000.0, 6600000.0), abs=0.01)
    assert len(points) == 2 and points.attrs["ecartes"] == 1


def test_missing_columns_name_the_file(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "DS_BPE_2024_data.csv").write_text(
        '"GEO";"GEO_OBJECT";"FACILITY_TYPE";"TIME_PERIOD"\n"31042";"COM";"D201";2024\n'
    )
    catalog = Catalog.from_dirs([str(folder)], cache_dir=tmp_path / "cache")
    with pytest.raises(DataFileError, match="DS_BPE_2024_data.csv") as error:
        read.read_counts(catalog)
    assert "OBS_VALUE" in str(error.value)


def test_no_bpe_file_gives_none(tmp_path):
    catalog = Catalog.from_dirs([str(tmp_path)], cache_dir=tmp_path / "cache")
    assert read.read_counts(catalog) is None
    assert read.read_points(catalog) is None


# --------------------------------------------------------------------------- chapter


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    """The committed demo data plus the BPE files of the services demo writer."""
    from ctgstats.demo import DATA_DIR
    from ctgstats.demo import generate as g
    from ctgstats.demo import services as demo

    folder = tmp_path_factory.mktemp("demo") / "data"
    shutil.copytree(DATA_DIR, folder, ignore=shutil.ignore_patterns("bpe"))
    data = [g.build_commune(g.DEFAULT_SEED, i, c) for i, c in enumerate(g.COMMUNES)]
    demo.write(folder, g.DEFAULT_SEED, data)
    return folder


def _portrait(demo_dir, tmp_path):
    from ctgstats.portrait.build import build_portrait

    params = {
        "territory": {"level": "epci", "code": "000000101"},
        "cog_year": 2025,
        "census": {"vintages": [2011, 2016, 2022]},
        "data_dirs": [str(demo_dir)],
    }
    return build_portrait(params, cache_dir=tmp_path / "cache")


def _one(figures, territory, ident, year):
    rows = figures[
        (figures["territoire"] == territory)
        & (figures["indicateur"] == ident)
        & (figures["annee"] == str(year))
    ]
    assert len(rows) == 1, (territory, ident, year)
    return rows.iloc[0]


@pytest.fixture(scope="module")
def chef_lieux():
    from ctgstats.demo.geography import chef_lieu_points

    points = chef_lieu_points()
    points.pop("00013")  # merged into 00012 on 1 January 2019
    return pd.DataFrame(
        {
            "code": list(points),
            "x": [p[0] for p in points.values()],
            "y": [p[1] for p in points.values()],
        }
    )


def test_chapter_without_contours_says_distance_not_available(demo_dir, tmp_path):
    bare = tmp_path / "sans_contours"
    shutil.copytree(demo_dir, bare, ignore=shutil.ignore_patterns("geo"))
    portrait = _portrait(bare, tmp_path)
    figures = portrait.figures
    territory = portrait.territory.id
    row = _one(figures, territory, "distance_medecin_generaliste", 2024)
    assert not row["disponible"] and math.isnan(row["valeur"])
    assert "point de référence" in row["note"]
    # counts and shares recomputed from the demo file by hand
    bpe = pd.read_csv(demo_dir / "insee" / "bpe" / "DS_BPE_2024_data.csv", sep=";", dtype=str)
    members = list(portrait.territory.communes)
    doctors = bpe[(bpe["GEO_OBJECT"] == "COM") & (bpe["FACILITY_TYPE"] == "D201")]
    doctors = doctors.assign(n=doctors["OBS_VALUE"].astype(float)).set_index("GEO")["n"]
    expected = float(doctors.reindex(members).fillna(0).sum())
    assert _one(figures, territory, "nombre_medecin_generaliste", 2024)["valeur"] == expected
    population = portrait.census_communes["P22_POP"].reindex(members)
    without = population[doctors.reindex(members).fillna(0) == 0].sum() / population.sum() * 100
    share = _one(figures, territory, "part_pop_sans_medecin_generaliste", 2024)
    assert share["valeur"] == pytest.approx(without)
    assert _one(figures, territory, "densite_medecin_generaliste", 2024)["valeur"] == pytest.approx(
        10_000 * expected / population.sum()
    )
    # the old layout gives 2021 with its own codes; the centre social is not in it
    assert _one(figures, territory, "nombre_pharmacie", 2021)["disponible"]
    social = _one(figures, territory, "nombre_centre_social", 2021)
    assert not social["disponible"] and "nomenclature" in social["note"]
    assert any("vol d'oiseau" in p for p in portrait.chapter_vigilance["services"])
    found = portrait.findings[
        portrait.findings["indicateurs"] == "part_pop_sans_medecin_generaliste"
    ]
    assert len(found) == 1 and "médecin généraliste" in found["constat"].iloc[0]
    _check_views(portrait)


def _check_views(portrait):
    from matplotlib.figure import Figure

    from ctgstats.portrait.services import findings, views

    summary = views.summary_table(portrait).data
    assert "Médecin généraliste" in summary
    assert "Population sans le service — France métropolitaine" not in summary  # all n.d.
    assert "D307" in views.definitions(portrait).data  # pharmacy code of BPE 2023-2024
    assert "Vallons-Fictifs" in views.communes_table(portrait).data
    assert isinstance(views.share_chart(portrait), Figure)
    assert "vol d&#x27;oiseau" in views.vigilance(portrait).data
    members = len(portrait.territory.communes)
    absent = [
        s.short
        for s in read.load_catalogue().services
        if portrait.value(indicator_id("communes_avec", s.id), "2024") == 0
    ]
    grouped = [t for t in findings.sentences(portrait) if t.startswith("Aucune")]
    assert len(grouped) == (1 if absent else 0)
    if absent:
        assert grouped[0].startswith(f"Aucune des {members} communes n'a ")


def test_chapter_distances_with_commune_points(demo_dir, tmp_path, monkeypatch, chef_lieux):
    from ctgstats.data import contours

    monkeypatch.setattr(
        contours,
        "commune_points",
        lambda catalog, *, cog_year, communes: chef_lieux[chef_lieux["code"].isin(communes)],
    )
    portrait = _portrait(demo_dir, tmp_path)
    table = portrait.tables["services_communes"].set_index("code")
    points = pd.read_csv(demo_dir / "insee" / "bpe" / "BPE2024.csv", sep=";", dtype={"DEPCOM": str})
    pharmacies = points[(points["TYPEQU"] == "D307") & (points["QUALITE_XY"] != "_Z")]
    reference = chef_lieux.set_index("code")
    for code in ("00001", "00005", "00012"):
        x, y = reference.loc[code, ["x", "y"]]
        nearest = np.min(np.hypot(pharmacies["LAMBERT_X"] - x, pharmacies["LAMBERT_Y"] - y)) / 1000
        assert table.loc[code, "distance_km_pharmacie"] == pytest.approx(nearest)
    members = list(portrait.territory.communes)
    population = portrait.census_communes["P22_POP"].reindex(members)
    mean = (table["distance_km_pharmacie"].reindex(members) * population).sum() / population.sum()
    row = _one(portrait.figures, portrait.territory.id, "distance_pharmacie", 2024)
    assert row["valeur"] == pytest.approx(mean)
    assert "vol d'oiseau" in row["definition"]
    assert row["source"].endswith("recensement 2022 (population municipale)")


def test_indicator_ids():
    assert indicator_id("part_pop_sans", "pharmacie") == "part_pop_sans_pharmacie"


def test_old_geography_codes_are_harmonised_to_the_cog_year(demo_dir, tmp_path):
    """A BPE file listing Vallon-Bas (00013, merged into 00012 in 2019) is summed into 00012."""
    folder = tmp_path / "data"
    shutil.copytree(demo_dir, folder)
    (folder / "insee" / "bpe" / "bpe19_ensemble.csv").write_text(
        "REG;DEP;DEPCOM;DCIRIS;AN;TYPEQU;NB_EQUIP\n"
        "00;00;00012;000120000;2019;D301;1\n"
        "00;00;00013;000130000;2019;D301;2\n"
        "00;00;00001;000010000;2019;D201;4\n"
    )
    (folder / "insee" / "bpe" / "bpe20_ensemble.csv").write_text(  # another département only
        "REG;DEP;DEPCOM;DCIRIS;AN;TYPEQU;NB_EQUIP\n76;31;31042;310420101;2020;D301;1\n"
    )
    portrait = _portrait(folder, tmp_path)
    territory = portrait.territory.id
    assert _one(portrait.figures, territory, "nombre_pharmacie", 2019)["valeur"] == 3.0
    assert _one(portrait.figures, territory, "communes_avec_pharmacie", 2019)["valeur"] == 1.0
    assert _one(portrait.figures, territory, "nombre_medecin_generaliste", 2019)["valeur"] == 4.0
    # a file without the territory's département says so: unknown, never 0
    row = _one(portrait.figures, territory, "nombre_pharmacie", 2020)
    assert not row["disponible"] and "département absent du fichier BPE" in row["note"]


def test_zipped_old_layout_is_read_through_its_member(tmp_path):
    import zipfile

    folder = tmp_path / "data"
    folder.mkdir()
    with zipfile.ZipFile(folder / "bpe21_ensemble_csv.zip", "w") as archive:
        archive.write(FIXTURES / "bpe21_ensemble.csv", "bpe21_ensemble.csv")
    catalog = Catalog.from_dirs([str(folder)], cache_dir=tmp_path / "cache")
    counts = read.read_counts(catalog).set_index(["code", "typequ"])["nombre"]
    assert counts[("31042", "D201")] == 5.0


def test_equipment_of_the_territory_feed_the_needs_and_offer_map(demo_dir, tmp_path):
    from ctgstats.portrait.maps import views as map_views
    from ctgstats.portrait.services.chapter import POINTS_TABLE

    portrait = _portrait(demo_dir, tmp_path)
    table = portrait.tables[POINTS_TABLE]
    communes = set(portrait.territory.communes or ())
    assert set(table["code"]) <= communes
    raw = pd.read_csv(demo_dir / "insee" / "bpe" / "BPE2024.csv", sep=";", dtype=str)
    doctors = raw[(raw["TYPEQU"] == "D201") & raw["DEPCOM"].isin(communes)]
    mine = table[table["service"] == "medecin_generaliste"]
    assert len(mine) == len(doctors)
    assert sorted(mine["x"].round(1)) == sorted(doctors["LAMBERT_X"].astype(float).round(1))
    figure = map_views.needs_and_offer(portrait, "age_60_plus", service="medecin_generaliste")
    assert not hasattr(figure, "data")  # a matplotlib figure, not an HTML "non disponible"
