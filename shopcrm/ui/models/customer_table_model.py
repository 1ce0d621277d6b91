"""The customer list as a Qt table model that pages from SQL by keyset (see
shopcrm.ui.models.paged_model.KeysetPagedModel): no OFFSET, a count that arrives after the first page.

Sorting re-queries with ORDER BY; a row's cells are formatted once, and again when the owner
locks or unlocks (mobiles are masked in clerk mode).
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from shopcrm import customers, grading
from shopcrm.core.money import fmt
from shopcrm.customers import CustomerQuery, CustomerRow
from shopcrm.trust import security
from shopcrm.ui.models.paged_model import KeysetPagedModel

# the roles data() answers, as the ints Qt passes (an enum member is looked up on every compare)
_DISPLAY = Qt.ItemDataRole.DisplayRole.value
_ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole.value
_FOREGROUND = Qt.ItemDataRole.ForegroundRole.value
_TOOLTIP = Qt.ItemDataRole.ToolTipRole.value


def mask_mobile(mobile: str) -> str:
    return mobile[:3] + "****" + mobile[-4:] if len(mobile) >= 8 else mobile


class CustomerTableModel(KeysetPagedModel):
    KEYS = (
        "name",
        "mobile",
        "card_no",
        "level",
        "balance",
        "points",
        "last_purchase",
        "total_spend",
        "birthday",
        "grade",
    )
    RIGHT_ALIGNED = frozenset({"balance", "points", "total_spend"})

    def __init__(self, parent=None, *, deleted: bool = False):
        super().__init__(CustomerQuery(deleted=deleted), parent)
        self.headers = [
            self.tr("Name"),
            self.tr("Mobile"),
            self.tr("Card no."),
            self.tr("Level"),
            self.tr("Balance"),
            self.tr("Points"),
            self.tr("Last purchase"),
            self.tr("Total spend"),
            self.tr("Birthday"),
            grading.t("grading.column"),
        ]  # ABC grade (shopcrm.grading's own text)
        self.mask_mobiles = False  # clerk mode shows 138****5678 (also forced by shopcrm.trust.security)
        self._open_complaint_tip = self.tr("Has an open complaint")
        self._complaint_brush = QBrush(QColor("#c0392b"))
        self._cells_masked = True
        left = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        right = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self._alignments = tuple(right if k in self.RIGHT_ALIGNED else left for k in self.KEYS)

    def count_rows(self, query: CustomerQuery, *, progress=None) -> int:
        return customers.count(query, progress=progress)

    def count_at_most(self, query: CustomerQuery, cap: int) -> int:
        return customers.count_at_most(query, cap)

    def seek_rows(self, query, cursor, limit, *, backward=False, inclusive=False) -> list[CustomerRow]:
        return customers.seek(
            query,
            cursor,
            limit,
            backward=backward,
            inclusive=inclusive,
            hits=self._count,
            at_least=not self.count_exact,
        )

    def skip_rows(self, query: CustomerQuery, cursor, skip: int):
        return customers.seek_cursor(query, cursor, skip, hits=self._count, at_least=not self.count_exact)

    def sample_rows(self, query: CustomerQuery, every: int, *, progress=None):
        return customers.sample_cursors(query, every, progress=progress)

    def data_version(self) -> object:
        return customers.list_version()

    def same_rows(self, old: CustomerQuery, new: CustomerQuery) -> bool:
        return replace(old, sort=new.sort, descending=new.descending) == new

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        if 0 <= column < len(self.KEYS):
            query = replace(self._query, sort=self.KEYS[column], descending=order == Qt.SortOrder.DescendingOrder)
            if query != self._query:  # a header click asks twice (indicator, then sortByColumn)
                self.set_query(query)

    def customer_id(self, row: int) -> int | None:
        return self.id_at(row)

    def data(self, index: QModelIndex, role=_DISPLAY):
        # a paint asks rows x columns x 7 roles (font, alignment, colours, check state, icon,
        # text): ~1,500 calls for a screenful, each a Python call from C++. The roles are plain
        # ints compared with ints (no enum lookups), the text comes from a per-row tuple of
        # formatted cells, and every role we never use falls through after three comparisons.
        if role == _DISPLAY:
            row, column = index.row(), index.column()
            cells = self._rows_cache.get(row)
            if column == _MOBILE or cells is None:
                # only the mobile depends on who is at the counter: asked once per row
                mask = self.mask_mobiles or not security.can_see_full_mobiles()
                if mask != self._cells_masked:  # the owner unlocked or locked: format again
                    self._rows_cache.clear()
                    self._cells_masked = mask
                    cells = None
                if cells is None:
                    r = self.row_at(row)
                    if r is None:
                        return None
                    cells = tuple(self._display(r, key, mask) for key in self.KEYS)
                    self._rows_cache[row] = cells
            return cells[column]
        if role == _ALIGNMENT:
            return self._alignments[index.column()]
        if role in (_FOREGROUND, _TOOLTIP) and index.column() == 0:
            r = self.row_at(index.row())
            if r and r.open_complaints:
                return self._complaint_brush if role == _FOREGROUND else self._open_complaint_tip
        return None

    def _display(self, r: CustomerRow, key: str, mask: bool) -> str:
        if key == "name":
            return f"{r.name} ⚠" if r.open_complaints else r.name
        if key == "mobile":
            # clerk mode (shopcrm.trust.security) or an explicit flag masks: 138****5678
            return mask_mobile(r.mobile) if mask else r.mobile
        if key == "card_no":
            return r.card_no or ""
        if key == "level":
            return r.level or ""
        if key == "balance":
            return fmt(r.balance_cents)
        if key == "points":
            return f"{r.points:,}"
        if key == "last_purchase":
            return str(r.last_purchase_at or "")[:10]  # text on SQLite, a datetime on PostgreSQL
        if key == "total_spend":
            return fmt(r.total_spend_cents)
        if key == "birthday":
            return r.birthday_text
        if key == "grade":
            return r.grade or ""
        return ""


_MOBILE = CustomerTableModel.KEYS.index("mobile")  # the one column that depends on who is at the counter
