"""The floors that `make bench` measures each target against, in the same round.

- floor: a fixed short answer through the same middleware as every page, touching neither
  the database nor the cache: the least any page costs.
- durable write: a POST through the same middleware and the same cross-site check as the
  reader endpoints (newsroom.crossorigin), one row inserted in its own transaction
  (committed before the answer), then 200: the least a durable write of a reader costs.
"""

from django.db import transaction
from django.http import HttpResponse
from django.views.decorators.http import require_POST, require_safe

from bench.floor.models import Write
from newsroom.crossorigin import cross_origin_protected


@require_safe
def floor(request):
    return HttpResponse(b"floor\n", content_type="text/plain")


@cross_origin_protected
@require_POST
def durable_write(request):
    with transaction.atomic():
        Write.objects.create(body=request.POST.get("body", ""))
    return HttpResponse(b"stored\n", content_type="text/plain")
