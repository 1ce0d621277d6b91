"""A read-only Qt table model over a SQL query, fetched a page at a time.

``rowCount()`` is the SQL count of the query, so the scroll bar is true to the whole list; rows
come in pages of ``PAGE_SIZE`` when the view asks for them and the newest ``MAX_PAGES`` pages are
kept (least recently used out). A first paint therefore costs the same at 100 or 100,000 rows.
Sorting and filtering are a new query (SQL ORDER BY / WHERE), never a proxy model.

Subclasses give the query's ``count`` and ``fetch`` (domain functions), ``KEYS`` and ``headers``,
and answer ``data()``; ``row_at()`` gives them the row object, and ``_rows_cache`` is a per-row
cache of formatted cells that is dropped with its page and on every new query.
"""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal

PAGE_SIZE = 200
MAX_PAGES = 12


class PagedSqlModel(QAbstractTableModel):
    countChanged = Signal(int)  # noqa: N815 (a Qt signal, named as Qt names them)

    KEYS: tuple[str, ...] = ()

    def __init__(self, query, parent=None):
        super().__init__(parent)
        self.headers: list[str] = []
        self._query = query
        self._count = 0
        self._pages: OrderedDict[int, list] = OrderedDict()
        self._rows_cache: dict[int, tuple] = {}

    # --- what subclasses provide ---------------------------------------------------------------
    def count_rows(self, query) -> int:
        raise NotImplementedError

    def fetch_rows(self, query, offset: int, limit: int) -> list:
        raise NotImplementedError

    def prepare_query(self, query) -> None:
        """Called before a new query is counted (e.g. to take the time it is evaluated at)."""

    # --- the query -----------------------------------------------------------------------------
    @property
    def query(self):
        return self._query

    def set_query(self, query) -> None:
        self.beginResetModel()
        self._query = query
        self._pages.clear()
        self._rows_cache.clear()
        self.prepare_query(query)
        self._count = self.count_rows(query)
        self.endResetModel()
        self.countChanged.emit(self._count)

    def refresh(self) -> None:
        self.set_query(self._query)

    # --- rows ----------------------------------------------------------------------------------
    def row_at(self, row: int):
        if not 0 <= row < self._count:
            return None
        number = row // PAGE_SIZE
        page = self._pages.get(number)
        if page is None:
            page = self.fetch_rows(self._query, number * PAGE_SIZE, PAGE_SIZE)
            self._pages[number] = page
            if len(self._pages) > MAX_PAGES:
                gone, _ = self._pages.popitem(last=False)
                for r in range(gone * PAGE_SIZE, (gone + 1) * PAGE_SIZE):
                    self._rows_cache.pop(r, None)
        else:
            self._pages.move_to_end(number)
        offset = row - number * PAGE_SIZE
        return page[offset] if offset < len(page) else None

    def id_at(self, row: int) -> int | None:
        r = self.row_at(row)
        return r.id if r else None

    def row_of(self, row_id: int) -> int | None:
        """The row of an id among the pages loaded so far (for re-selecting after a change)."""
        for number, page in self._pages.items():
            for i, r in enumerate(page):
                if r.id == row_id:
                    return number * PAGE_SIZE + i
        return None

    # --- Qt model API --------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.KEYS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None
