-- What both databases looked like after the last successful sync, as Fingerprint summarizes them: when neither has changed
-- since, a sync has nothing to do and reads no rows.
CREATE TABLE IF NOT EXISTS bridge.fingerprint (
    side       varchar(16)  PRIMARY KEY,
    value      text         NOT NULL,
    taken_at   timestamptz  NOT NULL
)
