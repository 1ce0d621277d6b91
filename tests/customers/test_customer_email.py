"""customer.email (m0017, the e-mail channel's address): typed in the form, checked, imported
from a column called 邮箱 / 电子邮件 / E-mail / email, exported in the archive and read back."""

from __future__ import annotations

import pytest
from openpyxl import Workbook, load_workbook

from shopcrm import customers as C
from shopcrm.core.errors import ValidationError
from shopcrm.core.normalize import match_header
from shopcrm.customers import CustomerInput
from shopcrm.excel import excel_export as E, excel_import as X
from shopcrm.store.models import Customer


def test_email_is_stored_trimmed_and_a_wrong_one_is_refused_naming_the_field(db):
    c = C.create(CustomerInput(name="王芳", mobile="13812345678", extra={"email": " ｗａｎｇ@example.cn "}))  # noqa: RUF001 (full-width, as typed with a Chinese IME)
    assert Customer.get_by_id(c.id).email == "wang@example.cn"
    assert C.to_input(Customer.get_by_id(c.id)).extra["email"] == "wang@example.cn"
    with pytest.raises(ValidationError) as e:
        C.update(c.id, CustomerInput(name="王芳", mobile="13812345678", extra={"email": "wang@example"}))
    assert [x.field for x in e.value.errors] == ["email"] and "wang@example" in str(e.value)
    C.update(c.id, CustomerInput(name="王芳", mobile="13812345678", extra={"email": ""}))
    assert Customer.get_by_id(c.id).email == ""


@pytest.mark.parametrize("header", ["邮箱", "电子邮件", "E-mail", "email", "Ｅｍａｉｌ"])  # noqa: RUF001
def test_email_column_synonyms(header):
    assert match_header(header) == "email"


def _xlsx(path, rows):
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    wb.save(path)
    return path


def test_email_is_imported_a_wrong_one_is_a_warning_and_existing_customers_are_filled(db, tmp_path):
    C.create(CustomerInput(name="老王", mobile="13800000009"))
    path = _xlsx(
        tmp_path / "m.xlsx",
        [
            ["姓名", "手机", "E-mail"],
            ["甲", "13800000001", "jia@example.cn"],
            ["乙", "13800000002", "不是邮箱"],
            ["老王", "13800000009", "wang@example.cn"],
        ],
    )
    report = X.run(path, X.ImportOptions(on_duplicate="fill"))
    assert [r.cls for r in report.rows] == [X.IMPORTED, X.WARNED, X.UPDATED]
    assert report.rows[1].reason == "email_invalid" and report.rows[1].column == "E-mail"
    assert "不是邮箱" in report.rows[1].message
    emails = {c.name: c.email for c in Customer.select()}
    assert emails == {"甲": "jia@example.cn", "乙": "", "老王": "wang@example.cn"}


def test_email_is_exported_and_reads_back(db, tmp_path):
    C.create(CustomerInput(name="甲", mobile="13800000001", extra={"email": "jia@example.cn"}))
    path = E.export_customers(tmp_path / "out.xlsx").path
    rows = list(load_workbook(path)["客户"].iter_rows(values_only=True))
    assert rows[0][-1] == "邮箱" and rows[1][-1] == "jia@example.cn"
    Customer.delete().execute()
    X.run(path, X.ImportOptions())
    assert Customer.get().email == "jia@example.cn"
