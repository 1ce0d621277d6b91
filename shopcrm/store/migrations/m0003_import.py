"""Schema version 3: the import history (issue #3, Excel import).

One row per import that wrote (a cancelled import rolls back and leaves none): which file and
sheet, the options chosen, and the counts of the report. Frozen DDL: never edit a released step.
"""

STATEMENTS = [
    'CREATE TABLE "import_run" ("id" INTEGER NOT NULL PRIMARY KEY, "started_at" DATETIME NOT NULL, '
    '"finished_at" DATETIME, "file_name" VARCHAR(255) NOT NULL, "file_path" TEXT NOT NULL, '
    '"sheet" VARCHAR(255) NOT NULL, "header_row" INTEGER NOT NULL, "on_duplicate" VARCHAR(16) NOT NULL, '
    '"balance_mode" VARCHAR(16) NOT NULL, "status" VARCHAR(16) NOT NULL, '
    '"total_rows" INTEGER NOT NULL DEFAULT 0, "imported" INTEGER NOT NULL DEFAULT 0, '
    '"updated" INTEGER NOT NULL DEFAULT 0, "duplicates" INTEGER NOT NULL DEFAULT 0, '
    '"errors" INTEGER NOT NULL DEFAULT 0, "warnings" INTEGER NOT NULL DEFAULT 0, '
    '"balance_cents" INTEGER NOT NULL DEFAULT 0, "points" INTEGER NOT NULL DEFAULT 0, '
    "\"summary\" TEXT NOT NULL DEFAULT '{}')",
    'CREATE INDEX "import_run_started_at" ON "import_run" ("started_at")',
]


def migrate(db):
    for sql in STATEMENTS:
        db.execute_sql(sql)
