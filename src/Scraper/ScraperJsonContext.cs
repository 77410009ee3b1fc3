using System.Text.Json.Serialization;
using Scraper.Extraction;
using Scraper.Sites;

namespace Scraper;

/// <summary>
/// The JSON shapes the library reads and writes, generated at compile time: the CLI ships as a native (AOT) binary,
/// where reflection-based serialization is unavailable. Each <see cref="System.Text.Json.JsonSerializerOptions"/> of
/// the library resolves its types here; naming and escaping stay with the options.
/// </summary>
[JsonSerializable(typeof(Article))]
[JsonSerializable(typeof(SiteRule))]
[JsonSerializable(typeof(List<SiteRule>))]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class ScraperJsonContext : JsonSerializerContext;
