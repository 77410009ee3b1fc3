using System.Data;
using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Scraper.Archive.Copy;

/// <summary>
/// <c>scraper copy</c>: a whole archive into another, between SQLite and PostgreSQL in either direction (or between two of
/// one engine), with every id kept, so page 12 is page 12 in both. The source is read in one snapshot (a read
/// transaction: a crawl may write to it meanwhile), table by table in <see cref="CopyTables.All"/>'s order and each table
/// in key order, in batches of <see cref="CopyOptions.BatchRows"/> rows (fewer when they pass
/// <see cref="CopyOptions.BatchBytes"/>), each batch one transaction of the destination, its rows sent a hundred (or 4 MB)
/// to a statement: memory holds no more than that, whatever the archive's size.
/// References to rows copied later (a page's and a capture's revision, a page's page 1) are written null and set in a
/// second pass once every table is in, in the transaction that queues the page for the destination's own full-text
/// index, which is then brought up to date. On PostgreSQL each identity's sequence is then set past the largest id.
///
/// <para>A destination holding pages, captures or runs is refused unless <see cref="CopyOptions.Append"/>. With it, the
/// copy completes or extends a copy of the same archive: per table it reads the largest key the destination holds;
/// each source row up to that key is looked up in the destination, kept when it holds the same values, and written
/// when missing, and rows after it are written straight away. A row the destination holds with other values under the
/// same key, or another row holding one of its unique values (a page's url), stops the copy with
/// <see cref="ArchiveFailure.Other"/>: two different archives are not merged (their ids clash). The first and last rows of
/// each table with ids are compared before anything is written, so another archive is refused untouched. A copy killed at
/// any point is finished by running it again with --append; what was committed stays, and is checked.</para>
///
/// <para>Then it verifies: per table the rows of both sides and a sha256 over them in key order
/// (<see cref="TableDigest"/>), and every body of the destination decompressed and hashed again.</para>
/// </summary>
public sealed class ArchiveCopier
{
    private readonly ArchiveStore source;
    private readonly ArchiveStore destination;
    private readonly CopyOptions options;

    public ArchiveCopier(ArchiveStore source, ArchiveStore destination, CopyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        this.source = source;
        this.destination = destination;
        this.options = options ?? new CopyOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(this.options.BatchRows, 1);
    }

    /// <summary>After each table's rows are copied.</summary>
    public event Action<TableCopy>? TableCopied;

    /// <summary>After a table's late references are set: the table and the rows set.</summary>
    public event Action<string, long>? TableLinked;

    /// <summary>After each table is checked on both sides.</summary>
    public event Action<TableCheck>? TableChecked;

    private ArchiveDatabase From => source.Database;

    private ArchiveDatabase To => destination.Database;

    /// <exception cref="ArchiveException">Either archive fails, the destination is not empty (without --append), or holds
    /// rows that are not the source's.</exception>
    public async Task<CopyReport> CopyAsync(CancellationToken cancellationToken = default)
    {
        if (source.Path == destination.Path)
            throw new ArchiveException(ArchiveFailure.BadPath, $"{From.DisplayPath} is both the source and the destination of the copy");
        To.EnsureWritable();
        var clock = Stopwatch.StartNew();
        return await To.GuardAsync(async () =>
        {
            await using var snapshot = await SourceSnapshot.BeginAsync(From, cancellationToken);
            if (options.Append)
                await EnsureSameArchiveAsync(snapshot, cancellationToken);
            else
                await EnsureEmptyAsync(cancellationToken);
            var copies = new List<TableCopy>();
            foreach (var table in CopyTables.All)
            {
                var copy = await CopyTableAsync(snapshot, table, cancellationToken);
                copies.Add(copy);
                TableCopied?.Invoke(copy);
            }
            long queued = 0;
            for (var i = 0; i < copies.Count; i++)
            {
                var table = CopyTables.All[i];
                if (!table.DeferredColumns.Any())
                    continue;
                var (linked, queuedHere) = await LinkAsync(snapshot, table, cancellationToken);
                queued += queuedHere;
                copies[i] = copies[i] with { Linked = linked };
                TableLinked?.Invoke(table.Name, linked);
            }
            await destination.Search.UpdateSearchIndexAsync(cancellationToken);
            if (destination.IsPostgres)
                foreach (var table in CopyTables.All.Where(t => t.IdentityKey))
                    // The next id the destination gives is past every copied one (setval of a null max is a no-op).
                    await To.ExecuteAsync($"SELECT setval(pg_get_serial_sequence('{table.Name}', 'id'), max(id)) FROM {table.Name}", cancellationToken);

            return await VerifyAsync(snapshot, copies, queued, clock, cancellationToken);
        });
    }

    /// <summary>Copies nothing: compares the destination with the source as <see cref="CopyAsync"/> does at its end.</summary>
    public async Task<CopyReport> VerifyAsync(CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        return await To.GuardAsync(async () =>
        {
            await using var snapshot = await SourceSnapshot.BeginAsync(From, cancellationToken);
            return await VerifyAsync(snapshot, [], 0, clock, cancellationToken);
        });
    }

    private async Task<CopyReport> VerifyAsync(SourceSnapshot snapshot, IReadOnlyList<TableCopy> copies, long queued, Stopwatch clock,
        CancellationToken cancellationToken)
    {
        var checks = new List<TableCheck>();
        string? badBody = null;
        long rehashed = 0;
        foreach (var table in CopyTables.All)
        {
            var (sourceRows, sourceDigest) = await DigestAsync(snapshot.Command, From, table, null, cancellationToken);
            var bodies = table == CopyTables.Bodies ? new BodyCheck() : null;
            var (destinationRows, destinationDigest) = await DigestAsync(To.Command, To, table, bodies, cancellationToken);
            if (bodies is not null)
                (rehashed, badBody) = (bodies.Rehashed, bodies.Bad);
            var check = new TableCheck(table.Name, sourceRows, destinationRows, sourceDigest, destinationDigest);
            checks.Add(check);
            TableChecked?.Invoke(check);
        }
        return new CopyReport(From.DisplayPath, To.DisplayPath, copies, checks, rehashed, badBody, queued, clock.Elapsed);
    }

    /// <summary>
    /// With --append, before anything is written: the first and last rows of each table with ids in the destination must
    /// be the source's rows under those ids, so that another archive is refused untouched (the copy then checks every
    /// row it finds in the destination).
    /// </summary>
    private async Task EnsureSameArchiveAsync(SourceSnapshot snapshot, CancellationToken cancellationToken)
    {
        foreach (var table in CopyTables.All.Where(t => t.IdentityKey))
        {
            var compared = table.Columns.Where(c => !c.Deferred).ToList();
            var keyAt = table.Key.Select(k => compared.FindIndex(c => c.Name == k)).ToArray();
            foreach (var order in new[] { "", " DESC" })
            {
                var end = To.Command($"SELECT {Names(compared)} FROM {table.Name} ORDER BY {string.Join(", ", table.Key.Select(k => k + order))} LIMIT 1");
                object?[]? held;
                await using (var reader = await end.ExecuteReaderAsync(cancellationToken))
                    held = await reader.ReadAsync(cancellationToken) ? ReadRow(reader, compared) : null;
                if (held is null)
                    break;
                var key = keyAt.Select(i => held[i]).ToArray();
                object?[]? expected;
                var lookup = snapshot.Command($"SELECT {Names(compared)} FROM {table.Name} WHERE {KeyIs(table)}", KeyParameters(key));
                await using (var reader = await snapshot.GuardAsync(() => lookup.ExecuteReaderAsync(cancellationToken)))
                    expected = await snapshot.GuardAsync(() => reader.ReadAsync(cancellationToken)) ? ReadRow(reader, compared) : null;
                if (expected is null || !SameRow(held, expected))
                    throw Clash(table, key, "holds another row under this key");
            }
        }
    }

    private async Task EnsureEmptyAsync(CancellationToken cancellationToken)
    {
        var held = new List<string>();
        foreach (var table in CopyTables.Content)
        {
            var rows = await To.ScalarAsync<long>($"SELECT count(*) FROM {table}", cancellationToken);
            if (rows > 0)
                held.Add($"{rows} {table}");
        }
        if (held.Count > 0)
            throw new ArchiveException(ArchiveFailure.Other,
                $"{To.DisplayPath} is not empty ({string.Join(", ", held)}); copy into a new archive, or pass --append to add to it "
                + "(to finish an interrupted copy of the same archive)");
    }

    /// <summary>One table's rows, batch by batch; see the class's summary for what happens to rows the destination holds.</summary>
    private async Task<TableCopy> CopyTableAsync(SourceSnapshot snapshot, CopyTable table, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var keyAt = table.Key.Select(k => table.Columns.ToList().FindIndex(c => c.Name == k)).ToArray();
        var resumeAfter = await LargestKeyAsync(table, cancellationToken);
        var selectFirst = Select(table, table.Columns, after: false, filter: null);
        var selectNext = Select(table, table.Columns, after: true, filter: null);
        var compared = table.Columns.Where(c => !c.Deferred).ToList();
        var lookup = $"SELECT {Names(compared)} FROM {table.Name} WHERE {KeyIs(table)}";
        object?[]? last = null;
        long inserted = 0, present = 0;
        // Rows to insert are sent several to a statement (a round trip to a server per row would cost more than the row).
        var pending = new List<object?[]>(RowsPerInsert);
        async Task InsertPendingAsync(CancellationToken ct)
        {
            if (pending.Count == 0)
                return;
            var width = table.Columns.Count;
            var values = new (string, object?)[pending.Count * width];
            for (var r = 0; r < pending.Count; r++)
                for (var c = 0; c < width; c++)
                    values[r * width + c] = ($"$v{r}_{c}", table.Columns[c].Deferred ? null : pending[r][c]);
            var added = await To.ExecuteAsync(InsertSql(table, pending.Count), ct, values);
            if (added != pending.Count)
                throw Clash(table, $"from {KeyText(keyAt.Select(i => pending[0][i]))} to {KeyText(keyAt.Select(i => pending[^1][i]))}",
                    $"holds other rows with the unique values (a url, key or content hash) of {pending.Count - added} of these rows");
            inserted += added;
            pending.Clear();
        }
        while (true)
        {
            var more = await To.InTransactionAsync(async tx =>
            {
                var ct = tx.CancellationToken;
                var read = last is null ? snapshot.Command(selectFirst) : snapshot.Command(selectNext, KeyParameters(last));
                await using var reader = await snapshot.GuardAsync(() => read.ExecuteReaderAsync(ct));
                int rows = 0;
                long bytes = 0, pendingBytes = 0;
                while (await snapshot.GuardAsync(() => reader.ReadAsync(ct)))
                {
                    var row = ReadRow(reader, table.Columns);
                    var key = keyAt.Select(i => row[i]).ToArray();
                    last = key;
                    rows++;
                    var size = row.Sum(v => v switch { byte[] b => b.LongLength, string s => s.Length, _ => 8 });
                    bytes += size;
                    if (resumeAfter is not null && CompareKeys(key, resumeAfter) <= 0)
                    {
                        var held = await ReadOneAsync(lookup, KeyParameters(key), compared, ct);
                        if (held is not null)
                        {
                            var expected = compared.Select(c => row[table.Columns.ToList().IndexOf(c)]).ToArray();
                            if (SameRow(held, expected))
                            {
                                present++;
                                continue;
                            }
                            if (table == CopyTables.PageIdentity)
                            {
                                // The destination's creation wrote its own rules' host groups; the copied pages were keyed by the source's.
                                await To.ExecuteAsync("UPDATE page_identity SET hosts = $hosts WHERE id = $id", ct, ("$hosts", row[1]), ("$id", row[0]));
                                inserted++;
                                continue;
                            }
                            throw Clash(table, KeyText(key), "holds another row under this key");
                        }
                    }
                    pending.Add(row);
                    pendingBytes += size;
                    if (pending.Count == RowsPerInsert || pendingBytes >= RowsPerInsertBytes)
                    {
                        await InsertPendingAsync(ct);
                        pendingBytes = 0;
                    }
                    if (bytes >= options.BatchBytes)
                        break;
                }
                await InsertPendingAsync(ct);
                return rows == options.BatchRows || bytes >= options.BatchBytes;
            }, cancellationToken);
            if (!more)
                break;
        }
        return new TableCopy(table.Name, inserted, present, resumeAfter is null ? null : string.Join(", ", resumeAfter), 0, clock.Elapsed);
    }

    /// <summary>
    /// Sets the references written null by the first pass (<see cref="CopyColumn.Deferred"/>) where the destination's are
    /// still null; a page given its current revision is queued for the search index in the same transaction, as a store
    /// of the page would.
    /// </summary>
    private async Task<(long Linked, long Queued)> LinkAsync(SourceSnapshot snapshot, CopyTable table, CancellationToken cancellationToken)
    {
        if (table.Key.Count != 1)
            throw new InvalidOperationException($"{table.Name}: late references are set by a one-column key");
        var key = table.Key[0];
        var deferred = table.DeferredColumns.ToList();
        var columns = table.Key.Select(table.Column).Concat(deferred).ToList();
        var anySet = string.Join(" OR ", deferred.Select(c => c.Name + " IS NOT NULL"));
        var selectFirst = Select(table, columns, after: false, filter: anySet);
        var selectNext = Select(table, columns, after: true, filter: anySet);
        // The destination's values for a whole batch at once: the batch's key range.
        var held = $"SELECT {Names(columns)} FROM {table.Name} WHERE {key} >= $first AND {key} <= $last";
        object?[]? last = null;
        long linked = 0, queued = 0;
        while (true)
        {
            var more = await To.InTransactionAsync(async tx =>
            {
                var ct = tx.CancellationToken;
                var rows = new List<object?[]>(options.BatchRows);
                var read = last is null ? snapshot.Command(selectFirst) : snapshot.Command(selectNext, KeyParameters(last));
                await using (var reader = await snapshot.GuardAsync(() => read.ExecuteReaderAsync(ct)))
                    while (await snapshot.GuardAsync(() => reader.ReadAsync(ct)))
                        rows.Add(ReadRow(reader, columns));
                if (rows.Count == 0)
                    return false;
                last = [rows[^1][0]];
                var current = new Dictionary<long, object?[]>();
                await using (var reader = await To.Command(held, ("$first", rows[0][0]), ("$last", rows[^1][0])).ExecuteReaderAsync(ct))
                    while (await reader.ReadAsync(ct))
                    {
                        var row = ReadRow(reader, columns);
                        current[(long)row[0]!] = row;
                    }
                // Per column, the (key, value) pairs to set.
                var updates = deferred.Select(_ => new List<(object Key, object Value)>()).ToArray();
                foreach (var row in rows)
                {
                    if (!current.TryGetValue((long)row[0]!, out var there))
                        throw Clash(table, [row[0]], "lacks the row");
                    var set = false;
                    for (var i = 0; i < deferred.Count; i++)
                    {
                        var value = row[1 + i];
                        if (value is null || Equals(value, there[1 + i]))
                            continue;
                        if (there[1 + i] is not null)
                            throw Clash(table, [row[0]], $"holds another {deferred[i].Name}");
                        updates[i].Add((row[0]!, value));
                        set = true;
                    }
                    if (set)
                        linked++;
                }
                for (var i = 0; i < deferred.Count; i++)
                {
                    foreach (var chunk in updates[i].Chunk(RowsPerInsert))
                    {
                        // One statement per chunk: SET column = CASE key WHEN … THEN … END, for the chunk's keys.
                        var cases = string.Join(" ", chunk.Select((_, r) => $"WHEN $k{r} THEN $x{r}"));
                        var keys = string.Join(", ", chunk.Select((_, r) => "$k" + r));
                        await To.ExecuteAsync($"UPDATE {table.Name} SET {deferred[i].Name} = CASE {key} {cases} END WHERE {key} IN ({keys})", ct,
                            [.. chunk.SelectMany((u, r) => new (string, object?)[] { ("$k" + r, u.Key), ("$x" + r, u.Value) })]);
                        if (table == CopyTables.Pages && deferred[i].Name == "latest_revision_id")
                        {
                            // As a store of the page would: the page's current revision changed, from none (the index has no entry for it).
                            await To.ExecuteAsync($"INSERT INTO search_queue (page_id) VALUES ({string.Join("), (", chunk.Select((_, r) => "$k" + r))}) ON CONFLICT (page_id) DO NOTHING",
                                ct, [.. chunk.Select((u, r) => ("$k" + r, (object?)u.Key))]);
                            queued += chunk.Length;
                        }
                    }
                }
                return rows.Count == options.BatchRows;
            }, cancellationToken);
            if (!more)
                break;
        }
        return (linked, queued);
    }

    /// <summary>The number of rows and the digest of one side's table; with <paramref name="bodies"/>, every body hashed again.</summary>
    private async Task<(long Rows, string Digest)> DigestAsync(
        Func<string, (string, object?)[], DbCommand> command, ArchiveDatabase side, CopyTable table, BodyCheck? bodies, CancellationToken ct)
    {
        var selectFirst = Select(table, table.Columns, after: false, filter: null);
        var selectNext = Select(table, table.Columns, after: true, filter: null);
        var keyAt = table.Key.Select(k => table.Columns.ToList().FindIndex(c => c.Name == k)).ToArray();
        using var digest = new TableDigest();
        object?[]? last = null;
        while (true)
        {
            var rows = 0;
            var read = last is null ? command(selectFirst, []) : command(selectNext, KeyParameters(last));
            await using (var reader = await Guard(side, () => read.ExecuteReaderAsync(ct)))
            {
                while (await Guard(side, () => reader.ReadAsync(ct)))
                {
                    var row = ReadRow(reader, table.Columns);
                    digest.Add(row);
                    bodies?.Check(row);
                    last = keyAt.Select(i => row[i]).ToArray();
                    rows++;
                }
            }
            if (rows < options.BatchRows)
                break;
        }
        return (digest.Rows, digest.Finish());
    }

    /// <summary>A body's data decompressed as stored (<see cref="BodyCompression"/>) must be its size and hash to its key.</summary>
    private sealed class BodyCheck
    {
        public long Rehashed { get; private set; }

        public string? Bad { get; private set; }

        public void Check(object?[] row)
        {
            var (sha, size, compression, data) = ((string)row[0]!, (long)row[1]!, (string)row[2]!, (byte[])row[3]!);
            Rehashed++;
            if (Bad is not null)
                return;
            try
            {
                var body = BodyCompression.Decompress(compression, data, size);
                var actual = Convert.ToHexStringLower(SHA256.HashData(body));
                if (body.LongLength != size)
                    Bad = $"body {sha} decompresses to {body.LongLength} bytes, not its recorded {size}";
                else if (actual != sha)
                    Bad = $"body {sha} holds data whose sha256 is {actual}";
            }
            catch (InvalidDataException e)
            {
                Bad = $"body {sha}: {e.Message}";
            }
        }
    }

    private async Task<object?[]?> LargestKeyAsync(CopyTable table, CancellationToken ct)
    {
        var keys = table.Key.Select(table.Column).ToList();
        var command = To.Command($"SELECT {Names(keys)} FROM {table.Name} ORDER BY {string.Join(", ", table.Key.Select(k => k + " DESC"))} LIMIT 1");
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ReadRow(reader, keys) : null;
    }

    private async Task<object?[]?> ReadOneAsync(string sql, (string, object?)[] parameters, IReadOnlyList<CopyColumn> columns, CancellationToken ct)
    {
        await using var reader = await To.Command(sql, parameters).ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ReadRow(reader, columns) : null;
    }

    private ArchiveException Clash(CopyTable table, object?[] key, string what) => Clash(table, KeyText(key), what);

    private ArchiveException Clash(CopyTable table, string key, string what) =>
        new(ArchiveFailure.Other,
            $"{table.Name} {string.Join(", ", table.Key)} = {key}: {To.DisplayPath} {what}, so it is no copy of {From.DisplayPath}; "
            + "--append only completes or extends a copy of the same archive, it does not merge two archives (their ids clash): copy into an empty database instead");

    private static async Task<T> Guard<T>(ArchiveDatabase side, Func<Task<T>> work)
    {
        try
        {
            return await work();
        }
        catch (DbException e)
        {
            throw side.Engine.Translate(e, side.DisplayPath);
        }
    }

    /// <summary>A table's rows in key order, a batch at a time: after the last key read (keyset paging, which both engines answer from the key's index).</summary>
    private string Select(CopyTable table, IEnumerable<CopyColumn> columns, bool after, string? filter)
    {
        var conditions = new[] { filter is null ? null : $"({filter})", after ? KeyAfter(table) : null }.OfType<string>().ToList();
        var where = conditions.Count == 0 ? "" : " WHERE " + string.Join(" AND ", conditions);
        return $"SELECT {Names(columns)} FROM {table.Name}{where} ORDER BY {string.Join(", ", table.Key)} LIMIT {options.BatchRows.ToString(CultureInfo.InvariantCulture)}";
    }

    private const int RowsPerInsert = 100;
    private const long RowsPerInsertBytes = 4 * 1024 * 1024;

    /// <summary><c>INSERT … VALUES (…), (…) ON CONFLICT DO NOTHING</c> for <paramref name="rows"/> rows: a row already there is left as it is.</summary>
    private static string InsertSql(CopyTable table, int rows) =>
        $"INSERT INTO {table.Name} ({Names(table.Columns)}) VALUES "
        + string.Join(", ", Enumerable.Range(0, rows).Select(r => "(" + string.Join(", ", table.Columns.Select((_, c) => $"$v{r}_{c}")) + ")"))
        + " ON CONFLICT DO NOTHING";

    private static string KeyText(IEnumerable<object?> key) => string.Join(", ", key);

    private static string KeyAfter(CopyTable table) => table.Key.Count == 1
        ? $"{table.Key[0]} > $k0"
        : $"({string.Join(", ", table.Key)}) > ({string.Join(", ", table.Key.Select((_, i) => "$k" + i))})";

    private static string KeyIs(CopyTable table) => string.Join(" AND ", table.Key.Select((k, i) => $"{k} = $k{i}"));

    private static (string, object?)[] KeyParameters(object?[] key) => [.. key.Select((v, i) => ("$k" + i, v))];

    private static string Names(IEnumerable<CopyColumn> columns) => string.Join(", ", columns.Select(c => c.Name));

    /// <summary>A row's values as <see cref="TableDigest"/> hashes them: long, string, byte[] or null, from either engine.</summary>
    private static object?[] ReadRow(DbDataReader reader, IReadOnlyList<CopyColumn> columns)
    {
        var row = new object?[columns.Count];
        for (var i = 0; i < columns.Count; i++)
        {
            if (reader.IsDBNull(i))
                continue;
            row[i] = columns[i].Kind switch
            {
                ColumnKind.Integer => Convert.ToInt64(reader.GetValue(i), CultureInfo.InvariantCulture),
                ColumnKind.Text => reader.GetString(i),
                _ => reader.GetFieldValue<byte[]>(i),
            };
        }
        return row;
    }

    private static bool SameRow(object?[] a, object?[] b)
    {
        for (var i = 0; i < a.Length; i++)
        {
            var same = (a[i], b[i]) switch
            {
                (byte[] x, byte[] y) => x.AsSpan().SequenceEqual(y),
                var (x, y) => Equals(x, y),
            };
            if (!same)
                return false;
        }
        return true;
    }

    /// <summary>Keys in the engines' order: numbers by value, texts by their UTF-8 bytes (SQLite's BINARY, PostgreSQL's "C").</summary>
    private static int CompareKeys(object?[] a, object?[] b)
    {
        for (var i = 0; i < a.Length; i++)
        {
            var order = (a[i], b[i]) switch
            {
                (long x, long y) => x.CompareTo(y),
                (string x, string y) => Encoding.UTF8.GetBytes(x).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(y)),
                _ => throw new InvalidOperationException("keys are numbers or texts"),
            };
            if (order != 0)
                return order;
        }
        return 0;
    }

    /// <summary>
    /// The source's read transaction, for the whole copy and its verification: what is copied and what is hashed is the
    /// source at one moment, even while a crawl writes to it.
    /// </summary>
    private sealed class SourceSnapshot : IAsyncDisposable
    {
        private readonly ArchiveDatabase database;
        private readonly DbTransaction transaction;
        private readonly Dictionary<string, DbCommand> commands = new(StringComparer.Ordinal);

        private SourceSnapshot(ArchiveDatabase database, DbTransaction transaction)
        {
            this.database = database;
            this.transaction = transaction;
        }

        public static async Task<SourceSnapshot> BeginAsync(ArchiveDatabase database, CancellationToken cancellationToken) =>
            await Guard(database, async () => new SourceSnapshot(database, database.Connection is SqliteConnection sqlite
                // A deferred BEGIN takes no write lock: a WAL reader's snapshot from its first read to its end.
                ? sqlite.BeginTransaction(deferred: true)
                // PostgreSQL: one snapshot for every statement of the transaction.
                : await database.Connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken)));

        public DbCommand Command(string sql, params (string Name, object? Value)[] parameters)
        {
            if (!commands.TryGetValue(sql, out var command))
            {
                command = database.Connection.CreateCommand();
                command.CommandText = database.Engine.Dialect(sql);
                command.Transaction = transaction;
                commands[sql] = command;
            }
            command.Parameters.Clear();
            foreach (var (name, value) in parameters)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = database.Engine.ParameterName(name);
                parameter.Value = value ?? DBNull.Value;
                command.Parameters.Add(parameter);
            }
            return command;
        }

        public Task<T> GuardAsync<T>(Func<Task<T>> work) => Guard(database, work);

        public async ValueTask DisposeAsync()
        {
            foreach (var command in commands.Values)
                await command.DisposeAsync();
            await transaction.DisposeAsync();
        }
    }
}
