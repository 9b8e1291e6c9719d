"""Render report blocks as one self-contained HTML page (PNG plots embedded as data URIs)."""

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
.pass{color:#1a7f37;font-weight:600}.fail{color:#c0392b;font-weight:600}.inconclusive{color:#9a6700}
"""

_VERDICT_CLASS = {"pass": "pass", "fail": "fail", "inconclusive": "inconclusive"}


def _inline(text: str) -> str:
    return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", html.escape(str(text)))


def _td(text: str) -> str:
    cls = _VERDICT_CLASS.get(str(text))
    return f'<td class="{cls}">{_inline(text)}</td>' if cls else f"<td>{_inline(text)}</td>"


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
            parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        elif isinstance(blk, B.Image):
            data_uri = base64.b64encode(blk.png).decode()
            parts.append(f'<figure><img alt="{html.escape(blk.caption)}" src="data:image/png;base64,{data_uri}">'
                         f"<figcaption>{html.escape(blk.caption)}</figcaption></figure>")
    parts.append("</body></html>")
    return "\n".join(parts)
