"""The fake Bitrix24 for the load test: one OAuth server, N portals, and a control listener.

Writes a JSON file with the OAuth server, the control URL and, per portal, its URL, member_id
and the quiz rule to create (lead rules on even portals, deal rules on odd ones). The control
listener lets the drills break and mend portals from another process:

  POST /faults {"first": 0, "count": 30, "fail": {...Portal.fail kwargs}, "limits": {"bucket": 5, "drain": 0.5},
                "latency": {"seconds": 0.25, "jitter": 0.05}}
  POST /clear    faults cleared, real limits (50, 2/s) back on every portal
  GET  /origins  {member_id: {"lead": [ORIGIN_ID, ...], "deal": [...], "contact": [...], "company": [...]}}
  GET  /stats    REST requests, 503 rejections and injected faults summed over the portals

Usage: python benchmarks/load/fake_portals.py --portals 100 --out state.json --redirect-uri URL
"""
import argparse
import json
import signal
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from fake_bitrix import FakeBitrix  # noqa: E402
from fake_bitrix.data import ENTITY_TYPES  # noqa: E402
from fake_bitrix.server import Listener, json_response  # noqa: E402

CLIENT_ID, CLIENT_SECRET = "local.load.app", "load-secret"
QUIZ = 7


def _statuses(portal, entity_id):
    return [s["STATUS_ID"] for s in portal.data.statuses if s["ENTITY_ID"] == entity_id]


def _field(portal, entity, type_id):
    return next(f["FIELD_NAME"] for f in portal.data.userfields[entity] if f["USER_TYPE_ID"] == type_id)


def rule_for(portal, deal: bool) -> dict:
    """A valid rule for the quiz, built from what the portal holds (as a user would pick it)."""
    user = next(u["ID"] for u in portal.data.users if u.get("ACTIVE") is True)
    rule = {"PerformerID": user, "SourceID": _statuses(portal, "SOURCE")[0], "TagsToAdd": {}}
    if not deal:
        return {**rule, "PipelineID": 0, "TypeID": "", "StageID": "", "LeadFlag": True,
                "StatusID": _statuses(portal, "STATUS")[0],
                "FieldsRule": {"lead": {"QuestionID": {"1": _field(portal, "lead", "string"),
                                                       "2": _field(portal, "lead", "integer")}}}}
    category = next(c for c in portal.data.categories[2] if c["id"] != 0)
    return {**rule, "PipelineID": category["id"], "StageID": portal.data.deal_stages(category["id"])[0]["STATUS_ID"],
            "TypeID": _statuses(portal, "DEAL_TYPE")[0], "LeadFlag": False, "StatusID": "",
            "FieldsRule": {"deal": {"QuestionID": {"1": _field(portal, "deal", "string")}},
                           "contact": {"ContactRuleMap": {"name": "NAME", "phone": "PHONE", "email": "EMAIL"}}}}


class Control:
    """The drills' switchboard, served on its own loopback port."""

    def __init__(self, fake: FakeBitrix):
        self.fake = fake

    def __call__(self, request):
        portals = list(self.fake.portals.values())
        if request.path == "/origins":
            return json_response(200, {p.member_id: {kind: [row.get("ORIGIN_ID") for row in p.data.rows(kind)]
                                                     for kind in ENTITY_TYPES} for p in portals})
        if request.path == "/stats":
            snapshots = [p.stats for p in portals]
            return json_response(200, {key: sum(s[key] for s in snapshots)
                                       for key in ("requests", "rejected_503", "faults")})
        if request.path == "/clear":
            for portal in portals:
                portal.clear_faults()
                portal.set_limits(bucket=50, drain=2.0)
            return json_response(200, {"cleared": len(portals)})
        if request.path == "/faults":
            order = json.loads(request.body or b"{}")
            chosen = portals[order.get("first", 0):order.get("first", 0) + order.get("count", len(portals))]
            for portal in chosen:
                if order.get("fail"):
                    portal.fail(**order["fail"])
                if order.get("limits"):
                    portal.set_limits(**order["limits"])
                if order.get("latency"):
                    portal.set_latency(**order["latency"])
            return json_response(200, {"portals": len(chosen)})
        return json_response(404, {"error": "NOT_FOUND"})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--portals", type=int, default=100)
    parser.add_argument("--out", required=True)
    parser.add_argument("--redirect-uri", required=True)
    args = parser.parse_args()
    fake = FakeBitrix(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, redirect_uri=args.redirect_uri).start()
    portals = [fake.add_portal(users=30, seed=index + 1) for index in range(args.portals)]
    for portal in portals:
        portal.set_limits(bucket=50, drain=2.0)  # the real limits, per portal
    control = Listener(Control(fake))
    control.start()
    state = {"oauth_url": fake.oauth_url, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
             "control_url": control.url, "quiz": QUIZ,
             "portals": [{"url": p.url, "member_id": p.member_id, "rule": rule_for(p, deal=index % 2 == 1)}
                         for index, p in enumerate(portals)]}
    Path(args.out).write_text(json.dumps(state, ensure_ascii=False, indent=1))
    print(f"fake Bitrix24: {len(portals)} portals, OAuth {fake.oauth_url}, control {control.url}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    control.stop()
    fake.stop()


if __name__ == "__main__":
    main()
