-- What both databases looked like after the last successful sync, as Fingerprint summarizes them: when neither has changed
-- since, a sync has nothing to do and reads no rows.
CREATE TABLE IF NOT EXISTS bridge.fingerprint (
    side       VARCHAR(16)  NOT NULL PRIMARY KEY,
    value      TEXT         NOT NULL,
    taken_at   DATETIME(6)  NOT NULL
) ENGINE = InnoDB
