"""Planning a run is pure: no kernel, no file written."""

from __future__ import annotations

from pathlib import Path

from ctgstats.core.params import load_params, parse_params
from ctgstats.pipeline.plan import notebooks_dir, plan_run, slugify


def test_plan_of_the_demo(tmp_path):
    params = parse_params({"territory": {"level": "epci", "code": "000000101"}})
    plan = plan_run(params, output_dir=tmp_path / "out", token="t1")
    assert plan.slug == "epci-000000101"
    assert plan.final_dir == tmp_path / "out" / "epci-000000101"
    assert plan.staging_dir == tmp_path / "out" / ".epci-000000101.en-cours-t1"
    assert plan.failed_dir == tmp_path / "out" / "epci-000000101.echec"
    assert [t.name for t in plan.tasks] == [
        "01_demographie",
        "02_familles_menages",
        "05_logement",
        "06_emploi_jeunesse",
        "07_pauvrete_caf",
        "08_offre_services",
        "09_cartes",
        "10_dispositifs",
    ]
    assert plan.tasks[0].template == notebooks_dir() / "01_demographie.ipynb"
    assert plan.tasks[1].html == "02_familles_menages.html"
    assert not (tmp_path / "out").exists()  # planning writes nothing


def test_plan_makes_data_dirs_absolute_for_the_kernel(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").mkdir()
    params = parse_params(
        {
            "territory": {"level": "commune", "code": "31471"},
            "data_dirs": ["data", "ctgstats:demo"],
            "notebooks": ["02_familles_menages"],
            "slug": "saint-beat",
        }
    )
    plan = plan_run(params)
    assert plan.injected["data_dirs"] == [str(tmp_path / "data"), "ctgstats:demo"]
    assert plan.final_dir == Path("outputs") / "saint-beat"
    assert [t.name for t in plan.tasks] == ["02_familles_menages"]


def test_slugify_is_ascii():
    assert slugify("CC du Haut-Val fictif") == "cc-du-haut-val-fictif"
    assert slugify("Saint-Béat-Lez") == "saint-beat-lez"


def test_the_users_templates_replace_the_shipped_ones(tmp_path, monkeypatch):
    own = tmp_path / "mes-carnets"
    own.mkdir()
    (own / "02_familles_menages.ipynb").write_text("{}", encoding="utf-8")
    params = parse_params({"territory": {"level": "epci", "code": "000000101"}})
    given = plan_run(params, templates=own)
    assert [t.template for t in given.tasks] == [
        notebooks_dir() / "01_demographie.ipynb",
        own / "02_familles_menages.ipynb",
        notebooks_dir() / "05_logement.ipynb",
        notebooks_dir() / "06_emploi_jeunesse.ipynb",
        notebooks_dir() / "07_pauvrete_caf.ipynb",
        notebooks_dir() / "08_offre_services.ipynb",
        notebooks_dir() / "09_cartes.ipynb",
        notebooks_dir() / "10_dispositifs.ipynb",
    ]
    monkeypatch.setenv("CTGSTATS_NOTEBOOKS_DIR", str(own))
    assert plan_run(params).tasks[1].template == own / "02_familles_menages.ipynb"


def test_shipped_templates_are_package_resources():
    from importlib import resources

    assert notebooks_dir() == Path(str(resources.files("ctgstats") / "notebooks"))
    assert (notebooks_dir() / "01_demographie.ipynb").is_file()


def test_check_refuses_a_missing_template_as_bad_input(tmp_path):
    import dataclasses

    import pytest

    from ctgstats.core.errors import InputError
    from ctgstats.pipeline.prepare import TemplateNotFoundError, check_templates

    params = parse_params({"territory": {"level": "epci", "code": "000000101"}})
    plan = plan_run(params)
    check_templates(plan)  # the shipped templates
    missing = dataclasses.replace(plan.tasks[0], template=tmp_path / "absent.ipynb")
    with pytest.raises(TemplateNotFoundError, match="absent.ipynb") as caught:
        check_templates(dataclasses.replace(plan, tasks=(missing,)))
    assert isinstance(caught.value, InputError)


def test_preparation_computes_what_the_notebooks_need():
    from ctgstats.pipeline.prepare import needs, prepare

    params = parse_params(
        {
            "territory": {"level": "epci", "code": "000000101"},
            "cog_year": 2025,
            "data_dirs": ["ctgstats:demo"],
            "notebooks": ["01_demographie"],
            "surveys": [
                {
                    "id": "habitants",
                    "export": "ctgstats:demo/enquetes/habitants_limesurvey.csv",
                    "codebook": "ctgstats:demo/enquetes/codebook_habitants.yaml",
                }
            ],
        }
    )
    plan = plan_run(params)
    assert needs(plan) == {"portrait"}
    prepared = prepare(plan)
    assert prepared.portrait.territory.code == "000000101"
    assert prepared.surveys == {} and prepared.followup is None


def test_survey_pages_have_readable_titles() -> None:
    """Issue 10: links and page titles name the survey and its wave, not an id."""
    from ctgstats.core.params import load_params
    from ctgstats.pipeline.plan import plan_run

    plan = plan_run(load_params(Path(__file__).parents[1] / "params" / "demo.yaml"))
    titles = {t.survey_id: t.title for t in plan.tasks if t.survey_id}
    assert titles == {
        "habitants": "Enquête auprès des habitants 2026",
        "habitants_2029": "Enquête auprès des habitants 2029",
        "elus": "Enquête auprès des élus",
    }


def test_survey_default_title_from_series_and_year() -> None:
    from ctgstats.core.params import Survey

    wave = Survey(id="habitants_2029", series="habitants", year=2029, export="x", codebook="y")
    assert wave.readable_title == "Enquête habitants 2029"
    assert Survey(id="elus_2026", export="x", codebook="y", year=2026).readable_title == (
        "Enquête elus 2026"
    )


def test_the_runner_injects_params_and_resets_params_file(tmp_path):
    from ctgstats.pipeline.plan import plan_survey_run

    params = parse_params(
        {
            "territory": {"level": "epci", "code": "000000101"},
            "notebooks": ["01_demographie", "03_enquete"],
            "surveys": [
                {
                    "id": "habitants",
                    "export": "ctgstats:demo/enquetes/habitants_limesurvey.csv",
                    "codebook": "ctgstats:demo/enquetes/codebook_habitants.yaml",
                }
            ],
        }
    )
    plan = plan_run(params, output_dir=tmp_path)
    assert [t.parameters["params_file"] for t in plan.tasks] == [None, None]
    assert all(t.parameters["params"] == plan.injected for t in plan.tasks)
    alone = plan_survey_run(params.surveys[0], output_dir=tmp_path)
    assert alone.tasks[0].parameters["params"] is None
    assert alone.tasks[0].parameters["params_file"] is None


def test_a_params_file_run_from_elsewhere_injects_paths_from_its_folder(tmp_path, monkeypatch):
    from ctgstats.core.params import load_params

    folder = tmp_path / "territoire"
    folder.mkdir()
    (folder / "p.yaml").write_text(
        'territory: {level: epci, code: "000000101"}\n'
        "data_dirs: [insee, ctgstats:demo]\n"
        "indicators: {price_index: ipc.csv}\n",
        encoding="utf-8",
    )
    (tmp_path / "ailleurs").mkdir()
    monkeypatch.chdir(tmp_path / "ailleurs")
    plan = plan_run(load_params(folder / "p.yaml"))
    assert plan.injected["data_dirs"] == [str(folder / "insee"), "ctgstats:demo"]
    assert plan.injected["indicators"]["price_index"] == str(folder / "ipc.csv")
    assert plan.final_dir == Path("outputs") / "epci-000000101"


def test_a_relative_price_index_of_a_mapping_is_made_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    params = parse_params(
        {
            "territory": {"level": "epci", "code": "000000101"},
            "indicators": {"price_index": "i.csv"},
        }
    )
    assert plan_run(params).injected["indicators"]["price_index"] == str(tmp_path / "i.csv")


def test_the_waves_notebook_runs_once_per_series_of_waves(tmp_path):
    params = load_params(Path("params/demo.yaml"))
    tasks = {t.executed: t for t in plan_run(params, output_dir=tmp_path).tasks}
    task = tasks["03b_enquete_vagues_habitants.ipynb"]
    assert task.series_id == "habitants" and task.parameters["series"] == "habitants"
    assert task.title == "Enquête auprès des habitants : comparaison des vagues 2026 et 2029"
    assert not any(name.startswith("03b_enquete_vagues_elus") for name in tasks)
