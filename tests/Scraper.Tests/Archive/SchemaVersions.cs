namespace Scraper.Tests.Archive;

/// <summary>SQL that takes a new archive back to an older schema version, as an older build left it (for migration tests).</summary>
public static class SchemaVersions
{
    /// <summary>Version 5 → 4: no page keys, aliases, capture URLs, list entries or identity record.</summary>
    public const string Undo5 = """
        DROP TABLE page_identity; DROP TABLE list_entries;
        DROP INDEX page_aliases_page; DROP INDEX page_aliases_key; DROP TABLE page_aliases;
        ALTER TABLE captures DROP COLUMN url; ALTER TABLE figures DROP COLUMN media;
        DROP INDEX pages_key; ALTER TABLE pages DROP COLUMN key;
        PRAGMA user_version = 4;
        """;
}
