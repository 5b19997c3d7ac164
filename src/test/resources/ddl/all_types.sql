-- Every MySQL/MariaDB type and naming case the GOLD migration must carry exactly, with edge values.
CREATE TABLE integers (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  t_s TINYINT, t_u TINYINT UNSIGNED, flag TINYINT(1), active TINYINT(1) NOT NULL DEFAULT 1,
  s_s SMALLINT, s_u SMALLINT UNSIGNED, m_s MEDIUMINT, m_u MEDIUMINT UNSIGNED,
  i_s INT, i_u INT UNSIGNED, b_s BIGINT, b_u BIGINT UNSIGNED,
  y YEAR, bits BIT(10), bit1 BIT(1), bit64 BIT(64)
) ENGINE=InnoDB AUTO_INCREMENT=1000;
INSERT INTO integers (id, t_s, t_u, flag, active, s_s, s_u, m_s, m_u, i_s, i_u, b_s, b_u, y, bits, bit1, bit64) VALUES
 (1, -128, 255, 0, 1, -32768, 65535, -8388608, 16777215, -2147483648, 4294967295, -9223372036854775808, 18446744073709551615, 1901, b'0000000101', b'1', b'1111111111111111111111111111111111111111111111111111111111111111'),
 (2, 127, 0, 5, 0, 32767, 0, 8388607, 0, 2147483647, 0, 9223372036854775807, 0, 2155, b'1111111111', b'0', b'0'),
 (3, 0, 1, 1, 1, 0, 1, 0, 1, 0, 1, 0, 9223372036854775808, 0, b'0', NULL, NULL),
 (4, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);

CREATE TABLE numbers (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  d65 DECIMAL(65,30), d10 DECIMAL(10,2), du DECIMAL(8,3) UNSIGNED, d0 DECIMAL(20,0),
  f FLOAT, fu FLOAT UNSIGNED, dbl DOUBLE, r REAL
);
INSERT INTO numbers VALUES
 (1, 99999999999999999999999999999999999.999999999999999999999999999999, 12345678.90, 99999.999, 99999999999999999999, 1.2345678, 0, 0.1, 1.7976931348623157E308),
 (2, -99999999999999999999999999999999999.999999999999999999999999999999, -0.01, 0, -99999999999999999999, 3.4028234E38, 16777217, 4.9E-324, -2.2250738585072014E-308),
 (3, 0.000000000000000000000000000001, 0, 0.001, 0, 1.17549435E-38, 3.14159274, 123456789.123456789, 0),
 (4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (5, 0, 0, 0, 0, -0.0, 0, -1.0E-300, 2.5);

CREATE TABLE temporal (
  id INT NOT NULL PRIMARY KEY,
  d DATE, dt DATETIME, dt6 DATETIME(6), ts TIMESTAMP NULL DEFAULT NULL, ts3 TIMESTAMP(3) NULL,
  t TIME, t6 TIME(6), created DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  zero_default DATETIME NOT NULL DEFAULT '0000-00-00 00:00:00'
);
SET SESSION sql_mode = '';
SET SESSION time_zone = '+00:00';
INSERT INTO temporal (id, d, dt, dt6, ts, ts3, t, t6, created, updated, zero_default) VALUES
 (1, '1000-01-01', '1000-01-01 00:00:00', '9999-12-31 23:59:59.999999', '1970-01-01 00:00:01', '2038-01-19 03:14:07.999', '-838:59:59', '838:59:59.000000', '2024-02-29 12:00:00', '2024-02-29 12:00:00', '2024-01-01 00:00:00'),
 (2, '0000-00-00', '0000-00-00 00:00:00', '2024-00-10 10:00:00.5', '0000-00-00 00:00:00', NULL, '100:00:00', '-00:00:00.000001', '2024-03-01 00:00:00', '2024-03-01 00:00:00', '0000-00-00 00:00:00'),
 (3, '2024-12-31', '2024-12-31 23:59:59', '2024-06-15 08:30:00.000100', '2024-06-15 08:30:00', '2024-06-15 08:30:00.001', '23:59:59', '00:00:00.5', '2024-03-01 00:00:00', '2024-03-01 00:00:00', '2024-01-01 00:00:00'),
 (4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '2024-03-01 00:00:00', '2024-03-01 00:00:00', '2024-01-01 00:00:00');
SET SESSION sql_mode = DEFAULT;

CREATE TABLE texts (
  id VARCHAR(20) NOT NULL PRIMARY KEY,
  c CHAR(10), vc VARCHAR(255), tt TINYTEXT, tx TEXT, mt MEDIUMTEXT, lt LONGTEXT,
  latin VARCHAR(50) CHARACTER SET latin1 COLLATE latin1_swedish_ci,
  utf3 VARCHAR(50) CHARACTER SET utf8mb3 COLLATE utf8mb3_general_ci,
  utf4 VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci,
  e ENUM('small','medium','large','it''s') DEFAULT 'medium',
  s SET('read','write','admin'),
  j JSON
) DEFAULT CHARSET=utf8mb4;
SET SESSION sql_mode = '';
INSERT INTO texts VALUES
 ('a', 'pad  ', 'tab\there\nnewline\\backslash', 'tiny', REPEAT('x', 5000), 'medium', 'long', 'Ångström café', 'naïve façade', 'emoji 😀 🎉 中文', 'small', 'read,admin', '{"b": 1, "a": [1.50, 2e3, "x"], "n": null, "nested": {"z": true, "y": -0.5}}'),
 ('B', '', '', '', '', '', '', '', '', '', 'it''s', '', '[]'),
 ('ü-x', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 ('z', 'z', 'carriage\rreturn', NULL, NULL, NULL, NULL, 'ÿ', 'x', '𝄞', 'bogus', 'write,read', '{"k": "v", "zz": [123e5, 1.5E-3, -0.0, 12345678901234567890123, {}, [], 1e400], "k\\u00e9y": "caf\\u00e9 \\t tab \\ud83d\\ude00", "a": {"yy": 1, "x": 2, "yy": 3}}');
SET SESSION sql_mode = DEFAULT;

-- ENUM and SET members are data: case, spaces, quotes, backslashes, control characters and non-ASCII kept byte-exact
-- (MariaDB stores the member as declared, whatever case was inserted; SET members in declaration order)
CREATE TABLE enum_values (
  id INT NOT NULL PRIMARY KEY,
  rating ENUM('G','PG','PG-13','R','NC-17') NOT NULL DEFAULT 'PG-13',
  odd ENUM('Mixed Case','two  spaces',' lead','it''s','say "hi"','back\\slash','Ångström','中文','a,b','x)y','tab	x') DEFAULT 'it''s',
  nl ENUM('line\nbreak','cr\rhere','plain') DEFAULT 'line\nbreak',
  features SET('Trailers','Commentaries','Deleted Scenes','Behind the Scenes'),
  emoji ENUM('ok','😀')
) DEFAULT CHARSET=utf8mb4;
INSERT INTO enum_values VALUES
 (1, 'G', 'Mixed Case', 'line\nbreak', 'Trailers,Behind the Scenes', 'ok'),
 (2, 'pg-13', 'two  spaces', 'cr\rhere', 'deleted scenes,trailers', '😀'),
 (3, 'NC-17', ' lead', 'plain', '', NULL),
 (4, 'R', 'it''s', NULL, 'Commentaries', 'ok'),
 (5, 'PG', 'say "hi"', NULL, NULL, NULL),
 (6, 'G', 'back\\slash', NULL, 'Trailers,Commentaries,Deleted Scenes,Behind the Scenes', NULL),
 (7, 'G', 'Ångström', NULL, NULL, NULL),
 (8, 'G', '中文', NULL, NULL, NULL),
 (9, 'G', 'a,b', NULL, NULL, NULL),
 (10, 'G', 'x)y', NULL, NULL, NULL),
 (11, 'G', 'tab	x', NULL, NULL, NULL),
 (12, 'G', NULL, NULL, NULL, NULL);

CREATE TABLE binaries (
  id BINARY(16) NOT NULL PRIMARY KEY,
  b BINARY(4), vb VARBINARY(20), tb TINYBLOB, bl BLOB, mb MEDIUMBLOB, lb LONGBLOB,
  g GEOMETRY, p POINT
);
INSERT INTO binaries VALUES
 (UNHEX('00112233445566778899AABBCCDDEEFF'), UNHEX('00000000'), UNHEX('00FF00'), UNHEX(''), UNHEX('DEADBEEF00'), REPEAT(UNHEX('00'), 1000), UNHEX('5C6E09'), ST_GeomFromText('LINESTRING(0 0, 1 1, 2 1)', 4326), POINT(1.5, -2.25)),
 (UNHEX('FF000000000000000000000000000000'), UNHEX('41'), NULL, NULL, NULL, NULL, NULL, NULL, NULL);

CREATE TABLE `Order` (
  `Id` INT NOT NULL,
  `select` VARCHAR(10),
  `Mixed Case Col` INT,
  `user` INT,
  `group` VARCHAR(5) NOT NULL DEFAULT 'g''1',
  PRIMARY KEY (`Id`),
  KEY `Idx Mixed` (`Mixed Case Col`),
  UNIQUE KEY `uq_select` (`select`)
);
INSERT INTO `Order` VALUES (1, 'from', 10, 1, 'a'), (2, 'where', 20, 2, 'b');

CREATE TABLE composite (
  tenant INT NOT NULL, code VARCHAR(10) NOT NULL, seq SMALLINT NOT NULL, amount DECIMAL(9,2),
  PRIMARY KEY (tenant, code, seq)
);
INSERT INTO composite VALUES (1, 'A', 1, 1.00), (1, 'A', 2, 2.00), (1, 'b', 1, 3.00), (2, 'A', 1, 4.00), (2, 'É', 1, 5.00);

CREATE TABLE employees (
  id INT NOT NULL PRIMARY KEY,
  manager_id INT NULL,
  name VARCHAR(50),
  CONSTRAINT fk_manager FOREIGN KEY (manager_id) REFERENCES employees (id) ON DELETE SET NULL
);
INSERT INTO employees VALUES (1, NULL, 'boss'), (2, 1, 'second'), (3, 2, 'third');

CREATE TABLE cycle_a (id INT NOT NULL PRIMARY KEY, b_id INT NULL);
CREATE TABLE cycle_b (id INT NOT NULL PRIMARY KEY, a_id INT NULL,
  CONSTRAINT fk_b_a FOREIGN KEY (a_id) REFERENCES cycle_a (id));
INSERT INTO cycle_a VALUES (1, NULL);
INSERT INTO cycle_b VALUES (1, 1);
UPDATE cycle_a SET b_id = 1 WHERE id = 1;
ALTER TABLE cycle_a ADD CONSTRAINT fk_a_b FOREIGN KEY (b_id) REFERENCES cycle_b (id) ON UPDATE CASCADE;

CREATE TABLE no_pk (a INT, b VARCHAR(10));
INSERT INTO no_pk VALUES (1, 'x'), (1, 'x'), (2, NULL), (NULL, NULL);

CREATE TABLE generated (
  id INT NOT NULL PRIMARY KEY,
  price DECIMAL(10,2) NOT NULL,
  qty INT NOT NULL,
  total DECIMAL(12,2) AS (price * qty) STORED,
  label VARCHAR(40) AS (CONCAT('item-', id)) VIRTUAL
);
INSERT INTO generated (id, price, qty) VALUES (1, 2.50, 4), (2, 0.10, 3);

CREATE TABLE checked (
  id INT NOT NULL PRIMARY KEY,
  qty INT,
  CONSTRAINT qty_positive CHECK (qty > 0)
);
INSERT INTO checked VALUES (1, 5);

CREATE VIEW v_orders AS SELECT `Id`, `select` FROM `Order`;
CREATE TRIGGER trg_emp BEFORE INSERT ON employees FOR EACH ROW SET NEW.name = UPPER(NEW.name);
CREATE PROCEDURE p_noop() SELECT 1;
