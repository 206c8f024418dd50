"""Seeded CRM dictionaries: pipelines (``crm.category.list``) and statuses (``crm.status.list``)."""
import itertools

PIPELINE_NAMES = ("Оптовые продажи", "Тендеры", "Повторные продажи", "Сервис", "Партнёры", "Розница")
CUSTOM_STAGES = ("Замер", "Согласование договора", "Подача заявки", "Ожидание оплаты", "Демонстрация")
PROCESS, SUCCESS, FAILURE, APOLOGY = "process", "success", "failure", "apology"
_SEMANTICS = {PROCESS: None, SUCCESS: "S", FAILURE: "F", APOLOGY: "F"}

LEAD_STATUSES = (("NEW", "Не обработан", "#39A8EF", PROCESS), ("IN_PROCESS", "В работе", "#2FC6F6", PROCESS),
                 ("PROCESSED", "Обработан", "#55D0E0", PROCESS),
                 ("CONVERTED", "Качественный лид", "#7BD500", SUCCESS),
                 ("JUNK", "Некачественный лид", "#FF5752", FAILURE))
DEAL_STAGES = (("NEW", "Новая", "#39A8EF", PROCESS),
               ("PREPARATION", "Подготовка документов", "#2FC6F6", PROCESS),
               ("PREPAYMENT_INVOICE", "Счёт на предоплату", "#55D0E0", PROCESS),
               ("EXECUTING", "В работе", "#47E4C2", PROCESS),
               ("FINAL_INVOICE", "Финальный счёт", "#FFA900", PROCESS),
               ("WON", "Сделка успешна", "#7BD500", SUCCESS),
               ("LOSE", "Сделка провалена", "#FF5752", FAILURE),
               ("APOLOGY", "Анализ причины провала", "#FF5752", APOLOGY))
DICTIONARIES = {
    "SOURCE": (("CALL", "Звонок"), ("EMAIL", "Электронная почта"), ("WEB", "Веб-сайт"),
               ("ADVERTISING", "Реклама"), ("PARTNER", "Существующий клиент"),
               ("RECOMMENDATION", "По рекомендации"), ("TRADE_SHOW", "Выставка"), ("WEBFORM", "CRM-форма"),
               ("CALLBACK", "Обратный звонок"), ("RC_GENERATOR", "Генератор продаж"),
               ("STORE", "Интернет-магазин"), ("OTHER", "Другое")),
    "DEAL_TYPE": (("SALE", "Продажа"), ("COMPLEX", "Комплексная продажа"), ("GOODS", "Продажа товара"),
                  ("SERVICES", "Продажа услуги"), ("SERVICE", "Сервисное обслуживание")),
    "CONTACT_TYPE": (("CLIENT", "Клиенты"), ("SUPPLIER", "Поставщики"), ("PARTNER", "Партнеры"),
                     ("OTHER", "Другое")),
    "COMPANY_TYPE": (("CUSTOMER", "Клиент"), ("SUPPLIER", "Поставщик"), ("COMPETITOR", "Конкурент"),
                     ("PARTNER", "Партнер"), ("OTHER", "Другое")),
    "INDUSTRY": (("IT", "Информационные технологии"), ("TELECOM", "Телекоммуникации и связь"),
                 ("MANUFACTURING", "Производство"), ("BANKING", "Банковские услуги"),
                 ("CONSULTING", "Консалтинг"), ("FINANCE", "Финансы"), ("GOVERNMENT", "Правительство"),
                 ("DELIVERY", "Доставка"), ("ENTERTAINMENT", "Развлечения"), ("OTHER", "Другое")),
    "EMPLOYEES": (("EMPLOYEES_1", "менее 50"), ("EMPLOYEES_2", "50-250"), ("EMPLOYEES_3", "250-500"),
                  ("EMPLOYEES_4", "более 500")),
    "HONORIFIC": (("HNR_RU_1", "г-н"), ("HNR_RU_2", "г-жа")),
}


def categories(rng, pipelines: int) -> dict:
    """Pipelines by entityTypeId: deals get ``pipelines`` of them (ID 0 "Общая" first), others one."""
    deal_ids = sorted(rng.sample(range(1, 40), k=max(pipelines - 1, 0)))
    names = rng.sample(PIPELINE_NAMES, k=len(deal_ids))
    deals = [_category(0, "Общая", 100, 2, "Y")] + [
        _category(category_id, name, 200 + 100 * index, 2, "N") for index, (category_id, name)
        in enumerate(zip(deal_ids, names, strict=True))]
    for deal in deals:
        deal.update(originId="", originatorId="")
    smart_invoice = _category(rng.randint(1, 9), "Общая", 500, 31, "Y")
    smart_invoice.update(isSystem="N", code=None)
    return {2: deals, 3: [_category(0, "Контакты", 500, 3, "Y")], 4: [_category(0, "Компании", 500, 4, "Y")],
            31: [smart_invoice]}


def _category(category_id: int, name: str, sort: int, entity_type_id: int, is_default: str) -> dict:
    return {"id": category_id, "name": name, "sort": sort, "entityTypeId": entity_type_id,
            "isDefault": is_default}


def statuses(rng, deal_categories: list) -> list:
    """Every ``crm.status.list`` row: lead statuses, deal stages per pipeline, dictionaries."""
    ids = itertools.count(1)
    rows = [_stage(ids, "STATUS", status_id, name, 10 * (n + 1), color, meaning, None)
            for n, (status_id, name, color, meaning) in enumerate(LEAD_STATUSES)]
    for category in deal_categories:
        rows += _pipeline_stages(rng, ids, category["id"])
    for entity, entries in DICTIONARIES.items():
        rows += [_row(ids, entity, status_id, name, 10 * (n + 1), None)
                 for n, (status_id, name) in enumerate(entries)]
    custom = _row(ids, "SOURCE", "1", "Квиз на сайте", 130, None)
    custom.update(NAME_INIT="", SYSTEM="N")
    return rows + [custom]


def _pipeline_stages(rng, ids, category_id: int) -> list:
    if category_id == 0:
        return [_stage(ids, "DEAL_STAGE", status_id, name, 10 * (n + 1), color, meaning, None)
                for n, (status_id, name, color, meaning) in enumerate(DEAL_STAGES)]
    entity, prefix = f"DEAL_STAGE_{category_id}", f"C{category_id}:"
    plan = [DEAL_STAGES[0], DEAL_STAGES[1]]
    for name in rng.sample(CUSTOM_STAGES, k=2):
        code = "UC_" + "".join(rng.choices("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", k=6))
        plan.append((code, name, "#1EC6FA", PROCESS))
    plan += [DEAL_STAGES[5], DEAL_STAGES[6]]
    rows = []
    for n, (status_id, name, color, meaning) in enumerate(plan):
        row = _stage(ids, entity, prefix + status_id, name, 10 * (n + 1), color, meaning, str(category_id))
        if status_id.startswith("UC_"):
            row.update(NAME_INIT="", SYSTEM="N")
        rows.append(row)
    return rows


def _row(ids, entity: str, status_id: str, name: str, sort: int, category_id) -> dict:
    return {"ID": str(next(ids)), "ENTITY_ID": entity, "STATUS_ID": status_id, "NAME": name,
            "NAME_INIT": name, "SORT": str(sort), "SYSTEM": "Y", "CATEGORY_ID": category_id, "COLOR": None,
            "SEMANTICS": None}


def _stage(ids, entity, status_id, name, sort, color, meaning, category_id) -> dict:
    row = _row(ids, entity, status_id, name, sort, category_id)
    row.update(COLOR=color, SEMANTICS=_SEMANTICS[meaning], EXTRA={"SEMANTICS": meaning, "COLOR": color})
    return row
