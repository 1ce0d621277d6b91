"""Complaint handling: record, judge, work the six steps, resolve, follow up, report.

Plain Python (no Qt). Every change is one transaction that also writes a timeline event (who/what/
when) and keeps ``Customer.open_complaints`` in step. Status workflow (codes in the database):

    new ──► in_progress ──► resolved ──► closed
               ▲   │  ▲         │           │
               │   ▼  └─────────┴───────────┘   reopen (from resolved or closed)
             waiting                              (the due clock is paused while waiting)

A complaint is *open* while it is new, in progress or waiting on the customer; the customer list
marks customers with an open complaint. A resolved complaint waits for its satisfaction follow-up,
which closes it.

The due clock: ``due_at`` is set from the severity when the complaint is received. Entering
``waiting`` stores ``paused_since``; leaving it moves ``due_at`` later by the time spent waiting
(and adds it to ``paused_seconds``), so "overdue" stays a plain indexed ``due_at < now``.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import asdict, dataclass, field

from shopcrm import customers
from shopcrm.core.errors import DuplicateError, FieldError, ValidationError
from shopcrm.core.money import fmt
from shopcrm.core.normalize import nfkc, normalize_mobile, normalize_name
from shopcrm.core.texts import register, t
from shopcrm.customers import ledger
from shopcrm.sales import counter
from shopcrm.store import locks, sqlfn
from shopcrm.store.db import database
from shopcrm.store.models import Complaint, ComplaintEvent, Customer, Purchase, now, sql_ts
from shopcrm.store.settings import Section

# --- vocabulary -------------------------------------------------------------------------------

STATUSES = ("new", "in_progress", "waiting", "resolved", "closed")
OPEN_STATUSES = ("new", "in_progress", "waiting")
CLOCK_RUNNING = ("new", "in_progress")  # statuses in which a complaint can be overdue

# the only moves; the value is the public function that makes the move
ALLOWED: dict[tuple[str, str], str] = {
    ("new", "in_progress"): "start",
    ("in_progress", "waiting"): "wait_for_customer",
    ("waiting", "in_progress"): "resume",
    ("in_progress", "resolved"): "resolve",
    ("resolved", "closed"): "record_followup",
    ("resolved", "in_progress"): "reopen",
    ("closed", "in_progress"): "reopen",
}

CHANNELS = ("到店", "电话", "微信", "线上评价", "其他")
VALIDITIES = ("valid", "partial", "invalid")
STEPS = ("listen", "restate", "apologise", "acknowledge", "explain", "thank")
ALL_STEPS = (1 << len(STEPS)) - 1
RESOLUTION_TYPES = ("退货", "换货", "维修", "退款", "补偿", "赠品", "道歉说明", "其他")
MONEY_RESOLUTIONS = ("退款", "补偿")  # an amount is required
REFUNDABLE = ("退货", "退款", "补偿")  # may be paid back to the stored-value card
AMOUNT_RESOLUTIONS = ("退货", "换货", "维修", "退款", "补偿", "赠品")  # an amount may be given

register(
    {
        "field.complaint": ("投诉", "Complaint"),
        "field.customer": ("客户", "Customer"),
        "field.walkin_name": ("来访人姓名", "Walk-in name"),
        "field.walkin_mobile": ("来访人手机", "Walk-in mobile"),
        "field.key_points": ("投诉要点", "Key points"),
        "field.channel": ("渠道", "Channel"),
        "field.category": ("类别", "Category"),
        "field.temperament": ("客户性格", "Temperament"),
        "field.severity": ("严重程度", "Severity"),
        "field.received_at": ("受理时间", "Received"),
        "field.validity": ("是否成立", "Validity"),
        "field.validity_reason": ("判定理由", "Reason"),
        "field.resolution_type": ("处理方式", "Resolution"),
        "field.resolution_amount": ("处理金额", "Amount"),
        "field.satisfaction": ("满意度", "Satisfaction"),
        "field.reopen_reason": ("重开原因", "Reason for reopening"),
        "field.step": ("处理步骤", "Handling step"),
        "field.status": ("状态", "Status"),
        "field.config": ("投诉设置", "Complaint settings"),
        "cmp.status.new": ("新建", "New"),
        "cmp.status.in_progress": ("处理中", "In progress"),
        "cmp.status.waiting": ("待客户回复", "Waiting on customer"),
        "cmp.status.resolved": ("已解决", "Resolved"),
        "cmp.status.closed": ("已回访(关闭)", "Followed up (closed)"),
        "cmp.validity.valid": ("成立", "Valid"),
        "cmp.validity.partial": ("部分成立", "Partly valid"),
        "cmp.validity.invalid": ("不成立", "Not valid"),
        "cmp.validity.": ("未判定", "Not judged"),
        "cmp.step.listen": ("耐心倾听，让顾客说完", "Listen fully"),
        "cmp.step.restate": ("复述问题，确认理解", "Restate to confirm"),
        "cmp.step.apologise": ("真诚道歉", "Apologise sincerely"),
        "cmp.step.acknowledge": ("认同顾客感受", "Acknowledge the feelings"),
        "cmp.step.explain": ("说明处理措施", "Explain the action"),
        "cmp.step.thank": ("感谢顾客", "Thank the customer"),
        "cmp.channel.到店": ("到店", "In store"),
        "cmp.channel.电话": ("电话", "Phone"),
        "cmp.channel.微信": ("微信", "WeChat"),
        "cmp.channel.线上评价": ("线上评价", "Online review"),
        "cmp.channel.其他": ("其他", "Other"),
        "cmp.res.退货": ("退货", "Return"),
        "cmp.res.换货": ("换货", "Exchange"),
        "cmp.res.维修": ("维修", "Repair"),
        "cmp.res.退款": ("退款", "Refund"),
        "cmp.res.补偿": ("补偿", "Compensation"),
        "cmp.res.赠品": ("赠品", "Gift"),
        "cmp.res.道歉说明": ("道歉说明", "Apology and explanation"),
        "cmp.res.其他": ("其他", "Other"),
        # errors
        "cmp.e.move": (
            "投诉 #{id} 当前为“{current}”，不能改为“{target}”。{hint}",
            "Complaint #{id} is “{current}” and cannot become “{target}”. {hint}",
        ),
        "cmp.e.move_hint": ("当前可以：{allowed}。", "Possible now: {allowed}."),
        "cmp.e.move_none": ("此状态下不能再改变状态。", "No change of status is possible now."),
        "cmp.e.not_found": ("投诉 #{id} 不存在（可能已被删除）", "Complaint #{id} does not exist (deleted?)"),
        "cmp.e.who_required": (
            "请选择或填写客户，或填写来访人姓名和手机",
            "Pick a customer, or enter the walk-in's name and mobile",
        ),
        "cmp.e.customer_missing": (
            "客户 #{id} 不存在或已在回收站",
            "Customer #{id} does not exist or is in the recycle bin",
        ),
        "cmp.e.not_in_list": (
            "{field}“{value}”不在可选列表中（{allowed}）",
            "{field} “{value}” is not one of: {allowed}",
        ),
        "cmp.e.received_future": ("{field}“{value}”在未来", "{field} “{value}” is in the future"),
        "cmp.e.validity_first": (
            "解决前请先判断投诉是否成立，并写明理由",
            "Judge whether the complaint is valid (with a reason) before resolving it",
        ),
        "cmp.e.amount_required": ("处理方式为“{kind}”时必须填写金额", "An amount is required for “{kind}”"),
        "cmp.e.amount_not_allowed": ("处理方式为“{kind}”时不涉及金额", "“{kind}” takes no amount"),
        "cmp.e.refund_walkin": (
            "来访人还不是客户，不能退款到储值卡：请先“转为客户”",
            "The walk-in is not a customer yet; turn them into a customer before refunding to a card",
        ),
        "cmp.e.refund_kind": (
            "只有退货、退款、补偿可以退到储值卡",
            "Only returns, refunds and compensation can go to the card",
        ),
        "cmp.e.refund_amount": ("退到储值卡的金额必须大于 0", "The amount refunded to the card must be above 0"),
        "cmp.e.satisfaction": ("满意度必须是 1 到 5 分", "Satisfaction must be 1 to 5"),
        "cmp.e.already_customer": ("投诉 #{id} 已关联客户", "Complaint #{id} already has a customer"),
        "cmp.e.config_empty": ("{field}：“{what}”至少要有一项", "{field}: “{what}” needs at least one entry"),
        "cmp.e.config_dup": ("{field}：“{what}”中“{value}”重复", "{field}: “{value}” appears twice in “{what}”"),
        "cmp.e.config_hours": (
            "{field}：严重程度“{value}”的处理时限必须是 1 到 8760 小时",
            "{field}: the due time of severity “{value}” must be 1 to 8760 hours",
        ),
        "cmp.e.config_days": ("{field}：回访天数必须是 0 到 60 天", "{field}: follow-up days must be 0 to 60"),
        "cmp.e.config_line": (
            "{field}：第 {line} 行“{value}”格式不对，应为“名称 | {what}”",
            "{field}: line {line} “{value}” should read “name | {what}”",
        ),
        "cmp.cfg.categories": ("类别", "categories"),
        "cmp.cfg.temperaments": ("客户性格", "temperaments"),
        "cmp.cfg.severities": ("严重程度", "severities"),
        "cmp.cfg.tip": ("处理提示", "handling tip"),
        "cmp.cfg.hours": ("小时数", "hours"),
        # timeline
        "cmp.ev.created": (
            "登记投诉：{category}，{severity}，期限 {due}",
            "Recorded: {category}, {severity}, due {due}",
        ),
        "cmp.ev.edited": ("修改：{changes}", "Edited: {changes}"),
        "cmp.ev.customer": ("来访人已转为客户：{name} {mobile}", "Walk-in became customer {name} {mobile}"),
        "cmp.ev.customer_linked": ("关联到已有客户：{name} {mobile}", "Linked to existing customer {name} {mobile}"),
        "cmp.ev.validity": ("判定：{validity}。理由：{reason}", "Judged {validity}. Reason: {reason}"),
        "cmp.ev.step_done": ("完成步骤：{step}", "Step done: {step}"),
        "cmp.ev.step_undone": ("取消步骤：{step}", "Step unticked: {step}"),
        "cmp.ev.status": ("状态：{old} → {new}", "Status: {old} → {new}"),
        "cmp.ev.paused": ("状态：{old} → {new}（期限计时暂停）", "Status: {old} → {new} (due clock paused)"),
        "cmp.ev.resumed": (
            "状态：{old} → {new}（恢复计时，暂停 {paused}，新期限 {due}）",
            "Status: {old} → {new} (clock resumed after {paused}, due {due})",
        ),
        "cmp.ev.resolved": (
            "已解决：{kind}{amount}。{notes}（{n} 天后回访，{followup}）",
            (
                "Resolved: {kind}{amount}. {notes} (follow-up in {n} day, {followup})",
                "Resolved: {kind}{amount}. {notes} (follow-up in {n} days, {followup})",
            ),
        ),
        "cmp.ev.refund": (
            "退款 {amount} 元到储值卡，余额 {balance} 元",
            "Refunded {amount} to the card; balance {balance}",
        ),
        "cmp.ev.followup": (
            "回访：满意度 {satisfaction} 分。{notes}",
            "Follow-up: satisfaction {satisfaction}/5. {notes}",
        ),
        "cmp.ev.reopened": ("重新打开：{reason}", "Reopened: {reason}"),
        "cmp.ev.note": ("备注：{text}", "Note: {text}"),
        "cmp.e.refund_purchase": (
            "消费记录 #{id} 不是该客户的，不能用于本投诉的退款",
            "Purchase #{id} is not this customer's: it cannot carry this complaint's refund",
        ),
        "cmp.e.purchase_without_refund": (
            "只有退到储值卡时才能指定消费记录",
            "A purchase can be named only for a refund to the card",
        ),
        "cmp.ledger_reason": ("投诉 #{id} 退款", "Refund for complaint #{id}"),
        "cmp.contact_purpose": ("投诉回访 #{id}", "Complaint follow-up #{id}"),
        "cmp.duration": ("{h} 小时 {m} 分", "{h} h {m} min"),
    }
)


def status_label(code: str) -> str:
    return t(f"cmp.status.{code}")


def validity_label(code: str) -> str:
    return t(f"cmp.validity.{code or ''}")


def step_label(index: int) -> str:
    return t(f"cmp.step.{STEPS[index]}")


def channel_label(value: str) -> str:
    key = f"cmp.channel.{value}"
    from shopcrm.core.texts import CATALOGUE

    return t(key) if key in CATALOGUE else value


def resolution_label(value: str) -> str:
    key = f"cmp.res.{value}"
    from shopcrm.core.texts import CATALOGUE

    return t(key) if key in CATALOGUE else value


class WorkflowError(ValueError):
    """A change of status that the workflow does not allow; ``str(e)`` is for the user."""

    def __init__(self, complaint_id: int, current: str, target: str):
        self.complaint_id, self.current, self.target = complaint_id, current, target
        allowed = [status_label(b) for (a, b) in ALLOWED if a == current]
        hint = t("cmp.e.move_hint", allowed="、".join(allowed)) if allowed else t("cmp.e.move_none")
        super().__init__(
            t("cmp.e.move", id=complaint_id, current=status_label(current), target=status_label(target), hint=hint)
        )


def allowed_moves(status: str) -> list[str]:
    return [b for (a, b) in ALLOWED if a == status]


# --- configuration (Setting "complaints.config", JSON) ----------------------------------------

CONFIG_KEY = "complaints.config"


@dataclass
class Temperament:
    name: str
    tip: str


@dataclass
class Severity:
    name: str
    hours: int


@dataclass
class ComplaintConfig:
    categories: list[str] = field(
        default_factory=lambda: ["商品质量", "服务态度", "价格", "售后三包", "配送", "环境", "其他"]
    )
    temperaments: list[Temperament] = field(
        default_factory=lambda: [
            Temperament(
                "感情用事",
                "先处理心情，再处理事情：让顾客把话说完，不打断、不争辩；先表示理解和歉意，情绪平复后再谈方案。",
            ),
            Temperament(
                "有备而来",
                "顾客带着证据和明确诉求：认真核对事实，依规定给出清楚的方案和时间，"
                "不含糊、不推诿，超出权限及时请店长出面。",
            ),
            Temperament("理性沟通", "就事论事：说明原因、可选方案和完成时间，让顾客选择，说到做到。"),
            Temperament("其他", "耐心倾听，确认诉求，及时告知进展。"),
        ]
    )
    severities: list[Severity] = field(
        default_factory=lambda: [Severity("紧急", 24), Severity("一般", 72), Severity("轻微", 168)]
    )
    followup_days: int = 3
    nearly_due_hours: int = 12  # a running case due within this many hours is flagged "nearly due"

    def tip_for(self, temperament: str) -> str:
        return next((x.tip for x in self.temperaments if x.name == temperament), "")

    def hours_for(self, severity: str) -> int | None:
        return next((x.hours for x in self.severities if x.name == severity), None)

    @classmethod
    def from_stored(cls, raw: dict) -> ComplaintConfig:
        """The stored JSON value read over the defaults."""
        base = cls()
        return cls(
            categories=list(raw.get("categories") or base.categories),
            temperaments=[Temperament(**x) for x in raw.get("temperaments") or []] or base.temperaments,
            severities=[Severity(x["name"], int(x["hours"])) for x in raw.get("severities") or []] or base.severities,
            followup_days=int(raw.get("followup_days", base.followup_days)),
            nearly_due_hours=int(raw.get("nearly_due_hours", base.nearly_due_hours)),
        )


DEFAULT_CONFIG = ComplaintConfig()


def get_config() -> ComplaintConfig:
    return CONFIG.load()


def validate_config(cfg: ComplaintConfig) -> ComplaintConfig:
    """Trimmed copy of ``cfg``; raises ValidationError naming each problem."""
    errors: list[FieldError] = []
    cats = [c.strip() for c in cfg.categories if c and c.strip()]
    temps = [Temperament(x.name.strip(), x.tip.strip()) for x in cfg.temperaments if x.name.strip()]
    sevs = [Severity(x.name.strip(), x.hours) for x in cfg.severities if x.name.strip()]
    for what, names in (
        ("categories", cats),
        ("temperaments", [x.name for x in temps]),
        ("severities", [x.name for x in sevs]),
    ):
        if not names:
            errors.append(FieldError("config", "cmp.e.config_empty", what=t(f"cmp.cfg.{what}")))
        seen = set()
        for n in names:
            if n in seen:
                errors.append(FieldError("config", "cmp.e.config_dup", what=t(f"cmp.cfg.{what}"), value=n))
            seen.add(n)
    for s in sevs:
        if not isinstance(s.hours, int) or not 1 <= s.hours <= 8760:
            errors.append(FieldError("config", "cmp.e.config_hours", value=s.name))
    if not 0 <= int(cfg.followup_days) <= 60:
        errors.append(FieldError("config", "cmp.e.config_days"))
    if errors:
        raise ValidationError(errors)
    return ComplaintConfig(cats, temps, sevs, int(cfg.followup_days), int(cfg.nearly_due_hours))


# stored as asdict(config); a damaged setting reads as the defaults
CONFIG: Section[ComplaintConfig] = Section(
    CONFIG_KEY,
    ComplaintConfig,
    decode=lambda _defaults, raw: ComplaintConfig.from_stored(raw),
    encode=asdict,
    validate=validate_config,
    damaged_reads_as_defaults=True,
)


def save_config(cfg: ComplaintConfig) -> ComplaintConfig:
    """Store the settings (owner only once a PIN is set, like every other setting; logged)."""
    from shopcrm.trust import audit, security

    security.require_owner("settings")
    with database.atomic():
        clean = CONFIG.save(cfg)  # validated first (validate_config)
        audit.log("settings", detail=CONFIG_KEY)
    return clean


def parse_named_lines(text: str, what: str, *, numeric: bool) -> list[tuple[str, str | int]]:
    """``名称 | 值`` per line (the settings dialog's plain-text editor) -> pairs.
    ``numeric``: the value is a whole number of hours. Raises ValidationError per bad line."""
    out, errors = [], []
    for i, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        name, _sep, value = (p.strip() for p in nfkc(line).partition("|"))
        if numeric:
            try:
                out.append((name, int(value)))
                continue
            except ValueError:  # expected: reported as a configuration error just below
                pass
            errors.append(FieldError("config", "cmp.e.config_line", line=i, value=line, what=t("cmp.cfg.hours")))
        else:
            out.append((name, value))
    if errors:
        raise ValidationError(errors)
    return out


# --- recording --------------------------------------------------------------------------------


@dataclass
class ComplaintInput:
    customer_id: int | None = None
    walkin_name: str = ""
    walkin_mobile: str = ""
    received_at: dt.datetime | None = None  # None = now
    channel: str = "到店"
    category: str = ""
    key_points: str = ""
    request: str = ""
    temperament: str = ""
    severity: str = ""
    handler: str = ""


def _not_in_list(field_name: str, value: str, allowed) -> FieldError:
    return FieldError(field_name, "cmp.e.not_in_list", value=value, allowed="、".join(allowed))


def _validate(data: ComplaintInput, cfg: ComplaintConfig, at: dt.datetime, *, check_who: bool = True) -> dict:
    errors: list[FieldError] = []
    out: dict = {}
    if not check_who:  # an edit: who complained is not edited here (see convert_walkin)
        pass
    elif data.customer_id is not None:
        c = Customer.get_or_none(Customer.id == data.customer_id)
        if c is None or c.deleted_at is not None:
            errors.append(FieldError("customer", "cmp.e.customer_missing", id=data.customer_id))
        out.update(customer=data.customer_id, walkin_name="", walkin_mobile="")
    else:
        name = normalize_name(data.walkin_name)
        mobile = ""
        if not name and not nfkc(data.walkin_mobile):
            errors.append(FieldError("customer", "cmp.e.who_required"))
        else:
            if not name:
                errors.append(FieldError("walkin_name", "v.required"))
            try:
                mobile = normalize_mobile(data.walkin_mobile, "walkin_mobile")
            except FieldError as exc:
                errors.append(exc)
        out.update(customer=None, walkin_name=name, walkin_mobile=mobile)
    received = (data.received_at or at).replace(microsecond=0)
    if received > at + dt.timedelta(minutes=5):
        errors.append(FieldError("received_at", "cmp.e.received_future", value=sql_ts(received)))
    if data.channel not in CHANNELS:
        errors.append(_not_in_list("channel", data.channel, CHANNELS))
    category = data.category.strip()
    if not category:
        errors.append(FieldError("category", "v.required"))
    elif category not in cfg.categories:
        errors.append(_not_in_list("category", category, cfg.categories))
    key_points = data.key_points.strip()
    if not key_points:
        errors.append(FieldError("key_points", "v.required"))
    temperament = data.temperament.strip()
    if temperament and temperament not in [x.name for x in cfg.temperaments]:
        errors.append(_not_in_list("temperament", temperament, [x.name for x in cfg.temperaments]))
    severity = data.severity.strip()
    hours = cfg.hours_for(severity)
    if not severity:
        errors.append(FieldError("severity", "v.required"))
    elif hours is None:
        errors.append(_not_in_list("severity", severity, [x.name for x in cfg.severities]))
    if errors:
        raise ValidationError(errors)
    out.update(
        received_at=received,
        channel=data.channel,
        category=category,
        key_points=key_points,
        request=data.request.strip(),
        temperament=temperament,
        severity=severity,
        handler=data.handler.strip(),
        due_at=received + dt.timedelta(hours=hours),
    )
    return out


def _event(complaint_id: int, who: str, action: str, detail: str, at: dt.datetime) -> None:
    ComplaintEvent.create(complaint=complaint_id, at=at, who=who or "", action=action, detail=detail)


def _bump_open(customer_id: int | None, delta: int) -> None:
    if customer_id is not None and delta:
        database.execute_sql(
            f"UPDATE customer SET open_complaints = {sqlfn.greatest('open_complaints + ?', '0')} WHERE id = ?",
            (delta, customer_id),
        )


def create(data: ComplaintInput, *, who: str = "", at: dt.datetime | None = None) -> Complaint:
    """Validate and record a new complaint (status ``new``) with its due time from the severity."""
    at = (at or now()).replace(microsecond=0)
    cfg = get_config()
    values = _validate(data, cfg, at)
    with database.atomic():
        c = Complaint.create(status="new", created_at=at, updated_at=at, **values)
        _event(
            c.id,
            who,
            "created",
            t("cmp.ev.created", category=c.category, severity=c.severity, due=_short(c.due_at)),
            at,
        )
        _bump_open(c.customer_id, +1)
    return get(c.id)


EDITABLE = ("channel", "category", "key_points", "request", "temperament", "severity", "handler")


def update_details(
    complaint_id: int, data: ComplaintInput, *, who: str = "", at: dt.datetime | None = None
) -> Complaint:
    """Change what was recorded (channel, category, key points, request, temperament, severity,
    handler). A new severity moves the due time (keeping any time already spent waiting)."""
    at = (at or now()).replace(microsecond=0)
    cfg = get_config()
    with database.atomic():
        c = _load(complaint_id, for_change=True)
        # values no longer in the settings may stay as they were (the settings changed later)
        if c.category and c.category not in cfg.categories:
            cfg.categories.append(c.category)
        if c.temperament and c.temperament not in [x.name for x in cfg.temperaments]:
            cfg.temperaments.append(Temperament(c.temperament, ""))
        if c.severity and cfg.hours_for(c.severity) is None:
            cfg.severities.append(Severity(c.severity, 0))  # kept, so the due time is not recomputed
        probe = ComplaintInput(received_at=c.received_at, **{k: getattr(data, k) for k in EDITABLE})
        values = _validate(probe, cfg, max(at, c.received_at), check_who=False)
        changes = []
        old_severity = c.severity
        for k in EDITABLE:
            if getattr(c, k) != values[k]:
                before, after = getattr(c, k), values[k]
                if k in ("key_points", "request"):
                    before, after = _clip(before), _clip(after)
                changes.append(f"{t('field.' + k)} {before or '—'} → {after or '—'}")
                setattr(c, k, values[k])
        if c.severity != old_severity:
            c.due_at = c.received_at + dt.timedelta(hours=cfg.hours_for(c.severity), seconds=c.paused_seconds)
        if changes:
            c.updated_at = at
            c.save()
            _event(c.id, who, "edited", t("cmp.ev.edited", changes="；".join(changes)), at)
    return get(complaint_id)


register({"field.request": ("客户诉求", "Request"), "field.handler": ("经办人", "Handler")})


def _clip(text: str, n: int = 20) -> str:
    return text if len(text) <= n else text[:n] + "…"


def convert_walkin(complaint_id: int, *, who: str = "", at: dt.datetime | None = None) -> Customer:
    """Turn the walk-in of a complaint into a customer (one click): ``customers.create`` with the
    recorded name and mobile. If that mobile already belongs to a customer (not in the recycle
    bin), the complaint is linked to that customer instead. One transaction."""
    at = (at or now()).replace(microsecond=0)
    with database.atomic():
        c = _load(complaint_id, for_change=True)
        if c.customer_id is not None:
            raise FieldError("customer", "cmp.e.already_customer", id=complaint_id)
        action = "customer"
        try:
            cust = customers.create(
                customers.CustomerInput(name=c.walkin_name, mobile=c.walkin_mobile, extra={"source": "投诉登记"})
            )
        except ValidationError as exc:
            dup = exc.for_field("mobile")
            other = Customer.get_or_none(Customer.id == dup.other_id) if isinstance(dup, DuplicateError) else None
            if other is None or other.deleted_at is not None or len(exc.errors) > 1:
                raise
            cust, action = other, "customer_linked"
        c.customer = cust.id
        c.updated_at = at
        c.save()
        if c.status in OPEN_STATUSES:
            _bump_open(cust.id, +1)
        _event(c.id, who, action, t(f"cmp.ev.{action}", name=cust.name, mobile=cust.mobile), at)
    return Customer.get_by_id(cust.id)


# --- working the case -------------------------------------------------------------------------


def _load(complaint_id: int, *, for_change: bool = False) -> Complaint:
    """The complaint; ``for_change``: its row locked first, to the end of the caller's transaction
    (two clerks moving the same complaint: the second reads the first one's result)."""
    if for_change:
        locks.lock_row("complaint", complaint_id)
    c = Complaint.get_or_none(Complaint.id == complaint_id)
    if c is None:
        raise LookupError(t("cmp.e.not_found", id=complaint_id))
    return c


def get(complaint_id: int) -> Complaint:
    return _load(complaint_id)


def set_validity(
    complaint_id: int, validity: str, reason: str, *, who: str = "", at: dt.datetime | None = None
) -> Complaint:
    """The judgement 投诉是否成立 (valid / partial / invalid) with its reason (required)."""
    at = (at or now()).replace(microsecond=0)
    errors = []
    if validity not in VALIDITIES:
        errors.append(_not_in_list("validity", validity, [validity_label(v) for v in VALIDITIES]))
    reason = (reason or "").strip()
    if not reason:
        errors.append(FieldError("validity_reason", "v.required"))
    if errors:
        raise ValidationError(errors)
    with database.atomic():
        c = _load(complaint_id, for_change=True)
        c.validity, c.validity_reason, c.updated_at = validity, reason, at
        c.save()
        _event(c.id, who, "validity", t("cmp.ev.validity", validity=validity_label(validity), reason=reason), at)
    return c


def set_step(
    complaint_id: int, step: int | str, done: bool, *, who: str = "", at: dt.datetime | None = None
) -> Complaint:
    """Tick (or untick) one of the six handling steps (index 0-5 or its code in STEPS)."""
    at = (at or now()).replace(microsecond=0)
    index = STEPS.index(step) if isinstance(step, str) else step
    if not 0 <= index < len(STEPS):
        raise FieldError("step", "cmp.e.not_in_list", value=step, allowed="、".join(STEPS))
    bit = 1 << index
    with database.atomic():
        c = _load(complaint_id, for_change=True)
        new = (c.steps | bit) if done else (c.steps & ~bit)
        if new != c.steps:
            c.steps, c.updated_at = new, at
            c.save()
            _event(
                c.id, who, "step", t("cmp.ev.step_done" if done else "cmp.ev.step_undone", step=step_label(index)), at
            )
    return c


def steps_done(mask: int) -> list[bool]:
    return [bool(mask & (1 << i)) for i in range(len(STEPS))]


def add_note(complaint_id: int, text: str, *, who: str = "", at: dt.datetime | None = None) -> None:
    text = (text or "").strip()
    if not text:
        raise FieldError("note", "v.required")
    at = (at or now()).replace(microsecond=0)
    with database.atomic():
        c = _load(complaint_id, for_change=True)
        c.updated_at = at
        c.save()
        _event(c.id, who, "note", t("cmp.ev.note", text=text), at)


register({"field.note": ("备注", "Note")})


def _check_move(c: Complaint, target: str) -> None:
    if (c.status, target) not in ALLOWED:
        raise WorkflowError(c.id, c.status, target)


def _move(c: Complaint, target: str, who: str, at: dt.datetime, event: str = "status", **params) -> None:
    """Change status (already checked), keep open_complaints and the due clock, write the event."""
    old = c.status
    if old == "waiting" and c.paused_since is not None:
        paused = max(int((at - c.paused_since).total_seconds()), 0)
        c.paused_seconds += paused
        if c.due_at is not None:
            c.due_at = c.due_at + dt.timedelta(seconds=paused)
        c.paused_since = None
        event = "resumed"
        params = dict(params, paused=duration_text(paused), due=_short(c.due_at))
    if target == "waiting":
        c.paused_since = at
        event = "paused"
    c.status, c.updated_at = target, at
    c.save()
    _bump_open(c.customer_id, (target in OPEN_STATUSES) - (old in OPEN_STATUSES))
    _event(c.id, who, "status", t(f"cmp.ev.{event}", old=status_label(old), new=status_label(target), **params), at)


def start(complaint_id: int, *, who: str = "", at: dt.datetime | None = None) -> Complaint:
    """新建 → 处理中."""
    return _simple_move(complaint_id, "in_progress", ("new",), who, at)


def wait_for_customer(complaint_id: int, *, who: str = "", at: dt.datetime | None = None) -> Complaint:
    """处理中 → 待客户回复: the due clock stops."""
    return _simple_move(complaint_id, "waiting", ("in_progress",), who, at)


def resume(complaint_id: int, *, who: str = "", at: dt.datetime | None = None) -> Complaint:
    """待客户回复 → 处理中: the due clock runs again; due_at moves by the time spent waiting."""
    return _simple_move(complaint_id, "in_progress", ("waiting",), who, at)


def _simple_move(complaint_id, target, sources, who, at):
    at = (at or now()).replace(microsecond=0)
    with database.atomic():
        c = _load(complaint_id, for_change=True)
        if c.status not in sources:
            raise WorkflowError(c.id, c.status, target)
        _move(c, target, who, at)
    return c


@locks.retrying
def resolve(
    complaint_id: int,
    resolution_type: str,
    *,
    amount_cents: int | None = None,
    notes: str = "",
    refund_to_card: bool = False,
    purchase_id: int | None = None,
    who: str = "",
    at: dt.datetime | None = None,
    followup_days: int | None = None,
) -> Complaint:
    """处理中 → 已解决. Records the resolution; with ``refund_to_card`` the amount is paid back to
    the customer's stored-value card: with ``purchase_id`` as a refund of that purchase to the card
    (shopcrm.sales.counter.refund_purchase: total spend, points and the grading input go down; the
    refund row names the complaint), without one as a ledger entry (kind "refund") whose reason
    names the complaint. Schedules the follow-up (default: the configured number of days, 3).
    One transaction."""
    at = (at or now()).replace(microsecond=0)
    cfg = get_config()
    days = cfg.followup_days if followup_days is None else followup_days
    with database.atomic():
        if refund_to_card:
            locks.day_shared()  # money may move: the day lock comes first (shopcrm.store.locks)
        c = _load(complaint_id, for_change=True)
        _check_move(c, "resolved")
        errors: list[FieldError] = []
        if not c.validity or not c.validity_reason.strip():
            errors.append(FieldError("validity", "cmp.e.validity_first"))
        if resolution_type not in RESOLUTION_TYPES:
            errors.append(_not_in_list("resolution_type", resolution_type, RESOLUTION_TYPES))
        elif resolution_type in MONEY_RESOLUTIONS and not amount_cents:
            errors.append(FieldError("resolution_amount", "cmp.e.amount_required", kind=resolution_type))
        elif resolution_type not in AMOUNT_RESOLUTIONS and amount_cents:
            errors.append(FieldError("resolution_amount", "cmp.e.amount_not_allowed", kind=resolution_type))
        if amount_cents is not None and amount_cents < 0:
            errors.append(FieldError("resolution_amount", "v.money_negative"))
        if refund_to_card:
            if c.customer_id is None:
                errors.append(FieldError("customer", "cmp.e.refund_walkin"))
            if resolution_type not in REFUNDABLE:
                errors.append(FieldError("resolution_type", "cmp.e.refund_kind"))
            if not amount_cents or amount_cents <= 0:
                errors.append(FieldError("resolution_amount", "cmp.e.refund_amount"))
            if purchase_id is not None:
                bought = Purchase.get_or_none(Purchase.id == purchase_id)
                if bought is None or bought.customer_id != c.customer_id:
                    errors.append(FieldError("purchase", "cmp.e.refund_purchase", id=purchase_id))
        elif purchase_id is not None:
            errors.append(FieldError("purchase", "cmp.e.purchase_without_refund"))
        if errors:
            raise ValidationError(errors)
        c.resolution_type = resolution_type
        c.resolution_amount_cents = amount_cents or None
        c.resolution_notes = notes.strip()
        c.resolved_at = at
        c.followup_due = at.date() + dt.timedelta(days=days)
        c.satisfaction = None
        c.closed_at = None
        amount_txt = f" {fmt(amount_cents)} 元" if amount_cents else ""
        _move(c, "resolved", who, at)
        _event(
            c.id,
            who,
            "resolved",
            t(
                "cmp.ev.resolved",
                kind=resolution_label(resolution_type),
                amount=amount_txt,
                notes=c.resolution_notes,
                n=days,
                followup=c.followup_due.isoformat(),
            ),
            at,
        )
        if refund_to_card:
            assert amount_cents is not None and c.customer_id is not None  # validated above
            if purchase_id is not None:
                counter.refund_purchase(
                    purchase_id,
                    amount_cents,
                    at=at,
                    to_card=True,
                    complaint_id=c.id,
                    note=t("cmp.ledger_reason", id=c.id),
                )
            else:
                ledger.apply(
                    c.customer_id,
                    "refund",
                    balance_delta_cents=amount_cents,
                    reason=t("cmp.ledger_reason", id=c.id),
                    at=at,
                )
            balance = Customer.get_by_id(c.customer_id).balance_cents
            c.refund_cents += amount_cents
            c.save()
            _event(c.id, who, "refund", t("cmp.ev.refund", amount=fmt(amount_cents), balance=fmt(balance)), at)
    return c


def record_followup(
    complaint_id: int,
    satisfaction: int,
    *,
    notes: str = "",
    who: str = "",
    channel: str = "phone",
    at: dt.datetime | None = None,
) -> Complaint:
    """已解决 → 已回访(关闭): the follow-up contact with the customer's satisfaction (1-5). Also
    written to the customer's contact history."""
    from shopcrm.sales import activity

    at = (at or now()).replace(microsecond=0)
    if not isinstance(satisfaction, int) or isinstance(satisfaction, bool) or not 1 <= satisfaction <= 5:
        raise FieldError("satisfaction", "cmp.e.satisfaction")
    with database.atomic():
        c = _load(complaint_id, for_change=True)
        _check_move(c, "closed")
        c.satisfaction, c.followup_notes, c.closed_at = satisfaction, notes.strip(), at
        _move(c, "closed", who, at)
        _event(c.id, who, "followup", t("cmp.ev.followup", satisfaction=satisfaction, notes=c.followup_notes), at)
        if c.customer_id is not None:
            activity.record_contact(
                c.customer_id,
                channel=channel,
                at=at,
                staff=who,
                purpose=t("cmp.contact_purpose", id=c.id),
                outcome=c.followup_notes,
                satisfaction=satisfaction,
            )
    return c


def reopen(complaint_id: int, reason: str, *, who: str = "", at: dt.datetime | None = None) -> Complaint:
    """已解决 or 已回访 → 处理中 (the customer is not satisfied after all). The due time stays as it
    was, so a reopened case is usually overdue at once, which is the point."""
    at = (at or now()).replace(microsecond=0)
    reason = (reason or "").strip()
    with database.atomic():
        c = _load(complaint_id, for_change=True)
        if c.status not in ("resolved", "closed"):  # new → in_progress is start(), not a reopening
            raise WorkflowError(c.id, c.status, "in_progress")
        if not reason:
            raise FieldError("reopen_reason", "v.required")
        c.resolved_at = None
        c.followup_due = None
        c.closed_at = None
        c.satisfaction = None
        _move(c, "in_progress", who, at)
        _event(c.id, who, "reopened", t("cmp.ev.reopened", reason=reason), at)
    return c


def transition(complaint_id: int, target: str, *, who: str = "", at: dt.datetime | None = None, **kwargs) -> Complaint:
    """Move to ``target`` by whichever workflow step leads there from the current status
    (kwargs are that step's arguments). Refuses any move the workflow does not allow."""
    c = _load(complaint_id)
    step = ALLOWED.get((c.status, target))
    if step is None:
        raise WorkflowError(c.id, c.status, target)
    return globals()[step](complaint_id, who=who, at=at, **kwargs)


def events(complaint_id: int) -> list[ComplaintEvent]:
    return list(
        ComplaintEvent.select()
        .where(ComplaintEvent.complaint == complaint_id)
        .order_by(ComplaintEvent.at, ComplaintEvent.id)
    )


def recount_open(customer_ids: list[int] | None = None) -> None:
    """Rebuild ``Customer.open_complaints`` from the complaints (repair; imports)."""
    marks = ",".join("?" * len(OPEN_STATUSES))
    with database.atomic():
        database.execute_sql(
            f"""UPDATE customer SET open_complaints = (SELECT count(*) FROM complaint k
                  WHERE k.customer_id = customer.id AND k.status IN ({marks}))
                WHERE open_complaints != 0 OR id IN (SELECT customer_id FROM complaint
                  WHERE status IN ({marks}) AND customer_id IS NOT NULL)""",
            [*OPEN_STATUSES, *OPEN_STATUSES],
        )


def verify_open_counts() -> list[int]:
    """Ids of customers whose stored open_complaints differs from their open complaints."""
    marks = ",".join("?" * len(OPEN_STATUSES))
    return [
        r[0]
        for r in database.execute_sql(
            f"""SELECT c.id FROM customer c LEFT JOIN (SELECT customer_id, count(*) n FROM complaint
              WHERE status IN ({marks}) GROUP BY customer_id) s ON s.customer_id = c.id
            WHERE c.open_complaints != COALESCE(s.n, 0)""",
            OPEN_STATUSES,
        ).fetchall()
    ]


# --- clock ------------------------------------------------------------------------------------


def _short(value: dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def duration_text(seconds: int) -> str:
    minutes = abs(int(seconds)) // 60
    return t("cmp.duration", h=minutes // 60, m=minutes % 60)


def seconds_left(status: str, due_at, paused_since, at: dt.datetime) -> int | None:
    """Seconds until due (negative: overdue). While waiting the clock is frozen at the pause.
    None for resolved/closed complaints or with no due time."""
    if status in ("resolved", "closed") or due_at is None:
        return None
    due = _as_dt(due_at)
    ref = _as_dt(paused_since) if status == "waiting" and paused_since else at
    return int((due - ref).total_seconds())


def _as_dt(value) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))


# --- the list ---------------------------------------------------------------------------------

# sort -> (SQL expression, ComplaintRow attribute). No expression is ever NULL (a missing due
# time sorts as NO_DUE, before every real one: a timestamp on PostgreSQL, text that sorts first on
# SQLite), so that a keyset comparison (expression, id) > (?, ?) never meets a NULL.
NO_DUE = "0001-01-01 00:00:00"
SORT_KEYS = {
    "id": ("k.id", "id"),
    "received": ("k.received_at", "received_at"),
    "due": (f"COALESCE(k.due_at, '{NO_DUE}')", "due_at"),
    "status": ("k.status", "status"),
    "category": ("k.category", "category"),
    "severity": ("k.severity", "severity"),
    "handler": ("k.handler", "handler"),
    "customer": ("COALESCE(c.name, k.walkin_name, '')", "who"),
    "channel": ("k.channel", "channel"),
}

# status filter values besides the plain status codes
STATUS_FILTERS = ("all", "open", "followup_due", *STATUSES)


@dataclass
class ComplaintQuery:
    status: str = "open"  # one of STATUS_FILTERS
    category: str = ""
    overdue: bool = False  # only running cases past their due time
    date_from: dt.date | None = None  # received on or after
    date_to: dt.date | None = None  # received on or before
    text: str = ""  # customer name/pinyin/mobile, walk-in name/mobile, #id, words of the complaint
    customer_id: int | None = None
    sort: str = "received"
    descending: bool = True
    store_id: int | None = None  # received in this store (None: the whole chain; issue #18)


@dataclass(frozen=True)
class ComplaintRow:
    id: int
    received_at: str
    who: str
    mobile: str
    customer_id: int | None
    channel: str
    category: str
    key_points: str
    severity: str
    handler: str
    status: str
    due_at: str | None
    paused_since: str | None
    steps: int
    validity: str
    satisfaction: int | None
    followup_due: str | None

    def seconds_left(self, at: dt.datetime) -> int | None:
        return seconds_left(self.status, self.due_at, self.paused_since, at)


_ROW_SQL = (
    "k.id, k.received_at, COALESCE(c.name, k.walkin_name) AS who, "
    "COALESCE(c.mobile, k.walkin_mobile), k.customer_id, k.channel, k.category, "
    "k.key_points, k.severity, k.handler, k.status, k.due_at, k.paused_since, k.steps, "
    "k.validity, k.satisfaction, k.followup_due"
)


def _where(q: ComplaintQuery, at: dt.datetime) -> tuple[str, list]:
    clauses: list[str] = []
    params: list = []
    if q.status == "open":
        clauses.append(f"k.status IN ({','.join('?' * len(OPEN_STATUSES))})")
        params.extend(OPEN_STATUSES)
    elif q.status == "followup_due":
        clauses.append("k.status = 'resolved' AND k.followup_due IS NOT NULL AND k.followup_due <= ?")
        params.append(at.date().isoformat())
    elif q.status in STATUSES:
        clauses.append("k.status = ?")
        params.append(q.status)
    if q.overdue:
        clauses.append("k.status IN ('new', 'in_progress') AND k.due_at < ?")
        params.append(sql_ts(at))
    if q.category:
        clauses.append("k.category = ?")
        params.append(q.category)
    if q.date_from:
        clauses.append("k.received_at >= ?")
        params.append(q.date_from.isoformat())
    if q.date_to:
        clauses.append("k.received_at < ?")
        params.append((q.date_to + dt.timedelta(days=1)).isoformat())
    if q.customer_id is not None:
        clauses.append("k.customer_id = ?")
        params.append(q.customer_id)
    if q.store_id is not None:
        clauses.append("k.store_id = ?")
        params.append(q.store_id)
    text = nfkc(q.text)
    if text:
        sub, sub_params = _text_clause(text)
        clauses.append(sub)
        params.extend(sub_params)
    return (" AND ".join(clauses) or "TRUE"), params


def _text_clause(text: str) -> tuple[str, list]:
    """Complaints whose customer matches the customer search (name, pinyin, mobile, tail, card:
    all indexed), whose walk-in's name or mobile contains the text, or, for text with Chinese in
    it, whose key points or request contain the words.

    Two shapes, measured on 20k complaints: ASCII text ("wf", "5678") cannot be in the Chinese
    complaint text, so the matches are collected through indexes (customer_id; walk-ins are the
    few rows with customer_id NULL) in about 1 ms. Chinese text needs a scan of the complaint text
    anyway, so it is a row predicate: the list then walks received_at and stops at a page."""
    compact = "".join(text.split())
    if compact.startswith("#") and compact[1:].isdigit():
        return "k.id = ?", [int(compact[1:])]
    cust_sql, params = customers._search_subquery(text)
    escaped = compact.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    contains = f"%{escaped}%"
    walkin = "(walkin_name LIKE ? ESCAPE '\\' OR walkin_mobile LIKE ? ESCAPE '\\')"
    if compact.isascii():
        return (
            f"k.id IN (SELECT id FROM complaint WHERE customer_id IN ({cust_sql}) UNION "
            f"SELECT id FROM complaint WHERE customer_id IS NULL AND {walkin})",
            [*params, contains, contains],
        )
    return (
        f"(k.customer_id IN ({cust_sql}) OR (k.customer_id IS NULL AND {walkin}) "
        f"OR k.key_points LIKE ? ESCAPE '\\' OR k.request LIKE ? ESCAPE '\\')",
        [*params, contains, contains, contains, contains],
    )


def count(q: ComplaintQuery, *, at: dt.datetime | None = None, limit: int | None = None) -> int:
    """The rows of the list; with ``limit``, counting stops there (a cheap bound: more than
    ``limit`` rows come back as ``limit + 1``)."""
    where, params = _where(q, at or now())
    if limit is None:
        return database.execute_sql(f"SELECT count(*) FROM complaint k WHERE {where}", params).fetchone()[0]
    return database.execute_sql(
        f"SELECT count(*) FROM (SELECT 1 FROM complaint k WHERE {where} LIMIT ?) n", [*params, limit + 1]
    ).fetchone()[0]


def _select_sql(q: ComplaintQuery, where: str, *, offset: bool = False) -> str:
    """The list's rows in its order, ``LIMIT ?`` (and ``OFFSET ?``) bound last."""
    expr, _attr = SORT_KEYS.get(q.sort, SORT_KEYS["received"])
    direction = "DESC" if q.descending else "ASC"
    order = f"ORDER BY {expr} {direction}, k.id {direction}"
    limit = "LIMIT ? OFFSET ?" if offset else "LIMIT ?"
    if "c." in expr:  # sorted by the customer's name: every matching row needs it
        return (
            f"SELECT {_ROW_SQL} FROM complaint k LEFT JOIN customer c ON c.id = k.customer_id "
            f"WHERE {where} {order} {limit}"
        )
    # the page is chosen from the complaints alone, and only its rows look up their customer
    # (sorting 7,500 open cases by due time: 3 ms; joining each to its customer first: 45 ms)
    return (
        f"SELECT {_ROW_SQL} FROM (SELECT * FROM complaint k WHERE {where} {order} {limit}) k "
        f"LEFT JOIN customer c ON c.id = k.customer_id {order}"
    )


def page(q: ComplaintQuery, offset: int, limit: int, *, at: dt.datetime | None = None) -> list[ComplaintRow]:
    where, params = _where(q, at or now())
    sql = _select_sql(q, where, offset=True)
    return [ComplaintRow(*r) for r in database.execute_sql(sql, [*params, limit, offset]).fetchall()]


def page_after(
    q: ComplaintQuery, after: ComplaintRow | None, limit: int, *, at: dt.datetime | None = None
) -> list[ComplaintRow]:
    """The ``limit`` rows of the list that follow ``after`` (None: the first rows), found by the
    sort key (keyset paging: ``(key, id) > (?, ?)``), so a later page costs what the first does
    instead of reading every row before it as OFFSET does. The same order as :func:`page`."""
    where, params = _where(q, at or now())
    if after is not None:
        expr, attr = SORT_KEYS.get(q.sort, SORT_KEYS["received"])
        value = getattr(after, attr)
        where = f"({where}) AND ({expr}, k.id) {'<' if q.descending else '>'} (?, ?)"
        params = [*params, (NO_DUE if attr == "due_at" else "") if value is None else value, after.id]
    sql = _select_sql(q, where)
    return [ComplaintRow(*r) for r in database.execute_sql(sql, [*params, limit]).fetchall()]


def of_customer(customer_id: int, limit: int = 200) -> list[ComplaintRow]:
    return page(ComplaintQuery(status="all", customer_id=customer_id), 0, limit)


@dataclass(frozen=True)
class Counts:
    open: int
    overdue: int
    nearly_due: int
    followup_due: int


def counts(*, at: dt.datetime | None = None, store_id: int | None = None) -> Counts:
    """For the tab title and the Today page: open, overdue, nearly due, follow-ups due (of one
    store when given)."""
    at = at or now()
    cfg = get_config()
    soon = at + dt.timedelta(hours=cfg.nearly_due_hours)
    scope = "" if store_id is None else f" AND store_id = {int(store_id)}"
    row = database.execute_sql(
        f"""SELECT
             (SELECT count(*) FROM complaint WHERE status IN ('new', 'in_progress', 'waiting'){scope}),
             (SELECT count(*) FROM complaint WHERE status IN ('new', 'in_progress') AND due_at < ?{scope}),
             (SELECT count(*) FROM complaint WHERE status IN ('new', 'in_progress')
                AND due_at >= ? AND due_at < ?{scope}),
             (SELECT count(*) FROM complaint WHERE status = 'resolved'
                AND followup_due IS NOT NULL AND followup_due <= ?{scope})""",
        (sql_ts(at), sql_ts(at), sql_ts(soon), at.date().isoformat()),
    ).fetchone()
    return Counts(*row)


# --- figures for the owner --------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    start: dt.date
    end: dt.date
    complaints: int  # received in the period
    buying_customers: int  # distinct customers with a purchase in the period
    rate_per_100: float | None  # complaints per 100 buying customers
    judged: int
    share_valid: float | None  # of the judged: 成立
    share_partial: float | None  # of the judged: 部分成立
    resolved: int
    median_hours_to_resolution: float | None  # received → resolved, waiting time excluded
    share_within_due: float | None  # of the resolved: resolved by the (pause-adjusted) due time
    followed_up: int
    avg_satisfaction: float | None
    top_categories: list[tuple[str, int]]


def figures(start: dt.date, end: dt.date, *, top: int = 5, store_id: int | None = None) -> Figures:
    """The owner's figures for complaints received from ``start`` to ``end`` (both inclusive), of
    one store when given (its complaints against its buying customers)."""
    lo, hi = start.isoformat(), (end + dt.timedelta(days=1)).isoformat()
    scope = "" if store_id is None else f" AND store_id = {int(store_id)}"
    rows = database.execute_sql(
        f"""SELECT category, validity, received_at, resolved_at, due_at, paused_seconds, satisfaction
           FROM complaint WHERE received_at >= ? AND received_at < ?{scope}""",
        (lo, hi),
    ).fetchall()
    buyers = database.execute_sql(
        f"SELECT count(DISTINCT customer_id) FROM purchase WHERE at >= ? AND at < ?{scope}", (lo, hi)
    ).fetchone()[0]
    n = len(rows)
    judged = [r[1] for r in rows if r[1] in VALIDITIES]
    hours, within = [], 0
    sats = []
    cats: dict[str, int] = {}
    for category, _v, received, resolved, due, paused, sat in rows:
        cats[category] = cats.get(category, 0) + 1
        if resolved:
            res = _as_dt(resolved)
            hours.append(((res - _as_dt(received)).total_seconds() - (paused or 0)) / 3600)
            if due and res <= _as_dt(due):
                within += 1
        if sat is not None:
            sats.append(sat)

    def share(k, total):
        return k / total if total else None

    return Figures(
        start=start,
        end=end,
        complaints=n,
        buying_customers=buyers,
        rate_per_100=(n * 100 / buyers) if buyers else None,
        judged=len(judged),
        share_valid=share(judged.count("valid"), len(judged)),
        share_partial=share(judged.count("partial"), len(judged)),
        resolved=len(hours),
        median_hours_to_resolution=statistics.median(hours) if hours else None,
        share_within_due=share(within, len(hours)),
        followed_up=len(sats),
        avg_satisfaction=(sum(sats) / len(sats)) if sats else None,
        top_categories=sorted(cats.items(), key=lambda kv: (-kv[1], kv[0]))[:top],
    )
