"""Which commands a result needs next: look-ups first, then the writes that are due.

A deal never names a command that may fail: it either carries the literal ids of a contact and
company that exist, or (`chained`) refers by `$result` to their creation in the same batch, which
is then sent with `halt`, so that the deal runs only when every command before it succeeded.
"""
from service.delivery import commands as cmd
from service.delivery.plan import origin
from service.delivery.work import Work

_LINK_FIELDS = {"CONTACT_IDS": "contact", "COMPANY_ID": "company"}


def lookups(work: Work) -> list[cmd.Command]:
    """Reads before writing: by origin id after an attempt that may have reached the portal, and the
    contact by phone and e-mail."""
    found = []
    if work.lookup:
        found += [cmd.find_by_origin(work.key, entity, origin(work.delivery.id))
                  for entity in cmd.ENTITIES if work.wants(entity)]
    if work.wants("contact"):
        found += [cmd.find_contact(work.key, kind, value)
                  for kind, value in ((cmd.FIND_PHONE, work.plan.phone), (cmd.FIND_EMAIL, work.plan.email)) if value]
    return found


def contact_creation(work: Work) -> cmd.Command:
    return cmd.add(work.key, "contact", work.plan.contact)


def next_writes(work: Work, chained: bool) -> list[cmd.Command]:
    """The writes the result needs now; an empty list when it has none (done, or waiting for ids)."""
    if not work.active:
        return []
    if work.planned("lead"):
        return [cmd.add(work.key, "lead", work.plan.lead)] if work.wants("lead") else []
    if not work.planned("deal"):
        return []
    writes, links, waiting = [], {}, False
    for entity, name in (("contact", "CONTACT_IDS"), ("company", "COMPANY_ID")):
        source = work.leader if entity == "contact" and work.leader is not None else work
        if work.ids[entity] is not None:
            links[name] = work.ids[entity]
        elif not work.wants(entity):
            continue
        elif source is not work and not (source.active and source.wants("contact")):
            waiting = True  # the leader has not got the contact (yet): wait for its outcome
        else:
            creation = contact_creation(source) if entity == "contact" else cmd.add(work.key, entity, work.plan.company)
            if source is work:
                writes.append(creation)
            if chained:
                links[name] = creation.reference()
            else:
                waiting = True
    if waiting:
        return writes
    links = {name: [value] if name == "CONTACT_IDS" else value for name, value in links.items()}
    if work.wants("deal"):
        writes.append(cmd.add(work.key, "deal", {**work.plan.deal, **links}))
    elif work.ids["deal"] is not None:
        fresh = {name: value for name, value in links.items() if _LINK_FIELDS[name] not in work.linked}
        if fresh:
            writes.append(cmd.update_deal(work.key, work.ids["deal"], fresh))
    return writes


def carried(command: cmd.Command) -> set:
    """The entities a deal command links the deal to."""
    fields = command.params.get("fields") or {}
    return {entity for name, entity in _LINK_FIELDS.items() if name in fields}
