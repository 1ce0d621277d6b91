"""Numbered schema steps: ``mNNNN_description.py`` with ``migrate(db)``.

Each step runs once, in its own transaction, when the stored ``PRAGMA user_version`` is below its
number. Released steps are never edited. Numbers may leave gaps.
"""
