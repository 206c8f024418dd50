"""Bitrix24 user field types in the spec's `CustomFieldsType` terms.

Types of the enum pass as they are; `date` is served as `datetime` (the nearest member: both
are date values); the application's own tag type (`rest_{APP_ID}_crm_pena_tag`) as
`crm_pena_tag`. Other types (another app's `rest_*` types, `resourcebooking`, `video`, ...) have
no member the spec allows: such fields are left out of the copy, since no quiz answer could be
written into them anyway.
"""
SPEC_TYPES = frozenset({
    "string", "integer", "double", "boolean", "datetime", "enumeration", "iblock_section",
    "iblock_element", "employee", "crm_status", "crm", "address", "money", "url", "file",
    "crm_pena_tag",
})
_ALIASES = {"date": "datetime", "disk_file": "file"}
TAG_TYPE_SUFFIX = "_crm_pena_tag"


def spec_type(bitrix_type: str) -> str | None:
    """The spec's type for a Bitrix24 USER_TYPE_ID, or None when it has none."""
    name = (bitrix_type or "").lower()
    if name in SPEC_TYPES:
        return name
    if name in _ALIASES:
        return _ALIASES[name]
    if name.startswith("rest_") and name.endswith(TAG_TYPE_SUFFIX):
        return "crm_pena_tag"
    return None
