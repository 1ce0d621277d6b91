"""The customer list as a Qt table model that pages from SQL.

rowCount() is the SQL count of the current query; rows are fetched a page at a time when the view
asks for them and kept in a small LRU cache, so a first paint costs the same at 100 or 100,000
customers and the scroll bar is true to the whole list. Sorting re-queries with ORDER BY.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from shopcrm import customers, grading, security
from shopcrm.customers import CustomerQuery, CustomerRow
from shopcrm.money import fmt

PAGE_SIZE = 200
MAX_PAGES = 12


def mask_mobile(mobile: str) -> str:
    return mobile[:3] + "****" + mobile[-4:] if len(mobile) >= 8 else mobile


class CustomerTableModel(QAbstractTableModel):
    countChanged = Signal(int)

    KEYS = ("name", "mobile", "card_no", "level", "balance", "points", "last_purchase",
            "total_spend", "birthday", "grade")
    RIGHT_ALIGNED = {"balance", "points", "total_spend"}

    def __init__(self, parent=None, *, deleted: bool = False):
        super().__init__(parent)
        self.headers = [self.tr("Name"), self.tr("Mobile"), self.tr("Card no."), self.tr("Level"),
                        self.tr("Balance"), self.tr("Points"), self.tr("Last purchase"),
                        self.tr("Total spend"), self.tr("Birthday"),
                        grading.t("grading.column")]  # ABC grade (shopcrm.grading's own text)
        self._query = CustomerQuery(deleted=deleted)
        self._count = 0
        self._pages: OrderedDict[int, list[CustomerRow]] = OrderedDict()
        self.mask_mobiles = False  # clerk mode shows 138****5678
        self._open_complaint_tip = self.tr("Has an open complaint")
        self._complaint_brush = QBrush(QColor("#c0392b"))
        self._cells: dict[int, tuple[str, ...]] = {}  # row -> formatted cells (cleared on refresh)
        self._cells_masked = True
        left = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        right = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self._alignments = tuple(right if k in self.RIGHT_ALIGNED else left for k in self.KEYS)

    # --- query ------------------------------------------------------------------------------
    @property
    def query(self) -> CustomerQuery:
        return self._query

    def set_query(self, query: CustomerQuery) -> None:
        self.beginResetModel()
        self._query = query
        self._pages.clear()
        self._cells.clear()
        self._count = customers.count(query)
        self.endResetModel()
        self.countChanged.emit(self._count)

    def refresh(self) -> None:
        self.set_query(self._query)

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        if 0 <= column < len(self.KEYS):
            self.set_query(replace(self._query, sort=self.KEYS[column],
                                   descending=order == Qt.SortOrder.DescendingOrder))

    # --- rows -------------------------------------------------------------------------------
    def row_at(self, row: int) -> CustomerRow | None:
        if not 0 <= row < self._count:
            return None
        number = row // PAGE_SIZE
        page = self._pages.get(number)
        if page is None:
            page = customers.page(self._query, number * PAGE_SIZE, PAGE_SIZE, total=self._count)
            self._pages[number] = page
            if len(self._pages) > MAX_PAGES:
                gone, _ = self._pages.popitem(last=False)
                for r in range(gone * PAGE_SIZE, (gone + 1) * PAGE_SIZE):
                    self._cells.pop(r, None)
        else:
            self._pages.move_to_end(number)
        offset = row - number * PAGE_SIZE
        return page[offset] if offset < len(page) else None

    def customer_id(self, row: int) -> int | None:
        r = self.row_at(row)
        return r.id if r else None

    def row_of(self, customer_id: int) -> int | None:
        """The row of a customer among the pages loaded so far (for re-selecting after a save)."""
        for number, page in self._pages.items():
            for i, r in enumerate(page):
                if r.id == customer_id:
                    return number * PAGE_SIZE + i
        return None

    # --- Qt model API -----------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.KEYS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        # a first paint asks ~2,000 times (rows x columns x roles): answer the common case from a
        # per-row tuple of formatted cells and every role we never use at once
        if role == Qt.ItemDataRole.DisplayRole:
            mask = self.mask_mobiles or not security.can_see_full_mobiles()
            if mask != self._cells_masked:  # the owner unlocked or locked: format again
                self._cells.clear()
                self._cells_masked = mask
            row = index.row()
            cells = self._cells.get(row)
            if cells is None:
                r = self.row_at(row)
                if r is None:
                    return None
                cells = tuple(self._display(r, key, mask) for key in self.KEYS)
                self._cells[row] = cells
            return cells[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._alignments[index.column()]
        if role in (Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.ToolTipRole) and index.column() == 0:
            r = self.row_at(index.row())
            if r and r.open_complaints:
                if role == Qt.ItemDataRole.ForegroundRole:
                    return self._complaint_brush
                return self._open_complaint_tip
        return None

    def _display(self, r: CustomerRow, key: str, mask: bool) -> str:
        if key == "name":
            return f"{r.name} ⚠" if r.open_complaints else r.name
        if key == "mobile":
            # clerk mode (shopcrm.security) or an explicit flag masks: 138****5678
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
            return (r.last_purchase_at or "")[:10]
        if key == "total_spend":
            return fmt(r.total_spend_cents)
        if key == "birthday":
            return r.birthday_text
        if key == "grade":
            return r.grade or ""
        return ""
