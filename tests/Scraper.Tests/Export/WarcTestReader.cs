using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace Scraper.Tests.Export;

/// <summary>One WARC record as read back: where its gzip member lies in the file, its header fields and its block.</summary>
public sealed record WarcTestRecord(long Offset, long Length, string Version, IReadOnlyList<KeyValuePair<string, string>> Fields, byte[] Block)
{
    public string? this[string name] => Fields.FirstOrDefault(f => string.Equals(f.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    public string Type => this["WARC-Type"]!;

    /// <summary>A response record's HTTP header block (up to and with the blank line) and the payload after it.</summary>
    public (string Head, byte[] Payload) SplitHttp()
    {
        var end = Block.AsSpan().IndexOf("\r\n\r\n"u8);
        Assert.True(end >= 0, "the HTTP header block does not end");
        return (Encoding.UTF8.GetString(Block, 0, end + 4), Block[(end + 4)..]);
    }
}

/// <summary>
/// A WARC reader of the tests' own, independent of the writer: it splits the file into gzip members one by one (each
/// must hold exactly one whole record, as the .warc.gz convention wants), checks each member's CRC and size, and parses
/// the record by the WARC/1.1 grammar.
/// </summary>
public static class WarcTestReader
{
    public static List<WarcTestRecord> Read(byte[] file)
    {
        var records = new List<WarcTestRecord>();
        var offset = 0;
        while (offset < file.Length)
        {
            var (data, length) = Gunzip(file, offset);
            records.Add(ParseRecord(data, offset, length));
            offset += length;
        }
        return records;
    }

    /// <summary>Decompresses the one gzip member at <paramref name="offset"/>; returns its data and its compressed length.</summary>
    private static (byte[] Data, int Length) Gunzip(byte[] file, int offset)
    {
        // RFC 1952: ID1 ID2 CM FLG MTIME(4) XFL OS, then the optional fields that FLG announces.
        Assert.True(file.Length - offset >= 18 && file[offset] == 0x1f && file[offset + 1] == 0x8b && file[offset + 2] == 8,
            $"no gzip member starts at offset {offset}");
        var flags = file[offset + 3];
        var position = offset + 10;
        if ((flags & 4) != 0) position += 2 + (file[position] | (file[position + 1] << 8));
        if ((flags & 8) != 0) position = Array.IndexOf(file, (byte)0, position) + 1;
        if ((flags & 16) != 0) position = Array.IndexOf(file, (byte)0, position) + 1;
        if ((flags & 2) != 0) position += 2;

        // Fed one byte at a time, the inflater stops reading exactly where the deflate data ends.
        var input = new OneByteAtATime(file, position);
        using var inflater = new DeflateStream(input, CompressionMode.Decompress);
        using var data = new MemoryStream();
        // A read loop, not CopyTo: DeflateStream.CopyTo pulls the underlying stream to its end.
        var buffer = new byte[8192];
        for (int read; (read = inflater.Read(buffer)) > 0;)
            data.Write(buffer, 0, read);
        var trailer = input.Next;
        var crc = BitConverter.ToUInt32(file, trailer);
        var size = BitConverter.ToUInt32(file, trailer + 4);
        Assert.True(Crc32(data.GetBuffer().AsSpan(0, (int)data.Length)) == crc, $"gzip member at {offset}: CRC mismatch");
        Assert.True((uint)data.Length == size, $"gzip member at {offset}: size {data.Length}, trailer says {size}");
        return (data.ToArray(), trailer + 8 - offset);
    }

    private static WarcTestRecord ParseRecord(byte[] data, int offset, int length)
    {
        var headerEnd = data.AsSpan().IndexOf("\r\n\r\n"u8);
        Assert.True(headerEnd > 0, $"record at {offset}: the header does not end");
        var lines = Encoding.UTF8.GetString(data, 0, headerEnd).Split("\r\n");
        var fields = new List<KeyValuePair<string, string>>();
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            Assert.True(colon > 0, $"record at {offset}: bad header line '{line}'");
            fields.Add(new(line[..colon], line[(colon + 1)..].Trim()));
        }
        var contentLength = int.Parse(fields.Single(f => f.Key == "Content-Length").Value);
        var blockStart = headerEnd + 4;
        // The member holds exactly the record: header, block of Content-Length bytes, CRLF CRLF, and nothing more.
        Assert.Equal(blockStart + contentLength + 4, data.Length);
        Assert.Equal("\r\n\r\n"u8.ToArray(), data[^4..]);
        return new WarcTestRecord(offset, length, lines[0], fields, data[blockStart..(blockStart + contentLength)]);
    }

    /// <summary>A <c>sha1:</c> digest in RFC 4648 base32, computed here (the writer's encoding is not trusted).</summary>
    public static string Sha1Base32(ReadOnlySpan<byte> data)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var hash = SHA1.HashData(data);
        // 160 bits are exactly 32 groups of 5: read them off a big integer, most significant first.
        var value = new System.Numerics.BigInteger(hash, isUnsigned: true, isBigEndian: true);
        var text = new char[32];
        for (var i = 31; i >= 0; i--)
        {
            text[i] = alphabet[(int)(value & 31)];
            value >>= 5;
        }
        return "sha1:" + new string(text);
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }

    private sealed class OneByteAtATime(byte[] data, int start) : Stream
    {
        /// <summary>The index of the next byte to hand out.</summary>
        public int Next { get; private set; } = start;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (buffer.Length == 0 || Next >= data.Length) return 0;
            buffer[0] = data[Next++];
            return 1;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => Next; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
