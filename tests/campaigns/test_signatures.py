"""The signers reproduce the providers' own published worked examples."""

from __future__ import annotations

import datetime as dt

from shopcrm.campaigns.channels import Message, aliyun, tencent


def test_aliyun_rpc_signature_matches_the_sms_documents_example():
    # Alibaba Cloud SMS "签名机制" example: AccessKeySecret testSecret
    params = {
        "AccessKeyId": "testId",
        "Action": "SendSms",
        "Format": "XML",
        "OutId": "123",
        "PhoneNumbers": "15300000001",
        "RegionId": "cn-hangzhou",
        "SignName": "阿里云短信测试专用",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466",
        "SignatureVersion": "1.0",
        "TemplateCode": "SMS_71390007",
        "TemplateParam": '{"customer":"test"}',
        "Timestamp": "2017-07-12T02:42:19Z",
        "Version": "2017-05-25",
    }
    assert aliyun.string_to_sign(params).startswith("GET&%2F&AccessKeyId%3DtestId%26Action%3DSendSms")
    assert "SignName%3D%25E9%2598%25BF" in aliyun.string_to_sign(params)
    assert aliyun.signature(params, "testSecret") == "zJDF+Lrzhj/ThnlvIToysFRq6t4="


def test_aliyun_rpc_signature_matches_the_rpc_documents_example():
    # Alibaba Cloud's RPC signature document (ECS DescribeRegions), AccessKeySecret testsecret
    params = {
        "AccessKeyId": "testid",
        "Action": "DescribeRegions",
        "Format": "XML",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
        "SignatureVersion": "1.0",
        "Timestamp": "2016-02-23T12:46:24Z",
        "Version": "2014-05-26",
    }
    assert aliyun.signature(params, "testsecret") == "OLeaidS1JvxuMvnyHOwuJ+uX5qY="


def test_aliyun_percent_encoding_follows_pop_rules():
    assert aliyun.percent_encode("a b*~/+") == "a%20b%2A~%2F%2B"
    assert aliyun.percent_encode("派") == "%E6%B4%BE"


def test_aliyun_request_parameters():
    ch = aliyun.AliyunSms(
        "id",
        "secret",
        sign_name="小店",
        template_code="SMS_1",
        utcnow=lambda: dt.datetime(2026, 11, 22, 2, 0, tzinfo=dt.UTC),
        nonce=lambda: "n1",
    )
    p = ch.params(Message(1, "13812345678", params={"name": "张三"}, idempotency_key="k1"))
    assert p["Timestamp"] == "2026-11-22T02:00:00Z" and p["SignatureNonce"] == "n1"
    assert p["TemplateParam"] == '{"name":"张三"}' and p["OutId"] == "k1" and p["PhoneNumbers"] == "13812345678"
    assert "secret" not in repr(ch)


def test_tc3_signature_matches_tencents_worked_example():
    # Tencent Cloud "Signature v3" worked example (CVM DescribeInstances, POST JSON)
    payload = b'{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}'
    assert tencent.sha256_hex(payload) == "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
    canonical = tencent.canonical_request(payload, "cvm.tencentcloudapi.com")
    assert tencent.sha256_hex(canonical) == "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"
    to_sign = tencent.string_to_sign(canonical, 1551113065, "cvm")
    assert to_sign.split("\n")[:3] == ["TC3-HMAC-SHA256", "1551113065", "2019-02-25/cvm/tc3_request"]
    sig = tencent.signature("Gu5t9xGARNpq86cd98joQYCN3EXAMPLE", to_sign, 1551113065, "cvm")
    assert sig == "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
    auth = tencent.authorization(
        "AKIDEXAMPLE", "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE", payload, "cvm.tencentcloudapi.com", 1551113065, "cvm"
    )
    assert auth == (
        "TC3-HMAC-SHA256 Credential=AKIDEXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, "
        "Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
    )


def test_tc3_date_is_the_utc_date_of_the_timestamp():
    # 00:44 in Beijing on 2019-02-26 is still 2019-02-25 in UTC (the document's warning)
    assert tencent.credential_scope(1551113065) == "2019-02-25/sms/tc3_request"


def test_tencent_numbers_and_positional_parameters():
    assert tencent.e164("13812345678") == "+8613812345678"
    assert tencent.e164("+85261234567") == "+85261234567"
    assert tencent.template_values({"2": "b", "1": "a", "10": "j"}) == ["a", "b", "j"]
