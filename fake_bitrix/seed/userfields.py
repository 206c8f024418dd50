"""Seeded user fields: one of every USER_TYPE_ID on leads, deals, contacts and companies.

Labels are stored per language. Fields made in the portal's (Russian) interface carry only a Russian
label; the app's own field was made over REST with ``LABEL``, which fills every language.
"""
import copy
import itertools

LANGUAGES = ("ru", "en", "de", "ua")
LABEL_KEYS = ("EDIT_FORM_LABEL", "LIST_COLUMN_LABEL", "LIST_FILTER_LABEL", "ERROR_MESSAGE", "HELP_MESSAGE")
_DATE_DEFAULT = {"DEFAULT_VALUE": {"TYPE": "NONE", "VALUE": ""}}
_IBLOCK = {"IBLOCK_TYPE_ID": "lists", "IBLOCK_ID": 0, "DEFAULT_VALUE": "", "DISPLAY": "LIST",
           "LIST_HEIGHT": 5, "ACTIVE_FILTER": "N"}
# (USER_TYPE_ID, Russian label, SETTINGS, MULTIPLE, MANDATORY); an empty SETTINGS is PHP's [].
TYPES = (
    ("string", "Комментарий менеджера", {"SIZE": 20, "ROWS": 1, "REGEXP": "", "MIN_LENGTH": 0,
                                         "MAX_LENGTH": 0, "DEFAULT_VALUE": ""}, "N", "N"),
    ("integer", "Количество сотрудников", {"SIZE": 20, "MIN_VALUE": 0, "MAX_VALUE": 0, "DEFAULT_VALUE": None},
     "N", "N"),
    ("double", "Скидка, %", {"PRECISION": 2, "SIZE": 20, "MIN_VALUE": 0.0, "MAX_VALUE": 0.0,
                             "DEFAULT_VALUE": None}, "N", "N"),
    ("boolean", "Согласие на рассылку", {"DEFAULT_VALUE": 0, "DISPLAY": "CHECKBOX", "LABEL": ["", ""],
                                         "LABEL_CHECKBOX": ""}, "N", "N"),
    ("datetime", "Дата и время звонка", {**_DATE_DEFAULT, "USE_SECOND": "Y", "USE_TIMEZONE": "N"}, "N", "N"),
    ("date", "Дата рождения", _DATE_DEFAULT, "N", "N"),
    ("enumeration", "Интерес к продукту", {"DISPLAY": "LIST", "LIST_HEIGHT": 1, "CAPTION_NO_VALUE": "",
                                          "SHOW_NO_VALUE": "Y"}, "Y", "N"),
    ("iblock_section", "Раздел каталога", _IBLOCK, "N", "N"),
    ("iblock_element", "Товар из каталога", _IBLOCK, "Y", "N"),
    ("employee", "Ответственный за замер", [], "N", "N"),
    ("crm_status", "Отрасль клиента", {"ENTITY_TYPE": "INDUSTRY"}, "N", "N"),
    ("crm", "Связанные клиенты", {"LEAD": "N", "CONTACT": "Y", "COMPANY": "Y", "DEAL": "N"}, "Y", "N"),
    ("address", "Адрес доставки", {"SHOW_MAP": "Y"}, "N", "N"),
    ("money", "Бюджет клиента", {"DEFAULT_VALUE": ""}, "N", "Y"),
    ("url", "Сайт клиента", {"POPUP": "Y", "SIZE": 20, "MIN_LENGTH": 0, "MAX_LENGTH": 0, "DEFAULT_VALUE": "",
                             "ROWS": 1}, "N", "N"),
    ("file", "Договор", {"SIZE": 20, "LIST_WIDTH": 0, "LIST_HEIGHT": 0, "MAX_SHOW_SIZE": 0,
                         "MAX_ALLOWED_SIZE": 0, "EXTENSIONS": [], "TARGET_BLANK": "Y"}, "Y", "N"),
)
ENUM_VALUES = ("Квиз", "Опрос", "Тест", "Калькулятор стоимости", "Анкета")
TAG_CODE = "crm_pena_tag"
TAG_FIELD = "UF_CRM_PENA_TAG"


def userfields(rng, app_id: int, extra: int) -> dict:
    """``{"lead": [...], "deal": [...], ...}``; ``extra`` more string fields on each entity."""
    ids, list_ids = itertools.count(rng.randint(100, 900)), itertools.count(rng.randint(1000, 3000))
    stamp = rng.randint(1_600_000_000, 1_720_000_000)
    result = {}
    for entity in ("lead", "deal", "contact", "company"):
        fields = []
        for sort, (type_id, label, settings, multiple, mandatory) in enumerate(TYPES, start=1):
            stamp += rng.randint(1, 90_000)
            field = _field(next(ids), entity, f"UF_CRM_{stamp}", type_id, 100 * sort, settings, multiple,
                           mandatory, _labels(ru=label))
            if type_id == "enumeration":
                field["LIST"] = [{"ID": str(next(list_ids)), "SORT": str(10 * (n + 1)), "VALUE": value,
                                  "DEF": "N", "XML_ID": f"{rng.getrandbits(128):032x}"}
                                 for n, value in enumerate(ENUM_VALUES)]
            fields.append(field)
        fields.append(_field(next(ids), entity, TAG_FIELD, f"rest_{app_id}_{TAG_CODE}", 2000, [], "Y", "N",
                             _labels(everywhere="Теги квиза")))
        for n in range(extra):
            stamp += 1
            fields.append(_field(next(ids), entity, f"UF_CRM_{stamp}", "string", 3000 + n, TYPES[0][2],
                                 "N", "N", _labels(ru=f"Дополнительное поле {n + 1}")))
        result[entity] = fields
    return result


def _labels(ru: str = "", everywhere: str = "") -> dict:
    labels = {key: {lang: everywhere or (ru if lang == "ru" else "") for lang in LANGUAGES}
              for key in LABEL_KEYS[:3]}
    labels.update({key: {lang: "" for lang in LANGUAGES} for key in LABEL_KEYS[3:]})
    return labels


def _field(field_id, entity, name, type_id, sort, settings, multiple, mandatory, labels) -> dict:
    return {"ID": str(field_id), "ENTITY_ID": f"CRM_{entity.upper()}", "FIELD_NAME": name,
            "USER_TYPE_ID": type_id, "XML_ID": None, "SORT": str(sort), "MULTIPLE": multiple,
            "MANDATORY": mandatory, "SHOW_FILTER": "E", "SHOW_IN_LIST": "Y", "EDIT_IN_LIST": "Y",
            "IS_SEARCHABLE": "N", "SETTINGS": copy.deepcopy(settings), **labels}
