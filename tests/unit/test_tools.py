"""The tools `make test` runs around the tests: tools/summary.py (the closing line, skips grouped by reason) and
tools/molecule-all (every scenario runs and is reported even when one fails), each on small made-up inputs."""
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))

import summary  # noqa: E402


def junit(folder, name, cases):
    """A JUnit file of pytest's shape: ``cases`` are (name, outcome, skip message)."""
    body = []
    for case, outcome, message in cases:
        inner = {"passed": "", "failed": '<failure message="assert 1 == 2">trace</failure>', "error": '<error message="boom"/>',
                 "skipped": '<skipped type="pytest.skip" message="%s">t.py:3: %s</skipped>' % (message, message),
                 "skipped-text": '<skipped type="pytest.skip">t.py:9: %s</skipped>' % message}[outcome]
        body.append('<testcase classname="t" name="%s">%s</testcase>' % (case, inner))
    (folder / name).write_text('<testsuites><testsuite name="pytest">%s</testsuite></testsuites>' % "".join(body))


def test_summary_counts_every_file_and_groups_skips_by_reason(tmp_path, capsys):
    junit(tmp_path, "unit.xml", [("a", "passed", ""), ("b", "skipped", "needs root"), ("c", "failed", "")])
    junit(tmp_path, "integration.xml", [("d", "passed", ""), ("e", "error", ""), ("f", "skipped", "no AWS credentials"),
                                        ("g", "skipped", "needs root"), ("h", "skipped-text", "needs root")])
    junit(tmp_path, "stage-lint.xml", [("lint", "passed", "")])
    assert summary.main([str(tmp_path)]) == 1  # failures fail make test
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "3 passed, 2 failed, 4 skipped: 3 needs root; 1 no AWS credentials"


def test_summary_without_skips_or_failures(tmp_path, capsys):
    junit(tmp_path, "unit.xml", [("a", "passed", ""), ("b", "passed", "")])
    assert summary.main([str(tmp_path)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "2 passed, 0 failed"


def test_summary_fails_when_nothing_passed(tmp_path, capsys):
    junit(tmp_path, "unit.xml", [("a", "skipped", "needs root")])
    assert summary.main([str(tmp_path)]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == "0 passed, 0 failed, 1 skipped: 1 needs root"


@pytest.fixture
def scenarios(tmp_path):
    """Three fake scenarios (molecule.yml files) and a fake molecule that fails the scenario named 'broken'."""
    files = []
    for role, scenario in (("alpha", "default"), ("beta", "broken"), ("gamma", "default")):
        folder = tmp_path / "roles" / role / "molecule" / scenario
        folder.mkdir(parents=True)
        (folder / "molecule.yml").write_text("---\n")
        files.append(str(folder / "molecule.yml"))
    fake = tmp_path / "fake-molecule"
    fake.write_text('#!/bin/sh\necho "ran $* in $(basename "$PWD")" >> "%s"\n[ "$3" != broken ]\n' % (tmp_path / "ran.log"))
    fake.chmod(0o755)
    return tmp_path, files, str(fake)


def test_molecule_all_runs_every_scenario_and_reports_each_even_after_a_failure(scenarios):
    tmp_path, files, fake = scenarios
    env = dict(os.environ, MOLECULE_ALL_SCENARIOS="\n".join(files), MOLECULE_ALL_RUNNER=fake,
               AMIFORGE_JUNIT_DIR=str(tmp_path / "junit"))
    result = subprocess.run([os.path.join(ROOT, "tools", "molecule-all")], env=env, capture_output=True, text=True, check=False)
    assert result.returncode != 0, result.stdout + result.stderr
    assert (tmp_path / "ran.log").read_text().splitlines() == [
        "ran test -s default in alpha", "ran test -s broken in beta", "ran test -s default in gamma"]
    assert "=== molecule: 3 scenario(s), 1 failed" in result.stdout
    assert result.stdout.splitlines()[-3:] == ["  passed  alpha/default", "  FAILED  beta/broken", "  passed  gamma/default"]
    assert sorted(os.listdir(tmp_path / "junit")) == [
        "stage-molecule-alpha-default.xml", "stage-molecule-beta-broken.xml", "stage-molecule-gamma-default.xml"]


def test_molecule_all_passes_when_every_scenario_passes(scenarios):
    tmp_path, files, fake = scenarios
    env = dict(os.environ, MOLECULE_ALL_SCENARIOS="\n".join(f for f in files if "broken" not in f), MOLECULE_ALL_RUNNER=fake,
               AMIFORGE_JUNIT_DIR=str(tmp_path / "junit"))
    result = subprocess.run([os.path.join(ROOT, "tools", "molecule-all")], env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "=== molecule: 2 scenario(s), 0 failed" in result.stdout


def test_molecule_all_skips_the_scenarios_it_is_told_to_and_records_why(scenarios):
    tmp_path, files, fake = scenarios
    env = dict(os.environ, MOLECULE_ALL_SCENARIOS="\n".join(files), MOLECULE_ALL_RUNNER=fake, MOLECULE_ALL_SKIP="brok*",
               AMIFORGE_JUNIT_DIR=str(tmp_path / "junit"))
    result = subprocess.run([os.path.join(ROOT, "tools", "molecule-all")], env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "ran.log").read_text().splitlines() == ["ran test -s default in alpha", "ran test -s default in gamma"]
    assert "  skipped beta/broken (MOLECULE_ALL_SKIP=brok*)" in result.stdout.splitlines()
    assert summary.main([str(tmp_path / "junit")]) == 0
