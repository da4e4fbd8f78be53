from django import template

from articles import seo

register = template.Library()


@register.filter
def json_ld_script(data):
    """{{ data|json_ld_script }}: the data in a safe <script type="application/ld+json">."""
    return seo.json_ld_script(data)
