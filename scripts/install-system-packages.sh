#!/usr/bin/env bash
# Debian packages the full test suite uses, installed only when missing (needs root):
# nmap (discovery and `import nmap`), Chromium and pdftoppm (reports seen as a person sees
# them), Pango (WeasyPrint's PDF renderer), iproute2 (namespace labs), tcpdump (a real MQTT 5
# capture on loopback for the pcap reader's test), systemd (systemd-analyze verify on the generated
# timer units).
# Without root the suite still runs; the tests that need a missing tool skip and say why.
set -euo pipefail

missing=()
command -v nmap >/dev/null || missing+=(nmap)
command -v chromium >/dev/null || missing+=(chromium)
command -v pdftoppm >/dev/null || missing+=(poppler-utils)
command -v ip >/dev/null || missing+=(iproute2)
command -v tcpdump >/dev/null || missing+=(tcpdump)
command -v systemd-analyze >/dev/null || missing+=(systemd)
ldconfig -p | grep -q libpango-1.0 || missing+=(libpango-1.0-0 libpangoft2-1.0-0)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "note: not installing ${missing[*]} (needs root and apt-get); the tests that need them will skip" >&2
  exit 0
fi
echo "installing ${missing[*]}" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
