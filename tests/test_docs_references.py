"""Citations of the README and of docs/ name sections that exist there.

Code comments, dataset cards and the docs cite the measurements behind a choice as (docs/quality.md, "Title") or
(README, "Title"). The sixty-seventh session moved the README's session-by-session quality and speed sections into
docs/quality.md and docs/speed.md; these tests keep every such citation, and every link to a heading's anchor,
pointing at a section that is there.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CITED = ("README.md", "docs/quality.md", "docs/speed.md")
SCANNED = ("model", "training", "eval", "serving", "datasets", "docs", "tests")
SUFFIXES = {".py", ".toml", ".md", ".j2"}

# (README|docs/quality.md|docs/speed.md), "Title ... or 's "Title ... or ("Title ... ; a title that runs on into the
# next line of a comment or a card is checked by the part on the citing line (its first 30 characters).
CITATION = re.compile(
    r"""(?P<doc>README|docs/quality\.md|docs/speed\.md)(?:,\s+|\s+|'s\s+|\s+\()["'](?P<title>[A-Z][^"'\n]+)"""
)
SESSION = re.compile(r"(?P<doc>docs/quality\.md|docs/speed\.md), (?P<ordinal>[a-z]+(?:-[a-z]+)?) session")
ANCHOR_LINK = re.compile(r"\]\((?P<path>(?:[\w./-]*\.md)?)#(?P<anchor>[\w-]+)\)")  # no path: the same file


def headings(text: str, lead_ins: bool = True) -> list[str]:
    """Markdown headings and, with `lead_ins`, the bold lead-ins that open a paragraph (the speed sessions' titles,
    which are cited but have no anchor)."""
    found = []
    for line in text.splitlines():
        m = re.match(r"^#{1,4} (.+)$", line) or (re.match(r"^\*\*([^*]+?)\*\*", line) if lead_ins else None)
        if m:
            found.append(plain(m.group(1)))
    return found


def plain(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[`*]", "", text)).strip()


def anchor(title: str) -> str:
    """GitHub's anchor for a heading."""
    return re.sub(r"[^\w\- ]", "", plain(title).lower()).replace(" ", "-")


def scanned_files() -> list[Path]:
    files = [ROOT / "pyproject.toml"]
    for folder in SCANNED:
        files += [p for p in sorted((ROOT / folder).rglob("*")) if p.suffix in SUFFIXES and p.is_file()]
    files = [p for p in files if p != Path(__file__).resolve()]  # its own examples are not citations
    return files + [ROOT / name for name in CITED]


@pytest.fixture(scope="module")
def texts() -> dict[Path, str]:
    """Every scanned file's text, read once for the three tests."""
    return {path: path.read_text(encoding="utf-8") for path in scanned_files()}


@pytest.fixture(scope="module")
def cited(texts) -> dict[str, list[str]]:
    return {name: headings(texts[ROOT / name]) for name in CITED}


def test_every_cited_section_exists(texts, cited):
    missing = []
    for path, text in texts.items():
        for m in CITATION.finditer(text):
            title = plain(m.group("title"))[:30].rstrip(".,:;)")
            doc = m.group("doc") if m.group("doc") != "README" else "README.md"
            if len(title) >= 4 and not any(h.startswith(title) for h in cited[doc]):
                missing.append(f"{path.relative_to(ROOT)}: {doc}, {title!r}")
        for m in SESSION.finditer(text):
            if not any(f"({m.group('ordinal')} session" in h for h in cited[m.group("doc")]):
                missing.append(f"{path.relative_to(ROOT)}: {m.group('doc')}, {m.group('ordinal')} session")
    assert missing == [], "citations of sections that are not there (moved? renamed?):\n" + "\n".join(missing)


def test_every_anchor_link_resolves(texts):
    broken = []
    for path, text in texts.items():
        if path.suffix != ".md":
            continue
        for m in ANCHOR_LINK.finditer(text):
            target = (path.parent / m.group("path")).resolve() if m.group("path") else path
            if not target.exists():
                broken.append(f"{path.relative_to(ROOT)}: {m.group('path')} does not exist")
                continue
            anchors = {anchor(h) for h in headings(target.read_text(encoding="utf-8"), lead_ins=False)}
            if m.group("anchor") not in anchors:
                broken.append(f"{path.relative_to(ROOT)}: no heading with the anchor #{m.group('anchor')}")
    assert broken == [], "\n".join(broken)


def test_the_citation_pattern_reads_what_the_code_writes(texts):
    """The two tests above would pass on a pattern that matches nothing."""
    comment = '# one epoch (docs/quality.md, "The whole epoch, and frozen\n# layers without dropout")'
    m = CITATION.search(comment)
    assert m is not None and m.group("doc") == "docs/quality.md" and m.group("title") == "The whole epoch, and frozen"
    assert SESSION.search("fused (docs/quality.md, twenty-second session)").group("ordinal") == "twenty-second"
    title = "The `full` recipe on today's data (sixtieth session)"
    assert anchor(title) == "the-full-recipe-on-todays-data-sixtieth-session"
    assert ANCHOR_LINK.search("- [Contents](#contents)").group("path") == ""  # a link within the same file
    found = sum(len(CITATION.findall(text)) for text in texts.values())
    assert found > 50  # the code and the cards cite the measurements dozens of times
