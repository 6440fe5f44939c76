"""The HTML of a report: one self-contained page (its CSS inline, its figures embedded as PNG
data URIs, no network resource, so it opens offline), tables, and escaping of every text that
comes from a result file.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from pathlib import Path

#: Marks the page with how many of its images loaded (read by the browser test).
IMAGE_CHECK = (
    "window.addEventListener('load',function(){var i=document.images,ok=0;"
    "for(var k=0;k<i.length;k++){if(i[k].complete&&i[k].naturalWidth>0){ok++;}}"
    "document.body.setAttribute('data-images-loaded',ok+'/'+i.length);});"
)

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:2rem auto;
max-width:1100px;color:#222;line-height:1.45}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #ddd}
.headline{background:#f3f7fb;border-left:4px solid #0072B2;padding:.6rem 1rem;margin:.4rem 0}
table{border-collapse:collapse;margin:.8rem 0;font-size:.88rem}
th,td{border:1px solid #ddd;padding:.25rem .5rem;text-align:right}
th:first-child,td:first-child{text-align:left}img{max-width:100%}.note{color:#555;font-size:.9rem}
pre.notes{background:#fafafa;border:1px solid #eee;padding:.6rem;white-space:pre-wrap;
font-size:.85rem}
"""


def escape(text: object) -> str:
    """`text` safe inside HTML text and single- or double-quoted attributes."""
    return html.escape(str(text), quote=True)


def paragraph(text: str, css_class: str = "") -> str:
    """A paragraph of plain text (escaped)."""
    attribute = f" class='{css_class}'" if css_class else ""
    return f"<p{attribute}>{escape(text)}</p>"


def preformatted(text: str) -> str:
    """Text kept as written (a file's own header comment)."""
    return f"<pre class='notes'>{escape(text)}</pre>"


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A table of plain-text cells (escaped); the first column left-aligned."""
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def embedded_image(paths: Sequence[Path]) -> str:
    """The PNG among `paths` as an inline figure (a data URI: no file needed beside the page)."""
    png = next(p for p in paths if p.suffix == ".png")
    data = base64.b64encode(png.read_bytes()).decode("ascii")
    return f"<figure><img src='data:image/png;base64,{data}' alt='{escape(png.stem)}'></figure>"


def page(
    title: str,
    headlines: Sequence[str],
    images: Sequence[str],
    sections: Sequence[tuple[str, str]],
    method: str,
) -> str:
    """The whole document: title, headlines, figures, sections (heading, HTML body), method."""
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{escape(title)}</title><style>{CSS}</style>",
        f"<script>{IMAGE_CHECK}</script></head><body>",
        f"<h1>{escape(title)}</h1>",
        *(paragraph(line, "headline") for line in headlines),
        "<h2>Figures</h2>",
        *images,
        *(f"<h2>{escape(heading)}</h2>{body}" for heading, body in sections),
        "<h2>Method</h2>",
        paragraph(method),
        "</body></html>",
    ]
    return "\n".join(parts)
