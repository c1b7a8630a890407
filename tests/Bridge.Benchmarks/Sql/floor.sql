-- The rows Bridge's SnapshotReader reads, query for query; the floor reads them with the server's own client.
-- One statement a query; on PostgreSQL each is wrapped in COPY (...) TO STDOUT.
SELECT main_ip, hostname FROM server ORDER BY id;
SELECT address FROM ip_address ORDER BY id;
SELECT id, login, name, email, password_hash, active, updated_at FROM client ORDER BY id;
SELECT s.id, c.login, s.domain, s.aliases, s.ip_address, s.http_port, s.https_port, s.document_root, s.ssl_cert_path, s.ssl_key_path, s.php_version, s.custom_directives, s.active, s.updated_at FROM site s JOIN client c ON c.id = s.client_id ORDER BY s.id;
SELECT z.id, c.login, z.origin, z.primary_ns, z.hostmaster, z.serial, z.refresh, z.retry, z.expire, z.minimum, z.default_ttl, z.active, z.updated_at FROM dns_zone z JOIN client c ON c.id = z.client_id ORDER BY z.id;
SELECT r.id, z.origin, r.name, r.type, r.ttl, r.priority, r.data, r.active, r.updated_at FROM dns_record r JOIN dns_zone z ON z.id = r.zone_id ORDER BY r.id;
SELECT d.id, c.login, d.domain, d.active, d.updated_at FROM mail_domain d JOIN client c ON c.id = d.client_id ORDER BY d.id;
SELECT m.id, d.domain, m.local_part, m.password_hash, m.quota_mb, m.forward_to, m.active, m.updated_at FROM mailbox m JOIN mail_domain d ON d.id = m.mail_domain_id ORDER BY m.id;
SELECT a.id, d.domain, a.source, a.destination, a.active, a.updated_at FROM mail_alias a JOIN mail_domain d ON d.id = a.mail_domain_id ORDER BY a.id;
