"""The checking library's message catalogue: what a learner reads when a check passes or fails.

Usage: python -m autograder.tools.messages update | status

Every learner-facing text in ``autograder/`` is a ``_("literal with {named} placeholders")`` call
(:mod:`autograder.checking.i18n`). ``update`` extracts them with Babel (as ``pybabel extract -k _`` would),
merges them into ``autograder/checking/locale/<ll_CC>/LC_MESSAGES/checking.po`` (a changed English message
keeps its old translation as a fuzzy draft, as ``msgmerge`` does) and compiles the ``.mo`` the library
reads. ``status`` lists the messages without a current translation and exits 1 if there are any.
"""
from __future__ import annotations

import io
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from ..checking.i18n import DOMAIN, LANGUAGES, LOCALE_DIR

PACKAGE = Path(__file__).resolve().parents[1]
_FIELD = re.compile(r"(?<!\{)\{(\w*)[^{}]*\}")


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang.replace("-", "_") / "LC_MESSAGES" / f"{DOMAIN}.po"


def extract() -> Catalog:
    """Every ``_()`` msgid in the package, with the files it appears in."""
    template = Catalog(project="autograder", fuzzy=False)
    for filename, _lineno, msgid, comments, context in extract_from_dir(
            str(PACKAGE), method_map=[("**.py", "python")], keywords={"_": None}, comment_tags=("i18n:",)):
        template.add(msgid, locations=[(f"autograder/{filename}", None)], auto_comments=comments, context=context)
    return template


def load(lang: str) -> Catalog:
    path = po_path(lang)
    if not path.exists():
        return Catalog(locale=lang.replace("-", "_"), domain=DOMAIN, project="autograder", fuzzy=False,
                       header_comment=f"# {lang} messages of the checking library: what a learner reads when a check runs.\n"
                                      "# `make translations` extracts them from the _() calls in autograder/ and merges them here;\n"
                                      "# terms: i18n/glossary.tsv. Names, code and torch's own error texts are never translated.")
    with open(path, "rb") as f:
        return read_po(f, locale=lang.replace("-", "_"), domain=DOMAIN)


def po_bytes(catalog: Catalog) -> bytes:
    buf = io.BytesIO()
    write_po(buf, catalog, width=0, include_previous=True, include_lineno=False, sort_output=True)
    return buf.getvalue()


def mo_bytes(catalog: Catalog) -> bytes:
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    return buf.getvalue()


def merged(lang: str) -> Catalog:
    catalog = load(lang)
    catalog.update(extract(), update_header_comment=False, update_creation_date=False)
    catalog.obsolete.clear()  # the old translations of removed messages: git keeps them
    return catalog


def fields(text: str) -> set[str]:
    return set(_FIELD.findall(text.replace("{{", "").replace("}}", "")))


def problems(catalog: Catalog, template: Catalog) -> dict[str, list[str]]:
    """Messages of the code without a current translation, and translations that would not format."""
    out: dict[str, list[str]] = {"untranslated": [], "fuzzy": [], "placeholders": []}
    for msg in template:
        if not msg.id:
            continue
        have = catalog.get(msg.id, context=msg.context)
        if have is None or not have.string:
            out["untranslated"].append(msg.id)
        elif have.fuzzy:
            out["fuzzy"].append(msg.id)
        elif fields(have.string) != fields(msg.id):
            out["placeholders"].append(f"{msg.id!r}: {sorted(fields(msg.id))} vs {sorted(fields(have.string))}")
    return {k: v for k, v in out.items() if v}


def main(argv: list[str]) -> int:
    if argv[:1] not in (["update"], ["status"]):
        print(__doc__, file=sys.stderr)
        return 2
    bad = 0
    for lang in LANGUAGES[1:]:
        catalog = merged(lang) if argv[0] == "update" else load(lang)
        if argv[0] == "update":
            po_path(lang).parent.mkdir(parents=True, exist_ok=True)
            po_path(lang).write_bytes(po_bytes(catalog))
            po_path(lang).with_suffix(".mo").write_bytes(mo_bytes(catalog))
        found = problems(catalog, extract())
        bad += bool(found)
        print(f"{lang} messages: " + ("; ".join(f"{k}: {len(v)}" for k, v in found.items()) or "all translated"))
        for kind, items in found.items():
            print("\n".join(f"  {kind}: {m}" for m in items))
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
