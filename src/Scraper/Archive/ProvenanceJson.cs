using System.Text.Json;
using Scraper.Extraction;

namespace Scraper.Archive;

/// <summary>A revision's field provenance as the archive stores it: <c>{"title":"selector","body":"anatomy"}</c>, absent fields left out.</summary>
internal static class ProvenanceJson
{
    public static string? Write(FieldProvenance provenance)
    {
        var fields = provenance.Fields().Where(f => f.From is not null).ToDictionary(f => f.Field, f => f.From!);
        return fields.Count == 0 ? null : JsonSerializer.Serialize(fields, ScraperJsonContext.Default.DictionaryStringString);
    }

    public static FieldProvenance Read(string json)
    {
        Dictionary<string, string>? fields;
        try { fields = JsonSerializer.Deserialize(json, ScraperJsonContext.Default.DictionaryStringString); }
        catch (JsonException) { return FieldProvenance.None; }
        string? Of(string field) => fields?.GetValueOrDefault(field);
        return new FieldProvenance
        {
            Title = Of("title"), Subtitle = Of("subtitle"), Section = Of("section"), Published = Of("published"),
            Source = Of("source"), Byline = Of("byline"), Body = Of("body"),
        };
    }
}
