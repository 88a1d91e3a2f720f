"""What WeasyPrint may read while it makes a PDF: our own stylesheets and assets, and the
``data:`` URIs the caller names (an office's uploaded logo); nothing else, no network
request and no other local file (see :mod:`assess.reports.pdf`, the second wall).

A module of its own because it subclasses WeasyPrint's fetcher, so importing it imports
WeasyPrint; :func:`assess.reports.pdf.html_to_pdf` imports it when a PDF is made.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse

from assess import resources

#: The only folders WeasyPrint may read from.
SERVED_DIRS = (resources.reports_dir() / "assets", resources.reports_dir() / "styles")


class FetchRefused(ValueError):
    """A resource outside the served folders. WeasyPrint logs it and renders without it."""


class LocalOnlyFetcher(URLFetcher):
    """Serves ``file://`` URLs inside :data:`SERVED_DIRS` and refuses everything else.

    WeasyPrint 70 takes a :class:`URLFetcher` instance (it reads private attributes of
    it), so we subclass it and replace ``fetch``, the one method that touches the world.
    Any exception other than ``FatalURLFetchingError`` is a failed fetch, not a failed
    render: the page simply lacks the image or stylesheet.
    """

    def __init__(self, served: tuple[Path, ...] = SERVED_DIRS, *, images: Mapping[str, tuple[str, bytes]] | None = None):
        """``images``: ``data:`` URIs the document may show (an office's uploaded logo), each
        with its checked media type and bytes. Only these exact URIs are served; any other
        ``data:`` URI is refused like a remote URL."""
        super().__init__(allowed_protocols=("file",), allow_redirects=False, fail_on_errors=False)
        self._served = tuple(folder.resolve() for folder in served)
        self._images = dict(images or {})

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        if url in self._images:
            media_type, data = self._images[url]
            return URLFetcherResponse("data:", data, {"Content-Type": media_type})
        path = self.resolve(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})

    def resolve(self, url: str) -> Path:
        """The served file ``url`` names, or :class:`FetchRefused`."""
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            raise FetchRefused(f"only local report assets may be fetched, not {url[:200]!r}")
        # resolve() follows '..' and symlinks, so the containment check sees the real target.
        path = Path(url2pathname(unquote(parts.path))).resolve()
        if not any(path.is_relative_to(folder) for folder in self._served) or not path.is_file():
            raise FetchRefused(f"not a report asset: {url[:200]!r}")
        return path
