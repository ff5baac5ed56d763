"""The record's JSON Schema, loaded once and shared by the validation pipeline, tests and tools."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import fastjsonschema
from jsonschema import Draft202012Validator


@cache
def record_schema() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        resources.files(__package__).joinpath("record.schema.json").read_text(encoding="utf-8")
    )
    return data


@cache
def record_validator() -> Draft202012Validator:
    schema = record_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


@cache
def _fast_check() -> Any:
    # the schema uses only keywords draft 7 already has (tests/test_record_and_render.py checks the two
    # validators agree), so fastjsonschema's compiled check decides as jsonschema does
    return fastjsonschema.compile(record_schema())


def record_errors(record: dict[str, Any]) -> list[str]:
    """Human-readable schema violations of one record ("path: message"), empty when it is valid. A record
    the compiled check passes costs no jsonschema pass; any other is decided and worded by jsonschema."""
    try:
        _fast_check()(record)
        return []
    except fastjsonschema.JsonSchemaException:
        pass
    errors = sorted(record_validator().iter_errors(record), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(map(str, e.absolute_path)) or '<record>'}: {e.message}" for e in errors]
