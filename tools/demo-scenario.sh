#!/usr/bin/env bash
# The seed scenario on one tablet: plan 31-KH/BCĐTP, working session 1 (Quận 4, Phường 10).
# Run through scripts/demo, which builds first. Stores go to demo-run/ (recreated each time).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=build/bin
RUN=demo-run
rm -rf "$RUN" && mkdir -p "$RUN"
fs() { "$BIN/fieldsync" "$@"; }
if [ -t 1 ]; then BOLD=$'\033[1m' PLAIN=$'\033[0m'; else BOLD="" PLAIN=""; fi
step() { printf '\n%s== %s%s\n' "$BOLD" "$*" "$PLAIN"; }

DB="$RUN/khoa.db"
step "Tablet of Trần Minh Khoa (member): new store, seed plan loaded"
fs init --db "$DB" --user khoa
fs load-demo --db "$DB"

step "Working sessions"
fs visits --db "$DB"

step "Answering on site at Quận ủy Quận 4 (offline)"
fs answer --db "$DB" --unit Q4 --item A1 --rating tot \
  --results "Quận ủy ban hành kế hoạch triển khai Luật Thực hiện dân chủ ở cơ sở, quán triệt đến 100% chi bộ" \
  --good-practices "Tổ chức hội nghị chuyên đề, lồng ghép vào sinh hoạt chi bộ định kỳ"
fs answer --db "$DB" --unit Q4 --item A5 --rating dat \
  --results "Phối hợp với Ủy ban Mặt trận Tổ quốc quận triển khai phong trào “Dân vận khéo”" \
  --limitations "Một số khu phố chưa cập nhật quy ước cộng đồng dân cư"
fs answer --db "$DB" --unit Q4 --item A7 --rating "Chưa đạt" \
  --limitations "Sắp xếp tổ dân phố còn chậm, thiếu cán bộ" \
  --recommendations "Đề nghị Ban Chỉ đạo thành phố hướng dẫn bố trí cán bộ khu phố"
# Decomposed Unicode (NFD), as some keyboards send it: stored in NFC, found either way.
fs answer --db "$DB" --unit P10Q4 --item A6 --rating dat \
  --results "$(printf 'Pho\xcc\x82\xcc\x89 bie\xcc\x82\xcc\x81n quy u\xcc\x9bo\xcc\x9b\xcc\x81c co\xcc\xa3\xcc\x82ng \xc4\x91o\xcc\x82\xcc\x80ng \xc4\x91e\xcc\x82\xcc\x81n tu\xcc\x9b\xcc\x80ng to\xcc\x82\xcc\x89 da\xcc\x82n pho\xcc\x82\xcc\x81')"
fs answer --db "$DB" --unit P10Q4 --item A2 --rating tot \
  --results "Kiện toàn Ban Chỉ đạo phường, tổ chức đối thoại với Nhân dân hằng quý"

step "Checklist of Quận ủy Quận 4"
fs checklist --db "$DB" --unit Q4

step "Accent-insensitive search: \"can gio\", \"thoa uoc\", \"quy uoc cong dong\""
fs search --db "$DB" "can gio"
fs search --db "$DB" "thoa uoc"
fs search --db "$DB" "quy uoc cong dong"

step "Outbox: changes waiting for the server"
echo "$(fs outbox --db "$DB" --json | grep -c '"device_seq"') changes waiting (the plan and today's answers)"
