-- Bascule benchmark dataset: database `bench`, 4 tables of {{CUSTOMERS}}, {{ORDERS}}, {{EVENTS}} and
-- {{AUDIT_LOG}} rows: 200,000 / 1,200,000 / 600,000 / 50,000 (2,050,000 in all) times the scale.
--
-- Run by bench/make-dataset.sh (see there), which fills in the {{...}} row counts from the scale it is
-- given. Needs MariaDB 10.x with the Sequence engine (tables seq_1_to_N), which Debian's mariadb-server
-- has built in.
--
-- Content is deterministic: every value is a function of the row number (CRC32/MD5 of it),
-- so two builds at the same scale give the same rows. Session time zone is UTC so TIMESTAMP values are
-- stable. At scale 1:
--
--   customers   200,000  INT UNSIGNED AUTO_INCREMENT PK, utf8mb4 names (accents, CJK, emoji),
--                        unique email, DATE (some NULL), ENUM, TINYINT(1), DECIMAL(10,2),
--                        DATETIME(6), TIMESTAMP
--   orders    1,200,000  BIGINT AUTO_INCREMENT PK, FK to customers, DECIMAL(12,2), DOUBLE,
--                        DATETIME, VARCHAR(255) NULL (30 % NULL, some quotes/backslashes), JSON
--   events      600,000  BIGINT PK, TEXT ~200 chars (some with newline and tab), VARBINARY(16)
--                        (uuid bytes), INT (negative too), SMALLINT, TIME
--   audit_log    50,000  no primary key, pairs of identical rows, DATETIME, VARCHAR, FLOAT,
--                        INT UNSIGNED
--
-- Bump the version below when the content changes: run.sh rebuilds when it differs.
-- dataset-version: 2 (row counts from the scale)

SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci;
SET time_zone = '+00:00';
SET SESSION foreign_key_checks = 0;
SET SESSION unique_checks = 0;

DROP DATABASE IF EXISTS bench;
CREATE DATABASE bench CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
USE bench;

CREATE TABLE customers (
  id          INT UNSIGNED NOT NULL AUTO_INCREMENT,
  first_name  VARCHAR(100) NOT NULL,
  last_name   VARCHAR(100) NOT NULL,
  email       VARCHAR(255) NOT NULL,
  country     CHAR(2)      NOT NULL,
  birth_date  DATE         NULL,
  status      ENUM('active','suspended','closed','pending') NOT NULL DEFAULT 'pending',
  active      TINYINT(1)   NOT NULL DEFAULT 1,
  balance     DECIMAL(10,2) NOT NULL DEFAULT 0.00,
  created_at  DATETIME(6)  NOT NULL,
  updated_at  TIMESTAMP    NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (id),
  UNIQUE KEY uq_customers_email (email),
  KEY ix_customers_last_name (last_name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE orders (
  id             BIGINT        NOT NULL AUTO_INCREMENT,
  customer_id    INT UNSIGNED  NOT NULL,
  amount         DECIMAL(12,2) NOT NULL,
  discount_rate  DOUBLE        NOT NULL,
  ordered_at     DATETIME      NOT NULL,
  note           VARCHAR(255)  NULL,
  payload        JSON          NULL,
  PRIMARY KEY (id),
  KEY ix_orders_customer (customer_id),
  KEY ix_orders_ordered_at (ordered_at),
  CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE events (
  id        BIGINT         NOT NULL,
  message   TEXT           NOT NULL,
  uuid      VARBINARY(16)  NOT NULL,
  code      INT            NOT NULL,
  severity  SMALLINT       NOT NULL,
  at_time   TIME           NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- No primary key on purpose (a log table as found in real schemas), with duplicate rows.
CREATE TABLE audit_log (
  logged_at  DATETIME      NOT NULL,
  actor      VARCHAR(64)   NOT NULL,
  action     VARCHAR(32)   NOT NULL,
  detail     VARCHAR(200)  NULL,
  score      FLOAT         NULL,
  client_ip  INT UNSIGNED  NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO customers (id, first_name, last_name, email, country, birth_date, status, active,
                       balance, created_at, updated_at)
SELECT
  seq,
  ELT(1 + seq % 20, 'José', 'Zoë', 'François', 'Björn', 'Łukasz', 'Ægir', 'Chloé', 'Nuño',
      'Søren', 'Émilie', 'Ana', 'John', 'Mei', 'Olúwaṣeun', 'Siobhán', 'Jürgen', 'Inês',
      'Dmitrij', 'Zoltán', 'Ľubica'),
  CONCAT(ELT(1 + (seq DIV 20) % 16, 'García', 'Müller', 'Dubois', 'Østergaard', 'Nowak', 'Smith',
             'O''Brien', 'Nguyễn', 'Kowalczyk', 'Brontë', 'da Silva', 'Çelik', '田中', 'Lefèvre',
             'Ibáñez', 'Παπαδόπουλος'),
         IF(seq % 53 = 0, ' 🎉', ''), IF(seq % 101 = 0, ' 👩‍💻', '')),
  CONCAT('user', seq, '@', ELT(1 + seq % 5, 'example.com', 'mail.test', 'exemple.fr',
                                'beispiel.de', 'correo.es')),
  ELT(1 + seq % 8, 'FR', 'DE', 'ES', 'PT', 'PL', 'US', 'JP', 'BR'),
  IF(seq % 41 = 0, NULL, DATE '1940-01-01' + INTERVAL (CRC32(CONCAT('b', seq)) % 25000) DAY),
  ELT(1 + CRC32(CONCAT('s', seq)) % 4, 'active', 'suspended', 'closed', 'pending'),
  IF(seq % 7 = 0, 0, 1),
  (CAST(CRC32(CONCAT('m', seq)) % 5000000 AS SIGNED) - 1000000) / 100,
  TIMESTAMP '2015-01-01 00:00:00'
    + INTERVAL (CRC32(CONCAT('c', seq)) % 283824000) SECOND
    + INTERVAL (seq * 7919 % 1000000) MICROSECOND,
  TIMESTAMP '2023-01-01 00:00:00' + INTERVAL (CRC32(CONCAT('u', seq)) % 31536000) SECOND
FROM seq_1_to_{{CUSTOMERS}};

INSERT INTO orders (id, customer_id, amount, discount_rate, ordered_at, note, payload)
SELECT
  seq,
  1 + CRC32(CONCAT('o', seq)) % {{CUSTOMERS}},
  (CRC32(CONCAT('a', seq)) % 10000000) / 100,
  (CRC32(CONCAT('d', seq)) % 100000) / 300000e0,
  TIMESTAMP '2018-01-01 00:00:00' + INTERVAL (CRC32(CONCAT('t', seq)) % 220000000) SECOND,
  CASE
    WHEN seq % 10 < 3 THEN NULL
    WHEN seq % 1000 = 5 THEN CONCAT('Livraison porte « B », code "12\'34" chemin C:\\temp\\', seq)
    WHEN seq % 250 = 7 THEN ''
    ELSE CONCAT('Order ', seq, ' – ', ELT(1 + seq % 6, 'express', 'gift wrap', 'leave at door',
                                        'appeler avant', 'Lieferung ins Büro', '配達時間指定'))
  END,
  IF(seq % 20 = 0, NULL,
     JSON_OBJECT('sku', CONCAT('SKU-', LPAD(seq % 5000, 5, '0')),
                 'qty', 1 + seq % 9,
                 'gift', IF(seq % 11 = 0, JSON_EXTRACT('true', '$'), JSON_EXTRACT('false', '$')),
                 'tags', JSON_ARRAY(ELT(1 + seq % 3, 'web', 'shop', 'phone'), seq % 4)))
FROM seq_1_to_{{ORDERS}};

INSERT INTO events (id, message, uuid, code, severity, at_time)
SELECT
  seq,
  CONCAT('Event ', seq, ' [', ELT(1 + seq % 5, 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'), '] ',
         SUBSTRING('Le système a reçu une requête de synchronisation; the upstream service answered '
                   'with a partial result after 3 retries. Über-long payloads were truncated, '
                   'naïve clients reconnected, and the cache (région Île-de-France) was rebuilt '
                   'from the snapshot taken at the last checkpoint. No data was lost during the '
                   'operation, see runbook §4.2 for details.',
                   1 + seq % 90, 170 + seq % 60),
         IF(seq % 97 = 0, '\nsecond line\twith a tab', '')),
  UNHEX(MD5(CONCAT('e', seq))),
  CAST(CRC32(CONCAT('k', seq)) AS SIGNED) - 2147483648,
  CAST(seq % 9 AS SIGNED) * 100 - 400,
  IF(seq % 333 = 0, NULL, SEC_TO_TIME(CRC32(CONCAT('h', seq)) % 86400))
FROM seq_1_to_{{EVENTS}};

INSERT INTO audit_log (logged_at, actor, action, detail, score, client_ip)
SELECT
  TIMESTAMP '2024-01-01 00:00:00' + INTERVAL ((seq DIV 2) * 61) SECOND,
  ELT(1 + (seq DIV 2) % 6, 'admin', 'batch', 'rené', 'ops-bot', 'jdoe', 'système'),
  ELT(1 + (seq DIV 2) % 4, 'login', 'update', 'delete', 'export'),
  IF((seq DIV 2) % 9 = 0, NULL, CONCAT('row ', seq DIV 2, ' changed by job #', (seq DIV 2) % 77)),
  IF((seq DIV 2) % 13 = 0, NULL, ((seq DIV 2) % 1000) / 7),
  CRC32(CONCAT('ip', seq DIV 2))
FROM seq_1_to_{{AUDIT_LOG}};

ANALYZE TABLE customers, orders, events, audit_log;

SELECT 'customers' AS table_name, COUNT(*) AS row_count FROM customers
UNION ALL SELECT 'orders', COUNT(*) FROM orders
UNION ALL SELECT 'events', COUNT(*) FROM events
UNION ALL SELECT 'audit_log', COUNT(*) FROM audit_log;
