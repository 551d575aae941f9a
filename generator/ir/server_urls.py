"""Credentials in a spec's server URL: never copied into generated code.

``https://user:secret@api.example.com`` in ``servers`` would put the password
in ``client.py`` (``DEFAULT_BASE_URL``), in the README, and in every URL the
client builds, logs or shows in an error. specgen drops the userinfo (all
before the last ``@`` of the authority) and the build warns at the URL, so
the spec's author learns of it; credentials are the client's to give at run
time (arguments or environment variables).
"""

from __future__ import annotations

import re

# scheme "://" authority rest: as build._normalize_server_url splits a server URL
_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)([^/?#\s]*)(.*)$", re.DOTALL)

CREDENTIALS_WARNING = (
    "the server URL holds credentials (user:password@ before the host); they are left out of the "
    "generated client, which takes credentials at run time (arguments or environment variables)"
)


def strip_userinfo(url: str) -> tuple[str, bool]:
    """``url`` without the userinfo of its authority, and whether it had one."""
    match = _URL.match(url)
    if match is None or "@" not in match.group(2):
        return url, False
    host = match.group(2).rsplit("@", 1)[1]
    return match.group(1) + host + match.group(3), True
