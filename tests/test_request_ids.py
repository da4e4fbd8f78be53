"""Errors are logged to standard output with the request path and an id the 500 page shows."""

import io
import logging

import pytest

from tests.helpers import html


def test_every_response_carries_a_request_id(client, db):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert len(first) == 32 and first != second


def test_a_proxys_request_id_is_kept_and_a_hostile_one_replaced(client, db):
    assert (
        client.get("/healthz", headers={"x-request-id": "edge-1234abcd"})["X-Request-ID"]
        == "edge-1234abcd"
    )
    replaced = client.get("/healthz", headers={"x-request-id": "<script>x</script>"})
    assert replaced["X-Request-ID"] != "<script>x</script>"


@pytest.mark.urls("tests.urls_with_error")
def test_a_500_shows_the_request_id_that_the_log_line_carries(client, db):
    client.raise_request_exception = False
    stream = io.StringIO()
    handler = logging.getLogger().handlers[0]
    saved_stream = handler.setStream(stream)
    try:
        response = client.get("/broken/")
    finally:
        handler.setStream(saved_stream)
    assert response.status_code == 500
    request_id = response["X-Request-ID"]
    assert html(response).find("code").get_text() == request_id
    line = next(line for line in stream.getvalue().splitlines() if "ERROR" in line)
    assert f"request_id={request_id}" in line
    assert "path=/broken/" in line
    assert "hunter2" not in response.content.decode()


def test_the_log_handler_writes_to_standard_output(settings):
    handler = settings.LOGGING["handlers"][settings.LOGGING["root"]["handlers"][0]]
    assert handler["class"] == "logging.StreamHandler"
    assert handler["stream"] == "ext://sys.stdout"
