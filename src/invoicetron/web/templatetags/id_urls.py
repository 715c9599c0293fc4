"""`{% id_url name arg… id %}`: `{% url %}` for addresses that end in a row's id, reversed once.

`reverse()` costs about 40 µs (namespaces, candidate patterns, a regular expression check), and a
document page has a dozen such addresses, one or two per row of its tables. Their shape depends
only on the URL name, the arguments before the id, the script prefix and the URLconf: it is
reversed once per process with a stand-in id, and each address is that shape with the id in it.
"""

from __future__ import annotations

import functools

from django import template
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

register = template.Library()

STAND_IN = 90_817_263_544_536_271  # an id no address contains otherwise


# An lru_cache, not settings.CACHES: a shape follows from its arguments and the code (the
# URLconf) only, never from data, so nothing can make it stale.
@functools.lru_cache(maxsize=256)
def _around_id(name: str, leading: tuple[str, ...], prefix: str, urlconf: str | None) -> list[str]:
    """The address split where the id goes; [] when the stand-in is refused."""
    # `prefix` is only part of the key: reverse() reads the current script prefix itself.
    try:
        address = reverse(name, args=[*leading, STAND_IN], urlconf=urlconf)
    except NoReverseMatch:
        return []
    return address.split(str(STAND_IN))


def id_url(name: str, *args: object) -> str:
    """reverse(name, args=args), for a last argument that is an id (a non-negative int)."""
    *leading, last = args
    texts = tuple(arg for arg in leading if isinstance(arg, str))
    if type(last) is int and last >= 0 and len(texts) == len(leading):
        parts = _around_id(name, texts, get_script_prefix(), get_urlconf())
        if len(parts) == 2:
            return f"{parts[0]}{last}{parts[1]}"
    return reverse(name, args=args)


register.simple_tag(id_url, name="id_url")
