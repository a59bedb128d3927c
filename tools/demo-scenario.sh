#!/usr/bin/env bash
# The seed scenario end to end on one machine: plan 31-KH/BCĐTP, a central server on 127.0.0.1
# with its embedded SQLite store, and three tablets (the leader, the deputy, a member) that enrol,
# receive the plan by sync, fill the six units' checklists offline over the three visit days, lose
# their link mid-sync, and converge. Run through scripts/demo, which builds first.
# FIELDSYNC_BIN and FIELDSYNC_DEMO_DIR override the binaries (build/bin) and the folder it makes
# afresh (demo-run); the dashboard's browser test runs the scenario in its own folder this way.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${FIELDSYNC_BIN:-$PWD/build/bin}"
RUN="${FIELDSYNC_DEMO_DIR:-$PWD/demo-run}"
rm -rf "$RUN" && mkdir -p "$RUN"
SERVER_DB="$RUN/server.db"

if [ -t 1 ]; then BOLD=$'\033[1m' PLAIN=$'\033[0m'; else BOLD="" PLAIN=""; fi
step() { printf '\n%s== %s%s\n' "$BOLD" "$*" "$PLAIN"; }
srv() { "$BIN/fieldsync-server" "$@"; }
tab() { local who=$1; shift; "$BIN/fieldsync" "$@" --db "$RUN/$who.db"; }
answer() { local who=$1; shift; tab "$who" answer "$@" >/dev/null && echo "  $who: ${*:1:4}"; }

step "Secretariat (Thường trực Ban Chỉ đạo) sets up the server: accounts, plan 31-KH/BCĐTP"
srv user add --db "$SERVER_DB" --name thuongtruc --role secretariat --full-name "Thường trực Ban Chỉ đạo"
srv user add --db "$SERVER_DB" --name luan --role leader --full-name "Ngô Văn Luận"
srv user add --db "$SERVER_DB" --name tham --role deputy --full-name "Nguyễn Thị Hồng Thắm"
srv user add --db "$SERVER_DB" --name khoa --role member --full-name "Trần Minh Khoa"
srv plan import --db "$SERVER_DB" --demo

# A port below Linux's ephemeral range (32768-60999), so outgoing connections of other programs
# (or of parallel tests) rarely hold it; another one is tried if it is taken anyway.
SERVER_PID=""
trap '[ -n "$SERVER_PID" ] && { kill $SERVER_PID 2>/dev/null || true; wait $SERVER_PID 2>/dev/null || true; }' EXIT
for _attempt in 1 2 3 4 5; do
  PORT=$(( 20000 + RANDOM % 12000 ))
  # Not through srv: $! must be the server itself, or the trap above kills only a subshell.
  "$BIN/fieldsync-server" serve --db "$SERVER_DB" --listen "127.0.0.1:$PORT" >"$RUN/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 100); do
    grep -q "listening" "$RUN/server.log" 2>/dev/null && break
    kill -0 $SERVER_PID 2>/dev/null || break  # exited: the port was taken, or another failure
    sleep 0.1
  done
  grep -q "listening" "$RUN/server.log" && break
  grep -q "Address already in use" "$RUN/server.log" || break
done
grep -q "listening" "$RUN/server.log" || { cat "$RUN/server.log"; echo "demo: the server did not start" >&2; exit 1; }
URL="http://127.0.0.1:$PORT"
echo "server: $(cat "$RUN/server.log")"

step "Three tablets enrol with one-time codes and receive the plan by sync"
for who in luan tham khoa; do
  code=$(srv enroll-code --db "$SERVER_DB" --user "$who")
  tab "$who" enroll --server "$URL" --code "$code" --device-name "máy tính bảng của $who"
  tab "$who" sync
done
echo "Khoa (member) sees only his assigned sessions:"
tab khoa visits

step "6/7, session 1 (Quận 4, Phường 10), offline: three inspectors fill the checklist"
answer luan --unit Q4 --item A1 --rating tot \
  --results "Quận ủy ban hành kế hoạch triển khai Luật Thực hiện dân chủ ở cơ sở, quán triệt đến 100% chi bộ" \
  --good-practices "Hội nghị chuyên đề lồng ghép vào sinh hoạt chi bộ định kỳ"
answer khoa --unit Q4 --item A5 --rating dat \
  --results "Phối hợp với Ủy ban Mặt trận Tổ quốc quận triển khai phong trào “Dân vận khéo”"
answer tham --unit Q4 --item A5 --limitations "Một số khu phố chưa cập nhật quy ước cộng đồng dân cư"
# The leader assesses the same item differently, also offline: a real conflict on two parts.
answer luan --unit Q4 --item A5 --rating tot \
  --results "Mặt trận Tổ quốc quận và các đoàn thể phối hợp chặt chẽ, có mô hình “Dân vận khéo” tiêu biểu"
answer tham --unit Q4 --item A7 --rating "Chưa đạt" --limitations "Sắp xếp tổ dân phố còn chậm, thiếu cán bộ" \
  --recommendations "Đề nghị Ban Chỉ đạo thành phố hướng dẫn bố trí cán bộ khu phố"
answer khoa --unit P10Q4 --item A6 --rating dat \
  --results "$(printf 'Pho\xcc\x82\xcc\x89 bie\xcc\x82\xcc\x81n quy u\xcc\x9bo\xcc\x9b\xcc\x81c co\xcc\xa3\xcc\x82ng \xc4\x91o\xcc\x82\xcc\x80ng \xc4\x91e\xcc\x82\xcc\x81n tu\xcc\x9b\xcc\x80ng to\xcc\x82\xcc\x89 da\xcc\x82n pho\xcc\x82\xcc\x81')"
answer luan --unit P10Q4 --item A2 --rating tot --results "Kiện toàn Ban Chỉ đạo phường, đối thoại với Nhân dân hằng quý"
echo "Back in the car, khoa syncs; the link drops after the server got his first batch:"
tab khoa sync --batch 3 --simulate-cut 1
tab luan sync
tab tham sync

step "Evening of 6/7: the leader sees the conflicts and resolves them"
tab luan sync >/dev/null   # receives the conflict records the server made from khoa's push
tab luan conflicts
conflict_ids() { tab luan conflicts --part "$1" --json | grep -o '"id": "conflict/[^"]*"' | cut -d'"' -f4; }
for id in $(conflict_ids rating); do tab luan resolve --conflict "$id" --keep winner; done
for id in $(conflict_ids results); do
  tab luan resolve --conflict "$id" \
    --value "Phối hợp với Ủy ban Mặt trận Tổ quốc quận triển khai phong trào “Dân vận khéo”; có mô hình tiêu biểu"
done
tab luan sync
tab luan conflicts

step "7/7, session 2 (Tổng Công ty Công nghiệp Sài gòn, Cao su Thống Nhất), offline"
answer luan --unit CNSG --item B2 --rating tot --results "Tổ chức hội nghị người lao động đúng định kỳ"
answer tham --unit CNSG --item B3 --rating dat \
  --results "Thỏa ước lao động tập thể được ký kết và công khai" \
  --recommendations "Rà soát thỏa ước theo Bộ luật Lao động 2019"
answer tham --unit CSTN --item B6 --rating tot --good-practices "Công đoàn phối hợp chăm lo bữa ăn ca cho người lao động"
answer luan --unit CSTN --item B1 --rating dat --limitations "Một số quy chế chưa cập nhật"
echo "Tham syncs from the factory floor; the link dies for good during her 3rd request:"
tab tham sync --batch 2 --attempts 1 --simulate-cut 3 || true
tab tham status
echo "Later, with network again, she syncs; it resumes after the last acknowledged batch:"
tab tham sync
tab luan sync

step "11/7, session 3 (Huyện ủy Cần Giờ, Thị trấn Cần Thạnh), no network in the mangrove district"
answer khoa --unit CG --item A6 --rating dat --recommendations "Sửa đổi quy ước ấp phù hợp Luật Thực hiện dân chủ ở cơ sở"
answer luan --unit CG --item A4 --rating tot --results "Thực hiện tốt chủ đề năm 2023 về cải cách hành chính"
answer khoa --unit TTCT --item A3 --rating dat --results "Một cửa liên thông tại thị trấn hoạt động ổn định"
answer luan --unit TTCT --item A7 --rating "chua dat" --limitations "Chưa sắp xếp xong các khu phố, ấp"

step "Back at the office: everyone syncs"
for who in khoa luan tham; do tab "$who" sync; done
for who in khoa luan tham; do tab "$who" sync >/dev/null; done  # pick up what the others sent last

step "Server: merged answers of plan 31-KH/BCĐTP"
srv answers --db "$SERVER_DB" --plan "31-KH/BCĐTP"

step "Server: every conflict of the plan and how it was resolved"
srv conflicts --db "$SERVER_DB" --all

step "Every tablet converged to the server"
converged=1
for unit in Q4 P10Q4 CNSG CSTN CG TTCT; do
  tab luan checklist --unit "$unit" --json >"$RUN/luan-$unit.json"
  for who in tham khoa; do
    if tab "$who" checklist --unit "$unit" --json >"$RUN/$who-$unit.json" 2>/dev/null; then
      if cmp -s "$RUN/luan-$unit.json" "$RUN/$who-$unit.json"; then echo "  $unit: $who = luan"
      else echo "  $unit: $who DIFFERS from luan"; converged=0; fi
    else
      echo "  $unit: not in $who's scope"
    fi
  done
done
for who in luan tham khoa; do echo "  $who: $(tab "$who" status --json | grep -o '"pending": [0-9]*')"; done
[ "$converged" = 1 ] || { echo "demo: tablets did not converge" >&2; exit 1; }

step "Server: who changed what (audit log, hash-chained), checked"
srv audit list --db "$SERVER_DB" --limit 1000 | grep -E '^#[0-9]+ ' | tail -5
srv audit verify --db "$SERVER_DB"
echo "Done. Stores are in ${RUN#"$PWD"/}/."
