<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AnalysisTab</name>
    <message>
        <source>Analysis</source>
        <translation>分析</translation>
    </message>
    <message>
        <source>All time</source>
        <translation>全部时间</translation>
    </message>
    <message numerus="yes">
        <source>Last %n month(s)</source>
        <translation>
            <numerusform>最近 %n 个月</numerusform>
        </translation>
    </message>
    <message>
        <source>A: the top customers whose purchases together reach this share of sales</source>
        <translation>A 类：消费最多、合计达到销售额这一比例的客户</translation>
    </message>
    <message>
        <source>B: the next customers, up to this cumulative share of sales</source>
        <translation>B 类：其后的客户，累计到销售额这一比例</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>应用</translation>
    </message>
    <message>
        <source>Recompute now</source>
        <translation>立即重新评级</translation>
    </message>
    <message>
        <source>Export figures…</source>
        <translation>导出统计…</translation>
    </message>
    <message>
        <source>Rules…</source>
        <translation>规则…</translation>
    </message>
    <message>
        <source>Value-type and lifecycle rules</source>
        <translation>价值类型与生命周期规则</translation>
    </message>
    <message>
        <source>Period:</source>
        <translation>期间：</translation>
    </message>
    <message>
        <source>A up to:</source>
        <translation>A 类至：</translation>
    </message>
    <message>
        <source>B up to:</source>
        <translation>B 类至：</translation>
    </message>
    <message>
        <source>Grade</source>
        <translation>等级</translation>
    </message>
    <message>
        <source>Customers</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Share</source>
        <translation>占比</translation>
    </message>
    <message>
        <source>Ideal</source>
        <translation>理想</translation>
    </message>
    <message>
        <source>Sales share</source>
        <translation>销售额占比</translation>
    </message>
    <message>
        <source>Value type</source>
        <translation>价值类型</translation>
    </message>
    <message>
        <source>Stage</source>
        <translation>生命周期</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>会员等级</translation>
    </message>
    <message>
        <source>ABC grades</source>
        <translation>ABC 等级</translation>
    </message>
    <message>
        <source>Value types (RFM)</source>
        <translation>价值类型（RFM）</translation>
    </message>
    <message>
        <source>Lifecycle</source>
        <translation>生命周期</translation>
    </message>
    <message>
        <source>Member levels</source>
        <translation>会员等级</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>期间</translation>
    </message>
    <message>
        <source>Click a bar of the chart or a row of the figures to list its customers.</source>
        <translation>点击图中的柱子或统计表中的一行，列出其中的客户。</translation>
    </message>
    <message>
        <source>Past value</source>
        <translation>历史价值</translation>
    </message>
    <message>
        <source>Spend in period</source>
        <translation>期间消费</translation>
    </message>
    <message>
        <source>Longest silent</source>
        <translation>沉寂最久</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source> days</source>
        <translation> 天</translation>
    </message>
    <message>
        <source>Show recently contacted</source>
        <translation>显示最近已联系的</translation>
    </message>
    <message>
        <source>Record wake-up contact</source>
        <translation>记录唤醒联系</translation>
    </message>
    <message>
        <source>Logs a contact and puts a follow-up on the care list</source>
        <translation>记录一次联系，并在今日待办中安排跟进</translation>
    </message>
    <message>
        <source>No purchase for</source>
        <translation>未消费超过</translation>
    </message>
    <message>
        <source>Sort by:</source>
        <translation>排序：</translation>
    </message>
    <message>
        <source>Dormant customers</source>
        <translation>休眠客户</translation>
    </message>
    <message>
        <source>Upgrade potential</source>
        <translation>升级潜力</translation>
    </message>
    <message>
        <source>Levels and points</source>
        <translation>等级与积分</translation>
    </message>
    <message>
        <source>Export list…</source>
        <translation>导出列表…</translation>
    </message>
    <message>
        <source> yuan</source>
        <translation> 元</translation>
    </message>
    <message>
        <source>One point unit per</source>
        <translation>每消费</translation>
    </message>
    <message>
        <source>spent, times the level&apos;s rate. Levels rise automatically at a threshold and are never lowered automatically.</source>
        <translation>积一个单位，再乘以等级倍率。达到门槛自动升级，从不自动降级。</translation>
    </message>
    <message>
        <source>From total spend (yuan)</source>
        <translation>累计消费门槛（元）</translation>
    </message>
    <message>
        <source>Or from points</source>
        <translation>或积分门槛</translation>
    </message>
    <message>
        <source>Points rate (x)</source>
        <translation>积分倍率</translation>
    </message>
    <message>
        <source>Save level rules</source>
        <translation>保存等级规则</translation>
    </message>
    <message>
        <source>No level</source>
        <translation>无等级</translation>
    </message>
    <message>
        <source>Customers: %1; bought in the period: %2; sales in the period: ¥%3</source>
        <translation>客户 %1 位；期间消费客户 %2 位；期间销售额 ¥%3</translation>
    </message>
    <message>
        <source>Dormant (no purchase for %1 days): %2</source>
        <translation>休眠（%1 天未消费）：%2 位</translation>
    </message>
    <message>
        <source>Grade A from ¥%1, grade B from ¥%2 spent in the period</source>
        <translation>期间消费 ¥%1 起为 A 类，¥%2 起为 B 类</translation>
    </message>
    <message>
        <source>Not graded yet</source>
        <translation>尚未评级</translation>
    </message>
    <message>
        <source>Graded %1</source>
        <translation>评级于 %1</translation>
    </message>
    <message>
        <source>Cumulative share of sales</source>
        <translation>累计销售占比</translation>
    </message>
    <message>
        <source>%1% of sales</source>
        <translation>%1% 销售额</translation>
    </message>
    <message>
        <source>Customers ranked by spend in the period, in percentiles</source>
        <translation>按期间消费排序的客户（百分位）</translation>
    </message>
    <message>
        <source>Spend (yuan)</source>
        <translation>消费（元）</translation>
    </message>
    <message>
        <source>Pareto: who makes the sales</source>
        <translation>帕累托图：销售额来自谁</translation>
    </message>
    <message>
        <source>Complaints: counting…</source>
        <translation>投诉：统计中…</translation>
    </message>
    <message>
        <source>Stores: counting…</source>
        <translation>门店：统计中…</translation>
    </message>
    <message>
        <source>%1: sales ¥%2 (%3), refunds ¥%4, top-ups ¥%5, new members %6</source>
        <translation>%1：销售 ¥%2（%3 笔），退款 ¥%4，充值 ¥%5，新会员 %6 位</translation>
    </message>
    <message>
        <source>Complaints: %1</source>
        <translation>投诉：%1 件</translation>
    </message>
    <message>
        <source>%1 per 100 buying customers</source>
        <translation>每百位消费客户 %1 件</translation>
    </message>
    <message>
        <source>valid %1%</source>
        <translation>成立 %1%</translation>
    </message>
    <message>
        <source>median %1 h to resolve</source>
        <translation>解决中位时长 %1 小时</translation>
    </message>
    <message>
        <source>%1% within the due time</source>
        <translation>%1% 按期解决</translation>
    </message>
    <message>
        <source>satisfaction %1/5</source>
        <translation>满意度 %1/5</translation>
    </message>
    <message>
        <source>top: %1</source>
        <translation>主要：%1</translation>
    </message>
    <message>
        <source>Percentile %1: customers ranked %2 to %3, ¥%4 in the period (cumulative %5% of sales)</source>
        <translation>第 %1 个百分位：排名 %2 至 %3 的客户，期间消费 ¥%4（累计占销售额 %5%）</translation>
    </message>
    <message>
        <source>%1: %2 customers (at most 5000 listed, best first)</source>
        <translation>%1：%2 位客户（最多列出 5000 位，价值高的在前）</translation>
    </message>
    <message>
        <source>Wake-up</source>
        <translation>唤醒</translation>
    </message>
    <message>
        <source>Select one or more dormant customers first.</source>
        <translation>请先选择一位或多位休眠客户。</translation>
    </message>
    <message>
        <source>Row %1: points rate “%2” is not a number</source>
        <translation>第 %1 行：积分倍率“%2”不是数字</translation>
    </message>
    <message>
        <source>Level rules</source>
        <translation>等级规则</translation>
    </message>
    <message numerus="yes">
        <source>%n customer(s) reached a higher level.</source>
        <translation>
            <numerusform>%n 位客户升到了更高等级。</numerusform>
        </translation>
    </message>
    <message>
        <source>Thresholds</source>
        <translation>阈值</translation>
    </message>
    <message>
        <source>Grading customers…</source>
        <translation>正在为客户评级…</translation>
    </message>
    <message>
        <source>Grading failed</source>
        <translation>评级失败</translation>
    </message>
    <message>
        <source>Grading customers in the background…</source>
        <translation>正在后台评级…</translation>
    </message>
    <message>
        <source>Grading failed: %1</source>
        <translation>评级失败：%1</translation>
    </message>
    <message>
        <source>Export to Excel</source>
        <translation>导出到 Excel</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>analysis</source>
        <translation>客户分析</translation>
    </message>
    <message>
        <source>Bought in the period</source>
        <translation>期间消费客户</translation>
    </message>
    <message>
        <source>Figures</source>
        <translation>统计</translation>
    </message>
    <message>
        <source>Figure</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>分组</translation>
    </message>
    <message>
        <source>Pareto</source>
        <translation>帕累托</translation>
    </message>
    <message>
        <source>Percentile</source>
        <translation>百分位</translation>
    </message>
    <message>
        <source>From rank</source>
        <translation>起始排名</translation>
    </message>
    <message>
        <source>To rank</source>
        <translation>结束排名</translation>
    </message>
    <message>
        <source>Spend</source>
        <translation>消费</translation>
    </message>
    <message>
        <source>Cumulative share %</source>
        <translation>累计占比 %</translation>
    </message>
    <message>
        <source>Satisfaction</source>
        <translation>满意度指标</translation>
    </message>
    <message>
        <source>Campaigns</source>
        <translation>活动</translation>
    </message>
</context>
<context>
    <name>FigureModel</name>
    <message>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Mobile</source>
        <translation>手机</translation>
    </message>
    <message>
        <source>Grade</source>
        <translation>等级</translation>
    </message>
    <message>
        <source>Value type</source>
        <translation>价值类型</translation>
    </message>
    <message>
        <source>Stage</source>
        <translation>生命周期</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>会员等级</translation>
    </message>
    <message>
        <source>Spend in period</source>
        <translation>期间消费</translation>
    </message>
    <message>
        <source>Purchases in period</source>
        <translation>期间消费次数</translation>
    </message>
    <message>
        <source>Total spend</source>
        <translation>累计消费</translation>
    </message>
    <message>
        <source>Last purchase</source>
        <translation>最近消费</translation>
    </message>
    <message>
        <source>R-F-M</source>
        <translation>R-F-M</translation>
    </message>
    <message>
        <source>Last contact</source>
        <translation>最近联系</translation>
    </message>
    <message>
        <source>Missing to next grade</source>
        <translation>距上一等级差额</translation>
    </message>
    <message>
        <source>Next grade</source>
        <translation>目标等级</translation>
    </message>
</context>
<context>
    <name>GradingRulesDialog</name>
    <message>
        <source>Grading rules</source>
        <translation>评级规则</translation>
    </message>
    <message>
        <source>Dormant / lost after (days without a purchase)</source>
        <translation>休眠/结束：未消费超过（天）</translation>
    </message>
    <message>
        <source>Recovered for (days after coming back)</source>
        <translation>恢复期：回头后（天）</translation>
    </message>
    <message>
        <source>New for (days after the first purchase)</source>
        <translation>建立期：首次消费后（天）</translation>
    </message>
    <message>
        <source>At risk after at least (days)</source>
        <translation>破裂：至少沉寂（天）</translation>
    </message>
    <message>
        <source>Usual interval of a one-time buyer (days)</source>
        <translation>只买过一次的客户的惯常间隔（天）</translation>
    </message>
    <message>
        <source>High value: M score from</source>
        <translation>高价值：M 评分不低于</translation>
    </message>
    <message>
        <source>Frequent: F score from</source>
        <translation>常来：F 评分不低于</translation>
    </message>
    <message>
        <source>Recent: R score from</source>
        <translation>近期来过：R 评分不低于</translation>
    </message>
    <message>
        <source>Burden: complaints + refunds in the period from (0 = off)</source>
        <translation>负担：期间投诉+退款次数不低于（0 = 不判定）</translation>
    </message>
    <message>
        <source>Wake-up follow-up after (days)</source>
        <translation>唤醒后跟进（天）</translation>
    </message>
    <message>
        <source>At risk when silent for more than (x usual interval)</source>
        <translation>破裂：沉寂超过惯常间隔的倍数</translation>
    </message>
    <message>
        <source>R cut points (days silent)</source>
        <translation>R 分界点（沉寂天数）</translation>
    </message>
    <message>
        <source>F cut points (purchases)</source>
        <translation>F 分界点（消费次数）</translation>
    </message>
    <message>
        <source>M cut points (yuan)</source>
        <translation>M 分界点（元）</translation>
    </message>
    <message>
        <source>empty = quintiles, e.g. 30, 60, 90, 180</source>
        <translation>留空 = 按五分位，例如 30, 60, 90, 180</translation>
    </message>
    <message>
        <source>Cut points are numbers separated by commas</source>
        <translation>分界点应为用逗号分隔的数字</translation>
    </message>
</context>
</TS>
