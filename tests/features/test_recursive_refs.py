"""Recursive schemas through ``$ref``s to other files (issue 16, item 4).

A schema ``$ref``'d from another file becomes one named model, whatever the
path it is reached by, so a schema that refers to itself (in its file, across
two files, through the spec itself) is a reference to that model, not an
endless expansion. Each case below is a small spec with its files; all are
generated once, checked by one ``mypy --strict`` run, imported, and given a
recursive example to decode.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from generator.errors import SpecError
from generator.pipeline import generate_package
from generator.write.stage import write_packages

from ._support import Recorder, Reply, body_json

HEADER = """\
openapi: 3.0.3
info: {title: Recursive refs, version: '1'}
servers: [{url: 'https://api.example.com'}]
"""


def get(path: str, operation: str, schema: str) -> str:
    """A GET operation whose 200 response has ``schema`` (YAML flow text)."""
    return f"""\
  {path}:
    get:
      operationId: {operation}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {schema}
"""


CASES: dict[str, dict[str, str]] = {
    # DigitalOcean's shape: a schema in a definitions file whose property lists itself.
    "self_file": {
        "spec": HEADER + "paths:\n" + get("/agent", "getAgent", "{$ref: 'gen-ai/definitions.yml#/apiAgent'}"),
        "gen-ai/definitions.yml": """\
apiAgent:
  type: object
  description: An agent.
  properties:
    name: {type: string}
    child_agents:
      type: array
      items: {$ref: '#/apiAgent'}
    parent: {$ref: '#/apiAgent'}
""",
    },
    # Folder -> File -> Folder across two files (whole files, no pointer), and
    # File -> the spec's own User -> Folder: a cycle through the spec itself.
    "mutual_files": {
        "spec": HEADER
        + "paths:\n"
        + get("/root", "getRoot", "{$ref: 'folders/folder.yaml'}")
        + """\
components:
  schemas:
    User:
      type: object
      properties:
        login: {type: string}
        home: {$ref: 'folders/folder.yaml'}
""",
        "folders/folder.yaml": """\
type: object
properties:
  name: {type: string}
  files:
    type: array
    items: {$ref: '../files/file.yaml'}
""",
        "files/file.yaml": """\
type: object
properties:
  name: {type: string}
  folder: {$ref: '../folders/folder.yaml'}
  owner: {$ref: '../mutual_files.yaml#/components/schemas/User'}
""",
    },
    # A list of lists of itself.
    "arrays": {
        "spec": HEADER + "paths:\n" + get("/tree", "getTree", "{$ref: 'tree.yaml#/Tree'}"),
        "tree.yaml": """\
Tree:
  type: object
  properties:
    label: {type: string}
    rows:
      type: array
      items:
        type: array
        items: {$ref: '#/Tree'}
""",
    },
    # A map of itself, reached through a map in the response.
    "additional_properties": {
        "spec": HEADER
        + "paths:\n"
        + get("/nodes", "getNodes", "{type: object, additionalProperties: {$ref: 'node.yaml#/Node'}}"),
        "node.yaml": """\
Node:
  type: object
  properties:
    size: {type: integer}
    children:
      type: object
      additionalProperties: {$ref: '#/Node'}
""",
    },
    # Through oneOf (an argument is a number or an expression) and allOf (an
    # employee is a person from a third file, with a manager who is an employee).
    "combiners": {
        "spec": HEADER
        + "paths:\n"
        + get("/expr", "getExpr", "{$ref: 'defs/expr.yaml#/Expr'}")
        + get("/staff", "getStaff", "{$ref: 'defs/staff.yaml#/Employee'}"),
        "defs/expr.yaml": """\
Expr:
  type: object
  required: [op]
  properties:
    op: {type: string}
    args:
      type: array
      items:
        oneOf:
          - {$ref: '#/Expr'}
          - {type: number}
""",
        "defs/staff.yaml": """\
Employee:
  allOf:
    - {$ref: 'people/person.yaml#/Person'}
    - type: object
      properties:
        manager: {$ref: '#/Employee'}
        reports:
          type: array
          items: {$ref: '#/Employee'}
""",
        "defs/people/person.yaml": """\
Person:
  type: object
  required: [name]
  properties:
    name: {type: string}
""",
    },
    # The cycle is entered from an operation's inline request and response bodies.
    "inline_body": {
        "spec": HEADER
        + """\
paths:
  /trees:
    post:
      operationId: plantTree
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [root]
              properties:
                root: {$ref: 'shapes/tree.yaml#/Branch'}
      responses:
        '201':
          description: planted
          content:
            application/json:
              schema:
                type: object
                properties:
                  id: {type: string}
                  root: {$ref: 'shapes/tree.yaml#/Branch'}
""",
        "shapes/tree.yaml": """\
Branch:
  type: object
  required: [length]
  properties:
    length: {type: integer}
    branches:
      type: array
      items: {$ref: '#/Branch'}
""",
    },
    # One schema, reached as shared/thing.yaml and as ../shared/./thing.yaml: one model.
    "two_paths": {
        "spec": HEADER
        + "paths:\n"
        + get("/thing", "getThing", "{$ref: 'shared/thing.yaml#/Thing'}")
        + get("/user", "getUser", "{$ref: 'people/user.yaml#/User'}"),
        "shared/thing.yaml": """\
Thing:
  type: object
  properties:
    name: {type: string}
    next: {$ref: '#/Thing'}
""",
        "people/user.yaml": """\
User:
  type: object
  properties:
    favourite: {$ref: '../shared/thing.yaml#/Thing'}
    other: {$ref: './../shared/./thing.yaml#/Thing'}
""",
    },
    # A component that is only a $ref to another file's schema gets that schema
    # under its own name, wherever else it is reached from; `nullable` beside a
    # $ref to another file counts as beside a local one.
    "component_home": {
        "spec": HEADER
        + "paths:\n"
        + get("/agent", "getAgent", "{$ref: '#/components/schemas/Agent'}")
        + get("/boss", "getBoss", "{$ref: 'defs.yml#/apiAgent'}")
        + """\
components:
  schemas:
    Agent:
      $ref: 'defs.yml#/apiAgent'
""",
        "defs.yml": """\
apiAgent:
  type: object
  required: [name, lead]
  properties:
    name: {type: string}
    lead:
      $ref: '#/apiAgent'
      nullable: true
    team:
      type: array
      items: {$ref: '#/apiAgent'}
""",
    },
    # allOf: [$ref, {description}] gives a $ref a description (DigitalOcean's
    # next_backup_window): a reference to the model, not a copy of it.
    "described_ref": {
        "spec": HEADER + "paths:\n" + get("/droplet", "getDroplet", "{$ref: 'models/droplet.yml'}"),
        "models/droplet.yml": """\
type: object
properties:
  name: {type: string}
  backup_window:
    allOf:
      - $ref: 'window.yml'
      - description: When backups start.
  clone_of:
    allOf:
      - $ref: '#'
      - description: The droplet this one was cloned from.
""",
        "models/window.yml": "type: object\nproperties:\n  start: {type: string}\n",
    },
    # A property that extends its own model with allOf: the extended model, once.
    "all_of_in_itself": {
        "spec": HEADER + "paths:\n" + get("/droplet", "getDroplet", "{$ref: 'defs.yaml#/Droplet'}"),
        "defs.yaml": """\
Droplet:
  type: object
  properties:
    name: {type: string}
    clone_of:
      allOf:
        - $ref: '#/Droplet'
        - type: object
          properties:
            cloned_at: {type: string}
""",
    },
    # A nullable, described $ref to a union in another file (Box's shape):
    # still the union, null allowed.
    "nullable_union": {
        "spec": HEADER + "paths:\n" + get("/shape", "getShape", "{$ref: 'shapes.yaml#/Drawing'}"),
        "shapes.yaml": """\
Drawing:
  type: object
  properties:
    shape:
      allOf:
        - $ref: '#/Shape'
      description: What is drawn.
      nullable: true
    inner: {$ref: '#/Drawing'}
Shape:
  oneOf:
    - {$ref: '#/Circle'}
    - {$ref: '#/Square'}
Circle:
  type: object
  required: [radius]
  properties:
    radius: {type: number}
Square:
  type: object
  required: [side]
  properties:
    side: {type: number}
""",
    },
    # A request body whose model requires a (nullable) link to itself: its
    # test's sample ends in a null.
    "required_link": {
        "spec": HEADER
        + """\
paths:
  /chain:
    post:
      operationId: postChain
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: 'chain.yaml#/Link'}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: 'chain.yaml#/Link'}
""",
        "chain.yaml": """\
Link:
  type: object
  required: [value, next]
  properties:
    value: {type: integer}
    next:
      allOf: [{$ref: '#/Link'}]
      nullable: true
""",
    },
    # A schema of the spec's own and one from another file share a name.
    "collision": {
        "spec": HEADER
        + "paths:\n"
        + get("/own", "getOwn", "{$ref: '#/components/schemas/Money'}")
        + get("/theirs", "getTheirs", "{$ref: 'shared/money.yaml#/components/schemas/Money'}")
        + """\
components:
  schemas:
    Money:
      type: object
      properties:
        cents: {type: integer}
""",
        "shared/money.yaml": """\
components:
  schemas:
    Money:
      type: object
      properties:
        amount: {type: string}
        change: {$ref: '#/components/schemas/Money'}
""",
    },
    # A discriminator whose mapping names other files, one of them refers to
    # itself as a whole file ('#'): both choices are the same shape, only the
    # mapping tells them apart.
    "discriminator": {
        "spec": HEADER
        + "paths:\n"
        + get(
            "/pet",
            "getPet",
            "{oneOf: [{$ref: 'pets/cat.yaml'}, {$ref: 'pets/dog.yaml'}],"
            " discriminator: {propertyName: kind, mapping: {c: 'pets/cat.yaml', d: 'pets/dog.yaml'}}}",
        ),
        "pets/cat.yaml": "type: object\nrequired: [kind]\nproperties:\n  kind: {type: string}\n  name: {type: string}\n",
        "pets/dog.yaml": """\
type: object
required: [kind]
properties:
  kind: {type: string}
  name: {type: string}
  pack:
    type: array
    items: {$ref: '#'}
""",
    },
}


@dataclass
class Built:
    root: Path
    warnings: dict[str, tuple[str, ...]]
    errors: dict[str, str]
    mypy: str


def package(case: str) -> str:
    return f"recursive_{case}"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    root = tmp_path_factory.mktemp("recursive_refs")
    out = root / "out"
    warnings: dict[str, tuple[str, ...]] = {}
    errors: dict[str, str] = {}
    for case, files in CASES.items():
        folder = root / case
        for name, text in files.items():
            path = folder / (f"{package(case)}.yaml" if name == "spec" else name)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text.replace("mutual_files.yaml", f"{package('mutual_files')}.yaml"))
        try:
            result = generate_package(folder / f"{package(case)}.yaml")
        except SpecError as exc:
            errors[case] = str(exc)
            continue
        except Exception as exc:  # a generator bug (exit 3): this case fails, the others still run
            errors[case] = repr(exc)
            continue
        write_packages(out, result.files)
        warnings[case] = result.warnings
    generated = sorted(str(out / package(case)) for case in warnings)
    mypy = ""
    if generated:  # one run over every package: each test picks its own lines
        check = subprocess.run(
            [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--config-file", "", "--python-version", "3.11"]
            + ["--cache-dir", str(root / ".mypy_cache"), "--no-error-summary", *generated],
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert check.returncode in (0, 1), check.stdout + check.stderr
        mypy = check.stdout
    sys.path.insert(0, str(out))
    try:
        yield Built(out, warnings, errors, mypy)
    finally:
        sys.path.remove(str(out))
        for name in [m for m in sys.modules if m.startswith("recursive_")]:
            del sys.modules[name]


def load(built: Built, case: str) -> ModuleType:
    """The generated package of ``case``, checked: generated, and clean under mypy --strict."""
    assert case not in built.errors, built.errors[case]
    problems = [line for line in built.mypy.splitlines() if f"{package(case)}/" in line]
    assert problems == [], "\n".join(problems)
    return importlib.import_module(package(case))


def models_of(built: Built, case: str) -> ModuleType:
    load(built, case)
    return importlib.import_module(f"{package(case)}.models")


def fetch(built: Built, case: str, operation: str, reply: Any, **kwargs: Any) -> Any:
    """Call ``operation`` of the generated client against a canned JSON reply."""
    client_class = load(built, case).Client
    with client_class(transport=Recorder(Reply(200, reply)).transport) as client:
        return getattr(client, operation)(**kwargs)


def test_self_recursion_in_another_file(built: Built) -> None:
    models = models_of(built, "self_file")
    assert models.__all__ == ["ApiAgent"]
    agent_class = models.ApiAgent
    assert agent_class.__annotations__ == {
        "name": "str | None",
        "child_agents": "list[ApiAgent] | None",
        "parent": "ApiAgent | None",
    }
    agent = fetch(
        built,
        "self_file",
        "get_agent",
        {"name": "a", "child_agents": [{"name": "b", "child_agents": [{"name": "c"}]}], "parent": {"name": "p"}},
    )
    assert type(agent) is agent_class
    assert type(agent.child_agents[0].child_agents[0]) is agent_class
    assert agent.child_agents[0].child_agents[0].name == "c"
    assert agent.parent == agent_class(name="p")


def test_mutual_recursion_between_two_files_and_the_spec(built: Built) -> None:
    models = models_of(built, "mutual_files")
    assert models.__all__ == ["File", "Folder", "User"]
    assert models.Folder.__annotations__ == {"name": "str | None", "files": "list[File] | None"}
    assert models.File.__annotations__ == {"name": "str | None", "folder": "Folder | None", "owner": "User | None"}
    assert models.User.__annotations__ == {"login": "str | None", "home": "Folder | None"}
    reply = {"name": "/", "files": [{"name": "a", "folder": {"name": "/"}, "owner": {"login": "u", "home": {"name": "~"}}}]}
    root = fetch(built, "mutual_files", "get_root", reply)
    assert type(root) is models.Folder
    assert type(root.files[0].folder) is models.Folder
    assert type(root.files[0].owner.home) is models.Folder
    assert root.to_dict() == reply


def test_recursion_through_lists_of_lists(built: Built) -> None:
    models = models_of(built, "arrays")
    assert models.Tree.__annotations__ == {"label": "str | None", "rows": "list[list[Tree]] | None"}
    tree = fetch(built, "arrays", "get_tree", {"label": "a", "rows": [[{"label": "b", "rows": [[], [{"label": "c"}]]}]]})
    assert tree.rows[0][0].rows[1][0] == models.Tree(label="c")


def test_recursion_through_additional_properties(built: Built) -> None:
    models = models_of(built, "additional_properties")
    assert models.Node.__annotations__ == {"size": "int | None", "children": "dict[str, Node] | None"}
    nodes = fetch(built, "additional_properties", "get_nodes", {"x": {"size": 1, "children": {"y": {"size": 2, "children": {}}}}})
    assert type(nodes["x"].children["y"]) is models.Node
    assert nodes["x"].children["y"].size == 2


def test_recursion_through_one_of_and_all_of(built: Built) -> None:
    models = models_of(built, "combiners")
    assert models.__all__ == ["Employee", "Expr", "Person"]
    assert models.Expr.__annotations__ == {"op": "str", "args": "list[Expr | float] | None"}
    expr = fetch(built, "combiners", "get_expr", {"op": "+", "args": [1, {"op": "-", "args": [{"op": "x"}, 2.5]}]})
    assert expr.args[0] == 1.0
    assert type(expr.args[1]) is models.Expr and type(expr.args[1].args[0]) is models.Expr
    assert expr.args[1].args[1] == 2.5
    assert models.Employee.__annotations__ == {
        "name": "str",
        "manager": "Employee | None",
        "reports": "list[Employee] | None",
    }
    staff = fetch(built, "combiners", "get_staff", {"name": "a", "manager": {"name": "b"}, "reports": [{"name": "c", "reports": []}]})
    assert staff.manager == models.Employee(name="b")
    assert type(staff.reports[0]) is models.Employee


def test_cycle_entered_from_an_inline_request_body(built: Built) -> None:
    models = models_of(built, "inline_body")
    branch = models.Branch
    assert branch.__annotations__ == {"length": "int", "branches": "list[Branch] | None"}
    recorder = Recorder(Reply(201, {"id": "t1", "root": {"length": 3, "branches": [{"length": 1, "branches": [{"length": 0}]}]}}))
    with load(built, "inline_body").Client(transport=recorder.transport) as client:
        tree = branch(length=3, branches=[branch(length=1, branches=[branch(length=0)])])
        planted = client.plant_tree(body=models.PlantTreeRequest(root=tree))
    assert body_json(recorder.last) == {"root": {"length": 3, "branches": [{"length": 1, "branches": [{"length": 0}]}]}}
    assert planted.id == "t1"
    assert planted.root.branches[0].branches[0] == branch(length=0)


def test_one_schema_reached_by_two_relative_paths_is_one_model(built: Built) -> None:
    models = models_of(built, "two_paths")
    assert models.__all__ == ["Thing", "User"]
    assert models.User.__annotations__ == {"favourite": "Thing | None", "other": "Thing | None"}
    user = fetch(built, "two_paths", "get_user", {"favourite": {"name": "a", "next": {"name": "b"}}, "other": {"name": "c"}})
    assert type(user.favourite.next) is models.Thing is type(user.other)
    assert user.favourite.next == models.Thing(name="b")


def test_a_component_that_refers_to_another_file_names_the_model(built: Built) -> None:
    models = models_of(built, "component_home")
    assert models.__all__ == ["Agent"]
    assert models.Agent.__annotations__ == {"name": "str", "lead": "Agent | None", "team": "list[Agent] | None"}
    boss = fetch(built, "component_home", "get_boss", {"name": "a", "lead": {"name": "b", "lead": None}, "team": [{"name": "c", "lead": None}]})
    assert type(boss) is models.Agent
    assert boss.lead == models.Agent(name="b", lead=None)
    assert boss.team[0] == models.Agent(name="c", lead=None)


def test_a_described_ref_to_another_file_is_the_model_itself(built: Built) -> None:
    models = models_of(built, "described_ref")
    assert models.__all__ == ["Droplet", "Window"]
    assert models.Droplet.__annotations__ == {
        "name": "str | None",
        "backup_window": "Window | None",
        "clone_of": "Droplet | None",
    }
    droplet = fetch(built, "described_ref", "get_droplet", {"name": "a", "backup_window": {"start": "1"}, "clone_of": {"name": "b"}})
    assert droplet.backup_window == models.Window(start="1")
    assert droplet.clone_of == models.Droplet(name="b")


def test_a_property_extending_its_own_model_with_all_of(built: Built) -> None:
    models = models_of(built, "all_of_in_itself")
    assert models.__all__ == ["Droplet", "DropletCloneOf"]
    assert models.Droplet.__annotations__ == {"name": "str | None", "clone_of": "DropletCloneOf | None"}
    assert models.DropletCloneOf.__annotations__ == {
        "name": "str | None",
        "clone_of": "DropletCloneOf | None",
        "cloned_at": "str | None",
    }
    droplet = fetch(built, "all_of_in_itself", "get_droplet", {"name": "a", "clone_of": {"name": "b", "cloned_at": "t", "clone_of": {"name": "c"}}})
    assert droplet.clone_of.clone_of == models.DropletCloneOf(name="c")
    assert droplet.clone_of.cloned_at == "t"


def test_a_nullable_ref_to_a_union_keeps_its_choices(built: Built) -> None:
    models = models_of(built, "nullable_union")
    assert models.Drawing.__annotations__ == {"shape": "Shape | None", "inner": "Drawing | None"}
    drawing = fetch(built, "nullable_union", "get_shape", {"shape": {"side": 2}, "inner": {"shape": {"radius": 1}, "inner": {"shape": None}}})
    assert drawing.shape == models.Square(side=2.0)
    assert drawing.inner.shape == models.Circle(radius=1.0)
    assert drawing.inner.inner.shape is None


def test_a_required_nullable_link_to_itself_in_a_request_body(built: Built) -> None:
    models = models_of(built, "required_link")
    assert models.Link.__annotations__ == {"value": "int", "next": "Link | None"}
    chain = {"value": 1, "next": {"value": 2, "next": None}}
    recorder = Recorder(Reply(200, chain))
    with load(built, "required_link").Client(transport=recorder.transport) as client:
        result = client.post_chain(body=models.Link.from_dict(chain))
    assert body_json(recorder.last) == chain
    assert result == models.Link(value=1, next=models.Link(value=2, next=None))


def test_name_collision_between_a_file_schema_and_a_component_is_renamed_and_reported(built: Built) -> None:
    models = models_of(built, "collision")
    assert models.__all__ == ["Money", "Money2"]
    assert models.Money.__annotations__ == {"cents": "int | None"}  # the spec's own keeps its name
    assert models.Money2.__annotations__ == {"amount": "str | None", "change": "Money2 | None"}
    renamed = [w for w in built.warnings["collision"] if "renamed to 'Money2'" in w]
    assert len(renamed) == 1, built.warnings["collision"]
    assert renamed[0].endswith(
        ": /components/schemas: warning: schema 'Money' at shared/money.yaml#/components/schemas/Money"
        " and 'Money' both map to 'Money'; renamed to 'Money2'"
    )
    theirs = fetch(built, "collision", "get_theirs", {"amount": "1", "change": {"amount": "0.5"}})
    assert theirs == models.Money2(amount="1", change=models.Money2(amount="0.5"))


def test_discriminator_mapping_to_other_files(built: Built) -> None:
    models = models_of(built, "discriminator")
    assert models.__all__ == ["Cat", "Dog"]
    assert built.warnings["discriminator"] == ()
    assert models.Dog.__annotations__ == {"kind": "str", "name": "str | None", "pack": "list[Dog] | None"}
    dog = fetch(built, "discriminator", "get_pet", {"kind": "d", "name": "rex", "pack": [{"kind": "d", "pack": []}]})
    assert type(dog) is models.Dog and type(dog.pack[0]) is models.Dog
    cat = fetch(built, "discriminator", "get_pet", {"kind": "c", "name": "tom"})
    assert type(cat) is models.Cat

