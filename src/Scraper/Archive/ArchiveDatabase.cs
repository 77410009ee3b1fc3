using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace Scraper.Archive;

/// <summary>
/// The one connection every part of an open archive works through: commands prepared once and reused, the transaction
/// in flight (<see cref="ArchiveTransaction"/>), and the engine's errors turned into <see cref="ArchiveException"/>.
/// The roles of the store (<see cref="ArchiveRole"/>) share it. Plain ADO.NET: what belongs to one database engine
/// (opening, schema, durability, error codes, full-text search) is its <see cref="ArchiveEngine"/>, in the engine's
/// folder (Sqlite/). Not thread-safe: one pipeline stage owns it.
/// </summary>
internal sealed class ArchiveDatabase : IAsyncDisposable, IDisposable
{
    private readonly DbConnection connection;
    private readonly Dictionary<string, DbCommand> commands = new(StringComparer.Ordinal);
    private ArchiveTransaction? transaction;

    /// <param name="path">The archive file's full path, or the server address (without a password) on a server engine.</param>
    public ArchiveDatabase(ArchiveEngine engine, DbConnection connection, string path, string displayPath, ArchiveAccess access, ArchiveOptions options)
    {
        Engine = engine;
        this.connection = connection;
        Path = path;
        DisplayPath = displayPath;
        Access = access;
        Options = options;
        Clock = options.Clock ?? TimeProvider.System;
        Identity = options.Identity ?? PageIdentity.Default;
    }

    public ArchiveEngine Engine { get; }

    public DbConnection Connection => connection;

    /// <summary>The archive file's full path, or the server and database (never the password).</summary>
    public string Path { get; }

    /// <summary>The archive as the user named it, for messages.</summary>
    public string DisplayPath { get; }

    public ArchiveAccess Access { get; }

    public ArchiveOptions Options { get; }

    public TimeProvider Clock { get; }

    public PageIdentity Identity { get; }

    /// <summary>The transaction in flight, if any.</summary>
    public ArchiveTransaction? Transaction => transaction;

    /// <summary>
    /// The command for <paramref name="sql"/>, prepared once per store and reused: preparing costs more than running
    /// most of these statements. Not to be disposed by the caller, nor used again while its reader is open.
    /// </summary>
    public DbCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        if (!commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = Engine.Dialect(sql);
            commands[sql] = command;
        }
        command.Transaction = transaction?.Transaction;
        // The same statement takes the same parameters: their values are set in place. (A prepared Npgsql command keeps
        // the parameter objects it was prepared with: new ones would not be bound.)
        var same = command.Parameters.Count == parameters.Length;
        for (var i = 0; same && i < parameters.Length; i++)
            same = command.Parameters[i].ParameterName == Engine.ParameterName(parameters[i].Name);
        if (same)
        {
            for (var i = 0; i < parameters.Length; i++)
                command.Parameters[i].Value = parameters[i].Value ?? DBNull.Value;
            return command;
        }
        if (command.Parameters.Count > 0)
        {
            // Other parameters for the same statement: a command of its own, rather than one prepared with others.
            command.Dispose();
            command = connection.CreateCommand();
            command.CommandText = Engine.Dialect(sql);
            command.Transaction = transaction?.Transaction;
            commands[sql] = command;
        }
        foreach (var (name, value) in parameters)
            AddParameter(command, name, value);
        return command;
    }

    /// <summary>
    /// A command of its own, for readers that stay open while the caller uses the store (streams); dispose it. On an
    /// engine whose connection runs one statement at a time (PostgreSQL), it runs on a connection of its own, which
    /// reads what is committed.
    /// </summary>
    public async Task<StreamCommand> NewCommandAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        var own = await Engine.OpenStreamConnectionAsync(this, cancellationToken);
        var command = (own ?? connection).CreateCommand();
        command.CommandText = Engine.Dialect(sql);
        command.Transaction = own is null ? transaction?.Transaction : null;
        foreach (var (name, value) in parameters)
            AddParameter(command, name, value);
        return new StreamCommand(command, own);
    }

    private void AddParameter(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = Engine.ParameterName(name);
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

    /// <returns>The number of rows changed.</returns>
    public async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        await Command(sql, parameters).ExecuteNonQueryAsync(cancellationToken);

    public async Task<T> ScalarAsync<T>(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        var command = Command(sql, parameters);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? default! : (T)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction: all of it is stored, or none of it. The work gets the transaction
    /// as an object, to hand to other roles' writes that must commit with it (the crawler's frontier row and run counts).
    /// </summary>
    public Task<T> InTransactionAsync<T>(Func<ArchiveTransaction, Task<T>> work, CancellationToken cancellationToken) =>
        InTransactionAsync(work, WriteKind.Serialized, cancellationToken);

    /// <param name="kind">Whether the write waits for the archive's other writers (<see cref="WriteKind.Serialized"/>),
    /// or only locks the rows it changes (<see cref="WriteKind.RowLocked"/>: the crawl's claims of frontier rows).</param>
    public async Task<T> InTransactionAsync<T>(Func<ArchiveTransaction, Task<T>> work, WriteKind kind, CancellationToken cancellationToken)
    {
        if (transaction is not null)
            throw new InvalidOperationException("a transaction is already in flight on this archive");
        // The write lock is taken up front (SQLite: BEGIN IMMEDIATE; PostgreSQL: the archive's advisory lock), so a busy
        // archive fails before any work instead of at commit, and writers never interleave.
        var begun = await connection.BeginTransactionAsync(cancellationToken);
        transaction = new ArchiveTransaction(begun, cancellationToken);
        try
        {
            if (Access == ArchiveAccess.ReadWrite)
                await Engine.BeginWriteAsync(this, kind, cancellationToken);
            var result = await work(transaction);
            await begun.CommitAsync(cancellationToken);
            return result;
        }
        catch
        {
            // The engine may already have rolled back (SQLITE_FULL); a second rollback must not hide the first error.
            try { await begun.RollbackAsync(CancellationToken.None); }
            catch (DbException) { }
            catch (InvalidOperationException) { }
            throw;
        }
        finally
        {
            transaction.Ended = true;
            transaction = null;
            await begun.DisposeAsync();
        }
    }

    /// <summary>The same, for work that needs only the cancellation token.</summary>
    public Task<T> InTransactionAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        InTransactionAsync(tx => work(tx.CancellationToken), cancellationToken);

    /// <summary>Throws unless <paramref name="given"/> is this archive's transaction in flight.</summary>
    public void EnsureCurrent(ArchiveTransaction given)
    {
        ArgumentNullException.ThrowIfNull(given);
        if (!ReferenceEquals(given, transaction) || given.Ended)
            throw new InvalidOperationException("the transaction given is not the one in flight on this archive");
    }

    public async Task<T> GuardAsync<T>(Func<Task<T>> work)
    {
        try
        {
            return await work();
        }
        catch (DbException e)
        {
            throw Engine.Translate(e, DisplayPath);
        }
    }

    /// <summary>A stream whose database errors come out as <see cref="ArchiveException"/>.</summary>
    public async IAsyncEnumerable<T> Guarded<T>(IAsyncEnumerable<T> source, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var items = source.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            T item;
            try
            {
                if (!await items.MoveNextAsync())
                    yield break;
                item = items.Current;
            }
            catch (DbException e)
            {
                throw Engine.Translate(e, DisplayPath);
            }
            yield return item;
        }
    }

    public void EnsureWritable()
    {
        if (Access != ArchiveAccess.ReadWrite)
            throw new InvalidOperationException("the archive was opened read-only");
    }

    public string Now() => ArchiveTime.Format(Clock.GetUtcNow());

    /// <summary>Makes every committed write durable against a power cut (see <see cref="ArchiveStore.MakeDurable"/>).</summary>
    public void MakeDurable() => Engine.MakeDurable(this);

    public void Dispose()
    {
        foreach (var command in commands.Values)
            command.Dispose();
        commands.Clear();
        connection.Dispose();
        Engine.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var command in commands.Values)
            await command.DisposeAsync();
        commands.Clear();
        await connection.DisposeAsync();
        Engine.Dispose();
    }
}

/// <summary>How a write transaction stands to the archive's other writers.</summary>
public enum WriteKind
{
    /// <summary>One at a time, as SQLite's one writer: a page's store, a run's start, the schema's upgrade.</summary>
    Serialized,
    /// <summary>Only the rows it changes are locked, and rows another writer holds are skipped (frontier claims).</summary>
    RowLocked,
}

/// <summary>A stream's command, and the connection of its own it may run on (see <see cref="ArchiveDatabase.NewCommandAsync"/>).</summary>
internal sealed class StreamCommand(DbCommand command, DbConnection? ownConnection) : IAsyncDisposable
{
    public Task<DbDataReader> ExecuteReaderAsync(CancellationToken cancellationToken) => command.ExecuteReaderAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await command.DisposeAsync();
        if (ownConnection is not null)
            await ownConnection.DisposeAsync();
    }
}

/// <summary>
/// A write in flight: what a role's write hands to another role's that must commit with it (a page's store and the
/// crawler's frontier row and run counts). Valid only inside the work it was given to.
/// </summary>
public sealed class ArchiveTransaction
{
    internal ArchiveTransaction(DbTransaction transaction, CancellationToken cancellationToken)
    {
        Transaction = transaction;
        CancellationToken = cancellationToken;
    }

    internal DbTransaction Transaction { get; }

    internal bool Ended { get; set; }

    /// <summary>The cancellation of the work the transaction belongs to.</summary>
    public CancellationToken CancellationToken { get; }
}

/// <summary>Archive times: UTC, millisecond ISO 8601 text, which sorts as it reads.</summary>
internal static class ArchiveTime
{
    public static string Format(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static DateTimeOffset Parse(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}

/// <summary>
/// One role of the archive (pages, captures, revisions, search, runs, images, sections, reads) over the shared
/// <see cref="ArchiveDatabase"/>: the plumbing every role uses, named as the roles' SQL reads best.
/// </summary>
public abstract class ArchiveRole
{
    private protected ArchiveRole(ArchiveDatabase database) => Database = database;

    private protected ArchiveDatabase Database { get; }

    /// <summary>Which URLs are one page of this archive.</summary>
    public PageIdentity Identity => Database.Identity;

    public ArchiveAccess Access => Database.Access;

    private protected TimeProvider Clock => Database.Clock;

    private protected string DisplayPath => Database.DisplayPath;

    private protected ArchiveOptions Options => Database.Options;

    private protected DbCommand Command(string sql, params (string Name, object? Value)[] parameters) => Database.Command(sql, parameters);

    private protected Task<StreamCommand> NewCommandAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        Database.NewCommandAsync(sql, cancellationToken, parameters);

    private protected Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        Database.ExecuteAsync(sql, cancellationToken, parameters);

    /// <summary>Sets a parameter of a command from <see cref="Command"/> again, for the next row of a batch.</summary>
    private protected void SetParameter(DbCommand command, string name, object? value) =>
        command.Parameters[Database.Engine.ParameterName(name)].Value = value ?? DBNull.Value;

    private protected Task<T> ScalarAsync<T>(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        Database.ScalarAsync<T>(sql, cancellationToken, parameters);

    private protected Task<T> InTransactionAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        Database.InTransactionAsync(work, cancellationToken);

    private protected Task<T> InTransactionAsync<T>(Func<ArchiveTransaction, Task<T>> work, CancellationToken cancellationToken) =>
        Database.InTransactionAsync(work, cancellationToken);

    private protected Task<T> GuardAsync<T>(Func<Task<T>> work) => Database.GuardAsync(work);

    private protected IAsyncEnumerable<T> Guarded<T>(IAsyncEnumerable<T> source, CancellationToken cancellationToken) =>
        Database.Guarded(source, cancellationToken);

    private protected void EnsureWritable() => Database.EnsureWritable();

    private protected string Now() => Database.Now();

    private protected static string FormatTime(DateTimeOffset time) => ArchiveTime.Format(time);

    private protected static DateTimeOffset ParseTime(string text) => ArchiveTime.Parse(text);

    private protected static DateTimeOffset? ParseTimeOrNull(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : ArchiveTime.Parse(reader.GetString(ordinal));

    /// <summary>
    /// A column of 32-bit numbers. Read as 64-bit, which is what both engines hold (every integer column of the
    /// PostgreSQL schema is a BIGINT, as is count(*); Npgsql reads a BIGINT as an int no more than an INTEGER as a long).
    /// </summary>
    private protected static int Int32(DbDataReader reader, int ordinal) => checked((int)reader.GetInt64(ordinal));

    private protected static string? StringOrNull(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
