"""What ``specgen init`` writes: a starter ``[tool.specgen]`` section and a spec skeleton."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .config import PYPROJECT, STARTER, ConfigError
from ..fsguard import file_to_write, open_regular
from ..paths import PACKAGE_DIR

EXAMPLE_PATH = Path("spec") / "example.yaml"

GUIDE = "transcribing.md"
_GUIDE_MARK = "@GUIDE@"

EXAMPLE_SPEC = """\
# A starter spec written by `specgen init`: one endpoint, transcribed by hand
# from an API reference page. Replace it with your own, then run `specgen lint`
# and `specgen generate`. The guide to transcribing, installed with specgen:
# @GUIDE@
openapi: 3.0.3
info:
  title: Example API
  description: An example API with one endpoint.
  version: 1.0.0
servers:
  - url: https://api.example.com
security:
  - basicAuth: []
paths:
  /v1/Items/{ItemSid}:
    get:
      operationId: FetchItem
      summary: Fetch an item
      description: Returns one item by its SID.
      parameters:
        - name: ItemSid
          in: path
          required: true
          description: The SID of the item to fetch.
          example: IT0123456789abcdef0123456789abcdef
          schema:
            type: string
            minLength: 34
            maxLength: 34
            pattern: ^IT[0-9a-fA-F]{32}$
      responses:
        '200':
          description: The item.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Item'
              examples:
                fetch:
                  value:
                    sid: IT0123456789abcdef0123456789abcdef
                    name: First item
                    status: active
                    url: https://api.example.com/v1/Items/IT0123456789abcdef0123456789abcdef
                    date_created: '2024-01-02T03:04:05Z'
                    note: null
        '404':
          description: No item has this SID.
components:
  securitySchemes:
    basicAuth:
      type: http
      scheme: basic
      description: Your account name as the username and an API token as the password.
      x-specgen-env:
        username: EXAMPLE_API_USER
        password: EXAMPLE_API_TOKEN
  schemas:
    Item:
      type: object
      description: An item.
      required: [sid, name]
      properties:
        sid:
          type: string
          minLength: 34
          maxLength: 34
          pattern: ^IT[0-9a-fA-F]{32}$
          description: The unique SID of the item.
        name:
          type: string
          description: The item's display name.
        status:
          type: string
          enum: [active, archived]
          description: Whether the item is in use.
        url:
          type: string
          format: uri
          description: The absolute URL of the item.
        date_created:
          type: string
          format: date-time
          description: When the item was created (RFC 3339).
        note:
          type: string
          nullable: true
          description: A free-text note, or null.
"""


def guide_path() -> Path:
    """The transcribing guide this specgen has: in the wheel, or in a checkout's docs/."""
    here = PACKAGE_DIR.resolve()
    shipped = here / "docs" / GUIDE  # pyproject.toml force-includes docs/transcribing.md here
    checkout = here.parent / "docs" / GUIDE  # an editable install or a clone
    return shipped if shipped.is_file() or not checkout.is_file() else checkout


def example_spec() -> str:
    """The skeleton ``init`` writes, pointing at the guide by a path the user has."""
    guide = str(guide_path())
    if not guide.isprintable():  # a comment line must stay one line
        guide = f"docs/{GUIDE} in specgen's source"
    return EXAMPLE_SPEC.replace(_GUIDE_MARK, guide, 1)


@dataclass(frozen=True)
class InitResult:
    """What :func:`init_project` did: the files it names, and whether it wrote each."""

    pyproject: Path
    created_pyproject: bool
    spec: Path
    wrote_spec: bool


def init_project(root: Path) -> InitResult:
    """Append ``[tool.specgen]`` to ``root/pyproject.toml`` and write the example spec.

    Refuses (``ConfigError``) if the section already exists or the file is not
    valid TOML; an existing pyproject.toml is appended to, never rewritten,
    and an existing spec/example.yaml is kept.
    """
    # A pyproject.toml linked out of this folder is refused unread (its target's
    # text would be copied here); one linked within it is updated through the link.
    pyproject = file_to_write(root / PYPROJECT, PYPROJECT)
    existing = ""
    created = not pyproject.exists()
    if not created:
        with open_regular(pyproject) as handle:
            existing = handle.read().decode("utf-8")
        try:
            data = tomllib.loads(existing)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{PYPROJECT}: invalid TOML: {exc}; nothing was written") from None
        tool = data.get("tool")
        if isinstance(tool, dict) and "specgen" in tool:
            raise ConfigError(f"{PYPROJECT}: already has a [tool.specgen] section; nothing was written")
    if existing:
        text = existing + ("" if existing.endswith("\n") else "\n") + STARTER
    else:
        text = STARTER.lstrip("\n")
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:  # e.g. `tool` defined as an inline table
        raise ConfigError(
            f"{PYPROJECT}: cannot append a [tool.specgen] section to this file ({exc}); nothing was written"
        ) from None
    spec = root / EXAMPLE_PATH
    wrote_spec = not spec.exists()
    if wrote_spec:
        spec.parent.mkdir(parents=True, exist_ok=True)
        _write(spec, example_spec())
    _write(pyproject, text)
    return InitResult(pyproject, created, spec, wrote_spec)


def _write(path: Path, text: str) -> None:
    import tempfile

    # A new, unique file: a link planted at a fixed temporary name would be written through.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".specgen-tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask()
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
