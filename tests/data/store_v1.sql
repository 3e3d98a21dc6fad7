PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE contacts (
	id INTEGER NOT NULL, 
	status VARCHAR(20) NOT NULL, 
	name VARCHAR(200), 
	name_kana VARCHAR(200), 
	name_roman VARCHAR(200), 
	company VARCHAR(300), 
	department VARCHAR(300), 
	title VARCHAR(200), 
	postal_code VARCHAR(16), 
	address VARCHAR(500), 
	tel VARCHAR(40), 
	fax VARCHAR(40), 
	mobile VARCHAR(40), 
	email VARCHAR(320), 
	url VARCHAR(500), 
	confidence JSON NOT NULL, 
	met_at VARCHAR(200), 
	purpose TEXT, 
	met_where VARCHAR(300), 
	met_on DATE, 
	offer TEXT, 
	they_offer TEXT, 
	next_action TEXT, 
	follow_up DATE, 
	reviewed_at DATETIME, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	PRIMARY KEY (id)
);
INSERT INTO contacts VALUES(1,'complete','髙橋 一郎',NULL,NULL,'株式会社テスト',NULL,'課長',NULL,NULL,'03-1234-5678',NULL,NULL,'ichiro@test.co.jp',NULL,'{"name": 0.9, "name_kana": null, "name_roman": null, "company": 0.9, "department": null, "title": 0.9, "postal_code": null, "address": null, "tel": 0.9, "fax": null, "mobile": null, "email": 0.9, "url": null}','2025-04-01_交流会','物流の相談相手','交流会','2025-04-01','採用の紹介',NULL,NULL,NULL,'2026-11-21 09:20:50.803652','2026-11-21 09:20:50.794435','2026-11-21 09:20:50.805173');
INSERT INTO contacts VALUES(2,'needs_purpose','佐藤 花子',NULL,NULL,'合同会社サンプル',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'{"name": 0.9, "name_kana": null, "name_roman": null, "company": 0.9, "department": null, "title": null, "postal_code": null, "address": null, "tel": null, "fax": null, "mobile": null, "email": null, "url": null}',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2026-11-21 09:20:50.798930','2026-11-21 09:20:50.798934');
CREATE TABLE cards (
	id INTEGER NOT NULL, 
	contact_id INTEGER NOT NULL, 
	sha256 VARCHAR(64) NOT NULL, 
	source_name VARCHAR(500) NOT NULL, 
	image_path VARCHAR(1000), 
	ocr_text TEXT NOT NULL, 
	orientation VARCHAR(20) NOT NULL, 
	rotation INTEGER NOT NULL, 
	taken_at DATETIME, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(contact_id) REFERENCES contacts (id), 
	UNIQUE (sha256)
);
INSERT INTO cards VALUES(1,1,'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa','2025-04-01_交流会/a.png','/tmp/v1/images/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.png','','horizontal',0,'2025-04-01 10:00:00.000000','2026-11-21 09:20:50.796176');
INSERT INTO cards VALUES(2,2,'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb','b.png','/tmp/v1/images/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.png','','horizontal',0,'2025-04-01 10:00:00.000000','2026-11-21 09:20:50.799179');
CREATE INDEX ix_contacts_status ON contacts (status);
CREATE INDEX ix_cards_contact_id ON cards (contact_id);
COMMIT;
