"""The evaluation templates (eval/templates/) and the figures they embed.

Reports are rendered from Jinja2 templates: `*.html.j2` autoescape every value (a text quoted from the data,
with its `<script>` or its `&`, is shown as text), `*.md.j2` do not. Figures are rendered with matplotlib
(Agg backend) to PNG and embedded as data URIs, so a report is one file that can be mailed or attached to a
ticket and opened offline. The audit report (serving/audit/) uses the same CSS and figure helpers.
"""

from __future__ import annotations

import base64
import functools
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"

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


@dataclass(frozen=True)
class Figure:
    """A rendered plot: a PNG data URI and its alt text."""

    uri: str
    alt: str


@dataclass(frozen=True)
class Cell:
    """A table cell with an optional interval below it (HTML) or beside it (Markdown), optionally in bold."""

    value: str
    ci: str = ""
    bold: bool = False


@dataclass(frozen=True)
class Table:
    """Headers and rows of plain values or Cells; `text_columns` are left-aligned and wrap in HTML."""

    headers: list[str]
    rows: list[list[Any]]
    text_columns: tuple[int, ...] = ()


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


def num(value: Any, digits: int = 3) -> str:
    """A number for a report: floats to `digits` decimals, None and NaN as '–', anything else as text."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def signed(value: Any, digits: int = 3) -> str:
    """A difference with its sign (+0.012); None and NaN as '–'."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    return f"{value:+.{digits}f}"


def md_cell(value: Any) -> str:
    """A value safe inside a Markdown table cell: no pipe closes the cell, no newline ends the row."""
    return str(value).replace("|", "\\|").replace("\n", " ")


def template_environment(directory: Path) -> Environment:
    """The Jinja2 settings every saring report shares (evaluation and audit): HTML templates (*.html.j2)
    autoescape every value, Markdown ones do not; an undefined name fails instead of rendering empty."""
    return Environment(
        loader=FileSystemLoader(directory),
        undefined=StrictUndefined,
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@functools.cache
def environment() -> Environment:
    """The evaluation report's templates (eval/templates)."""
    env = template_environment(TEMPLATES_DIR)
    env.filters.update(num=num, signed=signed, md_cell=md_cell)
    env.tests.update(cell=lambda v: isinstance(v, Cell))
    env.globals.update(css=Markup(PAGE_CSS))
    return env


def render(template: str, context: dict[str, Any]) -> str:
    """Render one template of eval/templates/ with `context`."""
    return environment().get_template(template).render(context)
