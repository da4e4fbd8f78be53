"""Where a request comes from, kept only as a keyed hash: never the address in the clear."""

import ipaddress

from django.conf import settings
from django.utils.crypto import salted_hmac

ADDRESS_HASH_SALT = "newsroom.comments.address"  # kept: changing it forgets every hash


def client_address(request):
    """The client's address as the request gives it: REMOTE_ADDR, or X-Forwarded-For
    behind NUM_PROXIES proxies (a hop may carry a port: parse_address reads it)."""
    address = request.META.get("REMOTE_ADDR", "")
    if settings.NUM_PROXIES:
        hops = [hop.strip() for hop in request.headers.get("x-forwarded-for", "").split(",")]
        hops = [hop for hop in hops if hop]
        if len(hops) >= settings.NUM_PROXIES:
            address = hops[-settings.NUM_PROXIES]
    return address


# Where an address cannot be read (a unix socket, a proxy header we cannot parse), every
# such client counts as one: the strictest limits, never none.
UNREADABLE = "unreadable"
# An IPv6 holder controls a /64 at least, often a /56 or a /48: limits count at each.
IPV6_PREFIXES = (64, 56, 48)


def parse_address(text):
    """The IP address in `text` ("192.0.2.1", "192.0.2.1:5678", "[2001:db8::1]:443",
    "2001:db8::1", "fe80::1%eth0"), or None."""
    text = (text or "").strip()
    if text.startswith("["):
        text, closed, _port = text[1:].partition("]")
        if not closed:
            return None
    elif text.count(":") == 1:
        text = text.partition(":")[0]  # IPv4 with a port
    try:
        return ipaddress.ip_address(text.partition("%")[0])
    except ValueError:
        return None


def _hash(value):
    return salted_hmac(
        ADDRESS_HASH_SALT, str(value), secret=settings.ADDRESS_HASH_KEY, algorithm="sha256"
    ).hexdigest()


def address_hashes(address):
    """HMAC-SHA256 of the address under ADDRESS_HASH_KEY, 64 hex digits, from the narrowest
    network its holder surely controls to the widest a limit also counts: IPv4, one
    address; IPv6, its /64, /56 and /48 (an IPv4 address mapped into IPv6 is IPv4). An
    address that cannot be read is one shared UNREADABLE bucket."""
    ip = parse_address(address)
    if ip is None:
        return [_hash(UNREADABLE)]
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.version == 4:
        return [_hash(ip)]
    return [_hash(ipaddress.ip_network(f"{ip}/{bits}", strict=False)) for bits in IPV6_PREFIXES]


def address_hash(address):
    """The hash kept with a comment, a report or a ban: the narrowest of address_hashes."""
    return address_hashes(address)[0]


def request_address_hash(request):
    return address_hash(client_address(request))


def request_address_hashes(request):
    return address_hashes(client_address(request))
