-- The rows the last sync left equal, in pairs: the peer's row and this database's row with the same natural key, each with the
-- hash its columns had then. A sync reads only the rows whose hash moved, that have no pair, or whose pair's other row moved.
CREATE TABLE IF NOT EXISTS bridge.row_pair (
    kind       SMALLINT     NOT NULL,  -- ObjectKind: 0 client, 1 site, 2 zone, 3 record, 4 mail domain, 5 mailbox, 6 alias
    peer_id    INT          NOT NULL,
    peer_hash  BIGINT       NOT NULL,
    local_id   INT          NOT NULL,
    local_hash BIGINT       NOT NULL,
    PRIMARY KEY (kind, peer_id)
) ENGINE = InnoDB;
-- When the pairs were last rebuilt by a compare of everything, from which machine, and what the two sides' server and
-- address tables held then: a different peer or address context, or an older compare than configured, compares everything.
CREATE TABLE IF NOT EXISTS bridge.row_pair_origin (
    id          INT          NOT NULL PRIMARY KEY,
    compared_at DATETIME(6)  NOT NULL,
    context     TEXT         NOT NULL
) ENGINE = InnoDB
