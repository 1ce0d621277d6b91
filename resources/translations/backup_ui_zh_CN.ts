<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>BackupDialog</name>
    <message>
        <source>Backup and restore</source>
        <translation>备份与恢复</translation>
    </message>
    <message>
        <source>Change folder…</source>
        <translation>更改文件夹…</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <source>Save settings</source>
        <translation>保存设置</translation>
    </message>
    <message>
        <source>Where and how many</source>
        <translation>备份位置与保留份数</translation>
    </message>
    <message>
        <source>Folder:</source>
        <translation>文件夹：</translation>
    </message>
    <message>
        <source>Keep daily:</source>
        <translation>保留每日备份：</translation>
    </message>
    <message>
        <source>before operations:</source>
        <translation>操作前备份：</translation>
    </message>
    <message>
        <source>manual:</source>
        <translation>手动备份：</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Customers</source>
        <translation>客户数</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Schema version</source>
        <translation>数据库版本</translation>
    </message>
    <message>
        <source>Backup now</source>
        <translation>立即备份</translation>
    </message>
    <message>
        <source>Restore…</source>
        <translation>恢复…</translation>
    </message>
    <message>
        <source>Restore from file…</source>
        <translation>从文件恢复…</translation>
    </message>
    <message>
        <source>Restore into a new database…</source>
        <translation>恢复到新数据库…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>unreadable</source>
        <translation>无法读取</translation>
    </message>
    <message>
        <source>%1 (other database)</source>
        <translation>%1（其他数据库）</translation>
    </message>
    <message>
        <source>Backing up…</source>
        <translation>正在备份…</translation>
    </message>
    <message>
        <source>Backup failed</source>
        <translation>备份失败</translation>
    </message>
    <message>
        <source>%1 Checking its integrity in the background…</source>
        <translation>%1正在后台做完整性检查…</translation>
    </message>
    <message>
        <source>%1 It passed its integrity check.</source>
        <translation>%1已通过完整性检查。</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation>%1%2</translation>
    </message>
    <message>
        <source>Restore from file</source>
        <translation>从文件恢复</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>恢复</translation>
    </message>
    <message>
        <source>Replace all current data with the backup of %1 (%2 customers)?
The current data is backed up first.</source>
        <translation>用 %1 的备份（%2 位客户）替换当前全部数据吗？
恢复前会先备份当前数据。</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>校验</translation>
    </message>
    <message>
        <source>A backup is made automatically once a day at start-up and right before every import, restore, purge and upgrade, and every backup gets a full integrity check in the background. Restoring first backs up the current data.</source>
        <translation>每天首次启动时自动备份一次；每次导入、恢复、彻底删除和升级之前也会自动备份。每份备份都会在后台做完整性检查。恢复前会先备份当前数据。</translation>
    </message>
    <message>
        <source>Backup saved: %1.</source>
        <translation>备份已保存：%1。</translation>
    </message>
    <message>
        <source>ShopCRM backup (*.db *.pgdump);;All files (*)</source>
        <translation>ShopCRM 备份 (*.db *.pgdump);;所有文件 (*)</translation>
    </message>
    <message>
        <source>The PostgreSQL database “%1” is dropped and created again: every other counter is disconnected until the restore ends.</source>
        <translation>PostgreSQL 数据库“%1”会被删除并重新创建：恢复结束前，其他收银台都会断开连接。</translation>
    </message>
    <message>
        <source>This backup has not passed its integrity check yet; it is checked first, which can take a while.</source>
        <translation>这份备份还没有通过完整性检查；恢复前会先检查它，可能需要一些时间。</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Restoring…</source>
        <translation>正在恢复…</translation>
    </message>
    <message>
        <source>Restoring the database from a backup…</source>
        <translation>正在从备份恢复数据库，完成后自动刷新…</translation>
    </message>
    <message>
        <source>Restore failed</source>
        <translation>恢复失败</translation>
    </message>
    <message>
        <source>Restored. The data from before was saved as %1.</source>
        <translation>已恢复。恢复前的数据已保存为 %1。</translation>
    </message>
    <message>
        <source>Restored.</source>
        <translation>已恢复。</translation>
    </message>
    <message>
        <source>Restore into a new database</source>
        <translation>恢复到新数据库</translation>
    </message>
    <message>
        <source>Name of the new database:</source>
        <translation>新数据库的名称：</translation>
    </message>
    <message>
        <source>Restored into the new database “%1”; the row counts of its %2 tables match the backup. Open it with File → Open database.</source>
        <translation>已恢复到新数据库“%1”，%2 张表的行数与备份一致。可以用 文件 → 打开数据库 打开它。</translation>
    </message>
    <message>
        <source>Backup folder</source>
        <translation>备份文件夹</translation>
    </message>
    <message>
        <source>Not saved</source>
        <translation>未保存</translation>
    </message>
    <message>
        <source>Settings saved.</source>
        <translation>设置已保存。</translation>
    </message>
</context>
<context>
    <name>BackupUi</name>
    <message>
        <source>Database on a network share</source>
        <translation>数据库在网络共享文件夹中</translation>
    </message>
    <message>
        <source>Database damaged</source>
        <translation>数据库已损坏</translation>
    </message>
    <message>
        <source>Restore the backup</source>
        <translation>恢复该备份</translation>
    </message>
    <message>
        <source>Start with an empty database</source>
        <translation>使用空数据库启动</translation>
    </message>
    <message>
        <source>Restore failed</source>
        <translation>恢复失败</translation>
    </message>
    <message>
        <source>Daily backup saved, checking it in the background: %1</source>
        <translation>每日备份已保存，正在后台做完整性检查：%1</translation>
    </message>
    <message>
        <source>Checking the backup in the background: %1%</source>
        <translation>正在后台检查备份的完整性：%1%</translation>
    </message>
    <message>
        <source>Backup and restore…</source>
        <translation>备份与恢复…</translation>
    </message>
</context>
<context>
    <name>ConfirmNameDialog</name>
    <message>
        <source>Restore a backup of another database</source>
        <translation>恢复其他数据库的备份</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>恢复</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>SealMonitor</name>
    <message>
        <source>Backup check failed</source>
        <translation>备份校验未通过</translation>
    </message>
</context>
</TS>
