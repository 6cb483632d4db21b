"""load_contract: valid documents round-trip; bad ones name the field, never echo the value."""

from __future__ import annotations

import json

import pytest

from laborsign.contracts.examples import example_contract
from laborsign.contracts.io import (
    InvalidContract,
    decode_input,
    dump_contract,
    field_path,
    load_contract,
)
from laborsign.contracts.model import TemplateId
from laborsign.errors import InvalidInput


@pytest.mark.parametrize("template", list(TemplateId))
def test_examples_round_trip(template: TemplateId) -> None:
    contract = example_contract(template)
    text = dump_contract(contract)
    assert "张三" in text  # Chinese characters are not escaped
    assert load_contract(text) == contract


def _example_dict() -> dict[str, object]:
    data: dict[str, object] = json.loads(dump_contract(example_contract()))
    return data


def _set(data: dict[str, object], path: str, value: object) -> str:
    *parents, last = path.split(".")
    node: dict[str, object] = data
    for key in parents:
        child = node[key]
        assert isinstance(child, dict)
        node = child
    node[last] = value
    return json.dumps(data, ensure_ascii=False)


@pytest.mark.parametrize(
    ("path", "value", "expected_zh"),
    [
        ("term.start_date", "2024-02-30", "日期无效"),
        ("worker.name", "张\u0007三", "控制字符"),
        ("worker.name", "x" * 10_000_000, "文本过长（最多 100 个字符）"),
        ("pay.payday", "fifteen", "应为整数"),
        ("template", "lease", "不是允许的取值"),
        ("pay.monthly_wage", "12000.001", "小数位过多"),
        ("employer.unknown", "x", "不允许的字段"),
    ],
)
def test_bad_field_is_named(path: str, value: object, expected_zh: str) -> None:
    text = _set(_example_dict(), path, value)
    with pytest.raises(InvalidContract) as caught:
        load_contract(text)
    assert caught.value.field == path
    assert expected_zh in caught.value.message.zh
    assert path in caught.value.message.en
    assert "xxxxxxxxxx" not in str(caught.value)  # the value is never echoed


def test_missing_field_is_named() -> None:
    data = _example_dict()
    del data["job"]
    with pytest.raises(InvalidContract) as caught:
        load_contract(json.dumps(data))
    assert caught.value.field == "job"
    assert "缺少必填字段" in caught.value.message.zh


@pytest.mark.parametrize("text", ["", "nope", "{", "[1, 2]", "null", '"a contract"'])
def test_not_a_contract_document(text: str) -> None:
    with pytest.raises(InvalidInput):
        load_contract(text)


def test_bytes_must_be_utf8() -> None:
    with pytest.raises(InvalidContract) as caught:
        decode_input(b'{"number": "\xff"}')
    assert "UTF-8" in caught.value.message.en
    assert decode_input("\ufeff{}".encode()) == "{}"  # a BOM from a Windows editor is fine


def test_field_path() -> None:
    assert field_path(("agreed", "penalties", 0, "amount")) == "agreed.penalties[0].amount"
    assert field_path(()) == ""
