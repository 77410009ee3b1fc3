using System.IO.Compression;

namespace Scraper.Archive;

/// <summary>Brotli for stored bodies: HTML shrinks to a fifth or less, and decoding is fast enough for reextract.</summary>
internal static class BodyCompression
{
    public const string Brotli = "br";
    public const string None = "none";

    // Quality 5 compresses a typical article page in well under a millisecond; 11 would be ~50x slower for ~10% less.
    private const int Quality = 5;

    public static (string Compression, byte[] Data) Compress(ReadOnlySpan<byte> body)
    {
        var output = new byte[BrotliEncoder.GetMaxCompressedLength(body.Length)];
        // A window no larger than the body: same output size, without setting up a 4 MB window per page.
        var window = Math.Clamp((int)Math.Ceiling(Math.Log2(body.Length + 1)), 10, 24);
        if (BrotliEncoder.TryCompress(body, output, out var written, Quality, window) && written < body.Length)
            return (Brotli, output.AsSpan(0, written).ToArray());
        return (None, body.ToArray());
    }

    public static byte[] Decompress(string compression, byte[] data, long size)
    {
        switch (compression)
        {
            case None:
                return data;
            case Brotli:
                var output = new byte[size];
                if (!BrotliDecoder.TryDecompress(data, output, out var written) || written != size)
                    throw new InvalidDataException($"stored body does not decompress to its recorded size of {size} bytes");
                return output;
            default:
                throw new InvalidDataException($"unknown body compression '{compression}'");
        }
    }
}
