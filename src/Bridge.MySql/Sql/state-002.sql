-- Roles and serials: which machine holds V (with an epoch that grows at every change), and for each zone the newest serial
-- ever seen on the peer and ever served here, so that no serial ever goes backwards across failover and failback.
CREATE TABLE IF NOT EXISTS bridge.role (
    id         INT          NOT NULL PRIMARY KEY,
    role       VARCHAR(16)  NOT NULL,
    epoch      BIGINT       NOT NULL,
    changed_at DATETIME(6)  NOT NULL,
    changed_by VARCHAR(255) NOT NULL
) ENGINE = InnoDB;

CREATE TABLE IF NOT EXISTS bridge.zone_serial (
    origin     VARCHAR(255) NOT NULL PRIMARY KEY,
    peer_max   BIGINT       NULL,
    local_max  BIGINT       NULL,
    updated_at DATETIME(6)  NOT NULL
) ENGINE = InnoDB
