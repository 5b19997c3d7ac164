-- Target tables for the raw COPY baseline (bench/run.sh baseline): the same four tables with plain
-- PostgreSQL types, primary keys in place (so COPY maintains the PK index, as a real target does),
-- no secondary indexes and no foreign keys (those are not part of the timed COPY).
-- The column order matches the export queries in run.sh.
CREATE TABLE customers (
  id          bigint        NOT NULL PRIMARY KEY,   -- INT UNSIGNED
  first_name  varchar(100)  NOT NULL,
  last_name   varchar(100)  NOT NULL,
  email       varchar(255)  NOT NULL,
  country     char(2)       NOT NULL,
  birth_date  date,
  status      text          NOT NULL,             -- ENUM
  active      boolean       NOT NULL,             -- TINYINT(1)
  balance     numeric(10,2) NOT NULL,
  created_at  timestamp(6)  NOT NULL,             -- DATETIME(6)
  updated_at  timestamptz   NOT NULL              -- TIMESTAMP (UTC)
);

CREATE TABLE orders (
  id             bigint           NOT NULL PRIMARY KEY,
  customer_id    bigint           NOT NULL,
  amount         numeric(12,2)    NOT NULL,
  discount_rate  double precision NOT NULL,
  ordered_at     timestamp        NOT NULL,
  note           varchar(255),
  payload        jsonb
);

CREATE TABLE events (
  id        bigint   NOT NULL PRIMARY KEY,
  message   text     NOT NULL,
  uuid      bytea    NOT NULL,                    -- VARBINARY(16)
  code      integer  NOT NULL,
  severity  smallint NOT NULL,
  at_time   time
);

CREATE TABLE audit_log (
  logged_at  timestamp    NOT NULL,
  actor      varchar(64)  NOT NULL,
  action     varchar(32)  NOT NULL,
  detail     varchar(200),
  score      real,
  client_ip  bigint       NOT NULL               -- INT UNSIGNED
);
