"""The many-portals benchmark as Markdown: one row per design and scenario, then the issue's targets."""


def _s(value) -> str:
    return "-" if value is None else f"{value:.1f}"


def _row(r: dict) -> str:
    (load_start, _, _), (load_end, _, _) = r["load"]
    return (f"| {r['design']} | {r['scenario']} | {r['portals']} / {r['results']} | {_s(r['posted_s'])} | "
            f"{_s(r['all_delivered_s'])} | {_s(r['p50_s'])} | {_s(r['p99_s'])} | {_s(r['others_max_s'])} | "
            f"{_s(r['others_all_delivered_s'])} / {_s(r['others_p99_s'])} | {_s(r['resynced_s'])} | "
            f"{r['rest_requests']:,} | {r['rejected_503']} | {r['duplicated']} / {r['lost']} | {r['overlaps']} | "
            f"{r['peak_rss_mb']:.0f} | {load_start:.1f} → {load_end:.1f} |")


def _verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def _today_on_all(runs: dict, kind: str, portals: int) -> tuple[float, str]:
    """Today's time until all delivered on all portals, and how it was found.

    Today's worker runs one job at a time, so on a subset its time grows in proportion to the
    portals; the slow portal's own extra time does not grow with them, so it is added once.
    """
    today = runs[("today", kind)]
    scale = portals / today["portals"]
    if scale == 1:
        return today["all_delivered_s"], ", measured"
    plain = runs.get(("today", "plain"))
    if kind == "plain" or not (plain and plain["all_delivered_s"]):
        return today["all_delivered_s"] * scale, f", {today['portals']} portals measured, x{scale:g}"
    extra = today["all_delivered_s"] - plain["all_delivered_s"]
    return (plain["all_delivered_s"] * scale + extra,
            f", {today['portals']} portals measured: plain x{scale:g} plus the slow portal's {extra:.0f} s once")


def targets(results: list, portals: int) -> list[str]:
    runs = {(r["design"], r["scenario"]): r for r in results}
    lines = []
    for kind in ("plain", "slow"):
        new, today = runs.get(("new", kind)), runs.get(("today", kind))
        if not new:
            continue
        if today and today["all_delivered_s"] and new["all_delivered_s"]:
            estimate, how = _today_on_all(runs, kind, portals)
            ratio = estimate / new["all_delivered_s"]
            lines.append(f"- {kind}: all delivered {ratio:.1f}x sooner than today's design ({estimate:.0f} s{how}) "
                         f"(target 10x): {_verdict(ratio >= 10)}")
        lines.append(f"- {kind}: p99 submit to delivered {new['p99_s']:.1f} s (target < 30 s): "
                     f"{_verdict(new['p99_s'] < 30)}")
        lines.append(f"- {kind}: 503s {new['rejected_503']}, duplicates {new['duplicated']}, lost {new['lost']}, "
                     f"overlapping jobs of one portal {new['overlaps']} (target 0): "
                     f"{_verdict(not (new['rejected_503'] or new['duplicated'] or new['lost'] or new['overlaps']))}")
        lines.append(f"- {kind}: peak RSS {new['peak_rss_mb']:.0f} MB (target < 400): "
                     f"{_verdict(new['peak_rss_mb'] < 400)}")
    plain, slow = runs.get(("new", "plain")), runs.get(("new", "slow"))
    if plain and slow and plain["all_delivered_s"] and slow["others_all_delivered_s"]:
        # Per result (POST to delivered), so that a burst posted more slowly on a busy machine does
        # not count as the slow portal's doing; "all delivered" from the burst's start is shown too.
        delays = {"p99": slow["others_p99_s"] - plain["p99_s"], "max": slow["others_max_s"] - plain["others_max_s"],
                  "drained after the last POST": (slow["others_all_delivered_s"] - slow["posted_s"])
                  - (plain["all_delivered_s"] - plain["posted_s"])}
        shown = ", ".join(f"{value:+.1f} s ({name})" for name, value in delays.items())
        lines.append(f"- the slow portal delays the other portals' results by {shown} against the run without "
                     f"it (target ≤ 5 s): {_verdict(max(delays.values()) <= 5)}; all delivered from the burst's "
                     f"start {slow['others_all_delivered_s'] - plain['all_delivered_s']:+.1f} s (the burst took "
                     f"{slow['posted_s'] - plain['posted_s']:+.1f} s longer to post)")
    return lines


def markdown(results: list, args, load_end) -> str:
    lines = [f"Fake latency {args.latency} ± {args.jitter} s, slow portal {args.slow} s, {args.results} results "
             f"per portal, new design WORKER_CONCURRENCY={args.concurrency}. Times in seconds from the burst's "
             "start; latencies from each POST.", "",
             "| design | scenario | portals / results | posted in | all delivered | p50 | p99 | max (others) | "
             "others: all delivered / p99 | re-sync done | REST requests | 503s | duplicates / lost | "
             "overlapping jobs | peak RSS MB | load avg |",
             "| --- | --- | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --- |"]
    lines += [_row(r) for r in results]
    lines += ["", *targets(results, args.portals), "", f"Load average at the end: {load_end[0]:.1f}"]
    return "\n".join(lines)
