#!/bin/sh
# Run by nginx's image before it starts (/docker-entrypoint.d/): a self-signed certificate for a
# laptop, made once, when TLS_CERTIFICATE does not exist yet. With Let's Encrypt (see docs/deployment.md)
# TLS_CERTIFICATE points at certbot's files and this does nothing.
set -eu
if [ -s "$TLS_CERTIFICATE" ] && [ -s "$TLS_CERTIFICATE_KEY" ]; then
    exit 0
fi
command -v openssl >/dev/null 2>&1 || apk add --no-cache openssl >/dev/null
mkdir -p "$(dirname "$TLS_CERTIFICATE")" "$(dirname "$TLS_CERTIFICATE_KEY")"
openssl req -x509 -nodes -newkey rsa:2048 -days 825 \
    -subj "/CN=${SERVER_NAME:-localhost}" -addext "subjectAltName=DNS:${SERVER_NAME:-localhost},DNS:localhost,IP:127.0.0.1" \
    -keyout "$TLS_CERTIFICATE_KEY" -out "$TLS_CERTIFICATE"
echo "made a self-signed certificate for ${SERVER_NAME:-localhost} in $TLS_CERTIFICATE"
