-- Source of device_v1.db: a tablet store as fieldsync schema version 1 wrote it (no authors, no
-- search index). Regenerate with: sqlite3 device_v1.db < device_v1.sql
PRAGMA journal_mode=DELETE;
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE field_state (
  record_type TEXT NOT NULL, record_id TEXT NOT NULL, field TEXT NOT NULL,
  value_kind INTEGER NOT NULL, value, tombstone INTEGER NOT NULL DEFAULT 0,
  hlc INTEGER NOT NULL, node TEXT NOT NULL,
  PRIMARY KEY (record_type, record_id, field)) WITHOUT ROWID;
CREATE INDEX field_state_by_value ON field_state (record_type, field, value);
CREATE TABLE outbox (
  device_seq INTEGER PRIMARY KEY,
  record_type TEXT NOT NULL, record_id TEXT NOT NULL, field TEXT NOT NULL,
  value_kind INTEGER NOT NULL, value, tombstone INTEGER NOT NULL DEFAULT 0,
  hlc INTEGER NOT NULL, seen_hlc INTEGER NOT NULL DEFAULT 0, seen_node TEXT NOT NULL DEFAULT '');
INSERT INTO meta VALUES ('device_id', '0b7c6a52-2f4e-4d8a-9c1b-5e3f7a9d1c20');
INSERT INTO meta VALUES ('user_name', 'khoa');
INSERT INTO meta VALUES ('next_device_seq', '4');
-- HLC 2023-07-06T01:00:00.000Z counter 2, packed (ms << 16 | counter)
INSERT INTO meta VALUES ('last_hlc', '110664430387200002');
INSERT INTO field_state VALUES ('unit', 'u-cg', 'name', 1, 'Huyện ủy Cần Giờ', 0, 110664430387200000, 'server-seed');
INSERT INTO field_state VALUES ('answer', 'u-cg/i-a6', 'rating', 1, 'dat', 0, 110664430387200001, '0b7c6a52-2f4e-4d8a-9c1b-5e3f7a9d1c20');
INSERT INTO field_state VALUES ('answer', 'u-cg/i-a6', 'recommendations', 1, 'Sửa đổi quy ước ấp Thạnh Hòa', 0, 110664430387200002, '0b7c6a52-2f4e-4d8a-9c1b-5e3f7a9d1c20');
INSERT INTO field_state VALUES ('answer', 'u-cg/i-a6', 'position', 2, 6, 0, 110664430387200002, '0b7c6a52-2f4e-4d8a-9c1b-5e3f7a9d1c20');
INSERT INTO outbox VALUES (2, 'answer', 'u-cg/i-a6', 'rating', 1, 'dat', 0, 110664430387200001, 0, '');
INSERT INTO outbox VALUES (3, 'answer', 'u-cg/i-a6', 'recommendations', 1, 'Sửa đổi quy ước ấp Thạnh Hòa', 0, 110664430387200002, 0, '');
PRAGMA user_version=1;
