-- Blech 5 schema on PostgreSQL 15, exactly as BLECH.md documents it.
-- Bridge never changes this file's tables; its own state lives in schema "bridge".

CREATE TABLE server (
    id       serial PRIMARY KEY,
    hostname varchar(253) NOT NULL,
    main_ip  varchar(45)  NOT NULL
);

CREATE TABLE ip_address (
    id      serial PRIMARY KEY,
    address varchar(45)  NOT NULL,
    kind    varchar(10)  NOT NULL,
    note    varchar(255) NULL,
    CONSTRAINT ip_address_address_key UNIQUE (address)
);

CREATE TABLE client (
    id            serial PRIMARY KEY,
    login         varchar(64)  NOT NULL,
    name          varchar(255) NOT NULL,
    email         varchar(255) NOT NULL,
    password_hash varchar(255) NOT NULL,
    active        boolean      NOT NULL DEFAULT true,
    updated_at    timestamptz  NOT NULL,
    CONSTRAINT client_login_key UNIQUE (login)
);

CREATE TABLE site (
    id                serial PRIMARY KEY,
    client_id         integer       NOT NULL REFERENCES client (id),
    domain            varchar(253)  NOT NULL,
    aliases           text          NOT NULL DEFAULT '',
    ip_address        varchar(45)   NOT NULL,
    http_port         integer       NOT NULL DEFAULT 80,
    https_port        integer       NULL,
    document_root     varchar(4096) NOT NULL,
    ssl_cert_path     varchar(4096) NULL,
    ssl_key_path      varchar(4096) NULL,
    php_version       varchar(8)    NULL,
    custom_directives text          NULL,
    active            boolean       NOT NULL,
    updated_at        timestamptz   NOT NULL
);
CREATE UNIQUE INDEX site_domain_key ON site (lower(domain));

CREATE TABLE dns_zone (
    id          serial PRIMARY KEY,
    client_id   integer      NOT NULL REFERENCES client (id),
    origin      varchar(255) NOT NULL,
    primary_ns  varchar(255) NOT NULL,
    hostmaster  varchar(255) NOT NULL,
    serial      bigint       NOT NULL CHECK (serial BETWEEN 0 AND 4294967295),
    refresh     integer      NOT NULL,
    retry       integer      NOT NULL,
    expire      integer      NOT NULL,
    minimum     integer      NOT NULL,
    default_ttl integer      NOT NULL,
    active      boolean      NOT NULL,
    updated_at  timestamptz  NOT NULL,
    CONSTRAINT dns_zone_origin_key UNIQUE (origin)
);

CREATE TABLE dns_record (
    id         serial PRIMARY KEY,
    zone_id    integer      NOT NULL REFERENCES dns_zone (id) ON DELETE CASCADE,
    name       varchar(255) NOT NULL,
    type       varchar(10)  NOT NULL,
    ttl        integer      NULL,
    priority   integer      NULL,
    data       text         NOT NULL,
    active     boolean      NOT NULL,
    updated_at timestamptz  NOT NULL
);
CREATE INDEX dns_record_zone_name_type ON dns_record (zone_id, name, type);

CREATE TABLE mail_domain (
    id         serial PRIMARY KEY,
    client_id  integer      NOT NULL REFERENCES client (id),
    domain     varchar(253) NOT NULL,
    active     boolean      NOT NULL,
    updated_at timestamptz  NOT NULL,
    CONSTRAINT mail_domain_domain_key UNIQUE (domain)
);

CREATE TABLE mailbox (
    id             serial PRIMARY KEY,
    mail_domain_id integer      NOT NULL REFERENCES mail_domain (id) ON DELETE CASCADE,
    local_part     varchar(64)  NOT NULL,
    password_hash  varchar(255) NOT NULL,
    quota_mb       integer      NOT NULL,
    forward_to     text         NULL,
    active         boolean      NOT NULL,
    updated_at     timestamptz  NOT NULL,
    CONSTRAINT mailbox_domain_local_key UNIQUE (mail_domain_id, local_part)
);

CREATE TABLE mail_alias (
    id             serial PRIMARY KEY,
    mail_domain_id integer     NOT NULL REFERENCES mail_domain (id) ON DELETE CASCADE,
    source         varchar(64) NOT NULL,
    destination    text        NOT NULL,
    active         boolean     NOT NULL,
    updated_at     timestamptz NOT NULL,
    CONSTRAINT mail_alias_domain_source_key UNIQUE (mail_domain_id, source)
);

CREATE TABLE regen_queue (
    id          serial PRIMARY KEY,
    object_type varchar(16) NOT NULL,
    object_id   integer     NULL,
    action      varchar(8)  NOT NULL,
    queued_at   timestamptz NOT NULL,
    done_at     timestamptz NULL
);
