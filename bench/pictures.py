"""Make ``static/pictures/`` from OpenMoji: one small SVG for each idea in ``app/pictures.py``.

Not run by the app or the tests (nothing is downloaded at run time); run it by hand after
changing the registry::

    cd /tmp && npm pack openmoji@17.0.0 && tar xzf openmoji-17.0.0.tgz
    .venv/bin/python -m bench.pictures /tmp/package

It reads ``<package>/color/svg/<code point>.svg`` for every idea with a ``source`` and writes
``static/pictures/<idea>.svg``: the same drawing with its ids, empty groups, comments and
editor attributes gone, coordinates rounded to half a unit (of 72: under a third of a pixel
at the 64-80 px the pictures are shown), relative path steps rounded without drift,
colours shortened, and runs of shapes with the same stroke and fill put in one group. The
OpenMoji licence, with who made them and what we changed, goes beside them as ``LICENSE.txt``
(the accessibility statement links to it). Our own drawings (no ``source``) are
left alone.
"""

from __future__ import annotations

import json
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from app.pictures import FOLDER, OPENMOJI_VERSION, PICTURES, filename
from app.settings import ROOT

SVG = "http://www.w3.org/2000/svg"
ATTRIBUTION = """\
The pictures in this folder are from OpenMoji {version}, the open-source emoji and icon project:
https://openmoji.org/ (all emojis designed by OpenMoji). They are shared under the Creative
Commons Attribution-ShareAlike 4.0 International licence (CC BY-SA 4.0), whose full text follows:
https://creativecommons.org/licenses/by-sa/4.0/

Take Part changed them: the same drawings in smaller files (ids and comments removed, coordinates
rounded; bench/pictures.py in Take Part's source says how). The changed files are shared under the
same licence. easy-read.svg and rating-1.svg to rating-5.svg are Take Part's own drawings.

-----------------------------------------------------------------------

"""
DROP_TAGS = {"title", "desc", "metadata"}
DROP_ATTRS = {"id", "version", "class", "data-name", "enable-background", "xml:space"}
#: Presentation attributes a ``<g>`` passes to its children.
INHERITED = ("fill", "fill-rule", "stroke", "stroke-width", "stroke-linecap", "stroke-linejoin",
             "stroke-miterlimit", "stroke-dasharray", "opacity", "fill-opacity", "stroke-opacity")
NUMBER_ATTRS = {"x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "rx", "ry", "width", "height",
                "stroke-width", "opacity", "fill-opacity", "stroke-opacity", "offset"}
NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
PATH_TOKEN = re.compile(r"[MmLlHhVvCcSsQqTtAaZz]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
ARGS = {"m": 2, "l": 2, "h": 1, "v": 1, "c": 6, "s": 4, "q": 4, "t": 2, "a": 7, "z": 0}


#: Coordinates are rounded to this (in a 72-unit square shown at 64-80 px: under 0.3 px off, which
#: no one sees even on a 3x phone screen; a tenth costs 11% more bytes, whole units look rough).
STEP = 0.5


#: Sizes (a circle's radius, a stroke's width, an arc's radii) keep a tenth: rounding a small one
#: to nothing would lose it.
FINE = 0.1


def short(value: float, step: float = STEP) -> str:
    """Rounded to ``step``, no trailing zeros, no leading zero: ``0.52`` -> ``.5``, ``-0.2`` -> ``0``."""
    text = f"{round(value / step) * step:.1f}".rstrip("0").rstrip(".")
    if text in ("-0", ""):
        return "0"
    return text.replace("0.", ".", 1) if text.startswith(("0.", "-0.")) else text


def join(numbers: list[str]) -> str:
    """Numbers with as few separators as parse the same: ``1 -2 .5.5``."""
    out = ""
    for number in numbers:
        if out and not number.startswith("-") and not (number.startswith(".") and "." in _last(out)):
            out += " "
        out += number
    return out


def _last(text: str) -> str:
    match = re.search(r"[-+]?[\d.]+$", text)
    return match.group(0) if match else ""


def _arc_tokens(data: str) -> list[str]:
    """Tokens of path data; an arc's two flags may be written together (``a2 2 0 01 3 3``)."""
    tokens: list[str] = []
    position, command, index = 0, "", 0
    while position < len(data):
        if data[position] in " ,\t\n\r":
            position += 1
            continue
        if data[position].isalpha():
            command, index = data[position], 0
            tokens.append(command)
            position += 1
            continue
        if command.lower() == "a" and index % 7 in (3, 4):  # a flag: one character
            tokens.append(data[position])
            position += 1
        else:
            match = NUMBER.match(data, position)
            if not match:
                raise ValueError(f"cannot read path data at {data[position:position + 20]!r}")
            tokens.append(match.group(0))
            position = match.end()
        index += 1
    return tokens


def path(data: str) -> str:
    """Path data rounded to STEP; relative steps rounded from where the rounded pen is, so
    the error never adds up along a long path."""
    tokens = _arc_tokens(data)
    out: list[str] = []
    exact = [0.0, 0.0]  # where the pen is
    drawn = [0.0, 0.0]  # where the rounded path has put it
    start_exact, start_drawn = [0.0, 0.0], [0.0, 0.0]
    command, position = "", 0
    while position < len(tokens):
        token = tokens[position]
        if token.isalpha():
            command = token
            position += 1
            if command in "zZ":
                out.append("z")
                exact, drawn = start_exact[:], start_drawn[:]
                continue
            out.append(command)
            numbers: list[str] = []
        count = ARGS[command.lower()]
        values = [float(v) for v in tokens[position:position + count]]
        position += count
        relative = command.islower()
        base = exact[:] if relative else [0.0, 0.0]
        target = exact[:]
        emitted: list[str] = []
        kind = command.lower()
        if kind == "h":
            target[0] = base[0] + values[0] if relative else values[0]
            emitted = [short(target[0] - drawn[0]) if relative else short(target[0])]
        elif kind == "v":
            target[1] = base[1] + values[0] if relative else values[0]
            emitted = [short(target[1] - drawn[1]) if relative else short(target[1])]
        elif kind == "a":
            target = [base[0] + values[5], base[1] + values[6]] if relative else [values[5], values[6]]
            end = [target[0] - drawn[0], target[1] - drawn[1]] if relative else target
            emitted = [short(values[0], FINE), short(values[1], FINE), short(values[2], FINE),
                       str(int(values[3])), str(int(values[4])), short(end[0]), short(end[1])]
        else:
            for i in range(0, count, 2):
                point = [base[0] + values[i], base[1] + values[i + 1]] if relative else values[i:i + 2]
                shown = [point[0] - drawn[0], point[1] - drawn[1]] if relative else point
                emitted += [short(shown[0]), short(shown[1])]
                target = point
        # The rounded pen moves by what was written, not by what was meant.
        if relative:
            moved = [float(emitted[-2]), float(emitted[-1])] if kind not in "hv" else None
            if kind == "h":
                drawn[0] += float(emitted[0])
            elif kind == "v":
                drawn[1] += float(emitted[0])
            elif moved:
                drawn = [drawn[0] + moved[0], drawn[1] + moved[1]]
        else:
            if kind == "h":
                drawn[0] = float(emitted[0])
            elif kind == "v":
                drawn[1] = float(emitted[0])
            else:
                drawn = [float(emitted[-2]), float(emitted[-1])]
        exact = target
        if kind == "m":
            start_exact, start_drawn = exact[:], drawn[:]
            command = "l" if relative else "L"  # further pairs after a move are lines
        numbers.extend(emitted)
        if position >= len(tokens) or tokens[position].isalpha():
            out[-1] += join(numbers)
    return "".join(out)


def colour(value: str) -> str:
    value = value.strip().lower()
    if re.fullmatch(r"#[0-9a-f]{6}", value) and value[1] == value[2] and value[3] == value[4] and value[5] == value[6]:
        return "#" + value[1] + value[3] + value[5]
    return value


def _attributes(element: ET.Element) -> dict[str, str]:
    attrs: dict[str, str] = {}
    for name, value in element.attrib.items():
        name = name.split("}")[-1]
        if name in DROP_ATTRS or name.startswith("data-"):
            continue
        if name == "style":
            raise ValueError("a style attribute (the CSP would refuse it): write it as attributes")
        if name == "d":
            value = path(value)
        elif name == "points":
            value = join([short(float(n)) for n in NUMBER.findall(value)])
        elif name in NUMBER_ATTRS:
            value = short(float(value), FINE)
        elif name == "transform":
            value = NUMBER.sub(lambda m: short(float(m.group(0)), FINE), value)
        elif name in ("fill", "stroke", "stop-color"):
            value = colour(value)
        attrs[name] = value
    if attrs.get("stroke-linejoin", "miter") == "round" or "stroke" not in attrs:
        attrs.pop("stroke-miterlimit", None)  # only miter joins use it
    return attrs


def _children(element: ET.Element, inherited: dict[str, str]) -> list[tuple[str, dict[str, str], list]]:
    """The drawing as (tag, attributes, children), groups without attributes flattened."""
    out: list[tuple[str, dict[str, str], list]] = []
    for child in element:
        if not isinstance(child.tag, str):
            continue  # a comment or processing instruction
        tag = child.tag.split("}")[-1]
        if tag in DROP_TAGS:
            continue
        attrs = _attributes(child)
        if tag == "g":
            inner = _children(child, {**inherited, **{k: v for k, v in attrs.items() if k in INHERITED}})
            if not inner:
                continue
            if not attrs:
                out.extend(inner)
                continue
            out.append((tag, attrs, inner))
        else:
            out.append((tag, attrs, _children(child, inherited)))
    return _grouped(out)


def _grouped(nodes: list[tuple[str, dict[str, str], list]]) -> list[tuple[str, dict[str, str], list]]:
    """Runs of shapes that share stroke and fill settings: the settings once, on a ``<g>``."""
    out: list[tuple[str, dict[str, str], list]] = []
    run: list[tuple[str, dict[str, str], list]] = []
    key: tuple = ()

    def flush() -> None:
        if len(run) > 1 and key:
            shared = dict(key)
            out.append(("g", shared, [(t, {k: v for k, v in a.items() if k not in shared}, c) for t, a, c in run]))
        else:
            out.extend(run)

    for node in nodes:
        tag, attrs, _ = node
        node_key = tuple(sorted((k, v) for k, v in attrs.items() if k in INHERITED)) if tag != "g" else ()
        if run and node_key == key and node_key:
            run.append(node)
            continue
        flush()
        run, key = [node], node_key
    flush()
    return out


def _write(nodes: list[tuple[str, dict[str, str], list]]) -> str:
    text = ""
    for tag, attrs, children in nodes:
        attributes = "".join(f' {k}="{v}"' for k, v in attrs.items())
        text += f"<{tag}{attributes}>{_write(children)}</{tag}>" if children else f"<{tag}{attributes}/>"
    return text


def optimise(source: str) -> str:
    root = ET.fromstring(source)
    view_box = root.attrib.get("viewBox", "0 0 72 72")
    return f'<svg xmlns="{SVG}" viewBox="{view_box}">{_write(_children(root, {}))}</svg>\n'


def main(package: str) -> int:
    folder = Path(package)
    version = json.loads((folder / "package.json").read_text())["version"]
    if version != OPENMOJI_VERSION:
        print(f"{folder} is OpenMoji {version}; app/pictures.py says {OPENMOJI_VERSION}", file=sys.stderr)
        return 1
    target = ROOT / "static" / FOLDER
    target.mkdir(parents=True, exist_ok=True)
    before = after = 0
    for idea, picture in sorted(PICTURES.items()):
        if not picture.source:
            continue
        original = (folder / "color" / "svg" / f"{picture.source}.svg").read_text()
        made = optimise(original)
        (ROOT / "static" / filename(idea)).write_text(made)
        before, after = before + len(original.encode()), after + len(made.encode())
    (target / "LICENSE.txt").write_text(ATTRIBUTION.format(version=version) + (folder / "LICENSE.txt").read_text())
    print(f"{sum(1 for p in PICTURES.values() if p.source)} pictures: {before} bytes -> {after} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/package"))
