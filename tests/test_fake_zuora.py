"""FakeZuora exercised over real sockets with http.client (no mocks), so the fake itself is trustworthy."""

import base64
import contextlib
import http.client
import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from urllib.parse import urlencode

import pytest

from zuora_oauth import testing

FakeZuora = testing.FakeZuora
RecordedRequest = testing.RecordedRequest
run_fake_server = testing.run_fake_server
WWW_AUTHENTICATE = testing.WWW_AUTHENTICATE
CODE_ENTITY_NOT_FOUND = testing.CODE_ENTITY_NOT_FOUND
CODE_INVALID_CREDENTIALS = testing.CODE_INVALID_CREDENTIALS
CODE_INVALID_GRANT_TYPE = testing.CODE_INVALID_GRANT_TYPE
CODE_MISSING_PARAMETER = testing.CODE_MISSING_PARAMETER
CODE_UNSUPPORTED_CONTENT_TYPE = testing.CODE_UNSUPPORTED_CONTENT_TYPE

FORM = "application/x-www-form-urlencoded"
HEX32 = re.compile(r"^[0-9a-f]{32}$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class Reply:
    """A fully read response."""

    def __init__(self, response: http.client.HTTPResponse) -> None:
        self.status = response.status
        self.headers = response.headers
        self.body = response.read()

    def json(self) -> object:
        return json.loads(self.body)

    def obj(self) -> dict[str, object]:
        data = self.json()
        assert isinstance(data, dict)
        return data


@pytest.fixture
def fake() -> Iterator[FakeZuora]:
    with FakeZuora() as server:
        yield server


def connect(fake: FakeZuora, timeout: float = 5.0) -> http.client.HTTPConnection:
    return http.client.HTTPConnection(fake.host, fake.port, timeout=timeout)


def form_body(fake: FakeZuora, **fields: str | None) -> str:
    values: dict[str, str | None] = {
        "client_id": fake.client_id,
        "client_secret": fake.client_secret,
        "grant_type": "client_credentials",
        **fields,
    }
    return urlencode({k: v for k, v in values.items() if v is not None})


def call(
    fake: FakeZuora,
    method: str,
    path: str,
    body: str | bytes | None = None,
    headers: Mapping[str, str] | None = None,
    conn: http.client.HTTPConnection | None = None,
    timeout: float = 5.0,
) -> Reply:
    connection = conn or connect(fake, timeout)
    try:
        connection.request(method, path, body, dict(headers or {}))
        return Reply(connection.getresponse())
    finally:
        if conn is None:
            connection.close()


def post_token(
    fake: FakeZuora,
    body: str | None = None,
    headers: Mapping[str, str] | None = None,
    conn: http.client.HTTPConnection | None = None,
    timeout: float = 5.0,
) -> Reply:
    payload = form_body(fake) if body is None else body
    return call(fake, "POST", "/oauth/token", payload, headers or {"Content-Type": FORM}, conn, timeout)


def get_token(fake: FakeZuora, headers: Mapping[str, str] | None = None) -> str:
    reply = post_token(fake, headers={"Content-Type": FORM, **(headers or {})})
    assert reply.status == 200, reply.body
    token = reply.obj()["access_token"]
    assert isinstance(token, str)
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# -- /oauth/token ----------------------------------------------------------------------------------------------


def test_token_success_has_every_field_and_header(fake: FakeZuora) -> None:
    reply = post_token(fake)
    assert reply.status == 200
    data = reply.obj()
    assert set(data) == {"access_token", "token_type", "expires_in", "scope", "jti"}
    assert isinstance(data["access_token"], str) and HEX32.match(data["access_token"])
    assert isinstance(data["jti"], str) and HEX32.match(data["jti"])
    assert data["token_type"] == "bearer"
    assert data["expires_in"] == 3600 and isinstance(data["expires_in"], int)
    scope = str(data["scope"]).split()
    assert scope[0].startswith("user.") and HEX32.match(scope[0][5:])
    assert scope[1].startswith("entity.") and UUID.match(scope[1][7:])
    assert scope[2:] == ["service.echo.read", "tenant.19"]
    assert reply.headers["Content-Type"] == "application/json"
    assert reply.headers["Content-Length"] == str(len(reply.body))
    assert UUID.match(reply.headers["Zuora-Request-Id"])
    assert reply.headers["X-RateLimit-Limit-minute"] == "100"
    assert reply.headers["X-RateLimit-Remaining-minute"] == "99"
    assert "Zuora-Track-Id" not in reply.headers
    assert fake.issued_tokens == [data["access_token"]]
    assert fake.token_requests == 1
    assert post_token(fake).headers["X-RateLimit-Remaining-minute"] == "98"


def test_default_credentials_shape() -> None:
    fake = FakeZuora()
    assert UUID.match(fake.client_id) and len(fake.client_id) == 36
    assert len(fake.client_secret) <= 42
    assert {"+", "/", "="} <= set(fake.client_secret)  # catches clients that forget to form-encode
    assert FakeZuora(client_id="id", client_secret="s3cret").client_secret == "s3cret"
    with pytest.raises(RuntimeError):
        _ = fake.base_url
    fake.stop()  # stopping a never-started fake is a no-op


def test_unencoded_secret_is_rejected(fake: FakeZuora) -> None:
    raw = f"client_id={fake.client_id}&client_secret={fake.client_secret}&grant_type=client_credentials"
    assert post_token(fake, raw).status == 401


def test_keep_alive_reuses_one_connection(fake: FakeZuora) -> None:
    conn = connect(fake)
    try:
        first = post_token(fake, conn=conn)
        sock = conn.sock
        assert sock is not None
        second = post_token(fake, conn=conn)
        third = call(fake, "GET", "/v1/accounts/A1", headers=bearer(str(second.obj()["access_token"])), conn=conn)
        assert (first.status, second.status, third.status) == (200, 200, 200)
        assert conn.sock is sock
        assert first.obj()["access_token"] != second.obj()["access_token"]
    finally:
        conn.close()


def test_connection_close_is_honoured(fake: FakeZuora) -> None:
    conn = connect(fake)
    try:
        reply = post_token(fake, headers={"Content-Type": FORM, "Connection": "close"}, conn=conn)
        assert reply.status == 200
        assert reply.headers["Connection"] == "close"
        assert conn.sock is None  # http.client closed it because the server announced it would
    finally:
        conn.close()


@pytest.mark.parametrize("field", ["client_id", "client_secret"])
def test_wrong_credentials_get_401_with_www_authenticate(fake: FakeZuora, field: str) -> None:
    reply = post_token(fake, form_body(fake, **{field: "wrong"}))
    assert reply.status == 401
    assert reply.json() == {"message": "Authentication error"}
    assert reply.headers["WWW-Authenticate"] == WWW_AUTHENTICATE
    assert (
        reply.headers["WWW-Authenticate"] == "Basic realm=Zuora API, ZSession realm=Zuora API, Bearer realm=Zuora API"
    )
    assert UUID.match(reply.headers["Zuora-Request-Id"])
    assert fake.issued_tokens == []
    assert fake.token_requests == 1


def test_bad_grant_type_is_400(fake: FakeZuora) -> None:
    reply = post_token(fake, form_body(fake, grant_type="password"))
    assert reply.status == 400
    data = reply.obj()
    assert data["code"] == CODE_INVALID_GRANT_TYPE
    assert str(data["message"]).startswith("Invalid grant type")
    assert set(data) == {"code", "message"}


@pytest.mark.parametrize("field", ["client_id", "client_secret", "grant_type"])
@pytest.mark.parametrize("value", [None, "", "   "])
def test_missing_or_blank_field_is_400_naming_it(fake: FakeZuora, field: str, value: str | None) -> None:
    reply = post_token(fake, form_body(fake, **{field: value}))
    assert reply.status == 400
    data = reply.obj()
    assert data["code"] == CODE_MISSING_PARAMETER
    assert field in str(data["message"])


@pytest.mark.parametrize("content_type", ["application/json", "text/plain", None])
def test_wrong_content_type_is_400(fake: FakeZuora, content_type: str | None) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    reply = call(fake, "POST", "/oauth/token", form_body(fake), headers)
    assert reply.status == 400
    assert reply.json() == {
        "code": CODE_UNSUPPORTED_CONTENT_TYPE,
        "message": "Content-Type must be application/x-www-form-urlencoded",
    }
    assert CODE_UNSUPPORTED_CONTENT_TYPE == 90000010


def test_content_type_parameters_and_chunked_bodies_are_accepted(fake: FakeZuora) -> None:
    assert post_token(fake, headers={"Content-Type": "Application/X-WWW-Form-Urlencoded; charset=UTF-8"}).status == 200
    conn = connect(fake)
    try:
        body = form_body(fake).encode()
        conn.request(
            "POST",
            "/oauth/token",
            iter([body[:10], body[10:]]),
            {"Content-Type": FORM, "Transfer-Encoding": "chunked"},
            encode_chunked=True,
        )
        assert Reply(conn.getresponse()).status == 200
    finally:
        conn.close()


def test_other_methods_on_token_endpoint_are_405(fake: FakeZuora) -> None:
    reply = call(fake, "GET", "/oauth/token")
    assert reply.status == 405
    assert reply.headers["Allow"] == "POST"
    assert reply.headers["Content-Type"] == "application/json"
    assert fake.token_requests == 0
    assert len(fake.token_request_log) == 1


def test_track_id_is_echoed_on_every_kind_of_answer(fake: FakeZuora) -> None:
    track = {"Content-Type": FORM, "Zuora-Track-Id": "trace-123"}
    assert post_token(fake, headers=track).headers["Zuora-Track-Id"] == "trace-123"
    assert post_token(fake, form_body(fake, client_secret="x"), headers=track).headers["Zuora-Track-Id"] == "trace-123"
    fake.enqueue(status=500)
    assert post_token(fake, headers=track).headers["Zuora-Track-Id"] == "trace-123"
    assert call(fake, "GET", "/nowhere", headers={"Zuora-Track-Id": "t2"}).headers["Zuora-Track-Id"] == "t2"


def test_token_delay_and_expires_in_settings(fake: FakeZuora) -> None:
    fake.token_delay = 0.2
    started = time.monotonic()
    assert post_token(fake).status == 200
    assert time.monotonic() - started >= 0.2
    fake.token_delay = 0
    fake.expires_in = 0.5
    assert post_token(fake).obj()["expires_in"] == 0.5
    fake.expires_in = 2.0
    value = post_token(fake).obj()["expires_in"]
    assert value == 2 and isinstance(value, int)
    with pytest.raises(ValueError):
        fake.expires_in = -1


# -- records and secrecy ---------------------------------------------------------------------------------------


def test_authorization_header_on_token_endpoint_is_detected(fake: FakeZuora) -> None:
    assert post_token(fake).status == 200
    assert not fake.authorization_sent_to_token_endpoint
    basic = base64.b64encode(f"{fake.client_id}:{fake.client_secret}".encode()).decode()
    assert post_token(fake, headers={"Content-Type": FORM, "Authorization": f"Basic {basic}"}).status == 200
    assert fake.authorization_sent_to_token_endpoint
    records = fake.token_request_log
    assert [r.authorization_present for r in records] == [False, True]
    assert records[1].headers["authorization"] == "****"


def test_records_describe_requests_with_secret_masked(fake: FakeZuora) -> None:
    secret = fake.client_secret
    token = get_token(fake, headers={"X-Echo": f"leak {secret}"})
    wrong = post_token(fake, form_body(fake, client_secret="other-real-secret"))
    assert wrong.status == 401
    assert call(fake, "GET", f"/oauth/token?client_secret={secret}&a=1").status == 405
    assert (
        call(fake, "POST", "/v1/action/query?x=1", b"{}", {**bearer(token), "Content-Type": "text/plain"}).status == 200
    )

    records = fake.requests
    assert all(isinstance(r, RecordedRequest) for r in records)
    assert [(r.method, r.path) for r in records] == [
        ("POST", "/oauth/token"),
        ("POST", "/oauth/token"),
        ("GET", "/oauth/token"),
        ("POST", "/v1/action/query"),
    ]
    first = records[0]
    assert first.form == {"client_id": fake.client_id, "client_secret": "****", "grant_type": "client_credentials"}
    assert first.headers["content-type"] == FORM
    assert first.headers["x-echo"] == "leak ****"
    assert first.body_size == len(form_body(fake))
    assert not first.authorization_present
    assert records[1].form["client_secret"] == "****"
    assert records[2].query == "client_secret=****&a=1"
    assert records[3].query == "x=1"
    assert records[3].headers["authorization"] == f"Bearer ****{token[-4:]}"
    assert records[3].form == {}
    assert [r.at for r in records] == sorted(r.at for r in records)
    assert fake.token_request_log == records[:3]

    everything = repr(records) + repr(fake) + str(records) + repr(fake.token_request_log)
    assert secret not in everything
    assert "other-real-secret" not in everything
    assert token not in everything
    assert "client_secret='****'" in repr(fake)
    with pytest.raises(AttributeError):
        first.method = "GET"  # type: ignore[misc]


def test_clear_records_keeps_tokens_valid(fake: FakeZuora) -> None:
    token = get_token(fake)
    fake.clear_records()
    assert (fake.requests, fake.issued_tokens, fake.token_requests) == ([], [], 0)
    assert call(fake, "GET", "/v1/accounts/A1", headers=bearer(token)).status == 200


def test_nothing_is_printed_even_when_clients_misbehave(fake: FakeZuora, capfd: pytest.CaptureFixture[str]) -> None:
    with socket.create_connection((fake.host, fake.port), timeout=5) as sock:  # hang up mid-body
        sock.sendall(b"POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nclient_id=")
    with socket.create_connection((fake.host, fake.port), timeout=5) as sock:  # garbage (HTTP/0.9-style) line
        sock.sendall(b"NONSENSE\r\n\r\n")
        assert sock.recv(65536).startswith(b'{"message"')
    with socket.create_connection((fake.host, fake.port), timeout=5) as sock:  # broken framing
        sock.sendall(b"POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n")
        assert sock.recv(65536).startswith(b"HTTP/1.1 400")
    with socket.create_connection((fake.host, fake.port), timeout=5) as sock:  # unknown method
        sock.sendall(b"BREW /oauth/token HTTP/1.1\r\nHost: x\r\n\r\n")
        assert sock.recv(65536).startswith(b"HTTP/1.1 501")
    fake.enqueue_drop()
    with pytest.raises(ConnectionError):
        post_token(fake)
    assert post_token(fake).status == 200
    assert fake.wait_for_requests(2)  # the drop and the last request; broken requests are not recorded
    time.sleep(0.1)  # let the handler of the early hang-up finish before looking at stderr
    captured = capfd.readouterr()
    assert captured.out == "" and captured.err == ""
    assert fake.handler_errors == []


# -- protected /v1 endpoint ------------------------------------------------------------------------------------


def test_protected_endpoint_accepts_issued_token(fake: FakeZuora) -> None:
    token = get_token(fake)
    reply = call(fake, "GET", "/v1/accounts/A00000001", headers=bearer(token))
    assert reply.status == 200
    data = reply.obj()
    assert data["success"] is True
    info = data["basicInfo"]
    assert isinstance(info, dict)
    assert info["accountNumber"] == "A00000001" and info["name"] == "Account A00000001" and info["status"] == "Active"
    assert HEX32.match(info["id"])
    again = call(fake, "GET", "/v1/accounts/A00000001", headers=bearer(token)).obj()["basicInfo"]
    assert isinstance(again, dict) and again["id"] == info["id"]
    assert UUID.match(reply.headers["Zuora-Request-Id"])


def test_protected_endpoint_echoes_other_requests(fake: FakeZuora) -> None:
    token = get_token(fake)
    payload = '{"queryString": "select Id from Account", "ü": 1}'.encode()
    reply = call(fake, "POST", "/v1/action/query", payload, {**bearer(token), "Content-Type": "application/json"})
    assert reply.json() == {
        "success": True,
        "method": "POST",
        "path": "/v1/action/query",
        "body": payload.decode(),
    }
    assert call(fake, "DELETE", "/v1/subscriptions/S1", headers=bearer(token)).obj()["method"] == "DELETE"


def test_missing_account_is_404(fake: FakeZuora) -> None:
    reply = call(fake, "GET", "/v1/accounts/missing-42", headers=bearer(get_token(fake)))
    assert reply.status == 404
    data = reply.obj()
    assert data["success"] is False
    assert isinstance(data["processId"], str) and re.match(r"^[0-9A-F]+$", data["processId"])
    assert data["reasons"] == [{"code": CODE_ENTITY_NOT_FOUND, "message": "Cannot find entity by key: 'missing-42'."}]


def assert_v1_auth_error(reply: Reply) -> None:
    assert reply.status == 401
    data = reply.obj()
    assert data["success"] is False
    assert isinstance(data["processId"], str)
    assert data["reasons"] == [{"code": CODE_INVALID_CREDENTIALS, "message": "Authentication error"}]
    assert CODE_INVALID_CREDENTIALS == 90000011
    assert reply.headers["WWW-Authenticate"] == WWW_AUTHENTICATE


def test_protected_endpoint_rejects_missing_and_unknown_tokens(fake: FakeZuora) -> None:
    assert_v1_auth_error(call(fake, "GET", "/v1/accounts/A1"))
    assert_v1_auth_error(call(fake, "GET", "/v1/accounts/A1", headers=bearer("0" * 32)))
    assert_v1_auth_error(call(fake, "GET", "/v1/accounts/A1", headers={"Authorization": "Basic abc"}))
    assert fake.unknown_token_uses == 1
    assert (fake.expired_token_uses, fake.revoked_token_uses) == (0, 0)


def test_revoked_tokens_are_rejected_and_counted(fake: FakeZuora) -> None:
    first, second, third = get_token(fake), get_token(fake), get_token(fake)
    fake.revoke(first)
    assert_v1_auth_error(call(fake, "GET", "/v1/accounts/A1", headers=bearer(first)))
    assert call(fake, "GET", "/v1/accounts/A1", headers=bearer(second)).status == 200
    fake.revoke_all()
    assert_v1_auth_error(call(fake, "GET", "/v1/accounts/A1", headers=bearer(second)))
    assert_v1_auth_error(call(fake, "GET", "/v1/accounts/A1", headers=bearer(third)))
    assert call(fake, "GET", "/v1/accounts/A1", headers=bearer(get_token(fake))).status == 200
    assert fake.revoked_token_uses == 3
    assert fake.expired_token_uses == 0


def test_expired_tokens_are_rejected_and_counted() -> None:
    with FakeZuora(expires_in=1) as fake:
        reply = post_token(fake)
        assert reply.obj()["expires_in"] == 1
        token = str(reply.obj()["access_token"])
        info = fake.token_info(token)
        assert info is not None and info.expires_at - info.issued_at == 1
        assert call(fake, "GET", "/v1/accounts/A1", headers=bearer(token)).status == 200
        assert fake.expired_token_uses == 0
        time.sleep(max(0.0, info.expires_at - time.monotonic()) + 0.05)
        assert_v1_auth_error(call(fake, "GET", "/v1/accounts/A1", headers=bearer(token)))
        assert fake.expired_token_uses == 1
        assert fake.revoked_token_uses == 0


def test_entity_ids_are_remembered_per_token(fake: FakeZuora) -> None:
    token = get_token(fake, headers={"Zuora-Entity-Ids": "ent-1"})
    info = fake.token_info(token)
    assert info is not None and info.entity_ids == "ent-1"
    scope = fake.token_request_log[-1]
    assert scope.headers["zuora-entity-ids"] == "ent-1"
    assert call(fake, "GET", "/v1/accounts/A1", headers={**bearer(token), "Zuora-Entity-Ids": "ent-1"}).status == 200
    assert fake.entity_mismatch_uses == 0
    assert call(fake, "GET", "/v1/accounts/A1", headers={**bearer(token), "Zuora-Entity-Ids": "ent-2"}).status == 200
    assert fake.entity_mismatch_uses == 1


def test_unknown_paths_are_404(fake: FakeZuora) -> None:
    reply = call(fake, "GET", "/oauth/tokens")
    assert reply.status == 404
    assert reply.json() == {"message": "Not Found"}
    assert UUID.match(reply.headers["Zuora-Request-Id"])


# -- scripting -------------------------------------------------------------------------------------------------


def test_scripted_status_body_and_headers(fake: FakeZuora) -> None:
    fake.enqueue(status=502, body="<html>Bad gateway</html>", headers={"Content-Type": "text/html", "X-Proxy": "edge"})
    reply = post_token(fake)
    assert reply.status == 502
    assert reply.body == b"<html>Bad gateway</html>"
    assert reply.headers["Content-Type"] == "text/html"
    assert reply.headers["X-Proxy"] == "edge"
    assert reply.headers["Content-Length"] == str(len(reply.body))
    assert UUID.match(reply.headers["Zuora-Request-Id"])
    assert post_token(fake).status == 200  # the script was consumed
    assert fake.token_requests == 2


def test_scripted_json_bodies_repeat_and_fifo(fake: FakeZuora) -> None:
    fake.enqueue(status=403, body={"code": 90000010, "message": "Forbidden"})
    fake.enqueue(status=429, times=2)
    fake.enqueue(status=500, body=[1, 2])
    assert fake.scripted_remaining() == 4
    first = post_token(fake)
    assert (first.status, first.json(), first.headers["Content-Type"]) == (
        403,
        {"code": 90000010, "message": "Forbidden"},
        "application/json",
    )
    for _ in range(2):
        limited = post_token(fake)
        assert (limited.status, limited.body, limited.headers["Content-Length"]) == (429, b"", "0")
        assert "Content-Type" not in limited.headers
    last = post_token(fake)
    assert (last.status, last.json()) == (500, [1, 2])
    assert fake.scripted_remaining("/oauth/token") == 0
    assert post_token(fake).status == 200


def test_scripted_header_overrides_and_removal(fake: FakeZuora) -> None:
    fake.enqueue(status=200, body="{}", headers={"zuora-request-id": "fixed", "X-RateLimit-Remaining-minute": "0"})
    fake.enqueue(status=200, body="{}", headers={"Zuora-Request-Id": None})
    first = post_token(fake)
    assert first.headers.get_all("Zuora-Request-Id") == ["fixed"]
    assert first.headers["X-RateLimit-Remaining-minute"] == "0"
    assert "Zuora-Request-Id" not in post_token(fake).headers


def test_scripted_truncated_content_length_closes_connection(fake: FakeZuora) -> None:
    fake.enqueue(status=200, body='{"access_token": "abc"', headers={"Content-Length": "100"})
    conn = connect(fake)
    try:
        conn.request("POST", "/oauth/token", form_body(fake), {"Content-Type": FORM})
        response = conn.getresponse()
        assert response.status == 200
        with pytest.raises(http.client.IncompleteRead):
            response.read()
    finally:
        conn.close()
    assert post_token(fake).status == 200


def test_scripted_delay(fake: FakeZuora) -> None:
    fake.enqueue(status=503, delay=0.3)
    started = time.monotonic()
    assert post_token(fake).status == 503
    assert time.monotonic() - started >= 0.3


def test_scripts_on_protected_paths_bypass_auth(fake: FakeZuora) -> None:
    fake.enqueue(status=500, body={"success": False}, path="/v1/accounts/A1")
    assert call(fake, "GET", "/v1/accounts/A1?x=1").status == 500
    assert call(fake, "GET", "/v1/accounts/A1").status == 401
    assert post_token(fake).status == 200  # scripts are per path


def test_reset_script(fake: FakeZuora) -> None:
    fake.enqueue(status=500, times=3)
    fake.enqueue_drop(path="/v1/x")
    fake.reset_script()
    assert fake.scripted_remaining() == 0
    assert post_token(fake).status == 200


@pytest.mark.parametrize(
    "kwargs",
    [
        {"status": 42},
        {"times": 0},
        {"delay": -1},
        {"path": "oauth/token"},
        {"path": "/a?b"},
        {"headers": {"X": "a\nb"}},
    ],
)
def test_enqueue_rejects_bad_arguments(fake: FakeZuora, kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        fake.enqueue(**kwargs)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        fake.enqueue_drop(when="later")  # type: ignore[arg-type]


def test_drop_before_headers_resets_the_connection(fake: FakeZuora) -> None:
    fake.enqueue_drop(times=2)
    with pytest.raises(ConnectionError):  # RemoteDisconnected or ConnectionResetError
        post_token(fake)
    with socket.create_connection((fake.host, fake.port), timeout=5) as sock:
        body = form_body(fake).encode()
        sock.sendall(
            b"POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Type: " + FORM.encode() + b"\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
        )
        if sys.platform.startswith("linux"):
            with pytest.raises(ConnectionResetError):  # RST, not a graceful FIN
                sock.recv(1)
        else:
            with contextlib.suppress(ConnectionResetError):
                assert sock.recv(1) == b""
    assert post_token(fake).status == 200
    assert fake.token_requests == 3


def test_drop_mid_body_sends_headers_then_resets(fake: FakeZuora) -> None:
    fake.enqueue_drop(when="mid_body")
    conn = connect(fake)
    try:
        conn.request("POST", "/oauth/token", form_body(fake), {"Content-Type": FORM})
        response = conn.getresponse()
        assert response.status == 200
        assert int(response.headers["Content-Length"]) > 0
        with pytest.raises((http.client.IncompleteRead, ConnectionError)):
            response.read()
    finally:
        conn.close()
    assert fake.issued_tokens == []
    assert post_token(fake).status == 200


def test_hang_keeps_the_client_waiting(fake: FakeZuora) -> None:
    fake.enqueue_hang(seconds=0.6)
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        post_token(fake, timeout=0.2)
    assert 0.15 <= time.monotonic() - started < 0.6
    assert fake.token_requests == 1
    fake.enqueue_hang(seconds=0.2)
    started = time.monotonic()
    with pytest.raises(ConnectionError):  # closed without an answer once the hang is over
        post_token(fake, timeout=5)
    assert time.monotonic() - started >= 0.2


def test_stop_interrupts_hangs_and_idle_keep_alive_connections() -> None:
    fake = FakeZuora().start()
    idle = connect(fake)
    assert post_token(fake, conn=idle).status == 200
    fake.enqueue_hang(seconds=30)
    errors: list[Exception] = []

    def hung_client() -> None:
        try:
            post_token(fake, timeout=10)
        except (OSError, http.client.HTTPException) as error:  # collected for the assertion below
            errors.append(error)

    thread = threading.Thread(target=hung_client)
    thread.start()
    assert fake.wait_for_requests(2, path="/oauth/token")
    started = time.monotonic()
    fake.stop()
    fake.stop()  # idempotent
    assert time.monotonic() - started < 2
    thread.join(5)
    assert not thread.is_alive()
    assert len(errors) == 1 and isinstance(errors[0], ConnectionError)
    idle.close()
    assert not fake.running


def test_restart_keeps_port_and_tokens() -> None:
    fake = FakeZuora().start()
    try:
        port, token = fake.port, get_token(fake)
        fake.stop()
        fake.start()
        assert fake.port == port
        assert call(fake, "GET", "/v1/accounts/A1", headers=bearer(token)).status == 200
    finally:
        fake.stop()


def test_200_concurrent_clients_all_succeed(fake: FakeZuora) -> None:
    clients = 200
    barrier = threading.Barrier(clients)
    results: list[int] = []
    tokens: list[str] = []
    lock = threading.Lock()

    def client() -> None:
        barrier.wait()
        reply = post_token(fake, timeout=10)
        with lock:
            results.append(reply.status)
            tokens.append(str(reply.obj().get("access_token")))

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert results == [200] * clients
    assert len(set(tokens)) == clients
    assert fake.token_requests == clients
    assert sorted(fake.issued_tokens) == sorted(tokens)
    assert fake.handler_errors == []


# -- command line helper ---------------------------------------------------------------------------------------


def parse_env_lines(text: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in text.splitlines() if line)


def test_run_fake_server_prints_credentials_and_stops_on_event() -> None:
    out = io.StringIO()
    stop = threading.Event()
    thread = threading.Thread(
        target=run_fake_server,
        kwargs={"client_id": "cli-id", "client_secret": "cli-secret", "expires_in": 60, "out": out, "stop": stop},
    )
    thread.start()
    try:
        deadline = time.monotonic() + 5
        while out.getvalue().count("\n") < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        env = parse_env_lines(out.getvalue())
        assert list(env) == ["ZUORA_BASE_URL", "ZUORA_CLIENT_ID", "ZUORA_CLIENT_SECRET"]
        assert env["ZUORA_CLIENT_ID"] == "cli-id" and env["ZUORA_CLIENT_SECRET"] == "cli-secret"
        host, port = env["ZUORA_BASE_URL"].removeprefix("http://").rsplit(":", 1)
        conn = http.client.HTTPConnection(host, int(port), timeout=5)
        body = urlencode({"client_id": "cli-id", "client_secret": "cli-secret", "grant_type": "client_credentials"})
        conn.request("POST", "/oauth/token", body, {"Content-Type": FORM})
        assert json.loads(conn.getresponse().read())["expires_in"] == 60
        conn.close()
    finally:
        stop.set()
        thread.join(5)
    assert not thread.is_alive()


def test_run_fake_server_subprocess_stops_cleanly_on_sigterm() -> None:
    package = FakeZuora.__module__.rsplit(".", 1)[0]
    code = f"from {package} import run_fake_server; run_fake_server()"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(3)]
        values = parse_env_lines("".join(lines))
        assert set(values) == {"ZUORA_BASE_URL", "ZUORA_CLIENT_ID", "ZUORA_CLIENT_SECRET"}, lines
        host, port = values["ZUORA_BASE_URL"].removeprefix("http://").rsplit(":", 1)
        conn = http.client.HTTPConnection(host, int(port), timeout=5)
        body = urlencode(
            {
                "client_id": values["ZUORA_CLIENT_ID"],
                "client_secret": values["ZUORA_CLIENT_SECRET"],
                "grant_type": "client_credentials",
            }
        )
        conn.request("POST", "/oauth/token", body, {"Content-Type": FORM})
        assert conn.getresponse().status == 200
        conn.close()
        proc.send_signal(signal.SIGTERM)
        stdout, stderr = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0
    assert stderr == ""
    assert stdout == ""
