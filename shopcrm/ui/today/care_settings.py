"""Settings of the 今日待办 list: horizons, the visit plan per grade, return-visit offsets,
festivals and the shop's own dates, channels and message templates (shopcrm.care stores them)."""

from __future__ import annotations

import copy

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from shopcrm import care
from shopcrm.core import festivals
from shopcrm.sales import activity
from shopcrm.ui.shell import forms

GRADES = ("A", "B", "C")
TEMPLATE_KINDS = ("birthday", "anniversary", "festival", "visit", "dormant", "complaint", "followup")
CHANNEL_KINDS = ("birthday", "anniversary", "festival", "return", "dormant", "complaint", "followup")


def _spin(lo: int, hi: int, value: int, name: str, suffix: str = "") -> QSpinBox:
    s = QSpinBox(objectName=name)
    s.setRange(lo, hi)
    s.setValue(int(value))
    if suffix:
        s.setSuffix(suffix)
    return s


def _channel_combo(value: str, name: str) -> QComboBox:
    c = QComboBox(objectName=name)
    for code in activity.CHANNELS:
        c.addItem(care.channel_text(code), code)
    c.setCurrentIndex(max(0, c.findData(value)))
    return c


class CareSettingsDialog(QDialog):
    saved = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("careSettingsDialog")
        self.setWindowTitle(self.tr("Care reminders settings"))
        self.s = care.load_settings()
        days = self.tr(" days")
        tabs = QTabWidget(objectName="careSettingsTabs")

        # general
        g = QWidget()
        form = QFormLayout(g)
        self.shop_name = QLineEdit(self.s["shop_name"], objectName="shopName")
        self.shop_name.setPlaceholderText(care.shop_name({"shop_name": ""}))
        self.birthday_days = _spin(0, 60, self.s["birthday_days"], "birthdayDays", days)
        self.festival_days = _spin(0, 30, self.s["festival_days"], "festivalDays", days)
        self.overdue_days = _spin(0, 365, self.s["overdue_days"], "overdueDays", days)
        self.service_overdue_days = _spin(0, 3650, self.s["service_overdue_days"], "serviceOverdueDays", days)
        self.dormant_days = _spin(7, 3650, self.s["dormant_days"], "dormantDays", days)
        self.join_anniversary = QCheckBox(self.tr("Greet on the anniversary of joining"), objectName="joinAnniversary")
        self.join_anniversary.setChecked(bool(self.s["join_anniversary"]))
        form.addRow(self.tr("Shop name in messages"), self.shop_name)
        form.addRow(self.tr("List birthdays and anniversaries ahead"), self.birthday_days)
        form.addRow(self.tr("List festival greetings ahead"), self.festival_days)
        form.addRow(self.tr("Keep unhandled greetings, return visits and wake-ups"), self.overdue_days)
        form.addRow(self.tr("Keep unhandled complaint and agreed follow-ups"), self.service_overdue_days)
        form.addRow(self.tr("Wake up customers with no purchase for"), self.dormant_days)
        form.addRow("", self.join_anniversary)
        tabs.addTab(g, self.tr("General"))

        # visit plan
        v = QWidget()
        grid = QGridLayout(v)
        for col, title in enumerate(
            (
                self.tr("Grade"),
                self.tr("Contacts a month"),
                self.tr("Channel"),
                self.tr("First within the month's first week"),
                self.tr("Or once every (months)"),
            )
        ):
            grid.addWidget(QLabel(f"<b>{title}</b>"), 0, col)
        self.plan_widgets = {}
        for row, grade in enumerate(GRADES, start=1):
            p = self.s["visit_plan"].get(grade, {"per_month": 0, "channel": "phone", "first_week": False})
            per = _spin(0, 30, p.get("per_month", 0), f"perMonth{grade}")
            ch = _channel_combo(p.get("channel", "phone"), f"visitChannel{grade}")
            fw = QCheckBox(objectName=f"firstWeek{grade}")
            fw.setChecked(bool(p.get("first_week")))
            grid.addWidget(QLabel(grade), row, 0)
            grid.addWidget(per, row, 1)
            grid.addWidget(ch, row, 2)
            grid.addWidget(fw, row, 3)
            # grades visited less than monthly (contacts a month 0): 3 = quarterly, 6 = half-yearly
            every = _spin(0, 24, p.get("every_months", 0), f"everyMonths{grade}")
            every.setSpecialValueText("—")
            grid.addWidget(every, row, 4)
            self.plan_widgets[grade] = (per, ch, fw, every)
        self.default_grade = QComboBox(objectName="defaultGrade")
        for grade in GRADES:
            self.default_grade.addItem(grade, grade)
        self.default_grade.addItem(self.tr("No visit plan"), "")
        self.default_grade.setCurrentIndex(max(0, self.default_grade.findData(self.s["default_grade"])))
        self.daily_limit = _spin(0, 100_000, self.s["visit_daily_limit"], "visitDailyLimit")
        self.daily_limit.setSpecialValueText(self.tr("All"))
        n = len(GRADES) + 1
        grid.addWidget(QLabel(self.tr("Customers not graded yet count as")), n, 0, 1, 2)
        grid.addWidget(self.default_grade, n, 2)
        grid.addWidget(QLabel(self.tr("Scheduled visits listed per day (most overdue first)")), n + 1, 0, 1, 2)
        grid.addWidget(self.daily_limit, n + 1, 2)
        # items listed per kind before "Load more" (a festival would list every customer)
        self.source_cap = _spin(10, 1_000_000, self.s["source_cap"], "sourceCap")
        grid.addWidget(QLabel(self.tr("Items listed per kind at most")), n + 2, 0, 1, 2)
        grid.addWidget(self.source_cap, n + 2, 2)
        note = QLabel(
            self.tr(
                "A customer is due when the last contact is older than 30 days divided by "
                "the contacts a month. Customers who declined marketing are not visited."
            )
        )
        note.setWordWrap(True)
        grid.addWidget(note, n + 3, 0, 1, 4)
        grid.setRowStretch(n + 4, 1)
        tabs.addTab(v, self.tr("Visit plan"))

        # return visits
        r = QWidget()
        rl = QVBoxLayout(r)
        self.returns = QTableWidget(0, 3, objectName="returnOffsets")
        self.returns.setHorizontalHeaderLabels(
            [self.tr("Days after purchase"), self.tr("Purpose"), self.tr("Message template")]
        )
        self.returns.horizontalHeader().setStretchLastSection(True)
        self.returns.setColumnWidth(0, 120)
        self.returns.setColumnWidth(1, 140)
        for off in self.s["return_offsets"]:
            self._add_return(off)
        rb = QHBoxLayout()
        add = QPushButton(self.tr("Add"), objectName="addReturn")
        add.clicked.connect(lambda: self._add_return({"days": 7, "label": "", "template": "{称呼}您好，"}))
        rem = QPushButton(self.tr("Remove"), objectName="removeReturn")
        rem.clicked.connect(lambda: self.returns.removeRow(self.returns.currentRow()))
        rb.addWidget(add)
        rb.addWidget(rem)
        rb.addStretch(1)
        rl.addWidget(QLabel(self.tr("Every purchase (unless a category below applies)")))
        rl.addWidget(self.returns)
        rl.addLayout(rb)
        # per category: a purchase whose items contain the category follows its own days
        rl.addWidget(QLabel(self.tr("By product or service category (e.g. 护理: 1,7,30)")))
        self.plans = QTableWidget(0, 2, objectName="returnPlans")
        self.plans.setHorizontalHeaderLabels([self.tr("Category (items containing)"), self.tr("Days after purchase")])
        self.plans.horizontalHeader().setStretchLastSection(True)
        self.plans.setColumnWidth(0, 220)
        for plan in self.s["return_plans"]:
            self.add_plan(plan.get("match", ""), ",".join(str(o.get("days")) for o in plan.get("offsets", [])))
        pb = QHBoxLayout()
        add = QPushButton(self.tr("Add category"), objectName="addReturnPlan")
        add.clicked.connect(lambda: self.add_plan("", "1,7,30", edit=True))
        rem = QPushButton(self.tr("Remove category"), objectName="removeReturnPlan")
        rem.clicked.connect(lambda: self.plans.removeRow(self.plans.currentRow()))
        pb.addWidget(add)
        pb.addWidget(rem)
        pb.addStretch(1)
        rl.addWidget(self.plans)
        rl.addLayout(pb)
        tabs.addTab(r, self.tr("Return visits"))

        # festivals
        f = QWidget()
        fl = QVBoxLayout(f)
        box = QGridLayout()
        self.festival_checks = {}
        for i, fest in enumerate(festivals.BUILTIN):
            cb = QCheckBox(fest.name, objectName=f"festival_{fest.key}")
            cb.setChecked(fest.key in self.s["festivals"])
            self.festival_checks[fest.key] = cb
            box.addWidget(cb, i // 5, i % 5)
        fl.addLayout(box)
        gl = QHBoxLayout()
        gl.addWidget(QLabel(self.tr("Greet customers of grade")))
        self.festival_grades = {}
        for grade in GRADES:
            cb = QCheckBox(grade, objectName=f"festivalGrade{grade}")
            cb.setChecked(grade in self.s["festival_grades"])
            self.festival_grades[grade] = cb
            gl.addWidget(cb)
        gl.addStretch(1)
        fl.addLayout(gl)
        fl.addWidget(QLabel(self.tr("The shop's own dates (shop anniversary, member day…)")))
        self.shop_dates = QTableWidget(0, 4, objectName="shopDates")
        self.shop_dates.setHorizontalHeaderLabels([self.tr("Name"), self.tr("Month"), self.tr("Day"), self.tr("Lunar")])
        self.shop_dates.horizontalHeader().setStretchLastSection(True)
        for sd in self.s["shop_dates"]:
            self._add_shop_date(sd)
        sb = QHBoxLayout()
        add = QPushButton(self.tr("Add"), objectName="addShopDate")
        add.clicked.connect(lambda: self._add_shop_date({"name": "", "month": 1, "day": 1, "lunar": False}))
        rem = QPushButton(self.tr("Remove"), objectName="removeShopDate")
        rem.clicked.connect(lambda: self.shop_dates.removeRow(self.shop_dates.currentRow()))
        sb.addWidget(add)
        sb.addWidget(rem)
        sb.addStretch(1)
        fl.addWidget(self.shop_dates)
        fl.addLayout(sb)
        tabs.addTab(f, self.tr("Festivals"))

        # templates and channels
        t = QWidget()
        tl = QVBoxLayout(t)
        top = QHBoxLayout()
        self.template_kind = QComboBox(objectName="templateKind")
        for kind in TEMPLATE_KINDS:
            self.template_kind.addItem(care.kind_text(kind), kind)
        # messages are drafted in this language whatever the interface language
        self.message_language = QComboBox(objectName="messageLanguage")
        from shopcrm.ui.shell.i18n import LANGUAGES

        for code, name in LANGUAGES.items():
            self.message_language.addItem(name, code)
        self.message_language.setCurrentIndex(max(0, self.message_language.findData(care.message_language(self.s))))
        top.addWidget(QLabel(self.tr("Write to customers in")))
        top.addWidget(self.message_language)
        top.addWidget(QLabel(self.tr("Occasion")))
        top.addWidget(self.template_kind)
        top.addWidget(QLabel(self.tr("Suggested channel")))
        self.channel_combo = _channel_combo(self.s["channels"].get("birthday", "phone"), "kindChannel")
        top.addWidget(self.channel_combo)
        top.addStretch(1)
        tl.addLayout(top)
        self.template_edit = QPlainTextEdit(objectName="templateEdit")
        tl.addWidget(self.template_edit)
        help_ = QLabel(self.tr("Placeholders: %1").replace("%1", " ".join(care.PLACEHOLDERS)))
        help_.setWordWrap(True)
        help_.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        tl.addWidget(help_)
        self.templates = dict(self.s["templates"])
        self.channels = dict(self.s["channels"])
        self._kind = "birthday"
        self.template_edit.setPlainText(self.templates.get("birthday", ""))
        self.template_kind.currentIndexChanged.connect(self._switch_template)
        tabs.addTab(t, self.tr("Messages"))

        self.tabs = tabs
        self.error = QLabel(objectName="settingsError")
        self.error.setStyleSheet("color: #c62828;")
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(tabs)
        lay.addWidget(self.error)
        lay.addWidget(self.buttons)
        self.resize(720, 480)

        # --- rows ----------------------------------------------------------------------------------
        forms.settle(self, first=self.shop_name)

    def _add_return(self, off: dict) -> None:
        row = self.returns.rowCount()
        self.returns.insertRow(row)
        self.returns.setCellWidget(row, 0, _spin(1, 730, off.get("days", 3), f"returnDays{row}"))
        self.returns.setItem(row, 1, QTableWidgetItem(off.get("label", "")))
        self.returns.setItem(row, 2, QTableWidgetItem(off.get("template", "")))

    def add_plan(self, category: str, days: str, *, edit: bool = False) -> int:
        row = self.plans.rowCount()
        self.plans.insertRow(row)
        self.plans.setItem(row, 0, QTableWidgetItem(category))
        self.plans.setItem(row, 1, QTableWidgetItem(days))
        if edit:
            self.plans.setCurrentCell(row, 0)
            self.plans.editItem(self.plans.item(row, 0))
        return row

    def plan_rows(self) -> list[tuple[str, str]]:
        return [
            ((self.plans.item(r, 0) or QTableWidgetItem()).text(), (self.plans.item(r, 1) or QTableWidgetItem()).text())
            for r in range(self.plans.rowCount())
        ]

    def _add_shop_date(self, sd: dict) -> None:
        row = self.shop_dates.rowCount()
        self.shop_dates.insertRow(row)
        self.shop_dates.setItem(row, 0, QTableWidgetItem(sd.get("name", "")))
        self.shop_dates.setCellWidget(row, 1, _spin(1, 12, sd.get("month", 1), f"shopMonth{row}"))
        self.shop_dates.setCellWidget(row, 2, _spin(1, 31, sd.get("day", 1), f"shopDay{row}"))
        cb = QCheckBox(objectName=f"shopLunar{row}")
        cb.setChecked(bool(sd.get("lunar")))
        self.shop_dates.setCellWidget(row, 3, cb)

    def _switch_template(self) -> None:
        self._switch_template_store()
        self._kind = self.template_kind.currentData()
        self.template_edit.setPlainText(self.templates.get(self._kind, ""))
        if self._kind in self.channels:
            self.channel_combo.setCurrentIndex(max(0, self.channel_combo.findData(self.channels[self._kind])))
        self.channel_combo.setEnabled(self._kind in CHANNEL_KINDS)

    # --- result --------------------------------------------------------------------------------
    def values(self) -> dict:
        self._switch_template_store()
        s = copy.deepcopy(self.s)
        s.update(
            shop_name=self.shop_name.text().strip(),
            message_language=self.message_language.currentData(),
            birthday_days=self.birthday_days.value(),
            festival_days=self.festival_days.value(),
            overdue_days=self.overdue_days.value(),
            service_overdue_days=self.service_overdue_days.value(),
            dormant_days=self.dormant_days.value(),
            join_anniversary=self.join_anniversary.isChecked(),
            default_grade=self.default_grade.currentData(),
            visit_daily_limit=self.daily_limit.value(),
            source_cap=self.source_cap.value(),
            visit_plan={
                g: {
                    "per_month": per.value(),
                    "channel": ch.currentData(),
                    "first_week": fw.isChecked(),
                    "every_months": every.value(),
                }
                for g, (per, ch, fw, every) in self.plan_widgets.items()
            },
            return_offsets=[
                {
                    "days": self.returns.cellWidget(r, 0).value(),
                    "label": (self.returns.item(r, 1) or QTableWidgetItem()).text().strip(),
                    "template": (self.returns.item(r, 2) or QTableWidgetItem()).text(),
                }
                for r in range(self.returns.rowCount())
            ],
            return_plans=care.return_plan_rows(self.plan_rows(), self.s["return_plans"]),
            festivals=[k for k, cb in self.festival_checks.items() if cb.isChecked()],
            festival_grades=[g for g, cb in self.festival_grades.items() if cb.isChecked()],
            shop_dates=[
                {
                    "name": (self.shop_dates.item(r, 0) or QTableWidgetItem()).text().strip(),
                    "month": self.shop_dates.cellWidget(r, 1).value(),
                    "day": self.shop_dates.cellWidget(r, 2).value(),
                    "lunar": self.shop_dates.cellWidget(r, 3).isChecked(),
                }
                for r in range(self.shop_dates.rowCount())
            ],
            templates=dict(self.templates),
            channels=dict(self.channels),
        )
        return s

    def _switch_template_store(self) -> None:
        self.templates[self._kind] = self.template_edit.toPlainText()
        if self._kind in CHANNEL_KINDS:
            self.channels[self._kind] = self.channel_combo.currentData()

    def save(self) -> bool:
        try:
            care.save_settings(self.values())
        except (ValueError, PermissionError) as exc:  # PermissionError: clerk mode (issue #7)
            self.error.setText(str(exc))
            return False
        self.saved.emit()
        self.accept()
        return True
