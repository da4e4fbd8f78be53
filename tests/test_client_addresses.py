"""Hardening 13 and 14: a client's address is read however the proxy writes it, one that
cannot be read gets the strictest limits (never none), and an IPv6 holder cannot rotate
through its /56 or /48 to escape a limit."""

import ipaddress

import pytest
from django.test import Client

from newsroom.clients import address_hash, address_hashes, parse_address
from reactions.models import Reaction


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("192.0.2.1", "192.0.2.1"),
        ("192.0.2.1:5678", "192.0.2.1"),
        (" 192.0.2.1 ", "192.0.2.1"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("2001:db8::1", "2001:db8::1"),
        ("fe80::1%eth0", "fe80::1"),
        ("::ffff:192.0.2.1", "::ffff:192.0.2.1"),
    ],
)
def test_an_address_is_read_with_or_without_a_port(written, read):
    assert parse_address(written) == ipaddress.ip_address(read)


@pytest.mark.parametrize("written", ["", "unix:/run/gunicorn.sock", "unknown", "[::1", "1.2.3"])
def test_an_address_that_cannot_be_read_is_the_shared_unreadable_bucket(written):
    assert parse_address(written) is None
    assert address_hash(written) == address_hash("") != ""


def test_an_ipv6_address_counts_at_its_64_56_and_48():
    one, same_56, same_48, other = (
        address_hashes("2001:db8:1:2::1"),
        address_hashes("2001:db8:1:3::1"),
        address_hashes("2001:db8:1:f00::1"),
        address_hashes("2001:db8:2::1"),
    )
    assert len(one) == 3
    assert one[0] != same_56[0] and one[1:] == same_56[1:]
    assert one[1] != same_48[1] and one[2] == same_48[2]
    assert set(one).isdisjoint(other)
    assert address_hashes("192.0.2.1") == [address_hash("192.0.2.1")]


def toggle(client, article, **headers):
    return client.post(
        f"/articles/{article.slug}/reactions/",
        {"emoji": "joy"},
        headers={"accept": "application/json", **headers},
    )


def test_a_forwarded_hop_with_a_port_is_its_address(article, settings):
    settings.NUM_PROXIES = 1
    settings.REACTION_RATE_LIMIT_PER_ADDRESS = 2
    answers = [
        toggle(Client(), article, x_forwarded_for=f"198.51.100.7:{port}").status_code
        for port in (1001, 1002, 1003)
    ]
    assert answers == [200, 200, 429]


@pytest.mark.parametrize("remote", ["", "unix:/run/gunicorn.sock"])
def test_clients_whose_address_cannot_be_read_share_the_strictest_limit(article, settings, remote):
    settings.REACTION_RATE_LIMIT_PER_ADDRESS = 2
    answers = [toggle(Client(REMOTE_ADDR=remote), article).status_code for _ in range(3)]
    assert answers == [200, 200, 429]
    assert Reaction.objects.count() == 2


def test_rotating_through_a_56_does_not_escape_the_address_limit(article, settings):
    settings.NUM_PROXIES = 1
    settings.REACTION_RATE_LIMIT_PER_ADDRESS = 2
    answers = [
        toggle(Client(), article, x_forwarded_for=f"2001:db8:1:{n:x}::1").status_code
        for n in range(0, 40)
    ]
    assert 200 in answers and 429 in answers
    assert Reaction.objects.count() < 40
