"""Keyboard behaviour shared by every input dialog (the counter rule of issue 12):

- the dialog opens with the cursor in its first field (every time it is shown);
- Tab follows the visual order of the form;
- a date or date-time field is one Tab stop (Qt's QDateTimeEdit walks its day/month/hour sections
  on Tab; here Tab leaves the field, the arrow keys still move between sections);
- Tab in a multi-line text field moves on (Ctrl+Tab types a tab character);
- a combo box or spin box changes only when the clerk is on it: the mouse wheel over an unfocused
  one is swallowed instead of silently changing a value the clerk was not looking at.

One call per dialog: ``forms.settle(self, first=self.name_edit, order=[...])``.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from shopcrm.core.errors import FieldError

_TAB_KEYS = (Qt.Key.Key_Tab, Qt.Key.Key_Backtab)
ERROR_STYLE = "color: #c0392b;"


class _Keeper(QObject):
    """Event filter: first-field focus on Show, one Tab stop for date fields, no wheel on
    unfocused value widgets."""

    def __init__(self, dialog: QWidget, first: QWidget | None):
        super().__init__(dialog)  # owned by the dialog; no Python reference back to it (no cycle
        self.first = first  # that would keep a deleted dialog's wrapper alive)

    def eventFilter(self, obj, event):  # noqa: N802 (Qt API)
        kind = event.type()
        first = getattr(self, "first", None)  # absent while the wrapper is being torn down
        if obj is self.parent():
            if kind == QEvent.Type.Show and first is not None and first.isEnabled():
                first.setFocus(Qt.FocusReason.OtherFocusReason)  # cursor at the end, nothing selected
            return False
        if kind == QEvent.Type.KeyPress and isinstance(obj, QDateTimeEdit) and event.key() in _TAB_KEYS:
            back = event.key() == Qt.Key.Key_Backtab or bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            QWidget.focusNextPrevChild(obj, not back)  # the widget's own override walks the sections
            return True
        if kind == QEvent.Type.Wheel and isinstance(obj, (QComboBox, QAbstractSpinBox)) and not obj.hasFocus():
            event.ignore()
            return True
        return False


def settle(dialog: QWidget, first: QWidget | None = None, order: Sequence[QWidget] = ()) -> None:
    """Give ``dialog`` the keyboard behaviour above. ``first``: the field that has the cursor
    when the dialog opens (default: the first of ``order``). ``order``: the fields in the order
    the clerk sees them (only needed where the creation order differs)."""
    if first is None and order:
        first = order[0]
    keeper = _Keeper(dialog, first)
    dialog.installEventFilter(keeper)
    for a, b in pairwise(order):
        QWidget.setTabOrder(a, b)
    guard(dialog, keeper)
    if first is not None:
        first.setFocus(Qt.FocusReason.OtherFocusReason)


def guard(root: QWidget, keeper: QObject | None = None) -> None:
    """Date fields under ``root`` become one Tab stop; combo and spin boxes take the wheel only
    when focused (they also no longer take focus from a mere wheel turn); Tab in a multi-line
    text moves on instead of typing a tab character."""
    keeper = keeper or _Keeper(root, None)
    for w in root.findChildren(QWidget):
        if isinstance(w, (QPlainTextEdit, QTextEdit)):
            w.setTabChangesFocus(True)  # Tab goes to the next field, as everywhere else
        elif isinstance(w, (QComboBox, QAbstractSpinBox)):
            if w.focusPolicy() == Qt.FocusPolicy.WheelFocus:
                w.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            w.installEventFilter(keeper)


# the smallest screen the app is made for (a 10" netbook); the main window must fit it
SMALLEST_SCREEN = (1024, 600)


def fit_to_screen(widget: QWidget, width: int, height: int) -> None:
    """Resize ``widget`` to ``width`` x ``height``, made smaller where the screen is smaller (a
    1366x768 laptop, a 1024x600 netbook), but never below the widget's minimum size."""
    screen = widget.screen()
    if screen is not None:
        avail = screen.availableGeometry()
        frame = 40  # title bar and borders drawn by the window manager
        width = min(width, avail.width())
        height = min(height, avail.height() - frame)
    minimum = widget.minimumSize()
    widget.resize(max(width, minimum.width()), max(height, minimum.height()))


def freeze_minimum(window: QWidget) -> None:
    """Fix ``window``'s minimum size now, so that content that grows later — a long text in a
    label, a table filled with rows — can never make the window grow by itself (a widget with its
    own minimum size is not resized by its layout). The minimum is the layout's, widened to
    nearly the smallest screen's width (tabs fill their lists after the first paint and then
    need more room than they did when empty), and never beyond the smallest screen with its
    title bar and task bar."""
    hint = window.minimumSizeHint()
    width = min(max(hint.width(), SMALLEST_SCREEN[0] - 24), SMALLEST_SCREEN[0])
    height = min(hint.height(), SMALLEST_SCREEN[1] - 40)
    window.setMinimumSize(width, height)


# --- a form whose refusals stay beside the field (moved from the customer archive) -------------


class Field(QWidget):
    """An input with an error line under it."""

    def __init__(self, editor: QWidget, parent=None):
        super().__init__(parent)
        self.editor = editor
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.setTextFormat(Qt.TextFormat.RichText)
        self.error.hide()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(1)
        lay.addWidget(editor)
        lay.addWidget(self.error)

    def set_error(self, text: str | None) -> None:
        self.error.setText(text or "")
        self.error.setVisible(bool(text))


class ValidatingDialog(QDialog):
    """A small form whose refusals are shown under the field concerned, the dialog staying open
    with everything typed. ``check()`` reads the fields; ``commit()`` (optional) does the work —
    a FieldError from either is shown in the dialog, never in a message box."""

    def __init__(self, title: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(440)  # room for a refusal and the card balance on one or two lines
        self.form = QFormLayout()
        self.fields: dict[str, Field] = {}
        self.error = QLabel(objectName="dialogError")  # refusals that belong to no single field
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._try_accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(self.form)
        lay.addWidget(self.error)
        lay.addWidget(self.buttons)

    def add_row(self, label: str, editor: QWidget, key: str | None = None) -> QWidget:
        """A form row; with ``key`` the row gets an error line for FieldErrors of that field."""
        if key is not None:
            f = Field(editor)
            self.fields[key] = f
            self.form.addRow(label, f)
            return f
        self.form.addRow(label, editor)
        return editor

    def show_error(self, field: str | None, message: str) -> None:
        for f in self.fields.values():
            f.set_error(None)
        target = self.fields.get(field or "")
        if target is not None:
            target.set_error(message)
            target.editor.setFocus(Qt.FocusReason.OtherFocusReason)
        self.error.setText("" if target is not None else message)
        self.error.setVisible(target is None and bool(message))

    def _try_accept(self) -> None:
        try:
            self.check()
            self.commit()
        except FieldError as exc:
            self.show_error(exc.field, exc.message)
            return
        except PermissionError as exc:  # owner-only and the owner is not there
            self.show_error(None, str(exc))
            return
        self.accept()

    def check(self) -> None:
        raise NotImplementedError

    def commit(self) -> None:
        """The work itself, after ``check()``; a FieldError keeps the dialog open."""
