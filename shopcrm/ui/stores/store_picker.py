"""The store picker of the list, 今日待办, 投诉 and 分析 toolbars (issue #18).

Shown only when the shop has more than one active store (a single store never sees it). The
owner picks 全部门店 (the whole chain) or one store; a clerk sees their counter's store's work
(the picker shows it, disabled), except on the customer list, where members are chain-wide
(``clerk_may_choose``). ``store_id()`` is the scope to pass to the domain (None: the chain)."""

from __future__ import annotations

import weakref

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox

from shopcrm import stores
from shopcrm.core.texts import t
from shopcrm.trust import session

ALL = -1  # the item data of 全部门店 (None cannot be told from "no data" in a combo box)
_PICKERS: weakref.WeakSet[StorePicker] = weakref.WeakSet()


def reload_all() -> None:
    """Every picker reads the stores again (the 门店 dialog changed them, or the mode changed)."""
    for picker in list(_PICKERS):
        try:
            picker.reload()
        except RuntimeError:  # its C++ side is gone with its window
            _PICKERS.discard(picker)


class StorePicker(QComboBox):
    scope_changed = Signal()

    def __init__(
        self,
        parent=None,
        *,
        clerk_may_choose: bool = False,
        object_name: str = "storePicker",
        whole_chain: bool = True,
    ):
        super().__init__(parent)
        self.setObjectName(object_name)
        self.clerk_may_choose = clerk_may_choose
        self.whole_chain = whole_chain  # False: one store must be chosen (an import); it opens on the counter's
        self.setToolTip(self.tr("Which store's work to show"))
        self.chain = False
        self.currentIndexChanged.connect(lambda _i: self.scope_changed.emit())
        self.reload()
        _PICKERS.add(self)

    def store_id(self) -> int | None:
        if not self.chain:
            return None
        data = self.currentData()
        return None if data in (None, ALL) else int(data)

    def reload(self, *, quiet: bool = False) -> None:
        """Read the stores again (after the 门店 dialog or a change of owner mode), keeping the
        choice where it still exists; hidden for a single store. ``quiet``: no ``scope_changed``
        (the caller is about to read the scope anyway)."""
        self.chain = stores.is_chain()
        previous = self.currentData()
        self.blockSignals(True)
        self.clear()
        if self.chain:
            if self.whole_chain:
                self.addItem(t("store.all"), ALL)
            for s in stores.all_stores(include_inactive=False):
                self.addItem(s.name, s.id)
            free = self.clerk_may_choose or session.is_owner()
            if free:
                if previous is None and not self.whole_chain:
                    previous = stores.counter_store().id
                elif previous is None:  # first fill: the screen's opening scope
                    scope = stores.work_scope() if not self.clerk_may_choose else None
                    previous = ALL if scope is None else scope
                index = self.findData(previous)
            else:
                index = self.findData(stores.counter_store().id)
            self.setCurrentIndex(max(index, 0))
            self.setEnabled(free)
        self.blockSignals(False)
        self.setVisible(self.chain)
        if self.currentData() != previous and not quiet:
            self.scope_changed.emit()
