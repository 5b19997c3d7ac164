-- Sample legacy database of a rental-management application (AKIG), used by `bascule demo`
-- and by the docker-compose MySQL service. Runs on MySQL 8.x and MariaDB 10.6+.
-- Deterministic except for audit_logs.date and historique.date, which are spread over the
-- 30 days before loading so that the "last 7 days" dashboard has data.
-- Statements end with a semicolon at the end of a line (Bascule's loader splits there).

CREATE TABLE locataires (
  id            INT UNSIGNED NOT NULL AUTO_INCREMENT,
  nom           VARCHAR(100) NOT NULL,
  prenom        VARCHAR(100) NOT NULL,
  email         VARCHAR(190) NULL,
  telephone     VARCHAR(30) NULL,
  date_naissance DATE NULL,
  statut        ENUM('actif','inactif','archive') NOT NULL DEFAULT 'actif',
  loyer_mensuel DECIMAL(10,2) NOT NULL,
  created_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at    TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (id),
  UNIQUE KEY uq_locataires_email (email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE historique (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  locataire_id  INT UNSIGNED NOT NULL,
  `action`      VARCHAR(50) NOT NULL,
  details       TEXT NULL,
  `date`        DATETIME NOT NULL,
  PRIMARY KEY (id),
  KEY idx_historique_locataire (locataire_id),
  CONSTRAINT fk_historique_locataire FOREIGN KEY (locataire_id) REFERENCES locataires (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE audit_logs (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  locataire_id  INT UNSIGNED NULL,
  utilisateur   VARCHAR(64) NOT NULL,
  `action`      VARCHAR(32) NOT NULL,
  entite        VARCHAR(32) NOT NULL,
  adresse_ip    VARCHAR(45) NULL,
  `date`        DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  KEY idx_audit_logs_locataire (locataire_id),
  KEY idx_audit_logs_date (`date`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE disbursements (
  id            INT UNSIGNED NOT NULL AUTO_INCREMENT,
  locataire_id  INT UNSIGNED NOT NULL,
  reference     CHAR(12) NOT NULL,
  montant       DECIMAL(12,2) NOT NULL,
  date_paiement DATE NOT NULL,
  mode_paiement ENUM('virement','cheque','especes','prelevement') NOT NULL,
  commentaire   VARCHAR(255) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_disbursements_reference (reference),
  KEY idx_disbursements_date (date_paiement),
  CONSTRAINT fk_disbursements_locataire FOREIGN KEY (locataire_id) REFERENCES locataires (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- a numbers table 0..99999 built from digits, portable across MySQL and MariaDB
CREATE TABLE bascule_seq_digits (d INT NOT NULL PRIMARY KEY);
INSERT INTO bascule_seq_digits VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9);
CREATE TABLE bascule_seq (n INT NOT NULL PRIMARY KEY);
INSERT INTO bascule_seq (n)
SELECT a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d
FROM bascule_seq_digits a, bascule_seq_digits b, bascule_seq_digits c, bascule_seq_digits e, bascule_seq_digits f;

INSERT INTO locataires (id, nom, prenom, email, telephone, date_naissance, statut, loyer_mensuel, created_at)
SELECT n + 1,
       ELT(1 + n % 12, 'Diallo', 'Camara', 'Bah', 'Sow', 'Barry', 'Condé', 'Touré', 'Keïta', 'Sylla', 'Kourouma', 'Cissé', 'Fofana'),
       ELT(1 + (n * 7) % 10, 'Mamadou', 'Aïssatou', 'Ibrahima', 'Fatoumata', 'Alpha', 'Mariama', 'Oumar', 'Kadiatou', 'Sékou', 'Hawa'),
       CONCAT('locataire', n + 1, '@example.org'),
       CONCAT('+224 6', LPAD((n * 7919) % 100000000, 8, '0')),
       DATE_ADD('1960-01-01', INTERVAL (n * 97) % 15000 DAY),
       ELT(1 + (CASE WHEN n % 17 = 0 THEN 2 WHEN n % 29 = 0 THEN 1 ELSE 0 END), 'actif', 'inactif', 'archive'),
       450.00 + (n * 37) % 1200 + ((n * 13) % 100) / 100,
       DATE_ADD('2019-01-01 08:00:00', INTERVAL n * 211 MINUTE)
FROM bascule_seq WHERE n < 500;

INSERT INTO historique (locataire_id, `action`, details, `date`)
SELECT 1 + (n * 31) % 500,
       ELT(1 + n % 5, 'bail_signe', 'loyer_paye', 'relance', 'etat_des_lieux', 'changement_adresse'),
       CONCAT('Entrée ', n, ' — dossier n° ', 1000 + n % 500),
       NOW() - INTERVAL (n * 518) SECOND
FROM bascule_seq WHERE n < 5000;

INSERT INTO audit_logs (locataire_id, utilisateur, `action`, entite, adresse_ip, `date`)
SELECT CASE WHEN n % 50 = 0 THEN NULL ELSE 1 + (n * 7919) % 500 END,
       ELT(1 + n % 6, 'admin', 'gestionnaire1', 'gestionnaire2', 'comptable', 'agent_terrain', 'api'),
       ELT(1 + n % 5, 'login', 'view', 'update', 'create', 'payment'),
       ELT(1 + n % 4, 'locataire', 'bail', 'paiement', 'document'),
       CONCAT('10.', n % 256, '.', (n DIV 256) % 256, '.', 1 + n % 250),
       NOW(3) - INTERVAL (n * 25920000) MICROSECOND
FROM bascule_seq;

INSERT INTO disbursements (locataire_id, reference, montant, date_paiement, mode_paiement, commentaire)
SELECT 1 + (n * 13) % 500,
       CONCAT('DSB-', LPAD(n + 1, 8, '0')),
       350.00 + (n * 37) % 900 + ((n * 11) % 100) / 100,
       DATE_ADD('2026-01-05', INTERVAL n DAY),
       ELT(1 + n % 4, 'virement', 'cheque', 'especes', 'prelevement'),
       CASE WHEN n % 10 = 0 THEN NULL ELSE CONCAT('Versement propriétaire ', n + 1) END
FROM bascule_seq WHERE n < 211;

DROP TABLE bascule_seq;
DROP TABLE bascule_seq_digits;
