import DocmergeSQLite

/// The schema, as an append-only list of migrations. Never edit a shipped migration:
/// add one. Migration 1 is the first schema version; databases made by it upgrade in place.
public enum Schema {
    public static let migrator = Migrator([
        .init(id: 1, name: "records, documents, resources, audit", sql: """
            CREATE TABLE patients(
                id INTEGER PRIMARY KEY,
                mrn TEXT NOT NULL UNIQUE,
                fhir_id TEXT NOT NULL UNIQUE,
                name TEXT,
                birth_date TEXT,
                resource TEXT,
                version INTEGER NOT NULL DEFAULT 0,
                created_at TEXT NOT NULL,
                last_updated TEXT NOT NULL
            );
            CREATE TABLE documents(
                id INTEGER PRIMARY KEY,
                document_id TEXT NOT NULL UNIQUE,
                patient_id INTEGER NOT NULL REFERENCES patients(id),
                document_name TEXT,
                review_status TEXT NOT NULL
                    CHECK (review_status IN ('pending', 'auto_approved', 'flagged', 'reviewed', 'rejected')),
                auto_approved INTEGER NOT NULL DEFAULT 0,
                flag_reason TEXT,
                flag_codes TEXT NOT NULL DEFAULT '',
                is_merged INTEGER NOT NULL DEFAULT 0,
                reviewed_by TEXT,
                reviewed_at TEXT,
                confidence REAL NOT NULL,
                model TEXT NOT NULL,
                fallback_used INTEGER NOT NULL,
                resource_count INTEGER NOT NULL DEFAULT 0,
                thresholds TEXT NOT NULL,
                extraction TEXT NOT NULL,
                content_hash TEXT NOT NULL,
                extracted_at TEXT,
                uploaded_at TEXT,
                version INTEGER NOT NULL DEFAULT 1,
                merge_ms REAL,
                availability_ms REAL,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            );
            CREATE INDEX documents_auto_approved ON documents(auto_approved);
            CREATE INDEX documents_status_created ON documents(review_status, created_at);
            CREATE INDEX documents_patient ON documents(patient_id);
            CREATE TABLE resources(
                id INTEGER PRIMARY KEY,
                patient_id INTEGER NOT NULL REFERENCES patients(id),
                document_id TEXT NOT NULL,
                resource_type TEXT NOT NULL,
                doc_key TEXT NOT NULL,
                fhir_id TEXT NOT NULL,
                version_id INTEGER NOT NULL,
                content_hash TEXT NOT NULL,
                body BLOB NOT NULL,
                UNIQUE (patient_id, document_id, resource_type, doc_key)
            );
            CREATE INDEX resources_document ON resources(document_id);
            CREATE TABLE audit(
                seq INTEGER PRIMARY KEY,
                at TEXT NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                mrn TEXT,
                document_id TEXT,
                detail TEXT NOT NULL,
                prev_hash TEXT NOT NULL,
                hash TEXT NOT NULL
            );
            CREATE INDEX audit_mrn ON audit(mrn);
            CREATE INDEX audit_document ON audit(document_id);
            CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
                BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;
            CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
                BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;
            """),
        .init(id: 2, name: "extraction history, people-win conflicts, audit head", sql: """
            ALTER TABLE documents ADD COLUMN human_decision INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE documents ADD COLUMN arrival INTEGER NOT NULL DEFAULT 0;
            CREATE TABLE extractions(
                id INTEGER PRIMARY KEY,
                document_id TEXT NOT NULL,
                content_hash TEXT NOT NULL,
                extracted_at TEXT,
                arrival INTEGER NOT NULL,
                UNIQUE (document_id, content_hash)
            );
            INSERT INTO extractions(document_id, content_hash, extracted_at, arrival)
                SELECT document_id, content_hash, extracted_at, id FROM documents;
            UPDATE documents SET arrival = id;
            CREATE TABLE conflicts(
                id INTEGER PRIMARY KEY,
                document_id TEXT NOT NULL,
                content_hash TEXT NOT NULL,
                extraction TEXT NOT NULL,
                at TEXT NOT NULL,
                resolved INTEGER NOT NULL DEFAULT 0,
                UNIQUE (document_id, content_hash)
            );
            CREATE TABLE audit_head(
                id INTEGER PRIMARY KEY CHECK (id = 1),
                seq INTEGER NOT NULL,
                hash TEXT NOT NULL
            );
            INSERT INTO audit_head(id, seq, hash) SELECT 1, seq, hash FROM audit ORDER BY seq DESC LIMIT 1;
            """),
        .init(id: 3, name: "quality sample and outcome columns for metrics", sql: """
            ALTER TABLE documents ADD COLUMN sampled INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE documents ADD COLUMN classified_as TEXT;
            ALTER TABLE documents ADD COLUMN review_action TEXT;
            ALTER TABLE documents ADD COLUMN failed_merges INTEGER NOT NULL DEFAULT 0;
            UPDATE documents SET classified_as = CASE WHEN flag_codes = '' THEN 'auto_approved' ELSE 'flagged' END
                WHERE review_status <> 'pending';
            CREATE INDEX documents_sampled ON documents(sampled) WHERE sampled = 1;
            """),
        .init(id: 4, name: "resource_count counts every entry but the Patient entry", sql: """
            CREATE TABLE IF NOT EXISTS migration_notes(migration_id INTEGER PRIMARY KEY, note TEXT NOT NULL);
            CREATE TEMP TABLE recount AS
                SELECT d.id AS id, (SELECT count(*) FROM json_each(d.extraction, '$.entries') e
                                    WHERE coalesce(json_extract(e.value, '$.resource.resourceType'), '') <> 'Patient') AS n
                FROM documents d
                WHERE json_valid(d.extraction) AND json_type(d.extraction, '$.entries') = 'array';
            INSERT INTO migration_notes(migration_id, note)
                SELECT 4, 'resource_count recomputed from the stored extraction (the Patient entry is evidence, not a resource): '
                          || count(*) || ' of ' || (SELECT count(*) FROM documents) || ' document rows changed; none was reclassified'
                FROM recount r JOIN documents d ON d.id = r.id WHERE d.resource_count <> r.n;
            UPDATE documents SET resource_count = (SELECT n FROM recount r WHERE r.id = documents.id)
                WHERE id IN (SELECT r.id FROM recount r JOIN documents d ON d.id = r.id WHERE d.resource_count <> r.n);
            DROP TABLE recount;
            """),
        .init(id: 5, name: "registry patients: the registering document, check 7, meta", sql: """
            ALTER TABLE patients ADD COLUMN registered_by_document TEXT;
            ALTER TABLE patients ADD COLUMN new_patient_document TEXT;
            CREATE TABLE IF NOT EXISTS migration_notes(migration_id INTEGER PRIMARY KEY, note TEXT NOT NULL);
            INSERT INTO migration_notes(migration_id, note)
                SELECT 5, 'registry Patients given meta.versionId and meta.lastUpdated: ' || count(*) || ' rows changed'
                FROM patients WHERE json_valid(resource) AND json_extract(resource, '$.meta.versionId') IS NULL;
            UPDATE patients SET resource = json_set(resource, '$.meta.versionId', '1', '$.meta.lastUpdated', last_updated)
                WHERE json_valid(resource) AND json_extract(resource, '$.meta.versionId') IS NULL;
            """),
        .init(id: 6, name: "conflict resolutions, legacy documents", sql: """
            ALTER TABLE conflicts ADD COLUMN resolution TEXT;
            ALTER TABLE conflicts ADD COLUMN resolved_by TEXT;
            ALTER TABLE conflicts ADD COLUMN resolved_at TEXT;
            ALTER TABLE conflicts ADD COLUMN reason TEXT;
            ALTER TABLE documents ADD COLUMN legacy INTEGER NOT NULL DEFAULT 0;
            UPDATE documents SET legacy = 1
                WHERE document_id IN (SELECT document_id FROM audit WHERE action = 'legacy_import');
            """),
        .init(id: 7, name: "references across a record's documents", sql: """
            ALTER TABLE resources ADD COLUMN full_url TEXT;
            ALTER TABLE resources ADD COLUMN unresolved TEXT;
            CREATE INDEX resources_original_id ON resources(patient_id, resource_type, doc_key);
            CREATE INDEX resources_full_url ON resources(patient_id, full_url) WHERE full_url IS NOT NULL;
            CREATE INDEX resources_unresolved ON resources(patient_id) WHERE unresolved IS NOT NULL;
            UPDATE resources SET full_url = (
                SELECT json_extract(e.value, '$.fullUrl') FROM documents d, json_each(d.extraction, '$.entries') e
                WHERE d.document_id = resources.document_id AND json_valid(d.extraction)
                  AND json_extract(e.value, '$.resource.resourceType') = resources.resource_type
                  AND 'id:' || json_extract(e.value, '$.resource.id') = resources.doc_key
                  AND json_type(e.value, '$.fullUrl') = 'text')
            WHERE doc_key LIKE 'id:%';
            """),
        .init(id: 8, name: "review console accounts", sql: """
            CREATE TABLE IF NOT EXISTS stewards(
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                role TEXT NOT NULL CHECK (role IN ('steward', 'viewer')),
                password_salt TEXT NOT NULL,
                password_key TEXT NOT NULL,
                password_iterations INTEGER NOT NULL,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            );
            """),
        .init(id: 9, name: "notifications: audit cursor and delivered events", sql: """
            CREATE TABLE notify_cursor(
                id INTEGER PRIMARY KEY CHECK (id = 1),
                audit_seq INTEGER NOT NULL,
                audit_checked_at TEXT
            );
            INSERT INTO notify_cursor(id, audit_seq) SELECT 1, coalesce(max(seq), 0) FROM audit;
            CREATE TABLE notify_events(
                id INTEGER PRIMARY KEY,
                event_id TEXT NOT NULL UNIQUE,
                event TEXT NOT NULL,
                document_id TEXT,
                body TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'given_up', 'dropped')),
                channels_done TEXT NOT NULL DEFAULT '',
                attempts INTEGER NOT NULL DEFAULT 0,
                failures INTEGER NOT NULL DEFAULT 0,
                next_attempt REAL NOT NULL DEFAULT 0,
                last_error TEXT,
                created_at TEXT NOT NULL,
                delivered_at TEXT
            );
            CREATE INDEX notify_events_pending ON notify_events(id) WHERE state = 'pending';
            """),
    ])
}
