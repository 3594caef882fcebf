#!/usr/bin/env bash
# Regenerate the SIP media application's prompt files from infra/prompts/PROMPTS.md.
#
# Development-time only: the WAVs are committed, so nothing at test or demo time needs espeak-ng
# or sox. Each prompt is spoken by espeak-ng and converted by sox to what PlayAudio accepts:
# WAV, 8 kHz, mono, 16-bit signed PCM. Usage: scripts/make-prompts.sh [OUT_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$here/infra/prompts}
table=$here/infra/prompts/PROMPTS.md
for tool in espeak-ng sox; do
  command -v "$tool" >/dev/null || { echo "make-prompts: $tool is missing (apt-get install -y espeak-ng sox)" >&2; exit 2; }
done
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
count=0
# Table rows look like: | `file.wav` | spoken text |
while IFS='|' read -r _ file text _; do
  file=$(echo "$file" | tr -d ' `')
  text=$(echo "$text" | sed 's/^ *//; s/ *$//')
  case "$file" in *.wav) ;; *) continue ;; esac
  espeak-ng -v en-us -s 150 -w "$tmp/raw.wav" "$text"
  sox "$tmp/raw.wav" -r 8000 -c 1 -b 16 -e signed-integer "$out/$file"
  count=$((count + 1))
done < "$table"
echo "make-prompts: wrote $count prompts to $out"
