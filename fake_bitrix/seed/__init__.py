"""A realistic portal, the same for the same ``seed``: users, pipelines, statuses, user fields, CRM rows."""
import random

from ..data import PortalData
from . import crm, people, userfields
from .names import COMPANIES

CRM_EPOCH = 1_704_056_400  # 2024-01-01 in Moscow: seeded CRM rows are dated from here


def build(seed: int = 1, users: int = 30, fields: int = 0, pipelines: int = 3, crm_rows: int = 0,
          app_id: int = 17, app_code: str = "local.test.app", app_status: str = "L") -> PortalData:
    """Generate a portal's data; ``crm_rows`` leads, contacts, companies and deals already in the CRM."""
    rng = random.Random(seed)
    company, mail_domain = rng.choice(COMPANIES)
    data = PortalData()
    data.departments = people.departments(rng, company)
    data.users = people.users(rng, users, [row["ID"] for row in data.departments], mail_domain)
    data.categories = crm.categories(rng, pipelines)
    data.statuses = crm.statuses(rng, data.categories[2])
    data.userfields = userfields.userfields(rng, app_id, fields)
    data.app = {"ID": app_id, "CODE": app_code, "VERSION": 1, "STATUS": app_status, "INSTALLED": True,
                "PAYMENT_EXPIRED": "N", "DAYS": None, "LANGUAGE_ID": "ru", "LICENSE": "ru_basic",
                "LICENSE_TYPE": "basic", "LICENSE_FAMILY": "basic"}
    _crm_rows(rng, data, crm_rows)
    return data


def _crm_rows(rng, data: PortalData, count: int) -> None:
    for index, (name, last, second, _, mail) in enumerate(people.people(rng, count)):
        when = CRM_EPOCH + index * 3600
        digits = [rng.randint(0, 99), rng.randint(100, 999), rng.randint(10, 99), rng.randint(10, 99)]
        phone = "+7 (9{:02d}) {}-{}-{}".format(*digits)
        communications = {"PHONE": [{"VALUE": phone, "VALUE_TYPE": "WORK"}],
                          "EMAIL": [{"VALUE": f"{mail}@example.ru", "VALUE_TYPE": "WORK"}]}
        person_fields = {"NAME": name, "LAST_NAME": last, "SECOND_NAME": second, **communications}
        lead = {"TITLE": f"Заявка с сайта: {name} {last}", "SOURCE_ID": "WEB", **person_fields}
        data.add_entity("lead", lead, when=when)
        contact_id = data.add_entity("contact", person_fields, when=when)
        company = {"TITLE": rng.choice(COMPANIES)[0], **communications}
        company_id = data.add_entity("company", company, when=when)
        deal = {"TITLE": f"Сделка: {last}", "CONTACT_ID": contact_id, "COMPANY_ID": company_id,
                "OPPORTUNITY": f"{rng.randint(1, 500) * 1000}.00"}
        data.add_entity("deal", deal, when=when)
