"""`envdsl import csv|json`: drafts from tables check, compile and verify; inference and bad input.

The real data sets are the ones shipped in registry packages of the
`corpus` extra: airportsdata's airports.csv (a slice of it) and pycountry's
ISO 3166-1 JSON.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from envdsl.cli import main


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_real_tables_check_compile_and_verify(tmp_path: Path) -> None:
    airportsdata = pytest.importorskip("airportsdata")
    pycountry = pytest.importorskip("pycountry")
    with open(os.path.join(os.path.dirname(airportsdata.__file__), "airports.csv"), encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["iata"] and r["country"] in ("NL", "BE", "LU")][:25]
    assert len(rows) >= 10
    with (tmp_path / "airports.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    countries = json.loads(
        Path(pycountry.__file__).with_name("databases").joinpath("iso3166-1.json").read_text(encoding="utf-8")
    )
    chosen = [c for c in countries["3166-1"] if c["alpha_2"] in ("NL", "BE", "LU", "DE")]
    (tmp_path / "countries.json").write_text(json.dumps({"countries": chosen}), encoding="utf-8")

    out = tmp_path / "out"
    code, text = cli(
        "import",
        "csv",
        str(tmp_path / "airports.csv"),
        str(tmp_path / "countries.json"),
        "--name",
        "airports",
        "--domain",
        "travel",
        "--out",
        str(out),
    )
    assert code == 0, text
    spec = (out / "airports.envdsl").read_text(encoding="utf-8")
    assert "key icao: str" in spec and "country: Country" in spec and "elevation: int" in spec and "lat: float" in spec
    assert "key alpha_2: str" in spec and "numeric: str" in spec  # "056" has a leading zero: a code, not a number
    seed = (out / "airports.seed.yaml").read_text(encoding="utf-8")
    assert "provenance:" in seed and "airports.csv sha256:" in seed
    assert cli("check", str(out / "airports.envdsl"))[0] == 0
    code, text = cli("compile", str(out / "airports.envdsl"), "--out", str(tmp_path / "compiled"))
    assert code == 0, text
    code, text = cli("verify", str(out / "airports.envdsl"), "--examples", "15")
    assert code == 0, text


def test_inference_and_decisions(tmp_path: Path) -> None:
    (tmp_path / "authors.csv").write_text(
        "id,name,born,active\nA1,Jane Austen,1775-12-16,false\nA2,Ursula Le Guin,1929-10-21,TRUE\n", encoding="utf-8"
    )
    (tmp_path / "books.csv").write_text(
        "\ufefftitle,author_id,price,weight,added,class\n"
        "Emma,A1,9.99,0.5,2026-01-02 10:00,x\nEmma,A2,12.50,1,2026-01-03T11:30:15,\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    code, text = cli(
        "import",
        "csv",
        str(tmp_path / "authors.csv"),
        str(tmp_path / "books.csv"),
        "--name",
        "shop",
        "--domain",
        "commerce",
        "--out",
        str(out),
    )
    assert code == 0, text
    spec = (out / "shop.envdsl").read_text(encoding="utf-8")
    for line in (
        "key id: str",
        "born: date",
        "active: bool",
        'key id: str = next_id("BOO")',
        "author_id: Author",
        "price: money",
        "weight: float",
        "added: datetime",
        "class_: str?",
    ):
        assert line in spec, line
    assert "decide: Book (books.csv): no column is unique" in text
    seed = (out / "shop.seed.yaml").read_text(encoding="utf-8")
    assert "active: true" in seed and "price: 12.50" in seed and 'added: "2026-01-02T10:00:00"' in seed
    code, text = cli(
        "import", "csv", str(tmp_path / "authors.csv"), "--name", "shop", "--domain", "commerce", "--out", str(out)
    )
    assert code == 1 and "exists; pass --force" in text


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("ragged.csv", "a,b\n1,2\n3\n", "ragged.csv:3: 1 cells, but the header has 2"),
        ("empty.csv", "", "empty file"),
        ("broken.json", '[{"a": 1},', "broken.json:1:11: not valid JSON"),
        ("shape.json", '{"t": 3}', "expected an array of objects"),
        ("norows.json", "[]", "no rows, so no column types can be inferred"),
    ],
)
def test_bad_input_is_one_located_line(tmp_path: Path, name: str, content: str, message: str) -> None:
    (tmp_path / name).write_text(content, encoding="utf-8")
    code, text = cli(
        "import",
        "json" if name.endswith("json") else "csv",
        str(tmp_path / name),
        "--name",
        "x",
        "--domain",
        "d",
        "--out",
        str(tmp_path / "o"),
    )
    assert code == 1 and message in text and text.startswith("error: ")


# The Swagger Petstore, OpenAPI 3.0 (examples/v3.0/petstore.yaml of the OpenAPI Initiative's public
# OpenAPI-Specification repository, MIT licence), copied from the public documentation.
PETSTORE = """\
openapi: "3.0.0"
info:
  version: 1.0.0
  title: Swagger Petstore
  license:
    name: MIT
servers:
  - url: http://petstore.swagger.io/v1
paths:
  /pets:
    get:
      summary: List all pets
      operationId: listPets
      tags:
        - pets
      parameters:
        - name: limit
          in: query
          description: How many items to return at one time (max 100)
          required: false
          schema:
            type: integer
            maximum: 100
            format: int32
      responses:
        '200':
          description: A paged array of pets
          headers:
            x-next:
              description: A link to the next page of responses
              schema:
                type: string
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Pets"
        default:
          description: unexpected error
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Error"
    post:
      summary: Create a pet
      operationId: createPets
      tags:
        - pets
      requestBody:
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/Pet'
        required: true
      responses:
        '201':
          description: Null response
        default:
          description: unexpected error
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Error"
  /pets/{petId}:
    get:
      summary: Info for a specific pet
      operationId: showPetById
      tags:
        - pets
      parameters:
        - name: petId
          in: path
          required: true
          description: The id of the pet to retrieve
          schema:
            type: string
      responses:
        '200':
          description: Expected response to a valid request
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Pet"
        default:
          description: unexpected error
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Error"
components:
  schemas:
    Pet:
      type: object
      required:
        - id
        - name
      properties:
        id:
          type: integer
          format: int64
        name:
          type: string
        tag:
          type: string
    Pets:
      type: array
      maxItems: 100
      items:
        $ref: "#/components/schemas/Pet"
    Error:
      type: object
      required:
        - code
        - message
      properties:
        code:
          type: integer
          format: int32
        message:
          type: string
"""

CLINIC = {
    "openapi": "3.1.0",
    "info": {"title": "Clinic {beta}", "version": "1", "description": "Appointments at a small clinic."},
    "paths": {
        "/patients/{patientId}": {"get": {"operationId": "getPatient", "responses": {"200": {}, "404": {}}}},
        "/appointments": {
            "get": {
                "operationId": "listAppointments",
                "parameters": [{"name": "status", "in": "query", "schema": {"type": "string"}}],
            },
            "post": {
                "operationId": "bookAppointment",
                "requestBody": {
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Appointment"}}}
                },
                "responses": {"201": {}, "400": {"description": "bad slot"}, "409": {}},
            },
        },
        "/appointments/{id}": {
            "put": {"operationId": "moveAppointment", "requestBody": {"content": {}}},
            "delete": {"operationId": "cancelAppointment"},
        },
        "/reports/daily/{day}": {"get": {"operationId": "dailyReport"}},
    },
    "components": {
        "schemas": {
            "Patient": {
                "type": "object",
                "required": ["id", "name"],
                "properties": {"id": {"type": "string"}, "name": {"type": "string"}, "tags": {"type": "array"}},
                "example": {"id": "P1", "name": "Ada", "tags": ["x"]},
            },
            "Appointment": {
                "type": "object",
                "required": ["id", "patient", "starts", "kind"],
                "properties": {
                    "id": {"type": "integer"},
                    "patient": {"$ref": "#/components/schemas/Patient"},
                    "starts": {"type": "string", "format": "date-time", "description": "Local time"},
                    "kind": {"type": "string", "enum": ["checkup", "vaccination"]},
                    "fee": {"type": "number"},
                    "paid": {"type": "boolean"},
                },
            },
            "Problem": {"type": "object", "properties": {"id": {"type": "string"}}},
        }
    },
}


def test_openapi_petstore_checks_compiles_and_verifies(tmp_path: Path) -> None:
    (tmp_path / "petstore.yaml").write_text(PETSTORE, encoding="utf-8")
    out = tmp_path / "out"
    code, text = cli(
        "import",
        "openapi",
        str(tmp_path / "petstore.yaml"),
        "--name",
        "petstore",
        "--domain",
        "commerce",
        "--out",
        str(out),
    )
    assert code == 0, text
    spec = (out / "petstore.envdsl").read_text(encoding="utf-8")
    for line in (
        "key id: int",
        "tag: str?",
        "tool list_pets(limit: int",
        "tool create_pets(id: int, name: str, tag: str? = none)",
        "raises Conflict",
        "tool show_pet_by_id(pet: Pet) -> Pet",
    ):
        assert line in spec, line
    assert "decide: Error: an error body" in text
    code, text = cli("compile", str(out / "petstore.envdsl"), "--out", str(tmp_path / "compiled"))
    assert code == 0, text
    code, text = cli("verify", str(out / "petstore.envdsl"), "--examples", "15")
    assert code == 0, text


def test_openapi_shapes_and_decisions(tmp_path: Path) -> None:
    (tmp_path / "clinic.json").write_text(json.dumps(CLINIC), encoding="utf-8")
    out = tmp_path / "out"
    code, text = cli(
        "import", "openapi", str(tmp_path / "clinic.json"), "--name", "clinic", "--domain", "health", "--out", str(out)
    )
    assert code == 0, text
    spec = (out / "clinic.envdsl").read_text(encoding="utf-8")
    for line in (
        'title "Clinic (beta)"',
        "patient: Patient",
        'starts: datetime "Local time"',
        "enum AppointmentKind { checkup, vaccination }",
        "kind: AppointmentKind",
        "fee: float?",
        "tool get_patient(patient: Patient) -> Patient",
        "tool list_appointments(max_rows: int",
        "raises Conflict",
        "tool move_appointment(appointment: Appointment,",
        "delete appointment",
    ):
        assert line in spec, line
    for note in (
        "Patient.tags: a array value",
        "bookAppointment: declares HTTP 400",
        "query parameters status",
        "(dailyReport): fits no entity shape",
        "Problem: an error body",
    ):
        assert note in text, note
    seed = (out / "clinic.seed.yaml").read_text(encoding="utf-8")
    assert '{"id": "P1", "name": "Ada"}' in seed and "clinic.json sha256:" in seed


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("openapi: [", "not valid YAML"),
        ("swagger: '2.0'\npaths: {}\n", "not an OpenAPI 3 document"),
        (
            "openapi: 3.0.0\npaths: {}\ncomponents: {schemas: {A: {type: object, properties: {x: {type: string}}}}}\n",
            "no schema has an `id`",
        ),
    ],
)
def test_openapi_bad_documents(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "api.yaml").write_text(content, encoding="utf-8")
    code, text = cli(
        "import", "openapi", str(tmp_path / "api.yaml"), "--name", "x", "--domain", "d", "--out", str(tmp_path / "o")
    )
    assert code == 1 and message in text and text.startswith("error: ")
