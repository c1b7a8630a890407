-- The peer objects the last sync left out (bad rows, rows this database refused), and which machine they were read from. When
-- the roles switch and the other machine pulls from this one, it keeps what was never copied here instead of deleting it.
-- Keys are matched by their SHA-256 (hex), since a key may be longer than an index holds or carry bytes a column cannot.
CREATE TABLE IF NOT EXISTS bridge.skipped (
    id         BIGINT AUTO_INCREMENT PRIMARY KEY,
    kind       VARCHAR(16)  NOT NULL,
    key_hash   CHAR(64)     NOT NULL,
    object_key VARCHAR(512) NOT NULL,
    reason     TEXT         NOT NULL,
    from_host  VARCHAR(255) NOT NULL,
    skipped_at DATETIME(6)  NOT NULL
) ENGINE = InnoDB
