namespace Scraper.Archive.Copy;

/// <param name="Batches">Bounds of one batch: the rows read from the source per destination transaction, and the bytes
/// after which a batch ends early (bodies and images can be large).</param>
/// <param name="Append">Copy into a destination that already holds an archive (see <see cref="ArchiveCopier"/>).</param>
public sealed record CopyOptions(bool Append = false, int BatchRows = 500, long BatchBytes = 16 * 1024 * 1024);

/// <summary>What the copy did to one table.</summary>
/// <param name="Inserted">Rows written to the destination.</param>
/// <param name="Present">Rows the destination already held, the same as the source's (a resumed copy's).</param>
/// <param name="ResumedAfter">The largest key the destination held when the table's copy began, if any: rows up to it
/// were looked up one by one, rows after it written straight away.</param>
/// <param name="Linked">Rows whose references to rows copied later (revisions, a page 1) were set after every table was in.</param>
public sealed record TableCopy(string Table, long Inserted, long Present, string? ResumedAfter, long Linked, TimeSpan Elapsed);

/// <summary>One table on both sides after the copy: rows and a sha256 over its rows in key order (<see cref="TableDigest"/>).</summary>
public sealed record TableCheck(string Table, long SourceRows, long DestinationRows, string SourceDigest, string DestinationDigest)
{
    public bool Matches => SourceRows == DestinationRows && SourceDigest == DestinationDigest;
}

/// <param name="BodiesRehashed">Bodies of the destination whose data was decompressed and hashed again.</param>
/// <param name="BadBody">The first body of the destination whose data does not hash to its sha256 (or size), if any.</param>
/// <param name="PagesIndexed">Article pages queued for the destination's search index, and indexed.</param>
public sealed record CopyReport(
    string Source, string Destination, IReadOnlyList<TableCopy> Tables, IReadOnlyList<TableCheck> Checks,
    long BodiesRehashed, string? BadBody, long PagesIndexed, TimeSpan Elapsed)
{
    /// <summary>Whether the destination holds exactly the source's rows, every body intact.</summary>
    public bool Verified => BadBody is null && Checks.All(c => c.Matches);

    /// <summary>One line saying what differs, or null when <see cref="Verified"/>.</summary>
    public string? Difference
    {
        get
        {
            if (BadBody is not null)
                return $"verification failed: bodies: {BadBody}";
            var check = Checks.FirstOrDefault(c => !c.Matches);
            return check is null ? null
                : $"verification failed: table {check.Table} differs (source {check.SourceRows} rows, digest {check.SourceDigest}; "
                  + $"destination {check.DestinationRows} rows, digest {check.DestinationDigest})";
        }
    }
}
