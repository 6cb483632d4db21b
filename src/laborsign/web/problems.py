"""Request validation errors as RFC 9457 problem details, bilingual, naming the field.

FastAPI rejects a body or query that does not fit its model before the route runs, so such
a request changes nothing; this turns pydantic's error list into the platform's problem
format, with the path of the first offending field (`data.worker.id_number`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from laborsign.i18n import Text

# pydantic error types → Chinese wording (the English comes from pydantic itself).
_ZH = {
    "missing": "缺少必填项",
    "extra_forbidden": "不允许的字段",
    "string_too_long": "内容过长",
    "string_too_short": "内容过短",
    "string_pattern_mismatch": "格式不正确",
    "string_type": "应为文本",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "decimal_parsing": "应为数字",
    "float_parsing": "应为数字",
    "bool_parsing": "应为是或否",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "date_parsing": "应为日期（YYYY-MM-DD）",
    "datetime_parsing": "应为日期时间（ISO 8601）",
    "datetime_from_date_parsing": "应为日期时间（ISO 8601）",
    "enum": "不是允许的取值",
    "literal_error": "不是允许的取值",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
    "greater_than": "数值过小",
    "less_than": "数值过大",
    "too_long": "项目过多",
    "too_short": "项目过少",
    "json_invalid": "不是有效的 JSON",
    "model_attributes_type": "应为对象",
    "dict_type": "应为对象",
    "list_type": "应为列表",
    "value_error": "取值不符合要求",
}
INVALID = Text("输入不符合要求", "invalid input")
# Where FastAPI says the value came from; the field path starts after it.
_SOURCES = {"body", "query", "path", "header", "cookie"}


def field_path(location: Sequence[str | int]) -> str:
    parts = list(location)
    if parts and parts[0] in _SOURCES:
        parts = parts[1:]
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "body"


def validation_problem(errors: Sequence[Any]) -> dict[str, object]:
    details = []
    for error in errors:
        kind = str(error.get("type", "value_error"))
        message_en = str(error.get("msg", INVALID.en))
        # Validators of the domain model raise ValueErrors with bilingual text of their own.
        message_zh = _ZH.get(kind, INVALID.zh)
        text = message_en.removeprefix("Value error, ")
        for separator in (" — ", " / "):
            if kind == "value_error" and separator in text:
                message_zh, message_en = text.split(separator, 1)
                break
        details.append(
            {
                "field": field_path(error.get("loc", ())),
                "type": kind,
                "message": message_zh,
                "message_en": message_en,
            }
        )
    first = details[0] if details else {"field": "body", "message": "", "message_en": ""}
    return {
        "type": "https://laborsign.org/problems/invalid-input",
        "title": f"{INVALID.zh}：{first['field']} {first['message']}",
        "title_en": f"{INVALID.en}: {first['field']}: {first['message_en']}",
        "status": 422,
        "field": first["field"],
        "errors": details,
    }
