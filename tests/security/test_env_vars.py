"""Which environment variables a generated client reads is the user's choice, not the spec's.

A spec's ``x-specgen-env: {token: AWS_SECRET_ACCESS_KEY}`` on a query API key
once made the client send ``?api_key=<that secret>`` to the spec's server. Now
a client reads the names derived from its package (``<PACKAGE>_TOKEN``, ...)
unless ``allow-env`` in ``[tool.specgen]`` (or the spec's own entry) lists the
name the spec asks for; a name not allowed is a located warning and unused.
The generated README lists the variables read.
"""

from __future__ import annotations

import importlib
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import ROOT
from generator import cli
from generator.pipeline import generate_package
from generator.write.stage import write_packages

SECRET = "s3cr3t-from-the-environment"
# kind -> (security scheme, x-specgen-env keys with the default name's suffix)
SCHEMES: dict[str, tuple[dict[str, Any], dict[str, str]]] = {
    "query": ({"type": "apiKey", "in": "query", "name": "api_key"}, {"token": "API_KEY"}),
    "header": ({"type": "apiKey", "in": "header", "name": "X-Key"}, {"token": "API_KEY"}),
    "bearer": ({"type": "http", "scheme": "bearer"}, {"token": "TOKEN"}),
    "oauth2": (
        {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "https://a.example.com/t", "scopes": {}}}},
        {"token": "TOKEN"},
    ),
    "basic": ({"type": "http", "scheme": "basic"}, {"username": "USERNAME", "password": "PASSWORD"}),
}
ASKED = {"token": "AWS_SECRET_ACCESS_KEY", "username": "AWS_ACCESS_KEY_ID", "password": "AWS_SECRET_ACCESS_KEY"}
LOCATED = re.compile(r"^(?P<file>[^\s:]+):(?P<line>[1-9][0-9]*): (?P<pointer>/\S*): warning: (?P<message>.+)$")


def _spec(kind: str, env: Any = None) -> dict[str, Any]:
    scheme, keys = SCHEMES[kind]
    scheme = dict(scheme)
    scheme["x-specgen-env"] = {key: ASKED[key] for key in keys} if env is None else env
    return {
        "openapi": "3.0.3",
        "info": {"title": "Env", "version": "1"},
        "servers": [{"url": "https://api.example.com"}],
        "security": [{"auth": []}],
        "paths": {"/ping": {"get": {"operationId": "ping", "responses": {"204": {"description": "done"}}}}},
        "components": {"securitySchemes": {"auth": scheme}},
    }


def _write_yaml(path: Path, spec: dict[str, Any]) -> Path:
    # JSON is YAML; one key per line, so the warning's line is the key's own
    path.write_text(json.dumps(spec, indent=1), encoding="utf-8")
    return path


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def clean_modules() -> Iterator[None]:
    before = set(sys.modules)
    yield
    for name in set(sys.modules) - before:
        del sys.modules[name]


def _sent(out: Path, package: str, monkeypatch: pytest.MonkeyPatch) -> httpx.Request:
    """One call of the generated client, with the environment holding the secret."""
    monkeypatch.syspath_prepend(str(out))
    module = importlib.import_module(package)
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    with module.Client(transport=httpx.MockTransport(handler)) as client:
        client.ping()
    assert len(seen) == 1
    return seen[0]


@pytest.mark.parametrize("kind", SCHEMES)
def test_a_name_the_user_did_not_allow_is_warned_about_and_unused(
    workdir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, clean_modules: None, kind: str
) -> None:
    package = f"env_{kind}"
    spec = _write_yaml(workdir / f"{package}.yaml", _spec(kind))
    assert cli.main(["generate", spec.name, "--out", "out"]) == 0
    err = capsys.readouterr().err
    _scheme, keys = SCHEMES[kind]
    lines = spec.read_text(encoding="utf-8").splitlines()
    for key, suffix in keys.items():
        default = f"{package.upper()}_{suffix}"
        found = [m for m in map(LOCATED.match, err.splitlines()) if m and m["pointer"].endswith(f"/x-specgen-env/{key}")]
        assert len(found) == 1, err
        warning = found[0]
        assert warning["file"] == spec.name
        assert warning["pointer"] == f"/components/securitySchemes/auth/x-specgen-env/{key}"
        assert f'"{key}"' in lines[int(warning["line"]) - 1]  # the line of the key itself
        assert ASKED[key] in warning["message"] and default in warning["message"]
        assert "allow-env" in warning["message"]
        client = (workdir / "out" / package / "client.py").read_text(encoding="utf-8")
        readme = (workdir / "out" / package / "README.md").read_text(encoding="utf-8")
        assert f'"{default}"' in client and f"`{default}`" in readme
    for path in (workdir / "out" / package).rglob("*"):
        if path.is_file() and path.suffix in (".py", ".md"):
            assert "AWS_" not in path.read_text(encoding="utf-8"), path
    for name in set(ASKED.values()):
        monkeypatch.setenv(name, SECRET)
    # Without its own variables the client has no credentials: the call is
    # refused before anything is sent, and the secret is in no message.
    monkeypatch.syspath_prepend(str(workdir / "out"))
    module = importlib.import_module(package)
    seen: list[httpx.Request] = []
    with module.Client(transport=httpx.MockTransport(seen.append)) as client:
        with pytest.raises(module.MissingCredentialsError) as caught:
            client.ping()
    assert seen == [] and SECRET not in str(caught.value)
    assert all(default in str(caught.value) for default in (f"{package.upper()}_{s}" for s in keys.values()))


def test_the_secret_is_not_sent_but_the_default_variable_is(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, clean_modules: None
) -> None:
    spec = _write_yaml(workdir / "env_query.yaml", _spec("query"))
    assert cli.main(["generate", str(spec), "--out", "out", "-q"]) == 0
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("ENV_QUERY_API_KEY", "the-key-for-this-api")
    sent = _sent(workdir / "out", "env_query", monkeypatch)
    assert sent.url.params["api_key"] == "the-key-for-this-api"
    assert SECRET not in str(sent.url)


@pytest.mark.parametrize("where", ["top", "entry"])
def test_a_name_the_user_allows_is_used(
    workdir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, clean_modules: None, where: str
) -> None:
    _write_yaml(workdir / "env_query.yaml", _spec("query"))
    _write_yaml(workdir / "other.yaml", _spec("query"))
    allow = 'allow-env = ["AWS_SECRET_ACCESS_KEY"]\n'
    (workdir / "pyproject.toml").write_text(
        "[tool.specgen]\n"
        + (allow if where == "top" else "")
        + '\n[[tool.specgen.specs]]\npath = "env_query.yaml"\n'
        + (allow if where == "entry" else "")
        + '\n[[tool.specgen.specs]]\npath = "other.yaml"\n',
        encoding="utf-8",
    )
    assert cli.main(["generate"]) == 0
    err = capsys.readouterr().err
    client = (workdir / "generated" / "env_query" / "client.py").read_text(encoding="utf-8")
    assert '("AWS_SECRET_ACCESS_KEY",)' in client
    assert "`AWS_SECRET_ACCESS_KEY`" in (workdir / "generated" / "env_query" / "README.md").read_text(encoding="utf-8")
    other = (workdir / "generated" / "other" / "client.py").read_text(encoding="utf-8")
    if where == "top":  # allowed for every spec
        assert '("AWS_SECRET_ACCESS_KEY",)' in other
        assert "x-specgen-env" not in err
    else:  # allowed for env_query.yaml only
        assert '("OTHER_API_KEY",)' in other
        assert [line.split(":")[0] for line in err.splitlines() if "x-specgen-env/token" in line] == ["other.yaml"]
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    assert _sent(workdir / "generated", "env_query", monkeypatch).url.params["api_key"] == SECRET


@pytest.mark.parametrize(
    "env",
    [
        "AWS_SECRET_ACCESS_KEY",  # not a mapping
        {"token": 12},
        {"token": "AWS SECRET"},
        {"token": "$(touch x)"},
        {"token": ""},
    ],
)
def test_a_malformed_request_is_warned_about_and_unused(tmp_path: Path, env: Any) -> None:
    spec = _write_yaml(tmp_path / "env_bad.yaml", _spec("bearer", env))
    result = generate_package(spec, allow_env=frozenset({"AWS_SECRET_ACCESS_KEY"}))
    assert [w for w in result.warnings if "/x-specgen-env" in w]
    assert '("ENV_BAD_TOKEN",)' in result.files["env_bad/client.py"]


def test_the_pure_api_allows_nothing_by_default(tmp_path: Path) -> None:
    spec = _write_yaml(tmp_path / "env_basic.yaml", _spec("basic"))
    plain = generate_package(spec).files["env_basic/client.py"]
    assert '("ENV_BASIC_USERNAME", "ENV_BASIC_PASSWORD")' in plain
    allowed = generate_package(spec, allow_env=frozenset(ASKED.values())).files["env_basic/client.py"]
    assert '("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")' in allowed


def test_lint_reports_it_with_the_configuration(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = _write_yaml(workdir / "env_query.yaml", _spec("query"))
    assert cli.main(["lint", str(spec)]) == 0
    assert "x-specgen-env/token: warning:" in capsys.readouterr().out
    (workdir / "pyproject.toml").write_text('[tool.specgen]\nallow-env = ["AWS_SECRET_ACCESS_KEY"]\n', encoding="utf-8")
    assert cli.main(["lint", str(spec)]) == 0
    assert "x-specgen-env" not in capsys.readouterr().out


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('"AWS_SECRET_ACCESS_KEY"', "allow-env: expected an array of environment variable names"),
        ('["A B"]', "allow-env: expected an environment variable name"),
        ("[1]", "allow-env: expected an environment variable name"),
    ],
)
def test_allow_env_is_checked(workdir: Path, capsys: pytest.CaptureFixture[str], value: str, message: str) -> None:
    (workdir / "pyproject.toml").write_text(f"[tool.specgen]\nallow-env = {value}\n", encoding="utf-8")
    assert cli.main(["generate"]) == 2
    assert message in capsys.readouterr().err


def test_the_repository_allows_its_twilio_names() -> None:
    client = (ROOT / "generated" / "twilio_trunking_v1" / "client.py").read_text(encoding="utf-8")
    assert '("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN")' in client
    assert "TWILIO_ACCOUNT_SID" in (ROOT / "pyproject.toml").read_text(encoding="utf-8")
