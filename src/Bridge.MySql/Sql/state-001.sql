-- Bridge's own state on MariaDB/MySQL: database "bridge" beside Blech's. Blech's tables are never touched.
CREATE DATABASE IF NOT EXISTS bridge CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS bridge.schema_version (
    version INT NOT NULL
) ENGINE = InnoDB;

CREATE TABLE IF NOT EXISTS bridge.run (
    id           BIGINT AUTO_INCREMENT PRIMARY KEY,
    command      VARCHAR(32)  NOT NULL,
    requested_by VARCHAR(255) NOT NULL,
    started_at   DATETIME(6)  NOT NULL,
    finished_at  DATETIME(6)  NULL,
    outcome      VARCHAR(16)  NOT NULL,
    exit_code    INT          NULL,
    summary      TEXT         NULL,
    error        TEXT         NULL
) ENGINE = InnoDB;

-- The address Bridge last wrote for each site: a later difference on only this column is Blech undoing Bridge (a revert).
CREATE TABLE IF NOT EXISTS bridge.site_address (
    domain     VARCHAR(253) NOT NULL PRIMARY KEY,
    address    VARCHAR(45)  NOT NULL,
    written_at DATETIME(6)  NOT NULL
) ENGINE = InnoDB
;

-- Every revert a run put back: Blech (its push or its repair rule) had moved a site off the address Bridge wrote.
CREATE TABLE IF NOT EXISTS bridge.revert (
    id         BIGINT AUTO_INCREMENT PRIMARY KEY,
    at         DATETIME(6)  NOT NULL,
    kind       VARCHAR(16)  NOT NULL,
    object_key VARCHAR(512) NOT NULL,
    field      VARCHAR(64)  NOT NULL,
    from_value TEXT         NULL,
    to_value   TEXT         NULL
) ENGINE = InnoDB
