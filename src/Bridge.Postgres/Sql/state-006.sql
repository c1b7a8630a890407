-- The pairs, packed: one row per kind and part (the peer ids part * 4096 to part * 4096 + 4095), each pair 24 bytes of
-- little-endian integers (peer id, local id, peer hash, local hash). A compare of everything writes a few hundred rows instead
-- of one per Blech row, and a sync that changes a few rows rewrites only the parts that hold them. Random hashes do not compress:
-- stored out of line, uncompressed.
CREATE TABLE IF NOT EXISTS bridge.row_pair_part (
    kind  integer  NOT NULL,  -- ObjectKind: 0 client, 1 site, 2 zone, 3 record, 4 mail domain, 5 mailbox, 6 alias
    part  integer  NOT NULL,
    pairs bytea    NOT NULL,
    PRIMARY KEY (kind, part)
);
ALTER TABLE bridge.row_pair_part ALTER COLUMN pairs SET STORAGE EXTERNAL;
DROP TABLE IF EXISTS bridge.row_pair;
-- The pairs start empty: the next sync compares everything once and writes them in the new form.
DELETE FROM bridge.row_pair_origin
