"""Self-contained HTML pages with embedded plots, for evaluation and audit reports.

Figures are rendered with matplotlib (Agg backend) to PNG and embedded as data URIs, so a report is one
file that can be mailed or attached to a ticket and opened offline.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Sequence
from typing import Any

PAGE_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1100px;
color:#1f2933;line-height:1.45}
h1{font-size:1.6rem;border-bottom:2px solid #e4e7eb;padding-bottom:.4rem}
h2{font-size:1.25rem;margin-top:2rem;color:#243b53}
table{border-collapse:collapse;margin:.6rem 0;font-size:.9rem}
th,td{border:1px solid #d9e2ec;padding:.25rem .6rem;text-align:right}
th{background:#f0f4f8} td:first-child,th:first-child{text-align:left}
.fig{display:inline-block;margin:.4rem;max-width:100%}
.note{color:#52606d;font-size:.9rem}
.bad{color:#b42318;font-weight:600} .good{color:#067647;font-weight:600}
.ci{color:#7b8794;font-size:.8rem} .warn{color:#b54708}
details{margin:.5rem 0} summary{cursor:pointer;color:#243b53;font-weight:600}
td.text,th.text{text-align:left;max-width:640px;white-space:normal}
code{background:#f0f4f8;padding:0 .25rem;border-radius:3px}
.fig img{max-width:100%;height:auto} .wide{display:block;margin:.6rem 0}
h3{font-size:1.05rem;color:#334e68;margin:1.2rem 0 .3rem}
"""


def figure_to_data_uri(fig: Any) -> str:
    """Render a matplotlib figure to a PNG data URI and close it."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def new_figure(width: float = 5.0, height: float = 3.6):
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(width, height))


def img(uri: str, alt: str) -> str:
    return f'<div class="fig"><img src="{uri}" alt="{html.escape(alt)}"></div>'


def fmt(value: Any) -> str:
    if isinstance(value, float):
        if value != value:
            return "–"
        return f"{value:.3f}"
    return html.escape(str(value))


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{fmt(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def page(title: str, sections: Sequence[tuple[str, str]], subtitle: str = "") -> str:
    """A complete HTML document; each section is (heading, inner HTML)."""
    parts = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}</title>",
             f"<style>{PAGE_CSS}</style></head><body><h1>{html.escape(title)}</h1>"]
    if subtitle:
        parts.append(f"<p class='note'>{html.escape(subtitle)}</p>")
    for heading, inner in sections:
        parts.append(f"<h2>{html.escape(heading)}</h2>{inner}")
    parts.append("</body></html>")
    return "".join(parts)


def details(summary: str, inner: str, open_: bool = False) -> str:
    """A collapsible block: `summary` is plain text, `inner` is HTML."""
    return f"<details{' open' if open_ else ''}><summary>{html.escape(summary)}</summary>{inner}</details>"


def raw_table(headers: Sequence[str], rows: Sequence[Sequence[str]], text_columns: Sequence[int] = ()) -> str:
    """A table whose cells are already HTML (escape them yourself); `text_columns` are left-aligned and wrap."""
    def cls(i: int) -> str:
        return ' class="text"' if i in text_columns else ""

    head = "".join(f"<th{cls(i)}>{html.escape(str(h))}</th>" for i, h in enumerate(headers))
    body = "".join("<tr>" + "".join(f"<td{cls(i)}>{c}</td>" for i, c in enumerate(row)) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
