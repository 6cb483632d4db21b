"""Alibaba Cloud RPC signature v1 against the provider's documented examples."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qsl

from hypothesis import given
from hypothesis import strategies as st

from laborsign.notify.sms_aliyun import (
    HttpSmsSender,
    canonical_query,
    rpc_signature,
    string_to_sign,
)

# The example of the SMS "HTTP protocol and signature" documentation: SendSms with
# AccessKeyId testId, secret testSecret; documented signature zJDF+Lrzhj/ThnlvIToysFRq6t4=.
DOC_SEND_SMS = {
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


def test_signature_matches_the_documented_send_sms_example() -> None:
    assert rpc_signature("testSecret", "GET", DOC_SEND_SMS) == "zJDF+Lrzhj/ThnlvIToysFRq6t4="


def test_string_to_sign_matches_the_documented_example() -> None:
    # The signature-method page's SendMessageToGlobe example (a '*' must become %2A and
    # then %252A, the ':' of the time %253A).
    params = {
        "AccessKeyId": "testid",
        "Action": "SendMessageToGlobe",
        "Format": "XML",
        "From": "Alicloud",
        "Message": "Hello",
        "RegionId": "ap-southeast-1",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": "57acef20-c1d8-11eb-8c08-db81fda24dcc",
        "SignatureVersion": "1.0",
        "Timestamp": "2021-05-31T06:20:49Z",
        "To": "861245567****",
        "Version": "2018-05-01",
    }
    assert string_to_sign("GET", params) == (
        "GET&%2F&AccessKeyId%3Dtestid%26Action%3DSendMessageToGlobe%26Format%3DXML%26From"
        "%3DAlicloud%26Message%3DHello%26RegionId%3Dap-southeast-1%26SignatureMethod%3DHMAC-SHA1"
        "%26SignatureNonce%3D57acef20-c1d8-11eb-8c08-db81fda24dcc%26SignatureVersion%3D1.0"
        "%26Timestamp%3D2021-05-31T06%253A20%253A49Z%26To%3D861245567%252A%252A%252A%252A"
        "%26Version%3D2018-05-01"
    )


def test_the_signature_ignores_an_existing_signature_and_changes_with_any_value() -> None:
    signed = rpc_signature("testSecret", "GET", {**DOC_SEND_SMS, "Signature": "x"})
    assert signed == "zJDF+Lrzhj/ThnlvIToysFRq6t4="
    assert rpc_signature("testSecret", "GET", {**DOC_SEND_SMS, "OutId": "124"}) != signed
    assert rpc_signature("otherSecret", "GET", DOC_SEND_SMS) != signed


def test_sender_builds_a_signed_send_sms_query() -> None:
    sender = HttpSmsSender(
        endpoint="http://127.0.0.1:9/",
        access_key_id="testId",
        access_key_secret="testSecret",  # noqa: S106 - the documented example key
        sign_name="劳动合同平台",
        template_codes={"otp": "SMS_1"},
        clock=lambda: datetime(2025, 3, 1, 8, 0, tzinfo=UTC),
    )
    query = sender.request_params("13800138000", "otp", {"code": "123456", "minutes": "5"}, "n1")
    assert query["Timestamp"] == "2025-03-01T08:00:00Z"
    assert query["TemplateCode"] == "SMS_1"
    assert query["TemplateParam"] == '{"code": "123456", "minutes": "5"}'
    assert query["Signature"] == rpc_signature("testSecret", "GET", query)


@given(st.dictionaries(st.text(min_size=1, max_size=20), st.text(max_size=40), max_size=6))
def test_the_canonical_query_decodes_back_to_the_parameters(params: dict[str, str]) -> None:
    # Whatever the characters (CJK, '+', '*', '~', '&', '='), the provider decodes exactly
    # what was signed.
    params.pop("Signature", None)
    decoded = parse_qsl(canonical_query(params), keep_blank_values=True)
    assert dict(decoded) == params
    assert [k for k, _ in decoded] == sorted(params)
