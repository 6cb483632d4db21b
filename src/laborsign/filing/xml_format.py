"""The XML form of a filing batch: the JSON form's names as elements, mechanically.

Rules (documented in docs/filing.md):

* root element `FilingBatch` in the namespace `urn:laborsign:filing:1.0`, attribute
  `schemaVersion="1.0"`;
* each object member is a child element named like the JSON member (snake_case), in the
  schema's order; a member that is null is left out;
* an array is an element with the attribute `list="true"` whose children are all named
  `item`;
* scalars are text: strings as they are, numbers in their JSON spelling, booleans
  `true`/`false`, dates and times in ISO 8601 (as in the JSON form).

So the XML carries exactly the JSON form, and `from_xml(to_xml(batch)) == batch`.
"""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree as ET

from laborsign.filing.schema import FilingBatch

NAMESPACE = "urn:laborsign:filing:1.0"
ROOT = "FilingBatch"
LIST_ATTR = "list"
ITEM = "item"


def _q(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, member in value.items():
            if member is None:
                continue
            _fill(ET.SubElement(element, _q(key)), member)
    elif isinstance(value, list):
        element.set(LIST_ATTR, "true")
        for member in value:
            _fill(ET.SubElement(element, _q(ITEM)), member)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    else:
        element.text = str(value)


def to_xml(batch: FilingBatch) -> bytes:
    ET.register_namespace("", NAMESPACE)
    root = ET.Element(_q(ROOT), {"schemaVersion": batch.schema_version})
    _fill(root, batch.model_dump(mode="json", exclude={"schema_version"}))
    ET.indent(root)
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return body


def _read(element: ET.Element) -> Any:
    if element.get(LIST_ATTR) == "true":
        return [_read(child) for child in element]
    children = list(element)
    if children:
        return {child.tag.removeprefix(f"{{{NAMESPACE}}}"): _read(child) for child in children}
    return element.text or ""


def from_xml(data: bytes) -> FilingBatch:
    """Read the XML form back (our own exports: tests and tools that compare the forms)."""
    root = ET.fromstring(data)  # noqa: S314 - our own export, never a third party's upload
    if root.tag != _q(ROOT):
        raise ValueError(f"not a filing batch: {root.tag}")
    content = _read(root)
    content["schema_version"] = root.get("schemaVersion")
    return FilingBatch.model_validate(content)
