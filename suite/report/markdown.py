"""Render report blocks as Markdown (images are linked files next to report.md; verdict tones become plain text)."""

from __future__ import annotations

from suite.report import blocks as B


def _cell(cell: B.Cell) -> str:
    if isinstance(cell, B.Mark):
        text = cell.text
    elif isinstance(cell, tuple):
        text = "; ".join(m.text for m in cell)
    else:
        text = str(cell)
    return text.replace("|", "\\|").replace("\n", " ")


def render(data) -> str:
    lines: list[str] = []
    for blk in B.build(data):
        if isinstance(blk, B.Heading):
            lines += ["#" * blk.level + " " + blk.text, ""]
        elif isinstance(blk, B.Para):
            lines += [blk.text, ""]
        elif isinstance(blk, B.Quote):
            lines += ["> " + blk.text, ""]
        elif isinstance(blk, B.Bullets):
            lines += [f"- {item}" for item in blk.items] + [""]
        elif isinstance(blk, B.Table):
            lines.append("| " + " | ".join(map(_cell, blk.header)) + " |")
            lines.append("|" + "---|" * len(blk.header))
            lines += ["| " + " | ".join(map(_cell, row)) + " |" for row in blk.rows]
            lines.append("")
        elif isinstance(blk, B.Image):
            lines += [f"![{blk.caption}]({blk.filename})", ""]
        elif isinstance(blk, B.CheckEvidence):
            lines += [f"**{blk.name}**: {blk.verdict.text}", ""] + [f"- {line}" for line in blk.lines] + [""]
            lines += [f"![{blk.image.caption}]({blk.image.filename})", ""] if blk.image else []
    return "\n".join(lines)
