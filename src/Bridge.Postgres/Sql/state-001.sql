-- Bridge's own state on PostgreSQL: schema "bridge" inside Blech's database. Blech's tables are never touched.
CREATE SCHEMA IF NOT EXISTS bridge;

CREATE TABLE IF NOT EXISTS bridge.schema_version (
    version integer NOT NULL
);

CREATE TABLE IF NOT EXISTS bridge.run (
    id           bigserial PRIMARY KEY,
    command      varchar(32)  NOT NULL,
    requested_by varchar(255) NOT NULL,
    started_at   timestamptz  NOT NULL,
    finished_at  timestamptz  NULL,
    outcome      varchar(16)  NOT NULL,
    exit_code    integer      NULL,
    summary      text         NULL,
    error        text         NULL
);

-- The address Bridge last wrote for each site: a later difference on only this column is Blech undoing Bridge (a revert).
CREATE TABLE IF NOT EXISTS bridge.site_address (
    domain     varchar(253) PRIMARY KEY,
    address    varchar(45)  NOT NULL,
    written_at timestamptz  NOT NULL
)
;

-- Every revert a run put back: Blech (its push or its repair rule) had moved a site off the address Bridge wrote.
CREATE TABLE IF NOT EXISTS bridge.revert (
    id         bigserial    PRIMARY KEY,
    at         timestamptz  NOT NULL,
    kind       varchar(16)  NOT NULL,
    object_key varchar(512) NOT NULL,
    field      varchar(64)  NOT NULL,
    from_value text         NULL,
    to_value   text         NULL
)
