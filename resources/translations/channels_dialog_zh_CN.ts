<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ChannelsDialog</name>
    <message>
        <source>Message channels</source>
        <translation>消息通道设置</translation>
    </message>
    <message>
        <source>Alibaba Cloud SMS</source>
        <translation>阿里云短信</translation>
    </message>
    <message>
        <source>Tencent Cloud SMS</source>
        <translation>腾讯云短信</translation>
    </message>
    <message>
        <source>empty: the provider&apos;s public endpoint</source>
        <translation>留空：使用服务商的公共地址</translation>
    </message>
    <message>
        <source>the approved signature, e.g. 小店</source>
        <translation>已审核通过的签名，例如 小店</translation>
    </message>
    <message>
        <source>Alibaba: SMS_123456789; Tencent: 1234567</source>
        <translation>阿里云：SMS_123456789；腾讯云：1234567</translation>
    </message>
    <message>
        <source>Provider</source>
        <translation>服务商</translation>
    </message>
    <message>
        <source>Sign name</source>
        <translation>短信签名</translation>
    </message>
    <message>
        <source>Template ID / code</source>
        <translation>模板 ID / 模板代码</translation>
    </message>
    <message>
        <source>Template variable for the text</source>
        <translation>模板中承载正文的变量</translation>
    </message>
    <message>
        <source>SDK app ID (Tencent)</source>
        <translation>SDK AppID（腾讯云）</translation>
    </message>
    <message>
        <source>Region</source>
        <translation>地域</translation>
    </message>
    <message>
        <source>Endpoint (base URL)</source>
        <translation>接口地址（Endpoint）</translation>
    </message>
    <message>
        <source>At most per second / minute</source>
        <translation>每秒 / 每分钟最多</translation>
    </message>
    <message>
        <source>Alibaba Cloud AccessKey</source>
        <translation>阿里云 AccessKey</translation>
    </message>
    <message>
        <source>AccessKey ID</source>
        <translation>AccessKey ID</translation>
    </message>
    <message>
        <source>AccessKey secret</source>
        <translation>AccessKey Secret</translation>
    </message>
    <message>
        <source>Tencent Cloud API key</source>
        <translation>腾讯云 API 密钥</translation>
    </message>
    <message>
        <source>SecretId</source>
        <translation>SecretId</translation>
    </message>
    <message>
        <source>SecretKey</source>
        <translation>SecretKey</translation>
    </message>
    <message>
        <source>SSL/TLS</source>
        <translation>SSL/TLS</translation>
    </message>
    <message>
        <source>STARTTLS</source>
        <translation>STARTTLS</translation>
    </message>
    <message>
        <source>None (unencrypted)</source>
        <translation>不加密</translation>
    </message>
    <message>
        <source>SMTP server</source>
        <translation>SMTP 服务器</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>端口</translation>
    </message>
    <message>
        <source>Security</source>
        <translation>加密方式</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>From address</source>
        <translation>发件地址</translation>
    </message>
    <message>
        <source>From name</source>
        <translation>发件人名称</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>SMS</source>
        <translation>短信</translation>
    </message>
    <message>
        <source>E-mail (SMTP)</source>
        <translation>邮件 SMTP</translation>
    </message>
    <message>
        <source>Attempts per message</source>
        <translation>每条最多尝试次数</translation>
    </message>
    <message>
        <source>First retry after</source>
        <translation>首次重试间隔</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>邮件</translation>
    </message>
    <message>
        <source>your own mobile or e-mail address</source>
        <translation>你自己的手机号或邮箱</translation>
    </message>
    <message>
        <source>Send a test</source>
        <translation>发送测试</translation>
    </message>
    <message>
        <source>Test to</source>
        <translation>发送测试到</translation>
    </message>
    <message>
        <source>Set (leave empty to keep it)</source>
        <translation>已设置（留空则保持不变）</translation>
    </message>
    <message>
        <source>Not set</source>
        <translation>未设置</translation>
    </message>
    <message>
        <source>Secrets are kept in the file %1, readable by you only (0600), never in the database.</source>
        <translation>密钥保存在文件 %1 中，仅你本人可读（0600），不会存入数据库。</translation>
    </message>
    <message>
        <source>Secrets are kept in the system keyring (%1), never in the database.</source>
        <translation>密钥保存在系统钥匙串（%1）中，不会存入数据库。</translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation>正在发送…</translation>
    </message>
    <message>
        <source>Sent. The provider&apos;s receipt: %1</source>
        <translation>已发送。服务商回执：%1</translation>
    </message>
    <message>
        <source>No answer came: the test may or may not have been sent (%1).</source>
        <translation>没有收到应答：测试消息可能已发出，也可能没有（%1）。</translation>
    </message>
    <message>
        <source>Not sent: %1</source>
        <translation>未发送：%1</translation>
    </message>
</context>
<context>
    <name>UnknownDialog</name>
    <message>
        <source>Unknown outcomes</source>
        <translation>待确认的消息</translation>
    </message>
    <message>
        <source>The request left but no answer came: the customer may or may not have the message. Ask the provider&apos;s console or the customer, then settle each one. Not sent queues it again (it may then arrive twice).</source>
        <translation>请求已发出但没有收到应答：客户可能收到了，也可能没有。请在服务商控制台查询或询问客户后逐条确认。选“未发送”会重新排队发送（客户可能收到两次）。</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>渠道</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>号码 / 邮箱</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>Queued at</source>
        <translation>排队时间</translation>
    </message>
    <message>
        <source>Last error</source>
        <translation>最后的错误</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>已发送</translation>
    </message>
    <message>
        <source>Not sent (queue again)</source>
        <translation>未发送（重新排队）</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
</context>
</TS>
