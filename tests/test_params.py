"""Params model: refusals name the field and the value; defaults are the demo."""

from __future__ import annotations

import json

import pytest

from ctgstats.core.params import ParamsError, json_schema, load_params, parse_params

REPO_PARAMS = __import__("pathlib").Path(__file__).resolve().parents[1] / "params"


def test_demo_params_file_is_valid():
    params = load_params(REPO_PARAMS / "demo.yaml")
    assert params.territory.id == "epci:000000101"
    assert params.data_dirs == ("ctgstats:demo",)
    assert params.census.vintages == (2011, 2016, 2022)


def test_minimal_params_get_documented_defaults():
    params = parse_params({"territory": {"level": "commune", "code": "31471"}})
    assert params.options.small_count_threshold == 200
    assert params.options.ageing_index == "65"
    assert params.notebook_names == (
        "01_demographie",
        "02_familles_menages",
        "05_logement",
        "06_emploi_jeunesse",
        "07_pauvrete_caf",
        "08_offre_services",
        "09_cartes",
        "10_dispositifs",
    )
    with_survey = parse_params(
        {
            "territory": {"level": "commune", "code": "31471"},
            "surveys": [{"id": "habitants", "export": "e.csv", "codebook": "c.yaml"}],
        }
    )
    assert "03_enquete" in with_survey.notebook_names
    assert with_survey.surveys[0].weighting.margins == ("age", "sexe")
    assert params.comparators is None  # resolved later: département + France


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (
            {"territory": {"level": "epci", "code": "200072635"}, "colour": "red"},
            "colour : clé inconnue",
        ),
        (
            {"territory": {"level": "epci", "code": 200072635}},
            "territory.code : le code 200072635 doit être écrit entre guillemets",
        ),
        (
            {"territory": {"level": "epci", "code": "20007263"}},
            "territory.code : '20007263' n'est pas un code epci valide",
        ),
        (
            {"territory": {"level": "commune", "code": "2C004"}},
            "territory.code : '2C004' n'est pas un code commune valide",
        ),
        ({"territory": {"level": "canton", "code": "3101"}}, "territory.level"),
        (
            {"territory": {"level": "epci", "code": "200072635"}, "census": {"vintages": "2022"}},
            "census.vintages",
        ),
        (
            {
                "territory": {"level": "epci", "code": "200072635"},
                "census": {"vintages": [2022, 2022]},
            },
            "millésimes du recensement en double",
        ),
        (
            {
                "territory": {"level": "epci", "code": "200072635"},
                "options": {"ageing_index": "70"},
            },
            "options.ageing_index",
        ),
        (
            {
                "territory": {
                    "level": "groupe",
                    "code": "vallee",
                    "name": "Vallée",
                    "communes": ["31471", 31438],
                }
            },
            "le code de commune 31438 doit être écrit entre guillemets",
        ),
        (
            {"territory": {"level": "groupe", "code": "vallee", "communes": ["31471"]}},
            "demande un 'name'",
        ),
        (
            {"territory": {"level": "epci", "code": "200072635"}, "notebooks": ["99_autre"]},
            "notebooks.0",
        ),
        (
            {"territory": {"level": "epci", "code": "200072635"}, "notebooks": ["03_enquete"]},
            "'03_enquete' demande au moins une entrée dans 'surveys'",
        ),
        (
            {
                "territory": {"level": "epci", "code": "200072635"},
                "surveys": [
                    {
                        "id": "h",
                        "export": "e.csv",
                        "codebook": "c.yaml",
                        "weighting": {"margins": ["revenu"]},
                    }
                ],
            },
            "ne peuvent pas être tirées du recensement",
        ),
        (
            {
                "territory": {"level": "epci", "code": "200072635"},
                "surveys": [{"export": "e.csv", "codebook": "c.yaml"}],
            },
            "surveys.0.id",
        ),
    ],
)
def test_bad_params_are_refused_with_field_and_value(data, fragment):
    with pytest.raises(ParamsError) as caught:
        parse_params(data, source="params/x.yaml")
    message = str(caught.value)
    assert message.startswith("params/x.yaml : paramètres invalides")
    assert fragment in message


def test_params_errors_are_input_errors():
    from ctgstats.core.errors import EXIT_BAD_INPUT, InputError

    with pytest.raises(InputError) as caught:
        parse_params({"territory": {"level": "epci", "code": "1"}})
    assert isinstance(caught.value, ValueError)  # existing except clauses keep working
    assert caught.value.exit_code == EXIT_BAD_INPUT


def test_pydantic_messages_are_in_french():
    with pytest.raises(ParamsError) as caught:
        parse_params({"territory": {"level": "epci"}, "cog_year": 1999})
    message = str(caught.value)
    assert "territory.code : champ obligatoire manquant" in message
    assert "cog_year : doit être supérieur ou égal à 2000 (valeur : 1999)" in message


def test_download_source_ids_are_checked_by_the_data_layer():
    # The model only requires a non-empty id; ctgstats.data.download checks it is known.
    params = parse_params(
        {
            "territory": {"level": "epci", "code": "200072635"},
            "download": {"sources": [{"id": "no_such_source", "vintage": 2022}]},
        }
    )
    assert params.download.sources[0].id == "no_such_source"
    with pytest.raises(ParamsError, match="download.sources.0.id"):
        parse_params(
            {
                "territory": {"level": "epci", "code": "200072635"},
                "download": {"sources": [{"id": "", "vintage": 2022}]},
            }
        )


def test_yaml_errors_name_the_file(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("territory: [unclosed\n", encoding="utf-8")
    with pytest.raises(ParamsError, match="broken.yaml : YAML invalide"):
        load_params(path)
    with pytest.raises(ParamsError, match="fichier de paramètres introuvable"):
        load_params(tmp_path / "absent.yaml")


def test_unquoted_code_in_yaml_is_refused(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("territory:\n  level: commune\n  code: 01001\n", encoding="utf-8")
    with pytest.raises(ParamsError, match="entre guillemets"):
        load_params(path)


def test_json_schema_documents_every_field():
    schema = json_schema()
    json.dumps(schema)
    assert {
        "territory",
        "cog_year",
        "comparators",
        "census",
        "data_dirs",
        "output_dir",
        "notebooks",
        "options",
    } <= set(schema["properties"])
    assert schema["additionalProperties"] is False


def test_committed_json_schema_is_up_to_date():
    committed = json.loads((REPO_PARAMS / "schema.json").read_text(encoding="utf-8"))
    assert committed == json.loads(json.dumps(json_schema())), "run `make schema`"


# ------------------------------------------------- paths of a params file, params_file


def _write_territory_file(folder):
    """A params file in ``folder`` whose every input path is relative (and a plan file)."""
    folder.mkdir(parents=True)
    (folder / "plan.yaml").write_text(
        "- fiche: 1. Petite enfance\n  targets: [{indicator: population}]\n", encoding="utf-8"
    )
    path = folder / "territoire.yaml"
    path.write_text(
        'territory: {level: epci, code: "000000101"}\n'
        "data_dirs: [data, ctgstats:demo, /srv/insee, ~/insee]\n"
        "output_dir: outputs\n"
        "surveys:\n"
        "  - {id: habitants, export: enquetes/e.csv, codebook: ../codebooks/c.yaml}\n"
        "indicators:\n"
        "  registry: [registre.yaml]\n"
        "  user_tables: [ctgstats:demo/suivi/donnees_locales.csv, locales.csv]\n"
        "  baseline: t0.json\n"
        "  price_index: ipc.csv\n"
        "  action_plan_file: plan.yaml\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("cwd", ["root", "elsewhere", "inside"])
def test_relative_paths_of_a_params_file_start_from_its_folder(tmp_path, monkeypatch, cwd):
    folder = tmp_path / "territoires" / "ccphg"
    path = _write_territory_file(folder)
    here = {"root": tmp_path, "elsewhere": tmp_path / "ailleurs", "inside": folder}[cwd]
    here.mkdir(exist_ok=True)
    monkeypatch.chdir(here)
    params = load_params(path if cwd != "root" else "territoires/ccphg/territoire.yaml")
    assert params.data_dirs == (str(folder / "data"), "ctgstats:demo", "/srv/insee", "~/insee")
    assert params.output_dir == "outputs"  # a destination: relative to where one runs
    (survey,) = params.surveys
    assert survey.export == str(folder / "enquetes" / "e.csv")
    assert survey.codebook == str(tmp_path / "territoires" / "codebooks" / "c.yaml")
    indicators = params.indicators
    assert indicators.registry == (str(folder / "registre.yaml"),)
    assert indicators.user_tables == (
        "ctgstats:demo/suivi/donnees_locales.csv",
        str(folder / "locales.csv"),
    )
    assert indicators.baseline == str(folder / "t0.json")
    assert indicators.price_index == str(folder / "ipc.csv")
    assert indicators.action_plan_file == str(folder / "plan.yaml")
    assert [sheet.fiche for sheet in indicators.action_plan] == ["1. Petite enfance"]


def test_a_params_mapping_keeps_its_paths_relative_to_the_cwd():
    params = parse_params(
        {
            "territory": {"level": "epci", "code": "000000101"},
            "data_dirs": ["data", "ctgstats:demo"],
            "indicators": {"baseline": "t0.json"},
        }
    )
    assert params.data_dirs == ("data", "ctgstats:demo")
    assert params.indicators.baseline == "t0.json"


def test_the_committed_real_params_point_beside_the_repository(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    params = load_params(REPO_PARAMS / "ccphg.yaml")
    insee = REPO_PARAMS.parent.parent / "shared" / "data" / "insee"
    assert params.data_dirs == (
        *(
            str(insee / name)
            for name in ("rp2022-ccphg", "rp2021-logement-dep31", "filosofi-dep31", "cog")
        ),
        str(insee.parent / "observatoire" / "neet-2018"),
    )
    demo = load_params(REPO_PARAMS / "demo.yaml")
    assert demo.indicators.baseline == "ctgstats:demo/suivi/t0_baseline.json"
    assert all(s.export.startswith("ctgstats:demo/") for s in demo.surveys)


def test_params_from_prefers_the_file_and_validates_a_mapping(tmp_path):
    from ctgstats.core.params import params_from

    path = _write_territory_file(tmp_path / "p")
    assert params_from(None, params_file=path) == load_params(path)
    demo = {"territory": {"level": "epci", "code": "000000101"}, "data_dirs": ["x"]}
    assert params_from(demo, params_file=str(path)) == load_params(path)  # the file wins
    assert params_from(demo) == parse_params(demo)
    validated = parse_params(demo)
    assert params_from(validated) is validated
    with pytest.raises(ParamsError, match="params_file"):
        params_from(None)
    with pytest.raises(ParamsError, match="introuvable"):
        params_from(demo, params_file=tmp_path / "absent.yaml")


@pytest.mark.parametrize(
    ("extra", "where"),
    [
        (
            {"download": {"sources": [{"id": "rp_evol_struct_pop", "vintage": "latest"}]}},
            "download.sources.0.vintage",
        ),
        ({"income": {"year": "LATEST"}}, "income.year"),
        ({"census": {"vintages": [2016, "latest"]}}, "census.vintages.1"),
    ],
)
def test_a_latest_vintage_is_refused_in_french_with_the_reason(extra, where):
    base = {"territory": {"level": "epci", "code": "000000101"}, "data_dirs": ["ctgstats:demo"]}
    with pytest.raises(ParamsError) as caught:
        parse_params(base | extra)
    message = str(caught.value)
    assert f"{where} : « latest » refusé : les millésimes sont fixés pour qu'un rapport" in message
    assert "ctgstats data list DOSSIER" in message
    assert "Error" not in message and "integer" not in message


def test_params_that_are_not_a_mapping_are_named_in_french():
    with pytest.raises(ParamsError, match=r"reçu une liste$"):
        parse_params([1, 2])
