"""`resultcheck report verdicts.jsonl --html report.html`: what a provincial control office acts on.

One self-contained HTML file (inline CSS, bars drawn with CSS, no script, no network): totals
and rates by status and by reason, broken down by agency and by field with the worst units
first, and the failing dossiers with the reason for each of their result files.
"""

from __future__ import annotations

import html
import json
import os
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from . import messages

STATUS_VI = {"pass": "Đạt", "fail": "Không đạt", "review": "Cần xem lại"}
CATEGORY_VI = {k: v[0].upper() + v[1:] for k, v in messages.CATEGORY_VI.items()}
REASON_VI = {"NO_RESULT_ATTACHED": "Không đính kèm kết quả", "RESULT_NOT_GENUINE": "Đính kèm nhưng không phải kết quả",
             "NEEDS_REVIEW": "Chưa đủ chắc chắn", "RESULT_FOUND": "Có kết quả", "WORKER_CRASHED": "Lỗi khi kiểm tra"}

CSS = """
body{font-family:"Liberation Serif","Times New Roman",serif;margin:2em auto;max-width:1100px;color:#222;padding:0 1em}
h1{font-size:1.6em;margin-bottom:.2em} h2{margin-top:1.6em;border-bottom:2px solid #ccc}
.meta{color:#666;font-size:.9em} table{border-collapse:collapse;width:100%;margin:.6em 0}
th,td{border-bottom:1px solid #ddd;padding:.35em .5em;text-align:left;vertical-align:top;font-size:.95em}
th{background:#f3f3f3} td.n{text-align:right;white-space:nowrap}
.bar{display:flex;height:1.1em;min-width:220px;background:#eee;border-radius:3px;overflow:hidden}
.bar span{display:block;height:100%} .pass{background:#2e8b57} .fail{background:#c0392b} .review{background:#e0a800}
.cards{display:flex;gap:1em;flex-wrap:wrap} .card{border:1px solid #ddd;border-radius:6px;padding:.8em 1.2em;min-width:150px}
.card b{display:block;font-size:1.8em} .legend span{display:inline-block;width:.9em;height:.9em;margin:0 .3em 0 1em}
ul.files{margin:0;padding-left:1.1em} .cat{font-weight:bold}
"""


def load_verdicts(path: Path) -> list[dict[str, Any]]:
    verdicts = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                try:
                    verdicts.append(json.loads(line))
                except json.JSONDecodeError:
                    continue  # a torn last line of an interrupted scan
    return verdicts


def _bar(counts: dict[str, int]) -> str:
    total = sum(counts.values()) or 1
    spans = "".join(f'<span class="{s}" style="width:{100 * counts.get(s, 0) / total:.2f}%" '
                    f'title="{STATUS_VI[s]}: {counts.get(s, 0)}"></span>' for s in ("pass", "review", "fail"))
    return f'<div class="bar">{spans}</div>'


def _units(verdicts: list[dict[str, Any]], key: str) -> str:
    groups: dict[str, Counter[str]] = defaultdict(Counter)
    for v in verdicts:
        groups[v.get(key) or "(không rõ)"][v["status"]] += 1
    rows = sorted(groups.items(), key=lambda kv: (-kv[1]["fail"] / sum(kv[1].values()), -sum(kv[1].values())))
    out = ["<table><tr><th>Đơn vị / lĩnh vực</th><th>Hồ sơ</th><th>Đạt</th><th>Không đạt</th><th>Cần xem lại</th>"
           "<th>Tỷ lệ không đạt</th><th></th></tr>"]
    for name, counts in rows:
        total = sum(counts.values())
        out.append(f"<tr><td>{html.escape(name)}</td><td class=n>{total}</td><td class=n>{counts['pass']}</td>"
                   f"<td class=n>{counts['fail']}</td><td class=n>{counts['review']}</td>"
                   f"<td class=n>{counts['fail'] / total:.0%}</td><td>{_bar(counts)}</td></tr>")
    return "".join(out) + "</table>"


def _reasons(verdicts: list[dict[str, Any]]) -> str:
    dossier_reasons = Counter(v["reasons"][0]["code"] for v in verdicts if v.get("reasons") and v["status"] != "pass")
    file_reasons: Counter[str] = Counter()
    for v in verdicts:
        if v["status"] == "pass":
            continue
        for f in v.get("files", []):
            label = CATEGORY_VI.get(f["category"], f["category"])
            if f.get("duplicate_of"):
                label = "Trùng thành phần hồ sơ đầu vào"
            file_reasons[label] += 1
    biggest = max([*dossier_reasons.values(), *file_reasons.values(), 1])
    rows = ["<table><tr><th>Lý do</th><th>Số lượng</th><th></th></tr>"]
    for label, n in [(REASON_VI.get(c, c), n) for c, n in dossier_reasons.most_common()]:
        rows.append(f"<tr><td>Hồ sơ: {html.escape(label)}</td><td class=n>{n}</td>"
                    f'<td><div class="bar"><span class="fail" style="width:{100 * n / biggest:.1f}%"></span></div></td></tr>')
    for label, n in file_reasons.most_common():
        rows.append(f"<tr><td>Tệp kết quả: {html.escape(label)}</td><td class=n>{n}</td>"
                    f'<td><div class="bar"><span class="review" style="width:{100 * n / biggest:.1f}%"></span></div></td></tr>')
    return "".join(rows) + "</table>"


def _failing(verdicts: list[dict[str, Any]]) -> str:
    rows = ["<table><tr><th>Mã hồ sơ</th><th>Đơn vị</th><th>Kết luận</th><th>Tệp kết quả</th></tr>"]
    for v in sorted((v for v in verdicts if v["status"] != "pass"), key=lambda v: (v["status"], v["dossier_id"])):
        files = "".join(
            f"<li><span class=cat>{html.escape(f.get('name') or f['path'])}</span>: "
            f"{html.escape(CATEGORY_VI.get(f['category'], f['category']))} — "
            f"{html.escape(f['reasons'][0]['message'] if f.get('reasons') else '')}</li>" for f in v.get("files", []))
        rows.append(f"<tr id=\"{html.escape(v['dossier_id'])}\"><td>{html.escape(v['dossier_id'])}</td>"
                    f"<td>{html.escape(v.get('agency') or '')}<br><small>{html.escape(v.get('field') or '')}</small></td>"
                    f"<td><b>{STATUS_VI[v['status']]}</b>: {html.escape(v['summary'])}</td>"
                    f"<td><ul class=files>{files or '<li>(không có tệp)</li>'}</ul></td></tr>")
    return "".join(rows) + "</table>"


def render(verdicts: list[dict[str, Any]], source: str) -> str:
    counts = Counter(v["status"] for v in verdicts)
    total = len(verdicts) or 1
    cards = "".join(f'<div class="card">{STATUS_VI[s]}<b>{counts[s]}</b>{counts[s] / total:.1%}</div>'
                    for s in ("pass", "fail", "review"))
    versions = verdicts[0].get("versions", {}) if verdicts else {}
    legend = "".join(f'<span class="{s}"></span>{STATUS_VI[s]}' for s in ("pass", "review", "fail"))
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>Báo cáo kiểm tra tệp kết quả TTHC</title>
<style>{CSS}</style></head><body>
<h1>Báo cáo kiểm tra tệp kết quả giải quyết thủ tục hành chính</h1>
<p class="meta">Nguồn: {html.escape(source)} · Lập lúc {time.strftime('%H:%M %d/%m/%Y')} ·
resultcheck {html.escape(versions.get('resultcheck', '?'))}, quy tắc {html.escape(versions.get('rules', '?'))},
từ khóa {html.escape(versions.get('lexicon', '?'))}</p>
<h2>Tổng quan</h2>
<div class="cards"><div class="card">Tổng số hồ sơ<b>{len(verdicts)}</b>&nbsp;</div>{cards}</div>
<p>{_bar(counts)}</p><p class="legend">{legend}</p>
<h2>Theo lý do</h2>{_reasons(verdicts)}
<h2>Theo đơn vị (đơn vị có tỷ lệ không đạt cao nhất trước)</h2>{_units(verdicts, 'agency')}
<h2>Theo lĩnh vực</h2>{_units(verdicts, 'field')}
<h2>Hồ sơ không đạt và cần xem lại ({counts['fail'] + counts['review']})</h2>{_failing(verdicts)}
</body></html>
"""


def write_report(verdicts_path: Path, target: Path) -> dict[str, int]:
    verdicts = load_verdicts(verdicts_path)
    tmp = target.with_suffix(target.suffix + ".tmp")
    tmp.write_text(render(verdicts, verdicts_path.name), encoding="utf-8")
    os.replace(tmp, target)
    return dict(Counter(v["status"] for v in verdicts))
