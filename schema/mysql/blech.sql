-- Blech 5 schema on MariaDB 10.11 (and MySQL 8), exactly as BLECH.md documents it.
-- Bridge never changes this file's tables; its own state lives in database "bridge".

CREATE TABLE server (
    id       INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    hostname VARCHAR(253) NOT NULL,
    main_ip  VARCHAR(45)  NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE ip_address (
    id      INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    address VARCHAR(45)  NOT NULL,
    kind    VARCHAR(10)  NOT NULL,
    note    VARCHAR(255) NULL,
    UNIQUE KEY ip_address_address_key (address)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE client (
    id            INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    login         VARCHAR(64)  NOT NULL,
    name          VARCHAR(255) NOT NULL,
    email         VARCHAR(255) NOT NULL,
    password_hash VARCHAR(255) NOT NULL,
    active        TINYINT(1)   NOT NULL DEFAULT 1,
    updated_at    DATETIME(6)  NOT NULL,
    UNIQUE KEY client_login_key (login)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE site (
    id                INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    client_id         INT           NOT NULL,
    domain            VARCHAR(253)  NOT NULL,
    aliases           TEXT          NOT NULL DEFAULT '',
    ip_address        VARCHAR(45)   NOT NULL,
    http_port         INT           NOT NULL DEFAULT 80,
    https_port        INT           NULL,
    document_root     VARCHAR(4096) NOT NULL,
    ssl_cert_path     VARCHAR(4096) NULL,
    ssl_key_path      VARCHAR(4096) NULL,
    php_version       VARCHAR(8)    NULL,
    custom_directives TEXT          NULL,
    active            TINYINT(1)    NOT NULL,
    updated_at        DATETIME(6)   NOT NULL,
    UNIQUE KEY site_domain_key (domain),
    CONSTRAINT site_client_fk FOREIGN KEY (client_id) REFERENCES client (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE dns_zone (
    id          INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    client_id   INT          NOT NULL,
    origin      VARCHAR(255) NOT NULL,
    primary_ns  VARCHAR(255) NOT NULL,
    hostmaster  VARCHAR(255) NOT NULL,
    serial      BIGINT       NOT NULL CHECK (serial BETWEEN 0 AND 4294967295),
    refresh     INT          NOT NULL,
    retry       INT          NOT NULL,
    expire      INT          NOT NULL,
    minimum     INT          NOT NULL,
    default_ttl INT          NOT NULL,
    active      TINYINT(1)   NOT NULL,
    updated_at  DATETIME(6)  NOT NULL,
    UNIQUE KEY dns_zone_origin_key (origin),
    CONSTRAINT dns_zone_client_fk FOREIGN KEY (client_id) REFERENCES client (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE dns_record (
    id         INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    zone_id    INT          NOT NULL,
    name       VARCHAR(255) NOT NULL,
    type       VARCHAR(10)  NOT NULL,
    ttl        INT          NULL,
    priority   INT          NULL,
    data       TEXT         NOT NULL,
    active     TINYINT(1)   NOT NULL,
    updated_at DATETIME(6)  NOT NULL,
    KEY dns_record_zone_name_type (zone_id, name, type),
    CONSTRAINT dns_record_zone_fk FOREIGN KEY (zone_id) REFERENCES dns_zone (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE mail_domain (
    id         INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    client_id  INT          NOT NULL,
    domain     VARCHAR(253) NOT NULL,
    active     TINYINT(1)   NOT NULL,
    updated_at DATETIME(6)  NOT NULL,
    UNIQUE KEY mail_domain_domain_key (domain),
    CONSTRAINT mail_domain_client_fk FOREIGN KEY (client_id) REFERENCES client (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE mailbox (
    id             INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    mail_domain_id INT          NOT NULL,
    local_part     VARCHAR(64)  NOT NULL,
    password_hash  VARCHAR(255) NOT NULL,
    quota_mb       INT          NOT NULL,
    forward_to     TEXT         NULL,
    active         TINYINT(1)   NOT NULL,
    updated_at     DATETIME(6)  NOT NULL,
    UNIQUE KEY mailbox_domain_local_key (mail_domain_id, local_part),
    CONSTRAINT mailbox_domain_fk FOREIGN KEY (mail_domain_id) REFERENCES mail_domain (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE mail_alias (
    id             INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    mail_domain_id INT         NOT NULL,
    source         VARCHAR(64) NOT NULL,
    destination    TEXT        NOT NULL,
    active         TINYINT(1)  NOT NULL,
    updated_at     DATETIME(6) NOT NULL,
    UNIQUE KEY mail_alias_domain_source_key (mail_domain_id, source),
    CONSTRAINT mail_alias_domain_fk FOREIGN KEY (mail_domain_id) REFERENCES mail_domain (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE regen_queue (
    id          INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    object_type VARCHAR(16) NOT NULL,
    object_id   INT         NULL,
    action      VARCHAR(8)  NOT NULL,
    queued_at   DATETIME(6) NOT NULL,
    done_at     DATETIME(6) NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
