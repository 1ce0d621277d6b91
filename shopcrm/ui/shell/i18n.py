"""Qt translations.

Source strings in code are English (``self.tr("Customers")``). Translations live as Qt Linguist
``.ts`` files in ``resources/translations/<module>_<lang>.ts`` (one per UI module, so that work on
different tabs never edits the same file). Qt's own dialogs use the ``qtbase`` catalogue shipped
with PySide6.

Compiled and not: a build compiles each language's ``.ts`` files with ``pyside6-lrelease`` into one
``shopcrm_<lang>.qm`` beside them (``shopcrm.build_dist.compile_translations``), and Qt's own
:class:`QTranslator` reads that (plural rules, disambiguation, Qt's lookup speed). A source
checkout has no ``.qm`` (build output is never committed): there :class:`TsTranslator` reads the
``.ts`` files directly, so an edited translation shows at the next start without a build step.
A ``.qm`` older than one of its ``.ts`` files is ignored (a stale local build never hides an edit).
Wheels (``pip install .``) ship the ``.ts`` files and read them the same way: ``lrelease`` comes
only inside PySide6, and compiling at wheel-build time would pull ~100 MB of Qt into pip's
isolated build environment for every build. The fallback ignores disambiguation comments (no
shipped message uses one yet) and writes ``%n`` in English with group separators.
The domain's own messages (``shopcrm.core.texts``) are plain Python, which cannot use Qt; the
two share one plural rule (``texts.plural_form``) and one language switch (:func:`install`).

Plurals: a string that counts is written ``self.tr("%n day(s) late", "", n)`` and its ``.ts``
message is ``numerus="yes"`` with one ``<numerusform>`` per plural form of the language (Chinese
one, English two: singular, plural). The English interface is the untranslated source, except
for these counting strings: ``<module>_en.ts`` files hold only the numerus messages, so that the
English reads "1 day late" / "2 days late" rather than "1 day(s) late".

Refresh a module's ``.ts`` after changing its strings (keeps existing translations):

    python -m shopcrm.ui.shell.i18n update
"""

from __future__ import annotations

import logging
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from shopcrm.core import texts
from shopcrm.core.paths import resources_dir

LANGUAGES = {"zh_CN": "中文（简体）", "en": "English"}
DEFAULT_LANGUAGE = "zh_CN"

log = logging.getLogger(__name__)


def translations_dir() -> Path:
    return resources_dir() / "translations"


def qm_file(lang: str, folder: Path | None = None) -> Path:
    """The compiled catalogue of ``lang`` (present in builds, absent in a source checkout)."""
    return Path(folder or translations_dir()) / f"shopcrm_{lang}.qm"


def read_ts_forms(path: Path) -> dict[tuple[str, str], tuple[str, ...]]:
    """(context, source) -> translation forms (one, or one per plural form for a numerus
    message), for every finished message of one .ts file."""
    out: dict[tuple[str, str], tuple[str, ...]] = {}
    root = ET.parse(path).getroot()
    for ctx in root.iter("context"):
        name = ctx.findtext("name") or ""
        for msg in ctx.iter("message"):
            source = msg.findtext("source") or ""
            tr = msg.find("translation")
            if tr is None or tr.get("type") in ("unfinished", "obsolete", "vanished"):
                continue
            forms = tuple(f.text or "" for f in tr.findall("numerusform")) or (tr.text or "",)
            if forms[0]:
                out[(name, source)] = forms
    return out


def read_ts(path: Path) -> dict[tuple[str, str], str]:
    """(context, source) -> translation (a numerus message's first form), for every finished
    message of one .ts file."""
    return {k: v[0] for k, v in read_ts_forms(path).items()}


class TsTranslator(QTranslator):
    """A QTranslator fed from .ts files; a numerus message picks its form by the language's
    plural rule (``texts.plural_form``)."""

    def __init__(self, lang: str, parent=None, folder: Path | None = None):
        super().__init__(parent)
        self.lang = lang
        self.messages: dict[tuple[str, str], tuple[str, ...]] = {}
        for path in sorted(Path(folder or translations_dir()).glob(f"*_{lang}.ts")):
            self.messages.update(read_ts_forms(path))

    def translate(self, context, source, disambiguation=None, n=-1):
        forms = self.messages.get((context, source))
        if forms is None:
            return None
        if n is None or n < 0:
            return forms[0]
        text = forms[min(texts.plural_form(self.lang, n), len(forms) - 1)]
        return text.replace("%n", QLocale().toString(n) if self.lang == "en" else str(n))

    def isEmpty(self) -> bool:  # noqa: N802 (Qt API)
        return not self.messages


def load_translator(lang: str, parent=None, folder: Path | None = None) -> QTranslator:
    """The app's translator for ``lang``: Qt's QTranslator on the compiled ``.qm`` when there is a
    current one, else the ``.ts`` reader (a source checkout)."""
    tr = _load(lang, parent, Path(folder or translations_dir()))
    tr.setObjectName("shopcrm")
    return tr


def _load(lang: str, parent, folder: Path) -> QTranslator:
    qm = qm_file(lang, folder)
    if qm.exists():
        sources = list(folder.glob(f"*_{lang}.ts"))
        stale = [ts.name for ts in sources if ts.stat().st_mtime > qm.stat().st_mtime]
        if stale:
            log.warning("%s is older than %s: reading the .ts files instead", qm.name, ", ".join(stale))
        else:
            tr = QTranslator(parent)
            if tr.load(str(qm)):
                return tr
            log.warning("cannot load %s: reading the .ts files instead", qm)
    return TsTranslator(lang, parent, folder)


def compiled(translator: QTranslator) -> bool:
    """Whether ``translator`` reads a compiled .qm (not the .ts fallback)."""
    return not isinstance(translator, TsTranslator) and bool(translator.filePath())


_installed: list[QTranslator] = []


def install(app: QCoreApplication, lang: str) -> None:
    """Install the translators for ``lang`` (replacing any installed before)."""
    for tr in _installed:
        app.removeTranslator(tr)
    _installed.clear()
    texts.set_language(lang)
    if lang == "en":
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
        ours = load_translator("en", app)  # the counting strings' plural forms only
        app.installTranslator(ours)
        _installed.append(ours)
        return
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    qt = QTranslator(app)
    if qt.load(f"qtbase_{lang}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        _installed.append(qt)
    ours = load_translator(lang, app)
    app.installTranslator(ours)
    _installed.append(ours)


def installed() -> list[QTranslator]:
    """The translators :func:`install` put in place (Qt's catalogue first, then ours)."""
    return list(_installed)


def catalogue_kind() -> str | None:
    """What the app's own installed translator reads: "qm" (a build), "ts" (a source checkout),
    or None (the untranslated source)."""
    ours = [tr for tr in _installed if tr.objectName() == "shopcrm"]
    if not ours:
        return None
    return "qm" if compiled(ours[-1]) else "ts"


def uninstall(app: QCoreApplication) -> None:
    """Remove the translators installed by :func:`install` (the untranslated English source)."""
    for tr in _installed:
        app.removeTranslator(tr)
    _installed.clear()
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))


def update_ts(lang: str = "zh_CN") -> None:
    """Run pyside6-lupdate for every UI module into its own .ts file."""
    lupdate = Path(sys.executable).with_name("pyside6-lupdate")
    ui_dir = Path(__file__).parents[1]
    for module in sorted(ui_dir.rglob("*.py")):
        if module.name in ("__init__.py", "i18n.py"):
            continue
        ts = translations_dir() / f"{module.stem}_{lang}.ts"
        if "self.tr(" not in module.read_text(encoding="utf-8") and not ts.exists():
            continue
        subprocess.run([str(lupdate), "-no-obsolete", "-locations", "none", str(module), "-ts", str(ts)], check=True)


if __name__ == "__main__":
    if sys.argv[1:] == ["update"]:
        update_ts()
    else:
        print(__doc__)
