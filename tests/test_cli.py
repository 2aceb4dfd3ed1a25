"""The `nianbao` command, run for real as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from nianbao.cli import cli
from tests.conftest import FIXTURES

NIANBAO = [sys.executable, "-m", "nianbao"]
README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
SEED = FIXTURES / "seeds" / "000_4d0d487dab0ad5cb.txt"


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*NIANBAO, *map(str, args)], capture_output=True, text=True, timeout=120)


def test_extract_json_follows_the_contract() -> None:
    done = run("extract", SEED, "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["agency"] == "金寨县花石乡人民政府" and report["year"] == 2020
    assert report["template"] == "2019" and len(report["cells"]) == 198
    assert report["region"]["code"] == "341524"
    assert {"title", "units", "checks", "warnings"} <= set(report)


def test_several_files_give_one_json_object_per_line() -> None:
    done = run("extract", SEED, FIXTURES / "reports" / "shuyang-fgj-2023.html", "--json")
    lines = done.stdout.splitlines()
    assert [json.loads(line)["year"] for line in lines] == [2020, 2023]


def test_bad_files_give_one_line_errors_and_the_others_are_still_read(tmp_path: Path) -> None:
    bad = {
        "empty.html": b"",
        "garbage.bin": bytes(range(256)) * 64,
        "menu.html": "<html><body><p>网站首页</p><p>联系我们</p></body></html>".encode(),
        "nested.html": b"<div>" * 20000 + "二、主动公开".encode() + b"</div>" * 20000,
        "missing.txt": None,
    }
    for name, data in bad.items():
        if data is not None:
            (tmp_path / name).write_bytes(data)
    truncated = tmp_path / "truncated.txt"
    truncated.write_bytes(SEED.read_bytes()[: len(SEED.read_bytes()) // 3])
    done = run("extract", *(tmp_path / n for n in bad), truncated, SEED, "--json")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    errors = done.stderr.splitlines()
    for name in ("empty.html", "garbage.bin", "menu.html", "missing.txt"):
        assert sum(name in line for line in errors) == 1, (name, errors)
    reports = {
        Path(json.loads(line)["file"]).name: json.loads(line) for line in done.stdout.splitlines()
    }
    assert reports[SEED.name]["cells"]["proactive.licensing.decisions"] == 243
    assert reports["truncated.txt"]["cells"]["applications.new_received.total"] is None


def test_a_document_taking_too_long_is_given_up_with_an_error(tmp_path: Path) -> None:
    page = tmp_path / "slow.html"
    page.write_bytes(b"<table>" + b"<tr><td>1</td><td>2</td></tr>" * 200_000 + b"</table>")
    done = run("extract", page, "--timeout", "1")
    assert done.returncode == 1
    assert "gave up after 1 s" in done.stderr or "not_a_report" in done.stderr


@pytest.mark.slow
def test_demo_crawls_the_replica_portals_and_prints_a_summary(tmp_path: Path) -> None:
    done = run("demo", "--no-serve", "--db", tmp_path / "archive.db")
    assert done.returncode == 0, done.stderr
    assert "靖远县石门乡人民政府" in done.stdout and "198/198" in done.stdout
    assert "responses recorded" in done.stdout and (tmp_path / "warc").is_dir()


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_has_help_with_an_example_and_is_in_the_readme(name: str) -> None:
    done = run(name, "--help")
    assert done.returncode == 0 and "Example:" in done.stdout
    assert f"nianbao {name}" in README


def test_a_locked_archive_is_a_one_line_error_and_nothing_half_written(tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "archive.db"
    assert run("add", SEED, "--db", db).returncode == 0
    holder = sqlite3.connect(db)
    holder.execute("begin exclusive")
    try:
        done = run("add", FIXTURES / "reports" / "shuyang-fgj-2023.html", "--db", db)
    finally:
        holder.rollback()
        holder.close()
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "locked" in done.stderr
    reports = sqlite3.connect(db).execute("select count(*) from reports").fetchone()[0]
    assert reports == 1


def test_export_writes_a_bom_csv_and_lists_valid_values_for_a_wrong_one(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    run("add", SEED, "--db", db)
    out = tmp_path / "anhui.csv"
    done = run("export", "--db", db, "--province", "安徽省", "--table", "applications", "-o", out)
    assert done.returncode == 0 and "1 reports exported" in done.stderr
    assert out.read_bytes().startswith("\ufeff报告编号,机关".encode())
    wrong = run("export", "--db", db, "--province", "安徽")
    assert wrong.returncode == 1 and "valid: 安徽省" in wrong.stderr
