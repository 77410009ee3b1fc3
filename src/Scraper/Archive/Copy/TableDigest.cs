using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Scraper.Archive.Copy;

/// <summary>
/// A sha256 over a table's rows in key order, each value in one canonical form whatever engine it was read from: a tag
/// byte (null, integer, text, bytes), then an integer as 8 bytes little-endian, a text as its UTF-8 length (4 bytes)
/// and bytes, bytes as their length (8 bytes) and themselves. SQLite's INTEGER and PostgreSQL's BIGINT, a BLOB and a
/// bytea, hash the same; a null never equals an empty text.
/// </summary>
public sealed class TableDigest : IDisposable
{
    private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[] buffer = new byte[9];

    public long Rows { get; private set; }

    public void Add(IReadOnlyList<object?> row)
    {
        foreach (var value in row)
        {
            switch (value)
            {
                case null:
                    buffer[0] = 0;
                    hash.AppendData(buffer, 0, 1);
                    break;
                case long number:
                    buffer[0] = 1;
                    BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(1), number);
                    hash.AppendData(buffer, 0, 9);
                    break;
                case string text:
                    var bytes = Encoding.UTF8.GetBytes(text);
                    buffer[0] = 2;
                    BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(1), bytes.Length);
                    hash.AppendData(buffer, 0, 5);
                    hash.AppendData(bytes);
                    break;
                case byte[] data:
                    buffer[0] = 3;
                    BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(1), data.LongLength);
                    hash.AppendData(buffer, 0, 9);
                    hash.AppendData(data);
                    break;
                default:
                    throw new ArgumentException($"a column value of type {value.GetType().Name} has no canonical form", nameof(row));
            }
        }
        Rows++;
    }

    /// <summary>Lower-case hex sha256 of the rows added.</summary>
    public string Finish() => Convert.ToHexStringLower(hash.GetHashAndReset());

    public void Dispose() => hash.Dispose();
}
