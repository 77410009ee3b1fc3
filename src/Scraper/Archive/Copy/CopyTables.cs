namespace Scraper.Archive.Copy;

/// <summary>How a column's values are read, written and hashed alike on both engines.</summary>
public enum ColumnKind
{
    /// <summary>SQLite's INTEGER, PostgreSQL's BIGINT: read and written as a 64-bit number.</summary>
    Integer,
    /// <summary>TEXT on both (PostgreSQL's with the "C" collation, so keys sort by bytes on both).</summary>
    Text,
    /// <summary>SQLite's BLOB, PostgreSQL's bytea.</summary>
    Bytes,
}

/// <param name="Deferred">
/// A reference to a row copied later (a revision), or to a row of the same table that may come later in key order (a
/// continuation page's page 1): inserted null, and set once every table is copied.
/// </param>
public sealed record CopyColumn(string Name, ColumnKind Kind, bool Deferred = false);

/// <summary>
/// One table of the archive as <c>scraper copy</c> moves it: its columns (every column of the table on both schemas), the
/// columns of its primary key, which order the rows (the copy reads and compares in that order, and resumes after the
/// largest key the destination holds), and whether it has an identity column whose sequence follows the copied ids.
/// </summary>
public sealed record CopyTable(string Name, IReadOnlyList<CopyColumn> Columns, IReadOnlyList<string> Key, bool IdentityKey = false)
{
    public IEnumerable<CopyColumn> DeferredColumns => Columns.Where(c => c.Deferred);

    public CopyColumn Column(string name) => Columns.Single(c => c.Name == name);
}

/// <summary>
/// The archive's tables in the order a copy fills them: each after the tables it references, with the references to
/// revisions (and a page's reference to its page 1) set after all rows are in. The one place their columns are listed
/// (a test checks the list against both schemas). Not copied: the search index and its queue, which the destination's
/// own full-text engine builds, and the engines' schema markers.
/// </summary>
public static class CopyTables
{
    private static CopyColumn I(string name) => new(name, ColumnKind.Integer);
    private static CopyColumn T(string name) => new(name, ColumnKind.Text);
    private static CopyColumn B(string name) => new(name, ColumnKind.Bytes);
    private static CopyColumn Later(string name) => new(name, ColumnKind.Integer, Deferred: true);

    public static readonly CopyTable Bodies = new("bodies", [T("sha256"), I("size"), T("compression"), B("data")], ["sha256"]);

    public static readonly CopyTable Pages = new("pages",
        [I("id"), T("url"), T("site"), T("first_seen"), T("last_checked_at"), Later("continuation_of"), Later("latest_revision_id"),
         T("last_changed_at"), T("kind"), T("key")],
        ["id"], IdentityKey: true);

    public static readonly CopyTable PageIdentity = new("page_identity", [I("id"), T("hosts")], ["id"]);

    public static IReadOnlyList<CopyTable> All { get; } =
    [
        Bodies,
        new("runs",
            [I("id"), T("started_at"), T("ended_at"), T("status"), I("discovered"), I("fetched"), I("unchanged"), I("new_pages"),
             I("new_revisions"), I("errors"), I("generic_fallbacks"), I("selector_misses")],
            ["id"], IdentityKey: true),
        Pages,
        new("page_aliases", [T("url"), T("key"), I("page_id"), T("first_seen")], ["url"]),
        new("captures",
            [I("id"), I("page_id"), T("captured_at"), T("origin"), I("run_id"), I("http_status"), T("etag"), T("last_modified"),
             T("content_type"), T("body_sha256"), Later("revision_id"), T("url")],
            ["id"], IdentityKey: true),
        new("capture_requests", [I("capture_id"), T("request")], ["capture_id"]),
        new("revisions",
            [I("id"), I("page_id"), I("number"), T("content_sha256"), T("extractor"), I("capture_id"), T("first_seen"), T("created_at"),
             T("title"), T("subtitle"), T("section"), T("published"), T("source"), T("byline"), T("language"), T("paragraphs"), I("pages"),
             T("published_from"), T("provenance")],
            ["id"], IdentityKey: true),
        new("images", [T("sha256"), T("content_type"), I("size"), B("data")], ["sha256"]),
        new("figures",
            [I("revision_id"), I("ordinal"), T("src"), T("alt"), T("caption"), T("credit"), I("position"), T("image_sha256"), T("media")],
            ["revision_id", "ordinal"]),
        new("image_fetches", [T("url"), T("sha256"), T("fetched_at"), I("http_status"), T("content_type"), T("request")], ["url"]),
        new("errors", [I("id"), I("run_id"), T("url"), T("occurred_at"), T("kind"), I("http_status"), T("message")], ["id"], IdentityKey: true),
        new("frontier",
            [T("url"), T("kind"), T("site"), T("state"), I("pass"), T("discovered_at"), T("discovered_from"), T("next_check_at"),
             I("unchanged_count"), I("attempts"), T("last_error")],
            ["url"]),
        new("list_entries", [I("list_page_id"), T("url")], ["list_page_id", "url"]),
        PageIdentity,
    ];

    /// <summary>Tables an archive made by no one holds no row of: a destination with one of them is not empty.</summary>
    public static IReadOnlyList<string> Content { get; } = ["pages", "captures", "runs"];
}
