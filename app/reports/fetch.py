"""Downloading another Plenária's published report JSON, carefully.

http and https only; 10-second timeout; at most 5 MB; redirects only to http(s), at most
three; no proxy from the environment; and no private, loopback, link-local or otherwise
non-public address unless ``allow_private`` (config REPORT_IMPORT_ALLOW_PRIVATE_URLS) is
set. The address is checked on the connected socket itself, so a name that resolves to a
public address when checked and to a private one when connecting (DNS rebinding) is
refused too.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urljoin, urlsplit

from flask_babel import lazy_gettext as _l

from app.errors import ValidationError

TIMEOUT_SECONDS = 10
MAX_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 3
SCHEMES = ("http", "https")


def _fail(message: Any) -> ValidationError:
    return ValidationError(message, field="url")


def is_public_address(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_loopback or ip.is_link_local)


def _check_peer(sock: socket.socket, allow_private: bool) -> None:
    if allow_private:
        return
    peer = sock.getpeername()[0]
    if not is_public_address(peer):
        sock.close()
        raise _PrivateAddress(peer)


class _PrivateAddress(OSError):
    pass


def _handlers(allow_private: bool) -> list[Any]:
    class CheckedHTTPConnection(http.client.HTTPConnection):
        def connect(self) -> None:
            super().connect()
            _check_peer(self.sock, allow_private)

    class CheckedHTTPSConnection(http.client.HTTPSConnection):
        def connect(self) -> None:
            # Check the address before the TLS handshake: connect the plain socket first.
            http.client.HTTPConnection.connect(self)
            _check_peer(self.sock, allow_private)
            server_hostname = self._tunnel_host or self.host
            self.sock = self._context.wrap_socket(self.sock, server_hostname=server_hostname)

    class HTTPHandler(urllib.request.HTTPHandler):
        def http_open(self, req: urllib.request.Request) -> Any:
            return self.do_open(CheckedHTTPConnection, req)

    class HTTPSHandler(urllib.request.HTTPSHandler):
        def https_open(self, req: urllib.request.Request) -> Any:
            return self.do_open(CheckedHTTPSConnection, req)

    class RedirectHandler(urllib.request.HTTPRedirectHandler):
        max_redirections = MAX_REDIRECTS

        def http_error_302(self, req, fp, code, msg, headers):  # type: ignore[no-untyped-def]
            target = urljoin(req.full_url, headers.get("location") or headers.get("uri") or "")
            if urlsplit(target).scheme.lower() not in SCHEMES:
                fp.close()
                raise _fail(_l("O endereço redirecionou para um destino que não é http nem https."))
            return super().http_error_302(req, fp, code, msg, headers)

        http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302

    return [urllib.request.ProxyHandler({}), HTTPHandler(), HTTPSHandler(), RedirectHandler()]


def check_url(url: str) -> str:
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in SCHEMES or not parts.hostname:
        raise _fail(_l("Informe um endereço completo que comece com http:// ou https://."))
    if parts.username or parts.password:
        raise _fail(_l("O endereço não pode conter usuário ou senha."))
    return url


def fetch_report(url: str, *, allow_private: bool = False, timeout: float = TIMEOUT_SECONDS,
                 max_bytes: int = MAX_BYTES) -> str:
    """The text at ``url`` (UTF-8), or a ValidationError on the "url" field saying why not."""
    url = check_url(url)
    opener = urllib.request.build_opener(*_handlers(allow_private))
    request = urllib.request.Request(url, headers={  # noqa: S310 - the scheme is checked above
        "Accept": "application/json", "User-Agent": "Plenaria-report-import/1"})
    try:
        with opener.open(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise _fail(_l("O relatório passa de 5 MB."))
            body = response.read(max_bytes + 1)
    except ValidationError:
        raise
    except urllib.error.HTTPError as error:
        error.close()
        raise _fail(_l("O endereço respondeu com erro %(status)d. Confira se o relatório já foi publicado.",
                       status=error.code)) from error
    except urllib.error.URLError as error:
        if isinstance(error.reason, _PrivateAddress):
            raise _fail(_l("Por segurança, endereços de rede interna ou local não são aceitos.")) from error
        if isinstance(error.reason, TimeoutError):
            raise _fail(_l("O endereço demorou demais para responder (mais de %(n)d segundos).",
                           n=int(timeout))) from error
        raise _fail(_l("Não foi possível acessar o endereço. Confira se ele está correto.")) from error
    except _PrivateAddress as error:
        raise _fail(_l("Por segurança, endereços de rede interna ou local não são aceitos.")) from error
    except TimeoutError as error:
        raise _fail(_l("O endereço demorou demais para responder (mais de %(n)d segundos).",
                       n=int(timeout))) from error
    except (OSError, http.client.HTTPException, ValueError) as error:
        raise _fail(_l("Não foi possível baixar o relatório deste endereço.")) from error
    if len(body) > max_bytes:
        raise _fail(_l("O relatório passa de 5 MB."))
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _fail(_l("O conteúdo do endereço não é um texto JSON em UTF-8.")) from error
