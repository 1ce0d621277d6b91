<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
    <context>
        <name>MobileGuard</name>
        <message>
            <source>Show</source>
            <translation>显示</translation>
        </message>
        <message>
            <source>Show the full number (recorded in the audit log)</source>
            <translation>显示完整号码（会记入操作日志）</translation>
        </message>
    </context>
    <context>
        <name>PinDialog</name>
        <message>
            <source>Owner unlock</source>
            <translation>店主解锁</translation>
        </message>
        <message>
            <source>“%1” needs the owner. Enter the owner PIN:</source>
            <translation>“%1”需要店主权限，请输入店主密码：</translation>
        </message>
        <message>
            <source>Enter the owner PIN:</source>
            <translation>请输入店主密码：</translation>
        </message>
        <message>
            <source>Unlock</source>
            <translation>解锁</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>取消</translation>
        </message>
    </context>
    <context>
        <name>PrivacyButton</name>
        <message>
            <source>Privacy</source>
            <translation>隐私</translation>
        </message>
        <message>
            <source>Export this customer's own archive…</source>
            <translation>导出该客户本人的档案…</translation>
        </message>
        <message>
            <source>Erase personal data…</source>
            <translation>抹除个人信息…</translation>
        </message>
        <message>
            <source>Export customer archive</source>
            <translation>导出客户档案</translation>
        </message>
        <message>
            <source>JSON (*.json)</source>
            <translation>JSON 文件 (*.json)</translation>
        </message>
        <message>
            <source>Erase personal data</source>
            <translation>抹除个人信息</translation>
        </message>
        <message>
            <source>Erase this customer's name, mobile, birthday, address, notes, tags and contact notes for good? Purchases and balances stay, anonymised, for the shop's totals. This cannot be undone; backups made before now keep the data until they are rotated out.</source>
            <translation>要永久抹除该客户的姓名、手机、生日、地址、备注、标签和联系记录吗？消费记录和余额会匿名保留，用于店铺统计。此操作不可撤销；此前的备份在轮换删除之前仍含有这些信息。</translation>
        </message>
        <message>
            <source>Erase</source>
            <translation>抹除</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>取消</translation>
        </message>
        <message>
            <source>Erasing…</source>
            <translation>正在抹除…</translation>
        </message>
    </context>
    <context>
        <name>SecurityController</name>
        <message>
            <source>Lock (clerk mode)</source>
            <translation>锁定（切换到店员模式）</translation>
        </message>
        <message>
            <source>Owner unlock…</source>
            <translation>店主解锁…</translation>
        </message>
        <message>
            <source>Owner PIN and auto-lock…</source>
            <translation>店主密码与自动锁定…</translation>
        </message>
        <message>
            <source>Owner (no PIN)</source>
            <translation>店主（未设密码）</translation>
        </message>
        <message>
            <source>No owner PIN is set: everyone works as owner. Click to set one.</source>
            <translation>尚未设置店主密码：所有人都以店主身份使用。点击设置密码。</translation>
        </message>
        <message>
            <source>Owner mode (unlocked)</source>
            <translation>店主模式（已解锁）</translation>
        </message>
        <message>
            <source>Clerk mode (locked)</source>
            <translation>店员模式（已锁定）</translation>
        </message>
        <message>
            <source>Click or press Ctrl+L to lock (clerk mode).</source>
            <translation>点击或按 Ctrl+L 锁定（店员模式）。</translation>
        </message>
        <message>
            <source>Click to unlock with the owner PIN.</source>
            <translation>点击输入店主密码解锁。</translation>
        </message>
    </context>
    <context>
        <name>SecurityUi</name>
        <message>
            <source>Owner only</source>
            <translation>仅限店主</translation>
        </message>
        <message>
            <source>Not done</source>
            <translation>未完成</translation>
        </message>
        <message>
            <source>Owner PIN</source>
            <translation>店主密码</translation>
        </message>
        <message>
            <source>Do clerks use this computer? Set an owner PIN to hide full mobile numbers from them and keep export, import, adjustments and restore for the owner.
You can also do this later under Tools.</source>
            <translation>店员也会用这台电脑吗？设置店主密码后，店员看不到完整手机号，导出、导入、调整余额积分和恢复备份只有店主能做。
以后也可以在“工具”菜单里设置。</translation>
        </message>
        <message>
            <source>Set a PIN</source>
            <translation>设置密码</translation>
        </message>
        <message>
            <source>Not now</source>
            <translation>暂不设置</translation>
        </message>
    </context>
    <context>
        <name>SetPinDialog</name>
        <message>
            <source>Owner PIN</source>
            <translation>店主密码</translation>
        </message>
        <message>
            <source> min</source>
            <translation> 分钟</translation>
        </message>
        <message>
            <source>With an owner PIN, ShopCRM starts in clerk mode: mobiles are masked and export, import, purge, adjustments, settings and restore need the PIN. Without a PIN everyone is owner.</source>
            <translation>设置店主密码后，ShopCRM 启动时处于店员模式：手机号打码显示，导出、导入、彻底删除、调整余额积分、修改设置和恢复备份都需要输入店主密码。不设密码时所有人都是店主。</translation>
        </message>
        <message>
            <source>New PIN</source>
            <translation>新密码</translation>
        </message>
        <message>
            <source>Repeat new PIN</source>
            <translation>再次输入新密码</translation>
        </message>
        <message>
            <source>Lock owner mode after</source>
            <translation>无操作自动锁定</translation>
        </message>
        <message>
            <source>Save</source>
            <translation>保存</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>取消</translation>
        </message>
        <message>
            <source>Remove PIN</source>
            <translation>取消密码</translation>
        </message>
    </context>
</TS>