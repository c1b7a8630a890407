-- The peer objects the last sync left out (bad rows, rows this database refused), and which machine they were read from. When
-- the roles switch and the other machine pulls from this one, it keeps what was never copied here instead of deleting it.
-- Keys are matched by their SHA-256 (hex), since a key may be longer than an index holds or carry bytes a column cannot.
CREATE TABLE IF NOT EXISTS bridge.skipped (
    id         bigserial    PRIMARY KEY,
    kind       varchar(16)  NOT NULL,
    key_hash   char(64)     NOT NULL,
    object_key varchar(512) NOT NULL,
    reason     text         NOT NULL,
    from_host  varchar(255) NOT NULL,
    skipped_at timestamptz  NOT NULL
)
