"""The HTML report: one self-contained file (inline CSS and a little inline script, no network).

Totals, reasons, breakdowns by period, agency and field (with failing dossiers by defect, as
counts and percentages), and a table of every dossier that the script lets one sort, filter by
status, agency, field, period and defect, and search by dossier id. The filter lives in the URL
fragment (`report.html#status=fail&agency=…&q=…&sort=-id`) so a filtered view can be bookmarked
or sent. Without the script the page still reads: the controls stay hidden, the table is whole.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from html import escape
from typing import Any
from urllib.parse import quote, urlencode

from .report import (
    CATEGORY_VI,
    DEFECT_VI,
    DEFECTS,
    NO_DATE,
    REASON_VI,
    STATUS_VI,
    STATUSES,
    UNKNOWN,
    Dossier,
    Report,
    period_vi,
)

MAX_ROWS = 20_000  # dossiers listed in the table (failing and review first); the counts cover all
CONFIDENT = 0.7  # DESIGN.md §3: below this a person should look
ROLE_VI = {"result": "Kết quả", "input": "Thành phần hồ sơ", "inputs": "Thành phần hồ sơ"}

CSS = """
:root{--pass:#2e8b57;--review:#d68f00;--fail:#c0392b;--pass-bg:#e6f4ec;--review-bg:#fdf3dc;--fail-bg:#fbe7e5}
body{font-family:"Liberation Serif","Times New Roman",serif;margin:2em auto;max-width:1400px;color:#222;padding:0 1em}
h1{font-size:1.6em;margin-bottom:.2em} h2{margin-top:1.6em;border-bottom:2px solid #ccc}
.meta,.note{color:#555;font-size:.9em} table{border-collapse:collapse;width:100%;margin:.6em 0}
th,td{border-bottom:1px solid #ddd;padding:.3em .45em;text-align:left;vertical-align:top;font-size:.92em}
th{background:#f3f3f3} td.n,th.n{text-align:right;white-space:nowrap} td.n small{display:block;color:#666}
.bar{display:flex;height:1.1em;min-width:160px;background:#eee;border-radius:3px;overflow:hidden}
.bar span{display:block;height:100%} .bar .pass{background:var(--pass)} .bar .fail{background:var(--fail)}
.bar .review{background:var(--review)}
.cards{display:flex;gap:1em;flex-wrap:wrap} .card{border:1px solid #ddd;border-radius:6px;padding:.8em 1.2em;min-width:150px}
.card b{display:block;font-size:1.8em} .card.pass{border-top:5px solid var(--pass)} .card.fail{border-top:5px solid var(--fail)}
.card.review{border-top:5px solid var(--review)} .legend i{display:inline-block;width:.9em;height:.9em;margin:0 .3em 0 1em}
td.st{font-weight:bold;white-space:nowrap} td.st.pass,li.pass .cat{color:var(--pass)} td.st.fail,li.fail .cat{color:var(--fail)}
td.st.review,li.review .cat{color:var(--review)} tr.pass td.st{background:var(--pass-bg)}
tr.fail td.st{background:var(--fail-bg)} tr.review td.st{background:var(--review-bg)}
ul.files{margin:0;padding-left:1.1em} ul.files li{margin-bottom:.3em} .cat{font-weight:bold} .dup{color:#8a5a00}
li.fail .why{color:var(--fail)} li.review .why{color:#7a5200} details{font-size:.9em;color:#444}
#filters{display:flex;gap:.6em;flex-wrap:wrap;align-items:end;margin:.5em 0} #filters label{font-size:.85em}
#filters select,#filters input{display:block;font:inherit;max-width:16em} th[data-key]{cursor:pointer}
th[data-key]::after{content:" ⇅";color:#999} a.unit{color:inherit} #dossiers td:nth-child(4){white-space:nowrap}
.breakdown td:first-child{min-width:12em} .breakdown th{white-space:normal;font-size:.82em;vertical-align:bottom}
.breakdown .bar{min-width:90px} .wide{overflow-x:auto}
@media print{#filters{display:none}}
"""

SCRIPT = """
(function(){
var table=document.getElementById('dossiers'),body=table.tBodies[0],rows=[].slice.call(body.rows);
var box=document.getElementById('filters'),shown=document.getElementById('shown'),names=['status','agency','field','period','defect','q'];
var ctl={},sortKey='';names.forEach(function(n){ctl[n]=document.getElementById('f-'+n);});box.hidden=false;
var rank={fail:0,review:1,pass:2};
function value(r,k){return k==='status'?rank[r.dataset.status]:(r.dataset[k]||'');}
function sort(){if(!sortKey)return;var k=sortKey.replace('-',''),dir=sortKey[0]==='-'?-1:1;
 rows.sort(function(a,b){var x=value(a,k),y=value(b,k);return dir*(typeof x==='number'?x-y:String(x).localeCompare(y,'vi'));});
 rows.forEach(function(r){body.appendChild(r);});}
function apply(write){var v={};names.forEach(function(n){v[n]=ctl[n].value;});var q=v.q.trim().toLowerCase(),n=0;
 rows.forEach(function(r){var d=r.dataset,ok=(!v.status||d.status===v.status)&&(!v.agency||d.agency===v.agency)
  &&(!v.field||d.field===v.field)&&(!v.period||d.month===v.period||d.quarter===v.period)
  &&(!v.defect||(' '+d.defects+' ').indexOf(' '+v.defect+' ')>=0)&&(!q||d.id.toLowerCase().indexOf(q)>=0);
  r.hidden=!ok;if(ok)n++;});
 shown.textContent=n;if(!write)return;var p=new URLSearchParams();names.forEach(function(k){if(v[k])p.set(k,v[k]);});
 if(sortKey)p.set('sort',sortKey);try{history.replaceState(null,'','#'+p.toString());}catch(e){}}
function read(){var p=new URLSearchParams(location.hash.slice(1));names.forEach(function(n){ctl[n].value=p.get(n)||'';});
 sortKey=p.get('sort')||'';sort();apply(false);}
names.forEach(function(n){ctl[n].addEventListener(n==='q'?'input':'change',function(){apply(true);});});
[].forEach.call(table.tHead.querySelectorAll('th[data-key]'),function(th){th.addEventListener('click',function(){
 var k=th.dataset.key;sortKey=sortKey===k?'-'+k:k;sort();apply(true);});});
window.addEventListener('hashchange',read);read();
})();
"""


def _pct(n: int, total: int) -> str:
    return f"{100 * n / total:.1f} %".replace(".", ",") if total else "–"


def _bar(counts: Counter[str]) -> str:
    total = sum(counts.values()) or 1
    spans = "".join(
        f'<span class="{s}" style="width:{100 * counts[s] / total:.2f}%" title="{STATUS_VI[s]}: {counts[s]}"></span>'
        for s in STATUSES
    )
    return f'<div class="bar">{spans}</div>'


def _breakdown(
    groups: dict[str, list[Dossier]],
    label: str,
    param: str,
    order: Callable[[str], Any],
    shown: Callable[[str], str] = str,
) -> str:
    """One row per group: dossiers by status, failing rate, and failing dossiers by defect (n and %)."""
    head = "".join(f'<th class="n">{escape(DEFECT_VI[x])}</th>' for x in DEFECTS)
    out = [
        f'<div class="wide"><table class="breakdown"><thead><tr><th>{label}</th><th class="n">Hồ sơ</th><th class="n">Đạt</th>'
        f'<th class="n">Cần xem lại</th><th class="n">Không đạt</th><th></th>{head}</tr></thead><tbody>'
    ]
    for name in sorted(groups, key=order):
        members = groups[name]
        total = len(members)
        counts = Counter(d.status for d in members)
        defects = Counter(x for d in members for x in d.defects)
        cells = "".join(
            f'<td class="n">{defects[x]}<small>{_pct(defects[x], total)}</small></td>'
            if defects[x]
            else '<td class="n">·</td>'
            for x in DEFECTS
        )
        href = "#" + urlencode({param: name}, quote_via=quote)
        out.append(
            f'<tr><td><a class="unit" href="{escape(href)}">{escape(shown(name))}</a></td>'
            f'<td class="n">{total}</td><td class="n">{counts["pass"]}</td><td class="n">{counts["review"]}</td>'
            f'<td class="n">{counts["fail"]}<small>{_pct(counts["fail"], total)}</small></td>'
            f"<td>{_bar(counts)}</td>{cells}</tr>"
        )
    return "".join(out) + "</tbody></table></div>"


def _worst_first(groups: dict[str, list[Dossier]]) -> Callable[[str], object]:
    def key(name: str) -> object:
        members = groups[name]
        return (-sum(d.status == "fail" for d in members) / len(members), -len(members), name)

    return key


def _periods(report: Report) -> str:
    if not any(d.month for d in report.dossiers):
        return (
            '<p class="note">Chưa có ngày giải quyết xong của hồ sơ (trường <code>completed_at</code> trong danh '
            "sách hồ sơ hoặc ngày kết thúc xử lý trong dữ liệu đồng bộ) nên chưa chia được theo kỳ.</p>"
        )
    chrono = lambda k: (k == NO_DATE, k)  # noqa: E731 — dates sort as text; undated last
    quarters = report.groups(lambda d: d.quarter or NO_DATE)
    months = report.groups(lambda d: d.month or NO_DATE)
    return (
        f'<h3>Theo quý</h3><div id="chart-quarter">{_breakdown(quarters, "Quý", "period", chrono, period_vi)}</div>'
        f'<h3>Theo tháng</h3><div id="chart-month">{_breakdown(months, "Tháng", "period", chrono, period_vi)}</div>'
    )


def _tone(f: dict[str, Any]) -> str:
    """The status colour of one file: a confident result is pass, a confident non-result (or blank) fail."""
    confidence = f.get("confidence")
    confident = isinstance(confidence, (int, float)) and confidence >= CONFIDENT
    category = f.get("category")
    return "pass" if category == "result" and confident else "fail" if confident or category == "blank" else "review"


def _reasons(report: Report) -> str:
    """Why dossiers did not pass (bars in their status colour), and what their result files were."""
    failing = [d for d in report.dossiers if d.status != "pass"]
    dossier_reasons = Counter(
        (d.status, REASON_VI.get(str(d.data["reasons"][0].get("code")), str(d.data["reasons"][0].get("code"))))
        for d in failing
        if d.data.get("reasons") and isinstance(d.data["reasons"][0], dict)
    )
    file_reasons: Counter[tuple[str, str]] = Counter()
    for d in failing:
        for f in d.data.get("files") or []:
            label = CATEGORY_VI.get(f.get("category"), str(f.get("category")))
            file_reasons[(_tone(f), "Trùng thành phần hồ sơ đầu vào" if f.get("duplicate_of") else label)] += 1
    biggest = max([*dossier_reasons.values(), *file_reasons.values(), 1])
    rows = ['<table id="reasons"><tr><th>Lý do</th><th class="n">Số lượng</th><th></th></tr>']
    for prefix, counter in (("Hồ sơ", dossier_reasons), ("Tệp kết quả", file_reasons)):
        for (tone, label), n in counter.most_common():
            rows.append(
                f"<tr><td>{prefix}: {escape(label)}</td><td class=n>{n}</td>"
                f'<td><div class="bar"><span class="{tone}" style="width:{100 * n / biggest:.1f}%"></span>'
                "</div></td></tr>"
            )
    return "".join(rows) + "</table>"


def _file(report: Report, f: dict[str, Any]) -> str:
    category = str(f.get("category") or "")
    confidence = f.get("confidence")
    tone = _tone(f)
    path = str(f.get("path") or "")
    local = report.local_file(path)
    shown = escape(path or "(không có đường dẫn)")
    link = f'<a href="{escape(local.as_uri())}">{shown}</a>' if local else f"<code>{shown}</code>"
    name = f.get("name")
    named = f" “{escape(str(name))}”" if name and name != path else ""
    reasons = [r for r in f.get("reasons") or [] if isinstance(r, dict)]
    first = escape(str(reasons[0].get("message", ""))) if reasons else ""
    more = "".join(
        f"<li>{escape(str(r.get('message', '')))} <small>({escape(str(r.get('code', '')))})</small></li>"
        for r in reasons
    )
    details = f"<details><summary>{len(reasons)} lý do</summary><ul>{more}</ul></details>" if len(reasons) > 1 else ""
    dup = (
        f'<br><span class="why">Trùng thành phần hồ sơ “{escape(str(f["duplicate_of"]))}”</span>'
        if f.get("duplicate_of")
        else ""
    )
    conf = f"{confidence:.2f}".replace(".", ",") if isinstance(confidence, (int, float)) else "?"
    role = ROLE_VI.get(str(f.get("role")), str(f.get("role") or "Kết quả"))
    return (
        f'<li class="{tone}"><b>{escape(role)}</b>{named}: {link}<br><span class="cat">'
        f"{escape(CATEGORY_VI.get(category, category))}</span> · độ tin cậy {conf} · "
        f'<span class="why">{first}</span>{dup}{details}</li>'
    )


def _row(report: Report, d: Dossier) -> str:
    data = d.data
    attrs = {
        "id": d.id,
        "status": d.status,
        "agency": d.get("agency"),
        "field": d.get("field"),
        "month": d.month or NO_DATE,
        "quarter": d.quarter or NO_DATE,
        "defects": " ".join(d.defects),
        "date": str(data.get("completed_at") or ""),
    }
    data_attrs = " ".join(f'data-{k}="{escape(v)}"' for k, v in attrs.items())
    dup = f'<br><small class="dup">xuất hiện {d.duplicates + 1} lần, lấy dòng sau cùng</small>' if d.duplicates else ""
    files = "".join(_file(report, f) for f in data.get("files") or [] if isinstance(f, dict))
    defects = ", ".join(DEFECT_VI[x] for x in d.defects)
    return (
        f'<tr class="{d.status}" {data_attrs}><td>{escape(d.id)}{dup}</td><td class="st {d.status}">'
        f"{STATUS_VI[d.status]}</td><td>{escape(d.get('agency'))}<br><small>{escape(d.get('field'))}</small></td>"
        f"<td>{escape(str(data.get('completed_at') or ''))[:10]}</td><td>{escape(str(data.get('summary') or ''))}"
        f"{'<br><b>Lỗi: </b>' + escape(defects) if defects else ''}</td>"
        f'<td><ul class="files">{files or "<li>(không có tệp kết quả)</li>"}</ul></td></tr>'
    )


def _opts(values: list[tuple[str, str]]) -> str:
    return "".join(f'<option value="{escape(v)}">{escape(t)}</option>' for v, t in values)


def _options(name: str, label: str, values: list[tuple[str, str]], groups: str = "") -> str:
    return (
        f'<label>{label}<select id="f-{name}"><option value="">Tất cả</option>{_opts(values)}{groups}</select></label>'
    )


def _table(report: Report) -> str:
    rank = {"fail": 0, "review": 1, "pass": 2}
    dossiers = sorted(report.dossiers, key=lambda d: (rank[d.status], d.id))
    listed = dossiers[:MAX_ROWS]
    quarters = sorted({d.quarter for d in listed if d.quarter})
    months = sorted({d.month for d in listed if d.month})
    periods = "".join(
        f'<optgroup label="{label}">{_opts([(p, period_vi(p)) for p in keys])}</optgroup>'
        for label, keys in (("Quý", quarters), ("Tháng", months))
        if keys
    )
    agencies = sorted({d.get("agency") for d in listed})
    fields = sorted({d.get("field") for d in listed})
    filters = "".join(
        [
            _options("status", "Kết luận", [(s, STATUS_VI[s]) for s in ("fail", "review", "pass")]),
            _options("agency", "Đơn vị", [(a, a) for a in agencies]),
            _options("field", "Lĩnh vực", [(f, f) for f in fields]),
            _options("period", "Kỳ", [(NO_DATE, NO_DATE)], periods),
            _options("defect", "Lỗi", [(x, DEFECT_VI[x]) for x in DEFECTS]),
            '<label>Tìm mã hồ sơ<input id="f-q" type="search" placeholder="000.00.12.H33-…"></label>',
            f'<span>Đang hiện <b id="shown">{len(listed)}</b> / {len(listed)} hồ sơ</span>',
        ]
    )
    cut = (
        f'<p class="note">Bảng chỉ liệt kê {MAX_ROWS} hồ sơ đầu (không đạt và cần xem lại trước); các số liệu '
        f"ở trên tính trên toàn bộ {len(dossiers)} hồ sơ.</p>"
        if len(dossiers) > MAX_ROWS
        else ""
    )
    rows = "".join(_row(report, d) for d in listed)
    return (
        f'<div id="filters" hidden>{filters}</div>{cut}<table id="dossiers"><thead><tr>'
        '<th data-key="id">Mã hồ sơ</th><th data-key="status">Kết luận</th><th data-key="agency">Đơn vị / lĩnh vực'
        '</th><th data-key="date">Ngày giải quyết</th><th>Tóm tắt</th><th>Tệp (vai trò, đường dẫn, loại, độ tin cậy, '
        f"lý do)</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def render(report: Report) -> str:
    counts = Counter(d.status for d in report.dossiers)
    total = len(report.dossiers)
    cards = "".join(
        f'<div class="card {s}">{STATUS_VI[s]}<b>{counts[s]}</b>{_pct(counts[s], total)}</div>'
        for s in ("pass", "fail", "review")
    )
    legend = "".join(f'<i class="{s}" style="background:var(--{s})"></i>{STATUS_VI[s]}' for s in STATUSES)
    v = report.versions
    notes = []
    if report.skipped:
        notes.append(f"Bỏ qua {report.skipped} dòng không hợp lệ trong tệp kết quả kiểm tra.")
    if report.duplicate_lines:
        notes.append(
            f"{report.duplicate_lines} dòng lặp lại mã hồ sơ đã có: mỗi hồ sơ chỉ tính một lần, theo dòng sau cùng."
        )
    agencies = report.groups(lambda d: d.get("agency"))
    fields = report.groups(lambda d: d.get("field"))
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>Báo cáo kiểm tra tệp kết quả TTHC</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{CSS}</style></head><body>
<h1>Báo cáo kiểm tra tệp kết quả giải quyết thủ tục hành chính</h1>
<p class="meta">Nguồn: {escape(report.source)} · Lập lúc {time.strftime("%H:%M %d/%m/%Y")} ·
resultcheck {escape(str(v.get("resultcheck", "?")))}, quy tắc {escape(str(v.get("rules", "?")))},
từ khóa {escape(str(v.get("lexicon", "?")))}</p>
{"".join(f'<p class="note">{escape(n)}</p>' for n in notes)}
<h2>Tổng quan</h2>
<div class="cards"><div class="card">Tổng số hồ sơ<b>{total}</b>&nbsp;</div>{cards}</div>
<div id="chart-status"><p>{_bar(counts)}</p><p class="legend">{legend}</p></div>
<h2>Theo lý do</h2>{_reasons(report)}
<h2>Theo kỳ</h2>{_periods(report)}
<h2>Theo đơn vị (tỷ lệ không đạt cao nhất trước)</h2>
<p class="note">Các cột lỗi: số hồ sơ không đạt có lỗi đó và tỷ lệ trên tổng số hồ sơ của dòng; một hồ sơ có nhiều
tệp lỗi được tính ở mỗi lỗi.</p>
{_breakdown(agencies, "Đơn vị", "agency", _worst_first(agencies))}
<h2>Theo lĩnh vực</h2>{_breakdown(fields, "Lĩnh vực", "field", _worst_first(fields))}
<h2>Danh sách hồ sơ</h2>
{_table(report)}
<script>{SCRIPT}</script>
</body></html>
"""


__all__ = ["UNKNOWN", "render"]
