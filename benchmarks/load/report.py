"""The load test's results as Markdown: the machine, per-operation tables, deliveries, drills."""
import os
import platform
import subprocess
from collections import Counter
from datetime import UTC, datetime


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
               platform.processor())
    uptime = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    return f"{os.cpu_count()} CPUs ({cpu}), {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; `uptime`: {uptime}"


def operations(load: dict) -> list[str]:
    lines = ["| operation | requests | req/s | p50 ms | p99 ms | max ms | unexpected statuses |",
             "| --- | ---: | ---: | ---: | ---: | ---: | --- |"]
    total = 0
    for op, row in load["operations"].items():
        total += row["count"]
        bad = {s: n for s, n in row["statuses"].items() if s not in ("200", "202")}
        lines.append(f"| {op} | {row['count']} | {row['rps']:.1f} | {row['p50_ms']:.0f} | {row['p99_ms']:.0f} | "
                     f"{row['max_ms']:.0f} | {bad or 'none'} |")
    lines.append(f"| **all** | {total} | {total / load['duration']:.1f} | | | | {len(load['failures'])} failures |")
    return lines


def _failure_window(load: dict, since: float) -> str:
    failures = [f for f in load["failures"] if f[0] >= since]
    if not failures:
        return "none"
    kinds = Counter(str(f[2]) for f in failures)
    return f"{len(failures)} ({dict(kinds)}), from +{failures[0][0] - since:.1f} s to +{failures[-1][0] - since:.1f} s"


def drill_row(phase: dict) -> str:
    drill, load, once = phase["drill"], phase["load"], phase["deliveries"]
    fault_at = drill["fault_at"]
    details = {k: (round(v, 1) if isinstance(v, float) else v) for k, v in drill.items() if k != "fault_at"}
    down = phase["not_ready"]
    ready = f"{len(down)} probes not ready (+{down[0][0] - fault_at:.1f}..+{down[-1][0] - fault_at:.1f} s)" if down \
        else "always ready"
    return (f"| {phase['name']} | {_failure_window(load, drill['fault_at'])} | {ready} | "
            f"{once['accepted']} accepted: {once['statuses']}, lost {once['lost']}, duplicated {once['duplicated']} | "
            f"{phase['drain_wait_s']:.0f} s | {details} |")


def markdown(phases: list, runs: dict, args, folder) -> str:
    out = [f"## Load test and fault drills ({args.portals} accounts/portals, {args.threads} client threads, "
           f"rate {args.rate or 'unbounded'})", "", f"Machine: {machine()}", ""]
    for phase in phases:
        once = phase["deliveries"]
        out += [f"### Phase `{phase['name']}` ({phase['load']['duration']:.0f} s)", "", *operations(phase["load"]), "",
                f"Deliveries: {once['accepted']} accepted, {once['statuses']}; lost {once['lost']}, "
                f"duplicated {once['duplicated']}, contacts/companies created twice "
                f"{once['duplicated_contacts_or_companies']}; all settled {phase['drain_wait_s']:.0f} s after the load "
                f"stopped. Jobs created in the phase: {phase['jobs']}.", ""]
    drilled = [p for p in phases if p["drill"]]
    if drilled:
        out += ["### Drills", "", "| drill | client failures after the fault | /health/ready | deliveries | "
                "settled after load | details |", "| --- | --- | --- | --- | ---: | --- |",
                *map(drill_row, drilled), ""]
    out += ["### Jobs (from the workers' job log lines, whole run)", "",
            f"Runs by worker: {runs['by_worker']}; outcomes {runs['outcomes']}; a (job, attempt) run twice: "
            f"{len(runs['run_twice'])}; a job done twice: {len(runs['done_twice'])}; overlapping runs of one portal: "
            f"{len(runs['overlaps'])} {runs['overlaps'][:5]}", "", f"Logs: {folder}"]
    return "\n".join(out)
