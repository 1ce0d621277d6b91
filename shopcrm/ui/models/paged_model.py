"""A read-only Qt table model over a SQL query, fetched a page at a time.

``rowCount()`` is the SQL count of the query, so the scroll bar is true to the whole list; rows
come in pages of ``PAGE_SIZE`` when the view asks for them and the newest ``MAX_PAGES`` pages are
kept (least recently used out). A first paint therefore costs the same at 100 or 100,000 rows.
Sorting and filtering are a new query (SQL ORDER BY / WHERE), never a proxy model.

:class:`PagedSqlModel` asks for a page by its offset (fine for short lists such as complaints);
:class:`KeysetPagedModel` never does (issue #20): it seeks by the sort key from a neighbouring
page or from a sampled index of the order, and counts after the first page has painted.

Subclasses give the query's ``count`` and ``fetch`` (domain functions), ``KEYS`` and ``headers``,
and answer ``data()``; ``row_at()`` gives them the row object, and ``_rows_cache`` is a per-row
cache of formatted cells that is dropped with its page and on every new query.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import QWidget

from shopcrm.store.changes import ConnectionLost
from shopcrm.ui.shell import live

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
        lost = None
        self.beginResetModel()
        try:
            self._query = query
            self._pages.clear()
            self._rows_cache.clear()
            self.prepare_query(query)
            self._count = self.count_rows(query)
        except ConnectionLost as exc:
            self._count, lost = 0, exc
        finally:
            self.endResetModel()  # a reset is always ended, or the views are left half reset
        if lost is not None:
            self._lost(lost)
            return
        self.countChanged.emit(self._count)

    def _lost(self, exc: ConnectionLost) -> None:
        """A new query met a lost connection (a search typed, a timer's refresh): the list is
        empty for now, the query is kept (the search text stays typed), and the window's banner
        says so; once the connection is back the window reads every list again with its query."""
        live.report_lost(self._widget(), exc)

    def refresh(self) -> None:
        self.set_query(self._query)

    # --- rows ----------------------------------------------------------------------------------
    def row_at(self, row: int):
        if not 0 <= row < self._count:
            return None
        number = row // PAGE_SIZE
        page = self._pages.get(number)
        if page is None:
            try:
                page = self._fetch_page(number)
            except ConnectionLost as exc:
                # painting while the server is away (or the database is being restored): a blank
                # row now; the window's connection keeper refreshes every list when it is back
                live.report_lost(self._widget(), exc)
                return None
            if page is None:
                return None  # not available yet (see KeysetPagedModel): a blank row until it is
            self._pages[number] = page
            if len(self._pages) > MAX_PAGES:
                gone, _ = self._pages.popitem(last=False)
                for r in range(gone * PAGE_SIZE, (gone + 1) * PAGE_SIZE):
                    self._rows_cache.pop(r, None)
        else:
            self._pages.move_to_end(number)
        offset = row - number * PAGE_SIZE
        return page[offset] if offset < len(page) else None

    def _fetch_page(self, number: int) -> list | None:
        return self.fetch_rows(self._query, number * PAGE_SIZE, PAGE_SIZE)

    def _widget(self) -> QWidget | None:
        """The widget this model belongs to (its window's connection keeper hears of trouble)."""
        obj = self.parent()
        while obj is not None and not isinstance(obj, QWidget):
            obj = obj.parent()
        return obj

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


# Called in the worker thread with the query before a background count (tests hold a count here
# with an Event to prove that an older search never paints over a newer one).
_before_count: Callable[[object], None] | None = None


class KeysetPagedModel(PagedSqlModel):
    """A paged model that never pages by OFFSET (issue #20): a page is found from its neighbour's
    first or last row (``WHERE (key, id) > (?, ?) … LIMIT n``), and a jump anywhere from a sampled
    index of the order — the cursor of every ``PAGE_SIZE``-th row, made by one walk of the sort
    index in the background and dropped when the data version changes.

    Show first, count later: a new query counts at most ``COUNT_CAP`` rows at once, so its first
    page paints at once; a longer list shows ``COUNT_CAP`` rows ("2,000+", see ``count_exact``)
    until the exact count arrives from a background job. A newer query cancels the jobs of the
    older one, and a result that arrives for an older query is dropped.

    Subclasses give ``count_rows`` (exact), ``count_at_most``, ``seek_rows``, ``skip_rows``,
    ``sample_rows`` and ``data_version`` (domain functions) and ``cursor_of(row)``.
    """

    # 2,000: ten pages, enough to scroll at once; counting to 10,000 cost a keystroke 4-7 ms at
    # 1M customers (伟, zw), counting to 2,000 under 1 ms
    COUNT_CAP = 2_000
    SKIP_MAX = 2_000  # a page this many rows past a known one is walked to, not looked up
    SAMPLE_NOW_MAX = 20_000  # a list this short samples its order at once, in the GUI thread

    def __init__(self, query, parent=None):
        super().__init__(query, parent)
        self.count_exact = True
        self._generation = 0
        self._samples: list | None = None
        self._samples_version: object = None
        self._count_version: object = None  # the data version the exact count was taken at
        self._jobs: list = []
        self._sampling = False

    # --- what subclasses provide (beyond count_rows) -------------------------------------------
    def count_at_most(self, query, cap: int) -> int:
        raise NotImplementedError

    def seek_rows(self, query, cursor, limit: int, *, backward: bool = False, inclusive: bool = False) -> list:
        raise NotImplementedError

    def skip_rows(self, query, cursor, skip: int):
        """The cursor ``skip`` rows after ``cursor`` (None: the start)."""
        raise NotImplementedError

    def sample_rows(self, query, every: int, *, progress=None) -> tuple[int, list]:
        raise NotImplementedError

    def data_version(self) -> object:
        raise NotImplementedError

    def cursor_of(self, row):
        return row.cursor

    def count_in_background(self, query, *, progress=None) -> int:
        hook = _before_count
        if hook is not None:
            hook(query)
        return self.count_rows(query, progress=progress)

    # --- the query -----------------------------------------------------------------------------
    def same_rows(self, old, new) -> bool:
        """True when ``new`` selects the same rows as ``old`` in another order (a header click):
        its exact count is kept, not counted again."""
        return False

    def set_query(self, query) -> None:
        try:
            version = self.data_version()
        except ConnectionLost:
            version = None  # (then counted again below, where the lost connection is met)
        # a new order of the same rows, nothing committed since they were counted: the count stays
        reorder = (
            query != self._query  # (the same query again is a refresh: counted again)
            and self.count_exact
            and version is not None
            and self._count_version is not None
            and self._count_version == version
            and self.same_rows(self._query, query)
        )
        lost = None
        self.beginResetModel()
        try:
            self._query = query
            self._generation += 1
            for job in self._jobs:
                job.cancel()
            self._jobs.clear()
            self._sampling = False
            self._pages.clear()
            self._rows_cache.clear()
            self._samples = None
            self.prepare_query(query)
            if not reorder:
                self._count = self.count_at_most(query, self.COUNT_CAP)
                self.count_exact = self._count < self.COUNT_CAP
                self._count_version = version if self.count_exact else None
        except ConnectionLost as exc:
            # nothing is known of the new query's rows: none shown, no count kept for a reorder
            self._count, self.count_exact, self._count_version = 0, False, None
            lost = exc
        finally:
            self.endResetModel()
        if lost is not None:  # said once the views are whole again
            self._lost(lost)
            return
        self.countChanged.emit(self._count)
        if not self.count_exact:
            self._start(self.count_in_background, query, lambda n: self._counted(n, version))
        elif reorder and self._count > self.SAMPLE_NOW_MAX:  # the new order's index, for the scroll bar
            self._start_sampling()

    def _start(self, fn, query, done) -> None:
        from shopcrm.ui.shell.tasks import Job

        generation = self._generation
        job = Job(fn, query, name="shopcrm-list", wait_on_quit=False)
        self._jobs.append(job)

        def success(result) -> None:
            if job in self._jobs:
                self._jobs.remove(job)
            if generation == self._generation:  # else: an older query's answer, never shown
                done(result)

        def failure(error: BaseException) -> None:
            if job in self._jobs:
                self._jobs.remove(job)
            if generation == self._generation:
                from shopcrm.ui.shell.tasks import show_failure

                show_failure(None, "ShopCRM", error)

        def start() -> None:  # after this event: the first page paints before a thread starts
            if generation != self._generation:
                if job in self._jobs:
                    self._jobs.remove(job)
                return
            job.start(success, failure, owner=self)

        # starting a thread waits for the OS to run it (~10-20 ms on a busy 2-core machine)
        QTimer.singleShot(0, self, start)

    def _counted(self, n: int, version: object = None) -> None:
        self._set_count(n)
        self.count_exact = True
        self._count_version = version
        self.countChanged.emit(n)
        if n > self.SAMPLE_NOW_MAX and self._samples is None:  # the first drag of the scroll bar lands at once
            self._start_sampling()

    def _set_count(self, n: int) -> None:
        if n > self._count:
            self.beginInsertRows(QModelIndex(), self._count, n - 1)
            self._count = n
            self.endInsertRows()
        elif n < self._count:
            self.beginRemoveRows(QModelIndex(), n, self._count - 1)
            self._count = n
            self.endRemoveRows()

    def _start_sampling(self) -> None:
        if not self._sampling:
            self._sampling = True
            version = self.data_version()
            self._start(
                lambda q, progress: self.sample_rows(q, PAGE_SIZE, progress=progress),
                self._query,
                lambda result: self._sampled(result, version),
            )

    def _sampled(self, result: tuple[int, list], version: object) -> None:
        n, samples = result
        self._sampling = False
        self._samples, self._samples_version = samples, version
        if n != self._count or not self.count_exact:  # the walk counted every row too
            self._set_count(n)
            self.count_exact = True
            self.countChanged.emit(n)
        self._count_version = version
        if self._count:  # rows that waited for the index (blank so far) paint now
            self.dataChanged.emit(self.index(0, 0), self.index(self._count - 1, max(len(self.KEYS) - 1, 0)))

    # --- rows ----------------------------------------------------------------------------------
    def _fetch_page(self, number: int) -> list | None:
        q, first = self._query, number * PAGE_SIZE
        if number == 0:
            return self.seek_rows(q, None, PAGE_SIZE)
        before = self._pages.get(number - 1)
        if before:
            return self.seek_rows(q, self.cursor_of(before[-1]), PAGE_SIZE)
        after = self._pages.get(number + 1)
        if after:
            return self.seek_rows(q, self.cursor_of(after[0]), PAGE_SIZE, backward=True)
        if self.count_exact and self._count - first <= 2 * PAGE_SIZE:  # the end: from the last row back
            return self.seek_rows(q, None, self._count - first, backward=True)[:PAGE_SIZE]
        samples = self._current_samples()
        if samples is not None and number < len(samples):
            return self.seek_rows(q, samples[number], PAGE_SIZE, inclusive=True)
        # a few pages past a known page (or the start): walk there over keys only
        known = [n for n in self._pages if n < number and len(self._pages[n]) == PAGE_SIZE]
        base = max(known, default=-1)
        distance = first - (base + 1) * PAGE_SIZE
        if distance <= self.SKIP_MAX:
            anchor = self.cursor_of(self._pages[base][-1]) if base >= 0 else None
            cursor = self.skip_rows(q, anchor, distance)
            return self.seek_rows(q, cursor, PAGE_SIZE) if cursor is not None else []
        if self.count_exact and self._count <= self.SAMPLE_NOW_MAX:
            version = self.data_version()
            _n, self._samples = self.sample_rows(q, PAGE_SIZE)
            self._samples_version = version
            return self.seek_rows(q, self._samples[number], PAGE_SIZE, inclusive=True) if number < _n else []
        self._start_sampling()
        return None

    def _current_samples(self) -> list | None:
        if self._samples is not None and self._samples_version != self.data_version():
            self._samples = None  # customers changed since: the positions may have moved
        return self._samples
