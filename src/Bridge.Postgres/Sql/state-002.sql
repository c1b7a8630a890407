-- Roles and serials: which machine holds V (with an epoch that grows at every change), and for each zone the newest serial
-- ever seen on the peer and ever served here, so that no serial ever goes backwards across failover and failback.
CREATE TABLE IF NOT EXISTS bridge.role (
    id         integer      PRIMARY KEY,
    role       varchar(16)  NOT NULL,
    epoch      bigint       NOT NULL,
    changed_at timestamptz  NOT NULL,
    changed_by varchar(255) NOT NULL
);

CREATE TABLE IF NOT EXISTS bridge.zone_serial (
    origin     varchar(255) PRIMARY KEY,
    peer_max   bigint       NULL,
    local_max  bigint       NULL,
    updated_at timestamptz  NOT NULL
)
