-- The archive's schema: the single source of truth, embedded in the binary and applied to a new archive on open.
-- An archive made by an older build is brought up to date step by step by the migrations in
-- src/Scraper/Archive/ArchiveSchema.cs; the final state must equal this file (a test checks it).
-- Times are UTC text 'YYYY-MM-DDTHH:MM:SS.fffZ', so they sort and compare as strings.
-- Hashes are lower-case hex sha256.

-- Marks the file as a scraper archive, so any other SQLite file is refused untouched.
PRAGMA application_id = 1399026288; -- "Scrp"

-- Raw response bodies, uncompressed sha256 as key: a body seen again (same page or another) is kept once.
CREATE TABLE bodies (
    sha256      TEXT PRIMARY KEY,
    size        INTEGER NOT NULL,           -- uncompressed bytes
    compression TEXT NOT NULL CHECK (compression IN ('br', 'none')),
    data        BLOB NOT NULL
) WITHOUT ROWID;

-- Crawl runs (filled by the crawler): one row per `scraper crawl`; a run still 'running' when the next
-- one starts was killed and becomes 'interrupted'. selector_misses (schema version 4) counts the pages of a known
-- site whose selectors missed a field the page shows (template drift); generic_fallbacks those where the generic
-- extractor found the body.
CREATE TABLE runs (
    id                INTEGER PRIMARY KEY,
    started_at        TEXT NOT NULL,
    ended_at          TEXT,
    status            TEXT NOT NULL DEFAULT 'running'
                      CHECK (status IN ('running', 'ok', 'partial', 'failed', 'interrupted')),
    discovered        INTEGER NOT NULL DEFAULT 0,
    fetched           INTEGER NOT NULL DEFAULT 0,
    unchanged         INTEGER NOT NULL DEFAULT 0,
    new_pages         INTEGER NOT NULL DEFAULT 0,
    new_revisions     INTEGER NOT NULL DEFAULT 0,
    errors            INTEGER NOT NULL DEFAULT 0,
    generic_fallbacks INTEGER NOT NULL DEFAULT 0
, selector_misses INTEGER NOT NULL DEFAULT 0);

-- One row per page (see PageIdentity): url is its canonical URL, key what makes it one page (schema version 5, added
-- by ALTER TABLE, hence its place); every other URL it was seen under is in page_aliases. A continuation page (page 2, 3 … of a split article)
-- points at its page 1 and never gets revisions of its own. kind says what the page is (schema version 4,
-- added by ALTER TABLE, hence its place): 'article' (an article page, or one that may become one), 'list' (a
-- section list page, kept as captures for replay and section history) or 'robots' (a host's robots.txt); only
-- article pages get revisions.
-- latest_revision_id and last_changed_at are kept by the store in the same transaction as the capture
-- that changes them: they are the revision of the newest capture that has one, and when that content
-- was first seen in the newest run of captures showing it.
CREATE TABLE pages (
    id                 INTEGER PRIMARY KEY,
    url                TEXT NOT NULL UNIQUE,
    site               TEXT,
    first_seen         TEXT NOT NULL,
    last_checked_at    TEXT,               -- last fetch, including 304s and unchanged bodies
    continuation_of    INTEGER REFERENCES pages (id),
    latest_revision_id INTEGER REFERENCES revisions (id),
    last_changed_at    TEXT
, kind TEXT NOT NULL DEFAULT 'article' CHECK (kind IN ('article', 'list', 'robots')), key TEXT);
CREATE INDEX pages_site ON pages (site);
-- One page per key (schema version 5): its URL without the scheme, on its host group's canonical host (PageIdentity), so
-- http and https, and the hosts the rules say serve the same paths, are one page. Null for robots.txt pages, which are
-- one per origin.
CREATE UNIQUE INDEX pages_key ON pages (key);
-- A page 1's continuation pages, which a revisit checks too (schema version 2).
CREATE INDEX pages_continuation ON pages (continuation_of) WHERE continuation_of IS NOT NULL;

-- Every fetch of a page, and every import of a body that differs from the page's newest capture (importing
-- the same file again records nothing). Bodies are stored once in `bodies`, however often they are seen. A
-- 304 Not Modified is a capture with http_status 304 whose body_sha256 and revision_id are those of the
-- capture it confirmed. The newest capture's etag/last_modified are the page's conditional-GET validators.
-- revision_id is what the current extractors make of the body (null for continuation pages and pages
-- without an article); reextract may move it to a newer revision. url (schema version 5) is the URL the body was
-- fetched or imported from when it is not the page's own (an alias: the other scheme, a mirror host); null otherwise.
CREATE TABLE captures (
    id            INTEGER PRIMARY KEY,
    page_id       INTEGER NOT NULL REFERENCES pages (id),
    captured_at   TEXT NOT NULL,
    origin        TEXT NOT NULL CHECK (origin IN ('fetch', 'import')),
    run_id        INTEGER REFERENCES runs (id),
    http_status   INTEGER,
    etag          TEXT,
    last_modified TEXT,
    content_type  TEXT,
    body_sha256   TEXT NOT NULL REFERENCES bodies (sha256),
    revision_id   INTEGER REFERENCES revisions (id)
, url TEXT);
-- Every capture lookup is per page; no other index, since each one costs a page write per stored capture.
CREATE INDEX captures_page_time ON captures (page_id, captured_at);

-- One row per distinct extracted article of a page, numbered 1, 2, … per page. content_sha256 covers
-- only the article (see ArticleContentHash), so boilerplate changes add captures but no revision.
-- first_seen is the capture time of the earliest capture showing this content; created_at is when
-- the row was written (later than first_seen for revisions made by reextract). published_from (page or url) and
-- provenance (a JSON object: where each field came from, selector, anatomy, generic, meta or url) describe the
-- extraction that made the revision (schema version 4; null on older revisions).
CREATE TABLE revisions (
    id             INTEGER PRIMARY KEY,
    page_id        INTEGER NOT NULL REFERENCES pages (id),
    number         INTEGER NOT NULL,
    content_sha256 TEXT NOT NULL,
    extractor      TEXT NOT NULL,
    capture_id     INTEGER NOT NULL REFERENCES captures (id),
    first_seen     TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    title          TEXT,
    subtitle       TEXT,
    section        TEXT,
    published      TEXT,
    source         TEXT,
    byline         TEXT,
    language       TEXT,
    paragraphs     TEXT NOT NULL,          -- JSON array of strings
    pages          INTEGER NOT NULL DEFAULT 1, published_from TEXT, provenance TEXT,
    -- Also serves lookups by (page_id, number): a page has a handful of revisions.
    UNIQUE (page_id, content_sha256)
);

-- Image bytes by sha256 (filled by the crawler).
CREATE TABLE images (
    sha256       TEXT PRIMARY KEY,
    content_type TEXT,
    size         INTEGER NOT NULL,
    data         BLOB NOT NULL
) WITHOUT ROWID;

-- The figures of a revision in document order; position is the index of the paragraph the figure precedes. media
-- (schema version 5) is null for an image and 'video' for a video (src its address), kept as a figure of the article.
CREATE TABLE figures (
    revision_id  INTEGER NOT NULL REFERENCES revisions (id),
    ordinal      INTEGER NOT NULL,
    src          TEXT NOT NULL,
    alt          TEXT,
    caption      TEXT,
    credit       TEXT,
    position     INTEGER NOT NULL,
    image_sha256 TEXT REFERENCES images (sha256), media TEXT,
    PRIMARY KEY (revision_id, ordinal)
) WITHOUT ROWID;

-- The crawl frontier (filled by the crawler): every URL discovered and what is due next. Each state
-- change is its own transaction (a page's completion is in the same transaction as its capture), so a
-- crawl killed at any point resumes from here ('fetching' rows left by a killed crawl are retried).
-- A crawl pass numbers the rows it queues: a pass ends when no row is pending; the next crawl then
-- starts pass + 1, while a crawl that finds pending rows resumes their pass.
CREATE TABLE frontier (
    url             TEXT PRIMARY KEY,      -- canonical
    kind            TEXT NOT NULL DEFAULT 'page' CHECK (kind IN ('list', 'page', 'sitemap')),
    site            TEXT,                  -- the site rules that apply (a loopback test host has none of its own)
    state           TEXT NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'fetching', 'done', 'failed', 'skipped')),
    pass            INTEGER NOT NULL DEFAULT 0,
    discovered_at   TEXT NOT NULL,
    discovered_from TEXT,
    next_check_at   TEXT,
    unchanged_count INTEGER NOT NULL DEFAULT 0,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT
) WITHOUT ROWID;
CREATE INDEX frontier_due ON frontier (state, next_check_at);
-- A pass's pending rows in the order a crawl claims them (by kind, then as discovered); the primary key (url)
-- ends every index entry, so the claim reads them in order without sorting the whole pass (schema version 2).
CREATE INDEX frontier_claim ON frontier (pass, state, kind, discovered_at);

-- Fetch and extraction errors per URL per run (filled by the crawler).
CREATE TABLE errors (
    id          INTEGER PRIMARY KEY,
    run_id      INTEGER REFERENCES runs (id),
    url         TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    kind        TEXT NOT NULL,             -- e.g. http, timeout, network, robots, extraction
    http_status INTEGER,
    message     TEXT NOT NULL
);
CREATE INDEX errors_run ON errors (run_id);
CREATE INDEX errors_url ON errors (url);

-- The searchable text of a revision: its title, and its paragraphs joined as Article.Text joins them (no
-- "group_concat(… ORDER BY …)": sqlite3 before 3.44 could not read the schema).
CREATE VIEW revision_text AS
SELECT r.id AS revision_id,
       coalesce(r.title, '') AS title,
       (SELECT coalesce(group_concat(value, char(10, 10)), '') FROM (SELECT value FROM json_each(r.paragraphs) ORDER BY key)) AS text
FROM revisions r;

-- Full-text index over the current revision of each article page; rowid = pages.id. The text is not stored
-- twice: the index reads titles and texts for snippets from this view.
CREATE VIEW search_source AS
SELECT p.id AS page_id, t.title, t.text
FROM pages p JOIN revision_text t ON t.revision_id = p.latest_revision_id;
CREATE VIRTUAL TABLE search_index USING fts5 (
    title, text,
    content = 'search_source', content_rowid = 'page_id',
    tokenize = 'unicode61 remove_diacritics 2'
);
-- Ranking: bm25 with a match in the title counting four times one in the text.
INSERT INTO search_index (search_index, rank) VALUES ('rank', 'bm25(4.0, 1.0)');

-- Pages whose current revision changed since the search index last took them in (schema version 3). FTS5
-- writes and merges index segments at every commit, which cost as much as the rest of a page's transaction;
-- so a page's transaction only queues it here, and the store brings the index up to date for the queued
-- pages together, in a transaction of their own: every 256 pages or after a second, before a search or an
-- integrity check through the store, when the store is closed, and when a writer opens an archive a killed
-- process left with a queue. indexed_revision_id is the revision whose text the index holds for the page
-- (null: none), the values its entry must be removed with.
CREATE TABLE search_queue (
    page_id             INTEGER PRIMARY KEY REFERENCES pages (id),
    indexed_revision_id INTEGER REFERENCES revisions (id)
);

-- The request each fetched capture answered (schema version 4): its request line and headers exactly as the crawler
-- sent them ("GET /path HTTP/1.1", "Host: …", …, ending with an empty line), for the WARC export's request records.
-- Imports, mirror crawls (nothing went over the network) and captures made before version 4 have none.
CREATE TABLE capture_requests (
    capture_id INTEGER PRIMARY KEY REFERENCES captures (id),
    request    TEXT NOT NULL
);

-- Where and when each stored image was fetched (schema version 4; filled by crawl --images), for the WARC export's
-- response and request records: one row per figure address fetched, several addresses may give the same bytes.
CREATE TABLE image_fetches (
    url          TEXT PRIMARY KEY,         -- the figure's src as fetched
    sha256       TEXT NOT NULL REFERENCES images (sha256),
    fetched_at   TEXT NOT NULL,
    http_status  INTEGER NOT NULL,
    content_type TEXT,
    request      TEXT                      -- as in capture_requests; null for a mirror crawl
) WITHOUT ROWID;

-- The other URLs of a page (schema version 5): every spelling it was fetched, imported or linked under that is not its
-- url (the other scheme, another host of its group). key is the spelling's PageIdentity key; page_id is set where the
-- key is not the page's own (a <link rel="canonical"> made them one page), and found by key otherwise.
CREATE TABLE page_aliases (
    url        TEXT PRIMARY KEY,
    key        TEXT NOT NULL,
    page_id    INTEGER REFERENCES pages (id),
    first_seen TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX page_aliases_key ON page_aliases (key);
CREATE INDEX page_aliases_page ON page_aliases (page_id) WHERE page_id IS NOT NULL;

-- The article links a section list page offered when last read (schema version 5), for `scraper sections`: a section's
-- articles are those of all its list pages. url is the link in CanonicalUrl form.
CREATE TABLE list_entries (
    list_page_id INTEGER NOT NULL REFERENCES pages (id),
    url          TEXT NOT NULL,
    PRIMARY KEY (list_page_id, url)
) WITHOUT ROWID;

-- The host groups the pages were keyed by (schema version 5; PageIdentity.Description): a writer whose rules group
-- hosts otherwise keys every page again, merging the pages that became one.
CREATE TABLE page_identity (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    hosts TEXT NOT NULL
);

PRAGMA user_version = 5;
