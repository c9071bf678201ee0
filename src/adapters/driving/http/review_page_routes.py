"""The review page: its HTML, script and style, files of the repo served by the app itself
(`/` and `/page/…`), each with a strict Content-Security-Policy: no inline script or style, no
other origin. The page talks to the JSON API only, through the same guard as any client."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse

PAGE_DIR = Path(__file__).resolve().parent / "review_files"
ASSETS = {
    "review.js": "text/javascript; charset=utf-8",
    "review.css": "text/css; charset=utf-8",
}
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}

router = APIRouter(include_in_schema=False)


@router.get("/")
def page() -> FileResponse:
    """The review page (`make run` serves it at http://127.0.0.1:8000/)."""
    return FileResponse(
        PAGE_DIR / "index.html", media_type="text/html; charset=utf-8", headers=SECURITY_HEADERS
    )


@router.get("/page/{name}")
def asset(name: str) -> FileResponse:
    """The page's script and style; nothing else of the folder."""
    if name not in ASSETS:
        raise HTTPException(404, "no such file")
    return FileResponse(PAGE_DIR / name, media_type=ASSETS[name], headers=SECURITY_HEADERS)
