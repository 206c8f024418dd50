"""Seeded departments and users in ``user.get`` shape; 100,000 users build in well under two seconds."""
from datetime import datetime, timedelta

from ..envelope import PORTAL_TZ
from .names import (
    CITIES,
    DEPARTMENTS,
    FEMALE_NAMES,
    LAST_NAMES,
    MALE_NAMES,
    PATRONYMICS,
    POSITIONS,
    feminine,
    latin,
)

_EPOCH = datetime(2019, 1, 1, tzinfo=PORTAL_TZ)


def departments(rng, company: str) -> list:
    """The company root (ID 1) and its departments, as ``department.get`` answers."""
    root = {"ID": "1", "NAME": company, "SORT": 500, "UF_HEAD": "1"}
    names = rng.sample(DEPARTMENTS, k=rng.randint(6, len(DEPARTMENTS)))
    return [root] + [{"ID": str(index), "NAME": name, "SORT": 500, "PARENT": "1", "UF_HEAD": "0"}
                     for index, name in enumerate(names, start=2)]


def _moments(rng, count: int) -> list:
    """A pool of random moments in the portal's lifetime, each in the formats user.get mixes."""
    pool = []
    for _ in range(count):
        moment = _EPOCH + timedelta(seconds=rng.randrange(0, 5 * 365 * 86400))
        pool.append((moment.isoformat(timespec="seconds"), moment.strftime("%d.%m.%Y %H:%M:%S"),
                     moment.strftime("%Y-%m-%d %H:%M:%S")))
    return pool


def people(rng, count: int) -> list:
    """(NAME, LAST_NAME, SECOND_NAME, gender, e-mail local part) for ``count`` people."""
    surnames = [(last, feminine(last), latin(last), latin(feminine(last))) for last in LAST_NAMES]
    firsts = rng.choices(range(len(MALE_NAMES) + len(FEMALE_NAMES)), k=count)
    lasts = rng.choices(surnames, k=count)
    fathers = rng.choices(PATRONYMICS, k=count)
    initial = {name: latin(name[0]) for name in MALE_NAMES + FEMALE_NAMES}
    found = []
    for first, surname, (patronymic, patronymic_f) in zip(firsts, lasts, fathers, strict=True):
        last, last_f, last_latin, last_f_latin = surname
        if first < len(MALE_NAMES):
            name = MALE_NAMES[first]
            found.append((name, last, patronymic, "M", f"{initial[name]}.{last_latin}"))
        else:
            name = FEMALE_NAMES[first - len(MALE_NAMES)]
            found.append((name, last_f, patronymic_f, "F", f"{initial[name]}.{last_f_latin}"))
    return found


def users(rng, count: int, department_ids: list, mail_domain: str) -> list:
    """``count`` users; about one in ten fired (ACTIVE false), a few extranet, some fields left out."""
    moments = _moments(rng, min(count, 400) + 1)
    everyone = people(rng, count)
    positions = rng.choices(POSITIONS, k=count)
    cities = rng.choices(CITIES, k=count)
    departments_of = rng.choices(department_ids, k=count)
    when = rng.choices(moments, k=count * 3)
    chance = [rng.random() for _ in range(count)]
    result = []
    for index in range(count):
        user_id = index + 1
        name, last, second, gender, mail = everyone[index]
        roll = chance[index]
        registered, login, birthday = when[3 * index], when[3 * index + 1], when[3 * index + 2]
        mobile = f"+7 9{index % 100:02d} {index % 1000:03d}-{roll * 100:02.0f}-{index % 89 + 10}"
        if roll < 0.03:
            last = last.upper()  # imported from accounting software, as some real portals are
        user = {
            "ID": str(user_id), "XML_ID": "", "ACTIVE": user_id == 1 or roll > 0.1,
            "NAME": name, "LAST_NAME": last, "SECOND_NAME": "" if 0.4 < roll < 0.55 else second, "TITLE": "",
            "EMAIL": f"{mail}{user_id}@{mail_domain}", "LAST_LOGIN": login[0], "DATE_REGISTER": registered[0],
            "TIME_ZONE": "", "IS_ONLINE": "Y" if roll > 0.8 else "N", "TIMESTAMP_X": login[1],
            "LAST_ACTIVITY_DATE": login[2], "PERSONAL_GENDER": gender, "PERSONAL_WWW": "",
            "PERSONAL_BIRTHDAY": birthday[0][:10] + "T00:00:00+03:00",
            "PERSONAL_MOBILE": mobile,
            "PERSONAL_PHONE": "", "PERSONAL_CITY": cities[index], "PERSONAL_PHOTO": "", "WORK_PHONE": "",
            "WORK_POSITION": positions[index], "WORK_COMPANY": "", "UF_EMPLOYMENT_DATE": "",
            "UF_DEPARTMENT": [int(departments_of[index])], "UF_PHONE_INNER": str(100 + user_id % 900),
            "USER_TYPE": "employee",
        }
        if 0.2 < roll < 0.3:
            # empty fields are sometimes simply absent in real answers
            del user["PERSONAL_MOBILE"], user["PERSONAL_BIRTHDAY"], user["UF_PHONE_INNER"]
        if 0.97 < roll and user_id != 1:
            user.update(USER_TYPE="extranet", UF_DEPARTMENT=[], WORK_POSITION="")
        result.append(user)
    if result:
        result[0].update(WORK_POSITION="Генеральный директор", UF_DEPARTMENT=[1], USER_TYPE="employee")
    return result
