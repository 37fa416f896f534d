"""Verification results for people: diagnostics on the terminal, JSON, and an HTML page.

`render_findings` shows each finding as a diagnostic on the spec (the same
renderer as `envdsl check`), its shrunk call sequence as a note. `write_report`
writes `report.json` (every environment's counts and findings) and
`report.html`, one self-contained page: per environment its verdict, a table of
tools with outcome counts per declared error and the `require`s that stopped
calls, coverage, and the findings.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from envdsl.diagnostics.render import render
from envdsl.verify.findings import KINDS
from envdsl.verify.run import EnvResult


def render_findings(result: EnvResult, style: str = "full") -> str:
    diagnostics = [f.diagnostic() for f in result.findings]
    if result.sources is None:
        return "\n".join(f"{d.code} {d.message}" for d in diagnostics)
    return render(diagnostics, result.sources, style)


def summary_json(results: list[EnvResult], settings: dict[str, Any]) -> dict[str, Any]:
    return {
        "generated": "by envdsl verify",
        "settings": settings,
        "passed": all(r.passed for r in results),
        "environments": [r.to_json() for r in results],
    }


def write_report(results: list[EnvResult], settings: dict[str, Any], folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    data = summary_json(results, settings)
    json_path = folder / "report.json"
    json_path.write_text(json.dumps(data, indent=2, ensure_ascii=True) + "\n", encoding="utf-8")
    html_path = folder / "report.html"
    html_path.write_text(render_html(results, data), encoding="utf-8", errors="backslashreplace")
    return json_path, html_path


_STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; color: #1d2230; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2.2rem; border-bottom: 1px solid #d8dce6; }
.pass { color: #0a7a3d; font-weight: 600; } .fail { color: #b3261e; font-weight: 600; }
table { border-collapse: collapse; width: 100%; margin: .6rem 0; }
th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid #eceef3; vertical-align: top; }
th { background: #f5f6f9; font-weight: 600; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
.bar { display: inline-block; height: .7rem; background: #3b82f6; border-radius: 2px; }
.dead { background: #fdecea; } code, pre { font: 12.5px ui-monospace, monospace; }
pre { background: #f5f6f9; padding: .6rem; overflow-x: auto; white-space: pre-wrap; }
.summary td { border: none; padding: .1rem .8rem .1rem 0; }
"""


def render_html(results: list[EnvResult], data: dict[str, Any]) -> str:
    e = html.escape
    passed = sum(r.passed for r in results)
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>envdsl verification report</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<h1>envdsl verification report</h1>",
        f"<p>{passed} of {len(results)} environment{'s' * (len(results) != 1)} verified "
        f"({e(json.dumps(data['settings']))}).</p>",
        "<table><tr><th>environment</th><th>verdict</th><th class='n'>examples</th><th class='n'>calls</th>"
        "<th class='n'>live tools</th><th class='n'>findings</th><th class='n'>seconds</th></tr>",
    ]
    for r in results:
        live = sum(1 for s in r.stats.values() if s.ok)
        verdict = "<span class='pass'>verified</span>" if r.passed else "<span class='fail'>failed</span>"
        parts.append(
            f"<tr><td><a href='#{e(r.domain)}-{e(r.name)}'>{e(r.domain)}/{e(r.name)}</a></td><td>{verdict}</td>"
            f"<td class='n'>{r.examples}</td><td class='n'>{r.calls}</td><td class='n'>{live}/{len(r.stats)}</td>"
            f"<td class='n'>{len(r.findings)}</td><td class='n'>{r.seconds.get('total', 0):.1f}</td></tr>"
        )
    parts.append("</table>")
    for r in results:
        parts.append(_env_section(r))
    parts.append("</body></html>\n")
    return "".join(parts)


def _env_section(r: EnvResult) -> str:
    e = html.escape
    verdict = "<span class='pass'>verified</span>" if r.passed else "<span class='fail'>failed verification</span>"
    out = [f"<h2 id='{e(r.domain)}-{e(r.name)}'>{e(r.domain)}/{e(r.name)} — {verdict}</h2>"]
    out.append(
        f"<p>Source: <code>{e(r.source)}</code>. Time: "
        + ", ".join(f"{k} {v:.1f} s" for k, v in r.seconds.items())
        + ".</p>"
    )
    if r.stats:
        most = max((s.calls for s in r.stats.values()), default=1) or 1
        out.append(
            "<table><tr><th>tool</th><th class='n'>calls</th><th class='n'>ok</th><th class='n'>invalid args</th>"
            "<th>failures by error</th><th>requires that stopped calls</th><th>share of calls</th></tr>"
        )
        for name, s in sorted(r.stats.items()):
            errors = ", ".join(f"{e(code)} ×{n}" for code, n in sorted(s.errors.items())) or "—"
            requires = r.requires.get(name, [])
            stopped = []
            for where, n in s.stopped_at.most_common():
                if where == "lookup":
                    stopped.append(f"lookup ×{n}")
                elif isinstance(where, int) and where < len(requires):
                    stopped.append(f"#{where + 1} {e(requires[where]['error'])} ×{n}")
            cls = " class='dead'" if s.ok == 0 else ""
            width = int(160 * s.calls / most)
            out.append(
                f"<tr{cls}><td><code>{e(name)}</code></td><td class='n'>{s.calls}</td><td class='n'>{s.ok}</td>"
                f"<td class='n'>{s.invalid_calls}</td><td>{errors}</td><td>{', '.join(stopped) or '—'}</td>"
                f"<td><span class='bar' style='width:{width}px'></span></td></tr>"
            )
        out.append("</table>")
        live = sum(1 for s in r.stats.values() if s.ok)
        declared = {(name, code) for name, s in r.stats.items() for code in s.errors if code != "InvalidArguments"}
        out.append(
            f"<p>Coverage: {live} of {len(r.stats)} tools succeeded at least once; "
            f"{len(declared)} distinct (tool, error) outcomes seen.</p>"
        )
    if r.findings:
        out.append("<h3>Findings</h3>")
        for f in r.findings:
            out.append(f"<p><b>{e(f.code)}</b> {e(KINDS[f.kind][1])}</p>")
        out.append(f"<pre>{e(render_findings(r, 'full'))}</pre>")
    else:
        out.append("<p>No findings.</p>")
    return "\n".join(out)
