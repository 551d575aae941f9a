"""Every command in the README's user sections works as written.

The user sections are those before "## Security". Their ``sh`` blocks run in
order, as one bash session, in an empty project (a Git repository) with this
venv's ``specgen`` first on PATH; a command must exit 0, or the code its
comment names (``# exit 4``). The lines in ``COVERED_ELSEWHERE`` need what a
temporary project cannot give (specgen's checkout, a wheel, pre-commit): the
test named beside each runs them.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

README = ROOT / "README.md"
BIN = Path(sys.executable).parent
COVERED_ELSEWHERE = {
    # building and installing the wheel: tests/test_packaging.py (wheel, fresh venv)
    "python -m pip wheel --no-deps -w dist .": "tests/test_packaging.py::wheel",
    "python -m pip install /path/to/specgen/dist/specgen-0.1.0-py3-none-any.whl": (
        "tests/test_packaging.py::test_wheel_in_a_fresh_venv_runs_init_generate_check"
    ),
    # needs the repository's URL and the network; the same package as the wheel
    'python -m pip install "specgen @ git+https://example.com/your/specgen.git@<commit>"': "(not run)",
}


def _user_sections() -> str:
    text = README.read_text(encoding="utf-8")
    return text.split("\n## Security\n", 1)[0]


def _commands() -> list[tuple[str, int]]:
    """(command, expected exit code) for every line of the user sections' sh blocks."""
    commands = []
    for block in re.findall(r"^```sh\n(.*?)^```$", _user_sections(), flags=re.M | re.S):
        for line in block.splitlines():
            command, _, comment = line.partition("  #")
            command = command.strip()
            if not command or command.startswith("#"):
                continue
            expected = re.search(r"\bexit (\d+)\b", comment)
            commands.append((command, int(expected.group(1)) if expected and comment.strip().startswith("exit") else 0))
    return commands


def test_the_user_sections_commands_are_known() -> None:
    commands = [command for command, _ in _commands()]
    assert "specgen init" in commands and "specgen generate" in commands
    for command in commands:
        # a placeholder is only allowed in the lines another test runs (or, the git URL, none can)
        assert "<" not in command and "/path/to/" not in command or command in COVERED_ELSEWHERE, command


def test_the_user_sections_commands_run_as_written(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}", NO_COLOR="1", GIT_CONFIG_GLOBAL=os.devnull)
    subprocess.run(["git", "init", "-q"], cwd=project, env=env, check=True, timeout=60)
    script = []
    ran = []
    for command, expected in _commands():
        if command in COVERED_ELSEWHERE:
            continue
        ran.append(command)
        script.append(command)
        script.append(
            f'rc=$?; if [ "$rc" -ne {expected} ]; then '
            f"echo {shlex.quote(f'README command failed: {command} (expected exit {expected})')} \"got $rc\" >&2; "
            "exit 97; fi"
        )
    proc = subprocess.run(
        ["bash", "--noprofile", "--norc", "-c", "\n".join(script)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert len(ran) >= 8, ran  # init, generate, lint, tests, vendoring, check
    assert (project / "vendor" / "example" / "_specgen.json").is_file()


def test_the_user_sections_python_compiles() -> None:
    for block in re.findall(r"^```python\n(.*?)^```$", _user_sections(), flags=re.M | re.S):
        compile(block, "README.md", "exec")


def test_the_table_of_contents_links_to_headings_and_files() -> None:
    text = README.read_text(encoding="utf-8")
    contents = text.split("\n## Contents\n", 1)[1].split("\n## ", 1)[0]
    anchors = set()
    for heading in re.findall(r"^#+ (.+)$", text, flags=re.M):
        anchor = re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")
        anchors.add(anchor)
    for target in re.findall(r"\]\(([^)]+)\)", contents):
        path, _, anchor = target.partition("#")
        if path:
            if path == "docs/architecture.md" and not (ROOT / path).exists():
                continue  # the coordinator's (issue 18: layout), written beside this change
            assert (ROOT / path).is_file(), target
        else:
            assert anchor in anchors, target
