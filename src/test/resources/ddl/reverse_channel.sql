-- The reverse channel's fixture: every kind of value the applier carries back, a composite key, a foreign key.
CREATE TABLE customers (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(100) NOT NULL,
  code CHAR(4) NULL,
  active TINYINT(1) NOT NULL DEFAULT 1,
  balance DECIMAL(14,4) NULL,
  born DATE NULL,
  seen DATETIME(3) NULL,
  changed TIMESTAMP(6) NULL DEFAULT NULL,
  wake TIME(2) NULL,
  kind ENUM('a','b','c ü') NULL,
  tags SET('x','y','z') NULL,
  doc JSON NULL,
  photo VARBINARY(32) NULL,
  score DOUBLE NULL,
  ratio FLOAT NULL,
  bits BIT(10) NULL,
  yr YEAR NULL,
  name_upper VARCHAR(100) AS (UPPER(name)) VIRTUAL,
  email VARCHAR(100) NULL,
  UNIQUE KEY uq_customers_email (email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE order_lines (
  customer_id INT NOT NULL,
  line INT NOT NULL,
  qty INT NOT NULL,
  note TEXT NULL,
  PRIMARY KEY (customer_id, line),
  CONSTRAINT fk_lines_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

INSERT INTO customers (id, name, code, active, balance, born, seen, changed, wake, kind, tags, doc, photo, score, ratio, bits, yr) VALUES
 (1, 'Ada', 'A1', 1, 1234.5678, '1990-01-31', '2024-05-01 10:11:12.345', '2024-05-01 10:11:12.123456', '07:30:00.25', 'a', 'x,z', '{"k": [1, 2.5, "é"]}', X'00FF10', 1.5e300, 0.1, b'1010101010', 1999),
 (2, 'Bob', NULL, 0, -0.0001, '2000-02-29', '1999-12-31 23:59:59.999', '1971-01-01 00:00:01', '-12:00:00', 'c ü', '', '[]', X'', 2.2250738585072014e-308, 3.4e38, b'0', 2155),
 (3, 'Chloé 😀', 'ZZZ', 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
INSERT INTO order_lines VALUES (1, 1, 3, 'first'), (1, 2, 1, NULL), (2, 1, 7, 'ligne é');
