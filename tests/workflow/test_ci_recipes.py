"""The README's CI and pre-commit recipes, run as documented.

``docs/ci/specgen.yml`` (GitHub Actions) and ``docs/ci/pre-commit-config.yaml``
(a ``repo: local`` hook) are shown verbatim in the README. The workflow's
``run:`` steps run in order, as Actions runs them (bash -eo pipefail, the
workflow's and the step's env), in a temporary git repository whose
``origin/main`` is the base branch; "Install specgen" is the one step left out:
this venv's specgen is first on PATH instead. The pre-commit recipe runs with
the real ``pre-commit`` (a test-only dependency) when it is installed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml

from conftest import ROOT

from .conftest import DEFAULT_PYPROJECT, PACKAGE, SEED, make_repo

WORKFLOW = ROOT / "docs" / "ci" / "specgen.yml"
PRE_COMMIT = ROOT / "docs" / "ci" / "pre-commit-config.yaml"
BIN = Path(sys.executable).parent
# the only ${{ ... }} expressions the workflow may use, and what the test gives them
EXPRESSIONS = {"github.base_ref": "main"}
SKIPPED_STEPS = {"Install specgen"}  # this venv's specgen is on PATH instead


def _env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env.update(
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        GIT_AUTHOR_NAME="t",
        GIT_AUTHOR_EMAIL="t@example.com",
        GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@example.com",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
        PRE_COMMIT_HOME=str(tmp / "pre-commit-home"),
        NO_COLOR="1",
    )
    return env


def _git(repo: Path, env: dict[str, str], *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def _specgen(repo: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["specgen", *args], cwd=repo, env=env, capture_output=True, text=True, timeout=300)


def _fenced(text: str, lang: str) -> list[str]:
    return re.findall(rf"^```{lang}\n(.*?)^```$", text, flags=re.M | re.S)


def test_the_readme_shows_both_recipes_as_they_are_tested() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = _fenced(readme, "yaml")
    assert WORKFLOW.read_text(encoding="utf-8") in blocks
    assert PRE_COMMIT.read_text(encoding="utf-8") in blocks
    # no tag is named: the repository has none (a commit, then `pre-commit autoupdate`)
    assert "rev: v" not in readme


# -- GitHub Actions ----------------------------------------------------------


def _steps() -> tuple[dict[str, str], list[dict[str, Any]]]:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    on = workflow.get("on", workflow.get(True))  # YAML 1.1 reads the key `on` as true
    assert "pull_request" in on
    [job] = workflow["jobs"].values()
    return workflow.get("env", {}), job["steps"]


def _expand(value: str) -> str:
    def one(match: re.Match[str]) -> str:
        return EXPRESSIONS[match.group(1).strip()]

    expanded = re.sub(r"\$\{\{(.*?)\}\}", one, value)
    assert "${{" not in expanded
    return expanded


def _run_workflow(repo: Path, env: dict[str, str], runner_temp: Path) -> list[tuple[str, int, str]]:
    """Each run step in order until one fails, as Actions does: [(name, exit code, output)]."""
    workflow_env, steps = _steps()
    results = []
    for step in steps:
        if "run" not in step or step.get("name") in SKIPPED_STEPS:
            continue
        step_env = {**env, "RUNNER_TEMP": str(runner_temp), "CI": "true"}
        for key, value in {**workflow_env, **step.get("env", {})}.items():
            step_env[key] = _expand(str(value))
        proc = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=repo,
            env=step_env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        results.append((step["name"], proc.returncode, proc.stdout + proc.stderr))
        if proc.returncode != 0:
            break
    return results


def _edit_seed(repo: Path, edit: Callable[[dict[str, Any]], None]) -> None:
    path = repo / "spec" / SEED.name
    doc = yaml.safe_load(path.read_text())
    edit(doc)
    path.write_text(yaml.safe_dump(doc, sort_keys=False))


def _phone(doc: dict[str, Any]) -> dict[str, Any]:
    props: dict[str, Any] = doc["components"]["schemas"]["PhoneNumber"]["properties"]
    return props


def _remove_field(doc: dict[str, Any]) -> None:
    del _phone(doc)["friendly_name"]


def _add_field(doc: dict[str, Any]) -> None:
    _phone(doc)["region"] = {"type": "string", "nullable": True, "description": "Where it is."}


def _reword(doc: dict[str, Any]) -> None:
    doc["info"]["description"] = "Reworded."


@pytest.fixture(scope="module")
def base_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project on its base branch: the seed spec, generated, committed; origin/main points at it."""
    tmp = tmp_path_factory.mktemp("ci")
    env = _env(tmp)
    repo = make_repo(tmp / "repo", DEFAULT_PYPROJECT)
    shutil.rmtree(repo / ".git")
    _git(repo, env, "init", "-q", "-b", "main")
    assert _specgen(repo, env, "generate", "-q").returncode == 0
    _git(repo, env, "add", "-A")
    _git(repo, env, "commit", "-q", "-m", "base")
    _git(repo, env, "update-ref", "refs/remotes/origin/main", "HEAD")
    return repo


CASES = {
    # name: (edit of the spec, regenerate?, edit after generating, expected [(step, exit code)])
    "fresh": (None, False, None, [0, 0]),
    "breaking": (_remove_field, True, None, [0, 5]),
    "non-breaking": (_add_field, True, None, [0, 0]),
    "reworded": (_reword, True, None, [0, 0]),
    "stale": (_add_field, False, None, [1]),
    "hand-edited": (None, False, "models.py", [4]),
}


@pytest.mark.parametrize("case", CASES)
def test_the_workflow_passes_or_fails_as_documented(base_repo: Path, tmp_path: Path, case: str) -> None:
    edit, regenerate, hand_edit, expected = CASES[case]
    env = _env(tmp_path)
    repo = tmp_path / "pr"
    _git(tmp_path, env, "clone", "-q", str(base_repo), str(repo))  # origin/main: the base branch
    _git(repo, env, "checkout", "-q", "-b", "pr")
    if edit is not None:
        _edit_seed(repo, edit)
    if regenerate:
        generate = _specgen(repo, env, "generate", "-q")
        assert generate.returncode == 0, generate.stderr
    if hand_edit is not None:
        with open(repo / "generated" / PACKAGE / hand_edit, "a", encoding="utf-8") as handle:
            handle.write("# a local fix\n")
    _git(repo, env, "add", "-A")
    _git(repo, env, "commit", "-q", "--allow-empty", "-m", case)
    runner_temp = tmp_path / "runner_temp"
    runner_temp.mkdir()
    results = _run_workflow(repo, env, runner_temp)
    assert [code for _, code, _ in results] == expected, results
    if case == "breaking":
        assert "BREAKING removed field PhoneNumber.friendly_name" in results[1][2]
    if case == "non-breaking":
        assert "added field PhoneNumber.region" in results[1][2]


# -- pre-commit --------------------------------------------------------------

requires_pre_commit = pytest.mark.skipif(
    not (BIN / "pre-commit").exists(), reason="pre-commit is not installed in this venv (pip install -e '.[test]')"
)


@pytest.fixture
def vendoring_repo(tmp_path: Path, _seed_output: Path) -> tuple[Path, dict[str, str]]:
    """A repository that vendors the seed package (no spec), with the documented hook config."""
    env = _env(tmp_path)
    repo = tmp_path / "app"
    repo.mkdir()
    _git(repo, env, "init", "-q", "-b", "main")
    shutil.copytree(_seed_output / PACKAGE, repo / "vendor" / PACKAGE)
    shutil.copy(PRE_COMMIT, repo / ".pre-commit-config.yaml")
    _git(repo, env, "add", "-A")
    _git(repo, env, "commit", "-q", "-m", "vendor the client")
    return repo, env


def _pre_commit(repo: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "pre-commit"), *args], cwd=repo, env=env, capture_output=True, text=True, timeout=300
    )


@requires_pre_commit
def test_the_local_pre_commit_hook_passes_when_intact_and_blocks_a_hand_edit(
    vendoring_repo: tuple[Path, dict[str, str]],
) -> None:
    repo, env = vendoring_repo
    intact = _pre_commit(repo, env, "run", "--all-files")
    assert intact.returncode == 0, intact.stdout + intact.stderr
    assert "specgen check" in intact.stdout and "Passed" in intact.stdout
    # macOS's folder metadata is no edit
    (repo / "vendor" / PACKAGE / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    assert _pre_commit(repo, env, "run", "--all-files").returncode == 0
    # a hand edit: the hook fails with check's exit code 4, and so does the commit
    assert _pre_commit(repo, env, "install").returncode == 0
    models = repo / "vendor" / PACKAGE / "models.py"
    models.write_text(models.read_text() + "# a local fix\n")
    _git(repo, env, "add", "-A")
    commit = subprocess.run(
        ["git", "commit", "-q", "-m", "fix"], cwd=repo, env=env, capture_output=True, text=True, timeout=300
    )
    assert commit.returncode != 0
    output = commit.stdout + commit.stderr
    assert "- exit code: 4" in output and "hand-edited" in output, output


@requires_pre_commit
@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="specgen's checkout is not a git repository")
def test_pre_commit_autoupdate_moves_the_remote_form_to_a_commit(tmp_path: Path) -> None:
    """The README's remote form: a commit as rev (there are no tags); autoupdate moves it."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    [remote] = [b for b in _fenced(readme, "yaml") if "id: specgen-check" in b and "repo: local" not in b]
    env = _env(tmp_path)
    head = _git(ROOT, env, "rev-parse", "HEAD").strip()
    url = re.search(r"repo: (\S+)", remote)
    rev = re.search(r"rev: (\S+)", remote)
    assert url and rev and re.fullmatch(r"[0-9a-f]{40}", rev.group(1))
    repo = tmp_path / "app"
    repo.mkdir()
    _git(repo, env, "init", "-q", "-b", "main")
    config = remote.replace(url.group(1), str(ROOT))
    (repo / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    update = _pre_commit(repo, env, "autoupdate")
    assert update.returncode == 0, update.stdout + update.stderr
    assert f"rev: {head}" in (repo / ".pre-commit-config.yaml").read_text(encoding="utf-8")
