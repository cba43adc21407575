"""The command line end to end: the console script in a subprocess, as a user runs it."""

from __future__ import annotations

import csv
import json
import shutil

import nbformat
import pytest
from tests.helpers import REPO
from tests.helpers import run_cli as _run

from ctgstats.publish.export import check_offline


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "outputs"
    result = _run("run", "params/demo.yaml", "--output-dir", out)
    return result, out


@pytest.mark.notebooks
def test_demo_run_succeeds_and_prints_the_report(demo_run):
    result, out = demo_run
    assert result.returncode == 0, result.stderr
    index = out / "epci-000000101" / "index.html"
    assert f"Rapport : {index.resolve()}" in result.stdout
    assert index.is_file()


@pytest.mark.notebooks
def test_demo_outputs(demo_run):
    _, out = demo_run
    folder = out / "epci-000000101"
    for name in ("01_demographie", "02_familles_menages"):
        html = (folder / f"{name}.html").read_text(encoding="utf-8")
        assert check_offline(html) == []
        assert "Données fictives" in html or "DONNÉES FICTIVES" in html
        assert "data:image/png;base64" in html
        assert "from ctgstats.portrait import views" not in html  # code hidden
        assert (folder / f"{name}.ipynb").is_file()
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert check_offline(index) == []
    assert 'href="01_demographie.html"' in index
    # the synthesis opens the index and the single-file report, before the key figures
    # and the table of contents
    assert index.index('class="ctg-synthese"') < index.index('id="chiffres-cles"')
    complete = (folder / "rapport_complet.html").read_text(encoding="utf-8")
    assert complete.index('class="ctg-synthese"') < complete.index('id="sommaire"')
    assert "Suivi du plan d'action, 12 indicateurs suivis" in complete
    with open(folder / "tables" / "chiffres_cles.csv", encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        assert next(reader) == [
            "indicateur",
            "niveau",
            "code",
            "annee",
            "valeur",
            "unite",
            "source",
            "ic_bas",
            "ic_haut",
            "note",
        ]
        rows = list(reader)
    population = [r for r in rows if r[0] == "population" and r[1] == "epci" and r[3] == "2022"]
    assert len(population) == 1 and "." in population[0][4]  # full precision, decimal point
    assert population[0][7:9] == ["", ""]  # exhaustive count: no interval
    households = [
        r for r in rows if r[0] == "menages_avec_enfants" and r[1] == "epci" and r[3] == "2022"
    ]
    assert len(households) == 1
    low, value, high = (float(households[0][i]) for i in (7, 4, 8))
    assert low < value < high  # a sample estimate carries its 95 % interval
    assert (folder / "tables" / "diagnostic_epci-000000101.xlsx").is_file()
    assert (folder / "tables" / "chiffres_cles_fr.csv").is_file()  # French twin for Excel
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert {"tables/chiffres_cles.csv", "tables/chiffres_cles_fr.csv"} <= set(manifest["outputs"])
    assert manifest["status"] == "success"
    assert manifest["fictional_data"] is True
    assert all(len(f["sha256"]) == 64 for f in manifest["data_files"])
    assert {"pandas", "papermill", "ctgstats"} <= set(manifest["versions"])
    assert "notebook:01_demographie.ipynb" in manifest["timings_seconds"]


def test_bad_params_are_refused_before_any_kernel(tmp_path):
    params = tmp_path / "bad.yaml"
    params.write_text(
        'territory:\n  level: epci\n  code: "000000101"\nvintage: 2022\n', encoding="utf-8"
    )
    result = _run("run", params, "--output-dir", tmp_path / "out")
    assert result.returncode == 2
    assert "vintage : clé inconnue" in result.stderr
    assert str(params) in result.stderr
    assert not (tmp_path / "out").exists()


def test_unknown_territory_code_is_refused(tmp_path):
    result = _run(
        "run",
        "--territory",
        "epci:000000199",
        "--data-dir",
        "ctgstats:demo",
        "--output-dir",
        tmp_path / "out",
    )
    assert result.returncode == 2
    assert "territory.code" in result.stderr and "'000000199'" in result.stderr
    assert not (tmp_path / "out").exists()


def test_malformed_territory_option(tmp_path):
    result = _run("run", "--territory", "epci-200072635", "--data-dir", tmp_path)
    assert result.returncode == 2 and "NIVEAU:CODE" in result.stderr


def test_validate_command():
    result = _run("validate", "params/demo.yaml")
    assert result.returncode == 0, result.stderr
    assert "CC du Haut-Val fictif" in result.stdout


def test_validate_refuses_what_run_refuses(tmp_path):
    params = tmp_path / "sans-codebook.yaml"
    params.write_text(
        'territory:\n  level: epci\n  code: "000000101"\ncog_year: 2025\n'
        "data_dirs: [ctgstats:demo]\n"
        "surveys:\n  - id: habitants\n"
        "    export: ctgstats:demo/enquetes/habitants_limesurvey.csv\n"
        f"    codebook: {tmp_path / 'absent.yaml'}\n",
        encoding="utf-8",
    )
    validated = _run("validate", params)
    assert validated.returncode == 2, validated.stdout
    assert "absent.yaml" in validated.stderr and "OK" not in validated.stdout
    ran = _run("run", params, "--output-dir", tmp_path / "out")
    assert ran.returncode == 2
    assert not (tmp_path / "out" / "epci-000000101").exists()


def test_schema_command():
    result = _run("schema")
    assert result.returncode == 0
    assert "territory" in json.loads(result.stdout)["properties"]


@pytest.mark.notebooks
def test_failing_notebook_keeps_previous_output(tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    for path in (REPO / "src" / "ctgstats" / "notebooks").glob("*.ipynb"):
        shutil.copy(path, templates / path.name)
    out = tmp_path / "out"
    good = _run(
        "run",
        "params/demo.yaml",
        "--output-dir",
        out,
        "-n",
        "02_familles_menages",
        env={"CTGSTATS_NOTEBOOKS_DIR": str(templates)},
    )
    assert good.returncode == 0, good.stderr
    report = out / "epci-000000101" / "02_familles_menages.html"
    before = report.read_bytes()

    broken = nbformat.read(templates / "02_familles_menages.ipynb", as_version=4)
    broken.cells.insert(5, nbformat.v4.new_code_cell("views.no_such_view(portrait)"))
    nbformat.write(broken, templates / "02_familles_menages.ipynb")
    bad = _run(
        "run",
        "params/demo.yaml",
        "--output-dir",
        out,
        "-n",
        "02_familles_menages",
        env={"CTGSTATS_NOTEBOOKS_DIR": str(templates)},
    )
    assert bad.returncode == 1
    assert "02_familles_menages" in bad.stderr and "cell" in bad.stderr
    assert "no_such_view" in bad.stderr
    assert report.read_bytes() == before  # previous good output untouched
    failed = out / "epci-000000101.echec"
    executed = nbformat.read(failed / "02_familles_menages.ipynb", as_version=4)
    errors = [
        o
        for c in executed.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]
    assert errors and errors[0]["ename"] == "AttributeError"
    manifest = json.loads((failed / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "failed"
    assert manifest["error"]["notebook"] == "02_familles_menages"
    assert not any(p.name.startswith(".") for p in out.iterdir())  # no staging left


@pytest.mark.shared
@pytest.mark.notebooks
def test_real_ccphg_from_the_issue_command(tmp_path):
    insee = REPO.parent / "shared" / "data" / "insee"
    if not insee.is_dir():
        pytest.skip("../shared/data is absent (a user's clone has no ../shared)")
    result = _run(
        "run",
        "--territory",
        "epci:200072635",
        "--data-dir",
        "../shared/data/insee/rp2022-ccphg",
        "--data-dir",
        "../shared/data/insee/filosofi-dep31",
        "--data-dir",
        "../shared/data/insee/cog",
        "--output-dir",
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "epci-200072635"
    html = (folder / "02_familles_menages.html").read_text(encoding="utf-8")
    assert "Pyrénées Haut Garonnaises" in html or "Pyrénées Haut-Garonnaises" in html
    assert "Données fictives" not in html
    assert "n.d." in html  # the extracts lack the département's other communes
    with open(folder / "tables" / "chiffres_cles.csv", encoding="utf-8", newline="") as handle:
        rows = {(r["indicateur"], r["code"], r["annee"]): r for r in csv.DictReader(handle)}
    assert float(rows[("population", "200072635", "2022")]["valeur"]) == 15373
    assert (
        float(rows[("familles_avec_enfants_evolution", "200072635", "2011-2022")]["valeur"]) == -233
    )
    assert float(rows[("revenu_median_uc", "200072635", "2019")]["valeur"]) == 20690


@pytest.mark.notebooks
def test_demo_pages_link_each_other_in_reading_order_and_the_portal(demo_run):
    from bs4 import BeautifulSoup

    _, out = demo_run
    folder = out / "epci-000000101"
    from ctgstats.core.params import load_params
    from ctgstats.pipeline.plan import plan_run

    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    # reading order: the run's plan (the manifest lists its outputs sorted by name)
    pages = [task.html for task in plan_run(load_params(REPO / "params" / "demo.yaml")).tasks]
    assert len(pages) >= 3 and set(pages) <= set(manifest["outputs"])
    for number, name in enumerate(pages):
        soup = BeautifulSoup((folder / name).read_text(encoding="utf-8"), "html.parser")
        pagers = soup.select("nav.ctg-pager")
        assert len(pagers) == 2, name  # top and bottom
        expected = {}
        if number > 0:
            expected["ctg-pager-prev"] = pages[number - 1]
        if number + 1 < len(pages):
            expected["ctg-pager-next"] = pages[number + 1]
        top = {a["class"][0]: a["href"] for a in pagers[0].find_all("a")}
        bottom = {a["class"][0]: a["href"] for a in pagers[1].find_all("a")}
        assert top == expected, name
        assert bottom == {**expected, "ctg-pager-home": "index.html"}, name
        for href in bottom.values():
            assert (folder / href).is_file(), href
        # the first and the last page have a single neighbour
        assert len(expected) == (1 if number in (0, len(pages) - 1) else 2)
        for link in soup.select("abbr.ctg-jargon > a"):
            target, anchor = link["href"].split("#")
            home = BeautifulSoup((folder / target).read_text(encoding="utf-8"), "html.parser")
            assert home.find(id=anchor) is not None, link["href"]
    index = BeautifulSoup((folder / "index.html").read_text(encoding="utf-8"), "html.parser")
    back = index.select_one("p.ctg-back a")["href"]
    assert back == "../index.html" and (folder / back).resolve().is_file()
    groups = [h.get_text() for h in index.select("h3.ctg-chapter-group")]
    assert groups == ["Portrait", "Enquêtes", "Suivi"]
    listed = [a["href"] for a in index.select("h3.ctg-chapter-group + ul a")]
    assert listed == pages  # the home page lists the pages in their reading order
    assert manifest["territory"]["departement"]["code"] == "00"
