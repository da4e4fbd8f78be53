"""Where a request comes from, kept only as a keyed hash: never the address in the clear."""

import ipaddress

from django.conf import settings
from django.utils.crypto import salted_hmac

ADDRESS_HASH_SALT = "newsroom.comments.address"  # kept: changing it forgets every hash


def client_address(request):
    """The client's address: REMOTE_ADDR, or X-Forwarded-For behind NUM_PROXIES proxies."""
    address = request.META.get("REMOTE_ADDR", "")
    if settings.NUM_PROXIES:
        hops = [hop.strip() for hop in request.headers.get("x-forwarded-for", "").split(",")]
        hops = [hop for hop in hops if hop]
        if len(hops) >= settings.NUM_PROXIES:
            address = hops[-settings.NUM_PROXIES]
    return address


def address_hash(address):
    """HMAC-SHA256 of the address under ADDRESS_HASH_KEY, 64 hex digits; "" if unknown.

    An IPv6 client controls a whole /64, so the /64 is what is hashed; an IPv4 address
    mapped into IPv6 is hashed as IPv4.
    """
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return ""
    if ip.version == 6:
        ip = ip.ipv4_mapped or ipaddress.ip_network(f"{ip}/64", strict=False)
    return salted_hmac(
        ADDRESS_HASH_SALT, str(ip), secret=settings.ADDRESS_HASH_KEY, algorithm="sha256"
    ).hexdigest()


def request_address_hash(request):
    return address_hash(client_address(request))
