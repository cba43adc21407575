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
    assert params.notebook_names == ("01_demographie", "02_familles_menages")
    with_survey = parse_params(
        {
            "territory": {"level": "commune", "code": "31471"},
            "surveys": [{"id": "habitants", "export": "e.csv", "codebook": "c.yaml"}],
        }
    )
    assert with_survey.notebook_names[-1] == "03_enquete"
    assert with_survey.surveys[0].weighting.margins == ("age", "sexe")
    assert params.comparators is None  # resolved later: département + France


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (
            {"territory": {"level": "epci", "code": "200072635"}, "colour": "red"},
            "colour: unknown key",
        ),
        (
            {"territory": {"level": "epci", "code": 200072635}},
            "territory.code: code 200072635 must be written as a quoted string",
        ),
        (
            {"territory": {"level": "epci", "code": "20007263"}},
            "territory.code: '20007263' is not a valid epci code",
        ),
        (
            {"territory": {"level": "commune", "code": "2C004"}},
            "territory.code: '2C004' is not a valid commune code",
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
            "duplicate census vintages",
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
            "commune code 31438 must be a quoted string",
        ),
        (
            {"territory": {"level": "groupe", "code": "vallee", "communes": ["31471"]}},
            "needs a 'name'",
        ),
        (
            {"territory": {"level": "epci", "code": "200072635"}, "notebooks": ["99_autre"]},
            "notebooks.0",
        ),
        (
            {"territory": {"level": "epci", "code": "200072635"}, "notebooks": ["03_enquete"]},
            "'03_enquete' needs at least one entry in 'surveys'",
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
            "cannot be taken from the census",
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
    assert message.startswith("params/x.yaml: invalid parameters")
    assert fragment in message


def test_yaml_errors_name_the_file(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("territory: [unclosed\n", encoding="utf-8")
    with pytest.raises(ParamsError, match="broken.yaml: not valid YAML"):
        load_params(path)
    with pytest.raises(ParamsError, match="params file not found"):
        load_params(tmp_path / "absent.yaml")


def test_unquoted_code_in_yaml_is_refused(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("territory:\n  level: commune\n  code: 01001\n", encoding="utf-8")
    with pytest.raises(ParamsError, match="quoted string"):
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
