"""The content-keyed memo, and the portrait computed once for given inputs."""

from __future__ import annotations

import shutil
from dataclasses import replace

import pytest
from tests.helpers import REPO

from ctgstats.data import memo
from ctgstats.demo import DATA_DIR
from ctgstats.portrait import build


def test_a_stored_result_is_reused_and_a_corrupt_file_recomputed(tmp_path):
    calls = []

    def compute():
        calls.append(1)
        return {"valeur": 42}

    key = memo.content_key({"a": 1}, [("f.csv", "abc")])
    assert memo.memoised("essai", key, compute, cache_dir=tmp_path) == {"valeur": 42}
    assert memo.memoised("essai", key, compute, cache_dir=tmp_path) == {"valeur": 42}
    assert len(calls) == 1
    path = memo.memo_path("essai", key, cache_dir=tmp_path)
    path.write_bytes(b"pas un pickle")
    assert memo.memoised("essai", key, compute, cache_dir=tmp_path) == {"valeur": 42}
    assert len(calls) == 2
    assert not list(path.parent.glob(".*.tmp")), "no temporary file left"


def test_keys_depend_on_every_part():
    assert memo.content_key({"a": 1}) == memo.content_key({"a": 1})
    assert memo.content_key({"a": 1}) != memo.content_key({"a": 2})
    assert memo.content_key({"a": 1}, ["sha1"]) != memo.content_key({"a": 1}, ["sha2"])


def test_a_failed_computation_stores_nothing(tmp_path):
    def fail():
        raise ValueError("donnée manquante")

    with pytest.raises(ValueError, match="donnée manquante"):
        memo.memoised("essai", "k", fail, cache_dir=tmp_path)
    assert not memo.memo_path("essai", "k", cache_dir=tmp_path).exists()


def test_only_the_newest_entries_are_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(memo, "MAX_ENTRIES", 2)
    for n in range(4):
        memo.memoised("essai", f"k{n}", lambda n=n: n, cache_dir=tmp_path)
    assert len(list((tmp_path / "memo" / "essai").glob("*.pickle"))) <= 2


@pytest.fixture
def counted(monkeypatch):
    calls = []
    real = build.compute_portrait

    def counting(params, catalog):
        calls.append(params.territory.code)
        return real(params, catalog)

    monkeypatch.setattr(build, "compute_portrait", counting)
    return calls


def test_the_portrait_is_computed_once_for_the_same_inputs(tmp_path, counted):
    data = tmp_path / "insee"
    shutil.copytree(DATA_DIR / "insee", data)
    params = {
        "territory": {"level": "epci", "code": "000000101"},
        "cog_year": 2025,
        "data_dirs": [str(data)],
    }
    cache = tmp_path / "cache"
    first = build.build_portrait(params, cache_dir=cache)
    again = build.build_portrait(params, cache_dir=cache)
    assert counted == ["000000101"]
    assert again.territory == first.territory and again.figures.equals(first.figures)
    assert again.params == first.params

    with (data / "cog" / "v_mvt_commune_2025.csv").open("a", encoding="utf-8") as stream:
        stream.write("\n")  # same content for the reader, another file for the memo
    build.build_portrait(params, cache_dir=cache)
    assert len(counted) == 2

    other = {**params, "options": {"small_count_threshold": 150}}
    build.build_portrait(other, cache_dir=cache)
    assert len(counted) == 3
    build.build_portrait(other, cache_dir=cache)
    assert len(counted) == 3


def test_a_survey_is_analysed_once_per_portrait_and_files(tmp_path, monkeypatch):
    from ctgstats.core.params import load_params
    from ctgstats.surveys import analysis

    monkeypatch.setenv("CTGSTATS_CACHE_DIR", str(tmp_path / "cache"))
    params = load_params(REPO / "params" / "demo.yaml")
    portrait = build.build_portrait(params, cache_dir=tmp_path / "cache")
    assert portrait.content_key, "build_portrait gives the portrait its memo key"
    spec = params.surveys[0]
    calls = []
    real = analysis._analyse

    def counting(survey, *, portrait=None):
        calls.append(survey.id)
        return real(survey, portrait=portrait)

    monkeypatch.setattr(analysis, "_analyse", counting)
    first = analysis.analyse(spec, portrait=portrait)
    again = analysis.analyse(spec, portrait=portrait)
    assert calls == [spec.id]
    assert again.n_included == first.n_included
    # other census inputs (another portrait key): analysed again, never a stale weighting
    analysis.analyse(spec, portrait=replace(portrait, content_key="autre"))
    assert calls == [spec.id, spec.id]
    # a portrait without key (built by hand): no memo
    analysis.analyse(spec, portrait=replace(portrait, content_key=""))
    assert len(calls) == 3


def test_the_census_block_is_computed_once_for_every_territory_of_the_same_files(
    tmp_path, monkeypatch
):
    calls = []
    real = build._compute_block

    def counting(catalog, composition, *, extra=()):
        calls.append(composition.cog_year)
        return real(catalog, composition, extra=extra)

    monkeypatch.setattr(build, "_compute_block", counting)
    monkeypatch.setattr(build, "_BLOCKS", {})
    base = {"cog_year": 2025, "data_dirs": ["ctgstats:demo"]}
    first = build.build_portrait(
        {**base, "territory": {"level": "epci", "code": "000000101"}}, cache_dir=tmp_path
    )
    second = build.build_portrait(
        {**base, "territory": {"level": "epci", "code": "000000102"}}, cache_dir=tmp_path
    )
    assert calls == [2025], "one harmonisation of the census files for both EPCIs"
    build._BLOCKS.clear()  # another process: the shared memo serves it
    build.build_portrait(
        {**base, "territory": {"level": "epci", "code": "000000103"}}, cache_dir=tmp_path
    )
    assert calls == [2025]
    # a portrait carries its own communes only, never the whole département
    assert set(first.census_communes.index) == set(first.territory.communes)
    assert set(second.census_communes.index) == set(second.territory.communes)
    # the sums are the territory's own: its population is the sum of its communes' rows
    column = "P22_POP"
    assert first.census_totals.loc["epci:000000101", column] == pytest.approx(
        first.census_communes[column].sum()
    )
