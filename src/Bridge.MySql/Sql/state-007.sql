-- What changed in the pairs since their parts were written whole: per kind, the peer ids whose pair in the parts no longer
-- holds (4 bytes each, little-endian) and the pairs that replace some of them (24 bytes each, as in the parts). A sync that
-- changes a few rows rewrites this one row of its kind, not every part that holds one of them; the parts are written whole
-- again when the changes grow past an eighth of them.
CREATE TABLE IF NOT EXISTS bridge.row_pair_delta (
    kind  INT      PRIMARY KEY,  -- ObjectKind, as in row_pair_part
    gone  LONGBLOB NOT NULL,
    pairs LONGBLOB NOT NULL
) ENGINE = InnoDB
