"""Back-translation review of the catalogs: what is left to review, and taking reviews in.

    python translations/review.py                 # make translations-review
    python translations/review.py apply FILE...   # the same, after taking FILE's reviews in

Each run takes in the filled-in lines of every translations/<locale>/to-review.jsonl (and of
FILE..., whose locale is its name or its folder's: cy.jsonl, cy/to-review.jsonl), then writes
to-review.jsonl again with every entry not yet reviewed in its current form (none: no file).

A line (the format of the back-translation reviewers' files):
    {"domain": "messages", "msgid": "<English singular>", "back": "<back-translation into English>",
     "verdict": "same" | "differs", "fix": null | "<translation>" | {"<CLDR category>": "..."},
     "why": "<what the fix changes>"}
"same" records the entry as reviewed; "differs" puts the fix in the catalog and records the fixed
entry as reviewed. Lines without a verdict and a back-translation are left for later. Records go to
translations/<locale>/reviewed.jsonl: per entry, a hash of (domain, msgid, msgid_plural, translation),
so an entry whose translation changes is no longer reviewed. Running twice changes nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import re
import sys
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

HERE = Path(__file__).resolve().parent
DOMAINS = ("messages", "easyread")
# CLDR plural categories in the order of each catalog's forms (see the Plural-Forms headers).
CATEGORIES: dict[str, tuple[str, ...]] = {
    "cy": ("zero", "one", "two", "few", "many", "other"),
    "ar": ("zero", "one", "two", "few", "many", "other"),
    "pl": ("one", "few", "many"),
    "ur": ("one", "other"),
    "bn": ("one", "other"),
}
PLACEHOLDER = re.compile(r"%\(\w+\)s")
Key = tuple[str, str]  # (domain, msgid)


def locales(root: Path = HERE) -> list[str]:
    return sorted(p.name for p in root.iterdir() if (p / "LC_MESSAGES").is_dir())


def read_catalog(root: Path, locale: str, domain: str) -> Catalog:
    with open(root / locale / "LC_MESSAGES" / f"{domain}.po", "rb") as f:
        return read_po(f, locale=locale, domain=domain)


def write_catalog(root: Path, locale: str, catalog: Catalog) -> None:
    out = io.BytesIO()
    write_po(out, catalog, width=76, ignore_obsolete=True)  # as `pybabel update` writes it
    (root / locale / "LC_MESSAGES" / f"{catalog.domain}.po").write_bytes(out.getvalue())


def strings(m: Message) -> list[str]:
    return list(m.string) if m.pluralizable else [m.string]


def entry_hash(domain: str, m: Message) -> str:
    msgid, plural = (m.id[0], m.id[1]) if m.pluralizable else (m.id, None)
    data = json.dumps([domain, msgid, plural, strings(m)], ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()[:16]


def entries(catalogs: dict[str, Catalog]) -> dict[Key, Message]:
    return {(d, m.id[0] if m.pluralizable else m.id): m for d, cat in catalogs.items() for m in cat if m.id}


def read_lines(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def write_lines(path: Path, lines: list[dict[str, Any]]) -> None:
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")


def reviewed(root: Path, locale: str) -> dict[Key, dict[str, Any]]:
    return {(r["domain"], r["msgid"]): r for r in read_lines(root / locale / "reviewed.jsonl")}


def unreviewed(root: Path, locale: str) -> list[Key]:
    """The entries not reviewed in their current form."""
    done = reviewed(root, locale)
    found = entries({d: read_catalog(root, locale, d) for d in DOMAINS})
    return sorted(k for k, m in found.items() if done.get(k, {}).get("hash") != entry_hash(k[0], m))


def _fixed(locale: str, m: Message, fix: Any) -> list[str] | str:
    """The fixed translation strings, or why the fix cannot be used."""
    if m.pluralizable:
        order = CATEGORIES[locale]
        if not isinstance(fix, dict) or set(fix) != set(order):
            return f"a fix for a plural entry gives exactly these forms: {', '.join(order)}"
        new = [fix[c] for c in order]
    elif isinstance(fix, str):
        new = [fix]
    else:
        return "a fix for this entry is one string"
    source = m.id[0] if m.pluralizable else m.id
    if any(not s.strip() or set(PLACEHOLDER.findall(s)) != set(PLACEHOLDER.findall(source)) for s in new):
        return "the fix is empty or its placeholders differ from the English"
    return new


def apply(root: Path, locale: str, lines: list[dict[str, Any]]) -> tuple[int, list[str]]:
    """Take in the filled-in lines: how many were recorded, and notes on the lines that were not."""
    catalogs = {d: read_catalog(root, locale, d) for d in DOMAINS}
    found, done = entries(catalogs), reviewed(root, locale)
    changed: set[str] = set()
    notes: list[str] = []
    recorded = 0
    for line in lines:
        key = (line.get("domain", ""), line.get("msgid", ""))
        verdict, back = line.get("verdict"), (line.get("back") or "").strip()
        if verdict not in ("same", "differs") or not back:
            continue  # not reviewed yet
        m = found.get(key)
        if m is None:
            notes.append(f"no longer in the catalog: {key[1][:60]!r}")
            continue
        if "hash" in line and line["hash"] != entry_hash(key[0], m):
            notes.append(f"changed since this line was written, review it again: {key[1][:60]!r}")
            continue
        if verdict == "differs":
            new = _fixed(locale, m, line.get("fix"))
            if isinstance(new, str):
                notes.append(f"not applied ({new}): {key[1][:60]!r}")
                continue
            if new != strings(m):
                m.string = tuple(new) if m.pluralizable else new[0]
                m.flags.discard("fuzzy")
                changed.add(key[0])
        done[key] = {"domain": key[0], "msgid": key[1], "hash": entry_hash(key[0], m), "back": back,
                     "why": (line.get("why") or "") if verdict == "differs" else ""}
        recorded += 1
    for domain in changed:
        write_catalog(root, locale, catalogs[domain])
    current = {k: r for k, r in done.items() if k in found}  # forget entries that are gone
    write_lines(root / locale / "reviewed.jsonl", [current[k] for k in sorted(current)])
    return recorded, notes


def write_to_review(root: Path, locale: str) -> int:
    """Write to-review.jsonl (kept answers carried over); the number of entries in it."""
    path = root / locale / "to-review.jsonl"
    before = {(r["domain"], r["msgid"], r.get("hash")): r for r in read_lines(path)}
    found = entries({d: read_catalog(root, locale, d) for d in DOMAINS})
    lines = []
    for key in unreviewed(root, locale):
        m, digest = found[key], entry_hash(key[0], found[key])
        line: dict[str, Any] = {"domain": key[0], "msgid": key[1]}
        if m.pluralizable:
            line |= {"msgid_plural": m.id[1], "translation": dict(zip(CATEGORIES[locale], m.string))}
        else:
            line["translation"] = m.string
        line |= {"hash": digest, "back": "", "verdict": "", "fix": None, "why": ""}
        old = before.get((*key, digest), {})
        lines.append(line | {k: old[k] for k in ("back", "verdict", "fix", "why") if k in old})
    if lines:
        write_lines(path, lines)
    else:
        path.unlink(missing_ok=True)
    return len(lines)


def read_glossary(path: Path) -> tuple[list[tuple[list[str], list[str]]], set[str]]:
    """A glossary's terms (English forms, the locale's forms) and its exceptions (``! <msgid>``)."""
    terms: list[tuple[list[str], list[str]]] = []
    exceptions: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("! "):
            exceptions.add(line[2:].strip())
        elif "=" in line and not line.lstrip().startswith("#"):
            english, local = line.split("=", 1)
            terms.append(([e.strip() for e in english.split(",") if e.strip()],
                          [f.strip() for f in local.split("|") if f.strip()]))
    return terms, exceptions


def glossary_misses(root: Path, locale: str) -> list[str]:
    """Entries whose English uses a glossary term (a whole word, outside placeholders) and whose
    translation (every plural form) uses none of the glossary's words for it."""
    path = root / locale / "glossary.txt"
    if not path.exists():
        return []
    terms, exceptions = read_glossary(path)
    misses = []
    for (domain, msgid), m in sorted(entries({d: read_catalog(root, locale, d) for d in DOMAINS}).items()):
        source = PLACEHOLDER.sub(" ", " ".join(m.id) if m.pluralizable else m.id)
        for english, local in terms:
            if msgid not in exceptions and any(
                re.search(rf"(?<!\w){re.escape(e)}(?!\w)", source, re.IGNORECASE) for e in english
            ) and not all(any(f.casefold() in s.casefold() for f in local) for s in strings(m)):
                misses.append(f"{domain}: {msgid[:70]!r} has no {' | '.join(local)} (for {english[0]!r})")
    return misses


def locale_of(path: Path, known: list[str]) -> str:
    for name in (path.stem, path.parent.name):
        if name in known:
            return name
    raise SystemExit(f"{path}: name it after its locale ({', '.join(known)}.jsonl) or put it in the locale's folder")


def main(argv: list[str] | None = None, root: Path = HERE) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", nargs="?", choices=["apply"])
    parser.add_argument("files", nargs="*", type=Path)
    args = parser.parse_args(argv)
    known = locales(root)
    files = [(locale_of(f, known), f) for f in args.files]
    files += [(loc, root / loc / "to-review.jsonl") for loc in known]
    refused = False
    for locale, path in files:
        lines = read_lines(path)
        if any(line.get("verdict") for line in lines):
            count, notes = apply(root, locale, lines)
            gone = [n for n in notes if n.startswith("no longer")]
            print(f"{locale}: {path}: {count} entries recorded as reviewed"
                  + (f"; {len(gone)} lines are for entries no longer in the catalog" if gone else "")
                  + "".join(f"\n  {n}" for n in notes if n not in gone))
            refused |= any(n.startswith("not applied") for n in notes)
    for locale in known:
        left = write_to_review(root, locale)
        print(f"{locale}: {left} entries to review in {root.name}/{locale}/to-review.jsonl" if left
              else f"{locale}: every entry is reviewed")
        misses = glossary_misses(root, locale)
        if misses:
            print(f"  {len(misses)} entries use another word for a term in {locale}/glossary.txt, e.g.:")
            print("".join(f"  {miss}\n" for miss in misses[:5]), end="")
    return 1 if refused else 0


if __name__ == "__main__":
    sys.exit(main())
