"""Render report blocks as one self-contained HTML page (PNG plots embedded as data URIs).

Verdicts carry the class `verdict v-<tone>` (tones: pass, fail, inconclusive, not-run, neutral); the verdict matrix
is the table with id `verdict-matrix`; each failing or inconclusive check is a `div.check-evidence` holding its
evidence and its figure side by side.
"""

from __future__ import annotations

import base64
import html
import re

from suite.report import blocks as B

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.2em;font-size:.85em}
th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#f3f3f3} blockquote{border-left:4px solid #888;margin:.5em 0;padding:.2em 1em;color:#444}
img{max-width:100%;border:1px solid #eee} figure{margin:1em 0} figcaption{font-size:.8em;color:#555}
span.verdict{display:inline-block;padding:.1em .45em;margin:.1em 0;border-radius:3px}
.verdict{font-weight:600}
.v-pass{background:#dafbe1;color:#116329}.v-fail{background:#ffd8d3;color:#a40e26}
.v-inconclusive{background:#fff1c2;color:#7d4e00}.v-not-run{background:#eeeeee;color:#57606a;font-weight:400}
.v-neutral{background:#f6f8fa;color:#333}
.check-evidence{display:flex;gap:1em;align-items:flex-start;border-left:4px solid #ccc;padding-left:.8em;margin:1em 0}
.check-evidence .evidence{flex:1 1 40%;font-size:.9em}.check-evidence figure{flex:1 1 58%;margin:0}
"""


def _inline(text: str) -> str:
    return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", html.escape(str(text)))


def _span(mark: B.Mark) -> str:
    return f'<span class="verdict v-{mark.tone}">{html.escape(mark.text)}</span>'


def _td(cell: B.Cell) -> str:
    if isinstance(cell, B.Mark):
        return f'<td class="verdict v-{cell.tone}">{html.escape(cell.text)}</td>'
    if isinstance(cell, tuple):
        return "<td>" + "<br>".join(_span(m) for m in cell) + "</td>"
    return f"<td>{_inline(cell)}</td>"


def _figure(image: B.Image) -> str:
    data_uri = base64.b64encode(image.png).decode()
    return (f'<figure><img alt="{html.escape(image.caption)}" src="data:image/png;base64,{data_uri}">'
            f"<figcaption>{html.escape(image.caption)}</figcaption></figure>")


def render(data) -> str:
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             f"<title>longcot-repro report ({html.escape(data.summary.scale)})</title>",
             f"<style>{CSS}</style></head><body>"]
    for blk in B.build(data):
        if isinstance(blk, B.Heading):
            parts.append(f"<h{blk.level}>{_inline(blk.text)}</h{blk.level}>")
        elif isinstance(blk, B.Para):
            parts.append(f"<p>{_inline(blk.text)}</p>")
        elif isinstance(blk, B.Quote):
            parts.append(f"<blockquote>{_inline(blk.text)}</blockquote>")
        elif isinstance(blk, B.Bullets):
            parts.append("<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in blk.items) + "</ul>")
        elif isinstance(blk, B.Table):
            head = "".join(f"<th>{_inline(h)}</th>" for h in blk.header)
            body = "".join("<tr>" + "".join(_td(c) for c in row) + "</tr>" for row in blk.rows)
            table_id = f' id="{html.escape(blk.id)}"' if blk.id else ""
            parts.append(f"<table{table_id}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        elif isinstance(blk, B.Image):
            parts.append(_figure(blk))
        elif isinstance(blk, B.CheckEvidence):
            items = "".join(f"<li>{_inline(line)}</li>" for line in blk.lines)
            parts.append(f'<div class="check-evidence"><div class="evidence"><p><strong>{html.escape(blk.name)}'
                         f"</strong> {_span(blk.verdict)}</p><ul>{items}</ul></div>"
                         + (_figure(blk.image) if blk.image else "") + "</div>")
    parts.append("</body></html>")
    return "\n".join(parts)
