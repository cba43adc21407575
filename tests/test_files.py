"""ctgstats.core.files: params paths, the demo marker, file hashes and atomic writes."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from ctgstats.core import files
from ctgstats.core.files import (
    DEMO_DATA_DIR,
    atomic_path,
    demo_data_dir,
    file_sha256,
    is_demo_path,
    resolve_data_dir,
    resolve_path,
    write_text_atomic,
)

PACKAGE_DEMO = Path(__file__).resolve().parents[1] / "src" / "ctgstats" / "demo" / "data"


def test_demo_marker_and_folder():
    assert DEMO_DATA_DIR == "ctgstats:demo"
    assert demo_data_dir().resolve() == PACKAGE_DEMO.resolve()
    assert resolve_data_dir("ctgstats:demo") == demo_data_dir()
    assert resolve_path("ctgstats:demo/enquetes/x.csv") == demo_data_dir() / "enquetes" / "x.csv"
    assert resolve_path("ctgstats:demo/") == demo_data_dir()


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("ctgstats:demo", True),
        ("ctgstats:demo/suivi/plan_action.yaml", True),
        ("ctgstats:demonstration", False),
        ("data/ctgstats:demo", False),
        ("insee", False),
    ],
)
def test_is_demo_path(entry, expected):
    assert is_demo_path(entry) is expected


def test_other_paths_resolve_against_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert resolve_path("insee/rp") == tmp_path.resolve() / "insee" / "rp"
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert resolve_path("~/x.csv") == tmp_path / "home" / "x.csv"


def test_file_sha256_is_memoised_per_mtime_and_size(tmp_path):
    path = tmp_path / "f.bin"
    path.write_text("abc", encoding="utf-8")
    expected = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"  # sha256("abc")
    assert file_sha256(path) == expected
    hits = files._sha256_of.cache_info().hits
    assert file_sha256(str(path)) == expected
    assert files._sha256_of.cache_info().hits == hits + 1
    path.write_text("abcd", encoding="utf-8")
    assert file_sha256(path) != expected


def test_write_text_atomic(tmp_path):
    target = tmp_path / "a" / "b" / "page.html"
    assert write_text_atomic(target, "é\u00a0à\n") == target
    assert target.read_bytes() == "é\u00a0à\n".encode()
    write_text_atomic(target, "nouveau")
    assert target.read_text(encoding="utf-8") == "nouveau"
    assert sorted(p.name for p in target.parent.iterdir()) == ["page.html"]


def test_write_text_atomic_keeps_files_readable(tmp_path):
    mask = os.umask(0o022)
    try:
        target = write_text_atomic(tmp_path / "page.html", "x")
        assert target.stat().st_mode & 0o777 == 0o644
        target.chmod(0o640)
        write_text_atomic(target, "y")
        assert target.stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(mask)


def test_atomic_path_writes_a_csv_and_leaves_the_target_alone_on_error(tmp_path):
    target = tmp_path / "t.csv"
    with atomic_path(target) as temporary:
        assert temporary.parent == tmp_path and temporary != target
        pd.DataFrame({"a": [1]}).to_csv(temporary, index=False)
    assert target.read_text(encoding="utf-8") == "a\n1\n"
    with pytest.raises(RuntimeError), atomic_path(target) as temporary:
        temporary.write_text("half", encoding="utf-8")
        raise RuntimeError("boom")
    assert target.read_text(encoding="utf-8") == "a\n1\n"
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]
