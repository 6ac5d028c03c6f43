"""Every bundled programme loads, and every figure it quotes is really in the document it cites."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from npqplan.loader import load_programme
from npqplan.schema import Citation, Programme

REPO = Path(__file__).parents[1]
PROGRAMMES = sorted((REPO / "programmes").glob("*.yaml"))
SHARED = REPO.parent / "shared"
DOCUMENT_FOLDERS = (SHARED / "seeds", SHARED / "reference")


def normalise(text: str) -> str:
    """Collapse every run of whitespace (newlines, tabs, no-break spaces) to one space."""
    return " ".join(text.split())


def citations(programme: Programme) -> list[tuple[str, Citation]]:
    """(where, citation) for every quote in the programme."""
    found: list[tuple[str, Citation]] = []
    for t, term in enumerate(programme.terms):
        for c, component in enumerate(term.components):
            if component.source is not None:
                found.append((f"terms[{t}].components[{c}]", component.source))
    for c, component in enumerate(programme.across_terms):
        if component.source is not None:
            found.append((f"across_terms[{c}]", component.source))
    for where, part in (
        ("declared_total", programme.declared_total),
        ("weekly_target", programme.weekly_target),
        ("assessment", programme.assessment),
        ("engagement", programme.engagement),
    ):
        if part is not None and part.source is not None:
            found.append((where, part.source))
    return found


def document_text(doc: str) -> str | None:
    for folder in DOCUMENT_FOLDERS:
        candidate = folder / doc
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8")
    return None


def test_programmes_exist() -> None:
    assert PROGRAMMES, f"no programme files in {REPO / 'programmes'}"


@pytest.fixture(params=PROGRAMMES, ids=[path.stem for path in PROGRAMMES])
def programme_path(request: pytest.FixtureRequest) -> Path:
    path: Path = request.param
    return path


def test_loads_and_id_matches_file_stem(programme_path: Path) -> None:
    programme = load_programme(programme_path)
    assert programme.id == programme_path.stem


def test_every_component_has_provenance(programme_path: Path) -> None:
    programme = load_programme(programme_path)
    for component in programme.all_components():
        assert component.source is not None or component.assumed, component.name
    if programme.assessment is not None:
        assessment = programme.assessment
        assert assessment.source is not None or assessment.assumed, assessment.name


def test_every_quote_is_in_its_document(programme_path: Path) -> None:
    if not SHARED.is_dir():
        # CI lays shared/ beside the clone, so there the quotes are always checked.
        assert not os.environ.get("CI"), f"CI must have the source documents in {SHARED}"
        pytest.skip(
            f"quotes not checked: the source documents ({SHARED}) are not beside this checkout"
        )
    programme = load_programme(programme_path)
    pages = {source.doc for source in programme.sources if source.address}
    problems: list[str] = []
    for where, citation in citations(programme):
        if citation.doc in pages:
            continue  # a public page, cited by address and date read: see the test below
        text = document_text(citation.doc)
        if text is None:
            folders = " or ".join(str(folder) for folder in DOCUMENT_FOLDERS)
            problems.append(f"{where}: {citation.doc} is not in {folders}")
        elif normalise(citation.quote) not in normalise(text):
            problems.append(f"{where}: not found in {citation.doc}: {citation.quote!r}")
    assert not problems, "\n".join(problems)


def test_each_figure_given_as_quoted_stands_in_its_quote(programme_path: Path) -> None:
    """A figure cited with no `assumed` reason must be the quote's own number (`50` in
    "Each weekly module is 50 mins"); one the quote does not give must say why it is assumed."""
    programme = load_programme(programme_path)
    unquoted = [
        c.name
        for c in programme.all_components()
        if c.source and not c.assumed and not c.hours_quoted
    ]
    assert not unquoted, f"figures not in their quotes and not marked assumed: {unquoted}"
    figures = [
        (programme.declared_total, programme.declared_total and programme.declared_total.hours)
    ]
    if programme.assessment and programme.assessment.source and not programme.assessment.assumed:
        figures.append((programme.assessment, programme.assessment.window_days))
    for part, figure in figures:
        if part is not None and part.source is not None:
            assert re.search(rf"(?<![\d.]){figure:g}(?!\d)", part.source.quote) or re.search(
                rf"(?<![\d.]){figure:g}(?!\d)", part.source.quote.replace(",", "")
            ), (figure, part.source.quote)


def test_every_page_cited_has_its_address_and_the_day_it_was_read(programme_path: Path) -> None:
    programme = load_programme(programme_path)
    for source in programme.sources:
        if document_text(source.doc) is None and SHARED.is_dir():
            assert source.address, f"{source.doc}: not a seed, and no address"
            assert source.read, f"{source.doc}: no date read"
