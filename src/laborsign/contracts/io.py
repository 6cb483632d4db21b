"""Reading a contract from JSON: the one entry every command and route uses.

`load_contract` turns untrusted text into a validated `Contract` or raises
`InvalidContract` (an `InvalidInput`) that names each offending field in Chinese and
English. It never lets a pydantic error, a traceback or a huge input value through to the
user: values are not echoed back, only field paths and what is wrong with them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from laborsign.contracts.model import Contract
from laborsign.errors import InvalidInput
from laborsign.i18n import Text

# A fully filled contract is well below 1 MB; the cap is generous so that an oversized
# field still parses and is reported by name, yet small enough to bound memory.
MAX_INPUT_CHARS = 16 * 1024 * 1024
# Enough to fix a document in one go without flooding a terminal.
MAX_REPORTED_PROBLEMS = 20


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One thing wrong with the input: where (dotted path, `[i]` for list items) and what."""

    path: str
    message: Text


class InvalidContract(InvalidInput):
    """A contract document that is not valid JSON or does not fit the contract schema."""

    def __init__(self, problems: Sequence[FieldProblem]) -> None:
        self.problems = tuple(problems)
        shown = self.problems[:MAX_REPORTED_PROBLEMS]
        more = len(self.problems) - len(shown)
        zh = "；".join(f"{p.path or '（文档）'}：{p.message.zh}" for p in shown)
        en = "; ".join(f"{p.path or '(document)'}: {p.message.en}" for p in shown)
        if more:
            zh += f"；另有 {more} 处错误"
            en += f"; and {more} more"
        super().__init__(
            Text(f"合同数据无效：{zh}", f"invalid contract data: {en}"),
            field=self.problems[0].path if self.problems else None,
        )


def field_path(loc: Iterable[int | str]) -> str:
    """`("agreed", "penalties", 0, "amount")` → `agreed.penalties[0].amount`."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


# Chinese wording for the pydantic error types a contract author meets; the English is
# pydantic's own message (which never contains the input value).
_ZH_BY_TYPE: dict[str, str] = {
    "missing": "缺少必填字段",
    "extra_forbidden": "不允许的字段",
    "string_too_long": "文本过长（最多 {max_length} 个字符）",
    "string_too_short": "不能为空",
    "string_type": "应为文本",
    "string_pattern_mismatch": "格式不正确",
    "date_from_datetime_parsing": "日期无效（应为 YYYY-MM-DD 格式的真实日期）",
    "date_from_datetime_inexact": "日期无效（应为 YYYY-MM-DD 格式的真实日期）",
    "date_parsing": "日期无效（应为 YYYY-MM-DD 格式的真实日期）",
    "date_type": "应为日期（YYYY-MM-DD）",
    "enum": "不是允许的取值",
    "literal_error": "不是允许的取值",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "decimal_type": "应为数字",
    "decimal_parsing": "应为数字",
    "decimal_max_places": "小数位过多（最多两位）",
    "decimal_max_digits": "数字位数过多",
    "decimal_whole_digits": "数字位数过多",
    "decimal_finite_number": "应为有限数字",
    "greater_than": "数值过小",
    "greater_than_equal": "数值过小",
    "less_than": "数值过大",
    "less_than_equal": "数值过大",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "model_type": "应为 JSON 对象",
    "model_attributes_type": "应为 JSON 对象",
    "dict_type": "应为 JSON 对象",
    "tuple_type": "应为 JSON 数组",
    "list_type": "应为 JSON 数组",
    "frozen_instance": "不可修改",
}


def _problem(error: Any) -> FieldProblem:
    kind = str(error.get("type", ""))
    english = str(error.get("msg", "invalid value"))
    if kind == "value_error":
        # Messages raised by the model's own validators are already bilingual "zh / en".
        raw = english.removeprefix("Value error, ")
        zh, _, en = raw.partition(" / ")
        return FieldProblem(field_path(error.get("loc", ())), Text(zh, en or zh))
    zh = _ZH_BY_TYPE.get(kind, "取值无效")
    with contextlib.suppress(KeyError, IndexError):
        zh = zh.format(**error.get("ctx", {}))
    return FieldProblem(field_path(error.get("loc", ())), Text(zh, english))


def problems_of(exc: ValidationError) -> list[FieldProblem]:
    # include_input=False keeps a 10 MB value (or a secret) out of every message.
    return [_problem(e) for e in exc.errors(include_input=False, include_url=False)]


def decode_input(data: bytes) -> str:
    """Bytes from a file or a request body → text, refusing anything that is not UTF-8."""
    if len(data) > MAX_INPUT_CHARS * 4:
        raise _too_large()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidContract(
            [
                FieldProblem(
                    "",
                    Text(
                        f"不是 UTF-8 编码的文本（第 {exc.start} 字节）",
                        f"not UTF-8 text (byte {exc.start})",
                    ),
                )
            ]
        ) from None


def _too_large() -> InvalidContract:
    return InvalidContract(
        [
            FieldProblem(
                "",
                Text(
                    f"输入过大（上限 {MAX_INPUT_CHARS} 个字符）",
                    f"input too large (limit {MAX_INPUT_CHARS} characters)",
                ),
            )
        ]
    )


def load_contract(text: str) -> Contract:
    """Parse and validate a contract given as JSON text.

    Raises `InvalidContract` (exit code 2 on the command line, HTTP 422 on the web) for
    text that is not JSON, not a contract, or a contract with impossible values.
    """
    if len(text) > MAX_INPUT_CHARS:
        raise _too_large()
    try:
        return Contract.model_validate_json(text)
    except ValidationError as exc:
        problems = problems_of(exc)
        if any(p.message.en.startswith("Invalid JSON") for p in problems):
            raise InvalidContract(
                [
                    FieldProblem(
                        "",
                        Text(
                            "不是有效的 JSON（" + problems[0].message.en + "）",
                            problems[0].message.en,
                        ),
                    )
                ]
            ) from None
        raise InvalidContract(problems) from None


def dump_contract(contract: Contract) -> str:
    """The canonical human-readable JSON form: indented, Chinese characters unescaped."""
    # pydantic's own JSON writer keeps non-ASCII characters as they are.
    return contract.model_dump_json(indent=2)
