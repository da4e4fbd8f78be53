from django import template

from articles.seo import json_ld_script

register = template.Library()


@register.filter
def json_ld(data):
    """{{ data|json_ld }}: the data as a safe <script type="application/ld+json">."""
    return json_ld_script(data)
