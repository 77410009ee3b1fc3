using System.Text.RegularExpressions;

namespace Scraper.Archive.Sqlite;

/// <summary>
/// The schema embedded from <c>archive-schema.sql</c> and the steps that bring older archives up to it.
/// The file describes the newest version; <c>PRAGMA user_version</c> in it is that version's number.
/// </summary>
public static partial class ArchiveSchema
{
    /// <summary>The value of <c>PRAGMA application_id</c> that marks a file as a scraper archive ("Scrp").</summary>
    public const long ApplicationId = 0x53637270;

    public static string Sql { get; } = LoadEmbeddedSchema();

    /// <summary>The schema version this build writes, as declared by the file.</summary>
    public static int Version { get; } = int.Parse(UserVersionPragma().Match(Sql).Groups[1].Value);

    /// <summary>
    /// Upgrade steps: <c>Migrations[v]</c> turns a version-<c>v</c> archive into version <c>v + 1</c>
    /// (each step sets <c>user_version</c> itself and runs in the same transaction as the others).
    /// Each step's statements are written exactly as the file writes them, so an upgraded archive's schema equals a new one's.
    /// </summary>
    internal static IReadOnlyDictionary<int, string> Migrations { get; } = new Dictionary<int, string>
    {
        // 1 → 2: continuation pages found by their page 1 without a scan of every page (revisits check them), and the
        // frontier claimed in index order instead of sorting a whole pass at every claim.
        [1] = """
              CREATE INDEX pages_continuation ON pages (continuation_of) WHERE continuation_of IS NOT NULL;
              DROP INDEX frontier_pass;
              CREATE INDEX frontier_claim ON frontier (pass, state, kind, discovered_at);
              PRAGMA user_version = 2;
              """,
        // 2 → 3: the search index brought up to date for many pages at once, from a queue each page's transaction
        // writes (search_queue); the version-2 index is up to date, so the queue starts empty.
        [2] = """
              DROP VIEW search_source;
              CREATE VIEW revision_text AS
              SELECT r.id AS revision_id,
                     coalesce(r.title, '') AS title,
                     (SELECT coalesce(group_concat(value, char(10, 10)), '') FROM (SELECT value FROM json_each(r.paragraphs) ORDER BY key)) AS text
              FROM revisions r;
              CREATE VIEW search_source AS
              SELECT p.id AS page_id, t.title, t.text
              FROM pages p JOIN revision_text t ON t.revision_id = p.latest_revision_id;
              CREATE TABLE search_queue (
                  page_id             INTEGER PRIMARY KEY REFERENCES pages (id),
                  indexed_revision_id INTEGER REFERENCES revisions (id)
              );
              PRAGMA user_version = 3;
              """,
        // 3 → 4: what a page is (article, section list, robots.txt): list pages and robots.txt are kept as captures
        // and never become articles; every page of an older archive was an article page. And what the WARC export needs to
        // replay a capture: the request each fetch sent, and how images were fetched.
        [3] = """
              ALTER TABLE pages ADD COLUMN kind TEXT NOT NULL DEFAULT 'article' CHECK (kind IN ('article', 'list', 'robots'));
              CREATE TABLE capture_requests (
                  capture_id INTEGER PRIMARY KEY REFERENCES captures (id),
                  request    TEXT NOT NULL
              );
              CREATE TABLE image_fetches (
                  url          TEXT PRIMARY KEY,         -- the figure's src as fetched
                  sha256       TEXT NOT NULL REFERENCES images (sha256),
                  fetched_at   TEXT NOT NULL,
                  http_status  INTEGER NOT NULL,
                  content_type TEXT,
                  request      TEXT                      -- as in capture_requests; null for a mirror crawl
              ) WITHOUT ROWID;
              ALTER TABLE revisions ADD COLUMN published_from TEXT;
              ALTER TABLE revisions ADD COLUMN provenance TEXT;
              ALTER TABLE runs ADD COLUMN selector_misses INTEGER NOT NULL DEFAULT 0;
              PRAGMA user_version = 4;
              """,
        // 4 → 5: each article once. A page is keyed by its URL without the scheme on its host group's canonical host
        // (PageIdentity); the other URLs are its aliases, a capture notes the URL it came from, list pages note their
        // links (sections), a figure may be a video. The keys are filled, and the pages that turn out to be one merged, by the store in the same
        // transaction (PageRows.ApplyIdentityInTransactionAsync), since the host groups are data of the site rules.
        [4] = """
              ALTER TABLE pages ADD COLUMN key TEXT;
              CREATE UNIQUE INDEX pages_key ON pages (key);
              ALTER TABLE captures ADD COLUMN url TEXT;
              CREATE TABLE page_aliases (
                  url        TEXT PRIMARY KEY,
                  key        TEXT NOT NULL,
                  page_id    INTEGER REFERENCES pages (id),
                  first_seen TEXT NOT NULL
              ) WITHOUT ROWID;
              CREATE INDEX page_aliases_key ON page_aliases (key);
              CREATE INDEX page_aliases_page ON page_aliases (page_id) WHERE page_id IS NOT NULL;
              CREATE TABLE list_entries (
                  list_page_id INTEGER NOT NULL REFERENCES pages (id),
                  url          TEXT NOT NULL,
                  PRIMARY KEY (list_page_id, url)
              ) WITHOUT ROWID;
              ALTER TABLE figures ADD COLUMN media TEXT;
              CREATE TABLE page_identity (
                  id    INTEGER PRIMARY KEY CHECK (id = 1),
                  hosts TEXT NOT NULL
              );
              PRAGMA user_version = 5;
              """,
    };

    private static string LoadEmbeddedSchema()
    {
        using var stream = typeof(ArchiveSchema).Assembly.GetManifestResourceStream("Scraper.Archive.archive-schema.sql")
            ?? throw new InvalidOperationException("archive-schema.sql is not embedded in this build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"^\s*PRAGMA\s+user_version\s*=\s*(\d+)\s*;", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex UserVersionPragma();
}
