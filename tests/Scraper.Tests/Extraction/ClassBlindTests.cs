using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Scraper.Tests.Support;

namespace Scraper.Tests.Extraction;

/// <summary>
/// Nobody here has seen the live sites' markup: the class names of the rules and the samples are guesses. So every
/// article sample is re-rendered with all <c>class</c> and <c>id</c> attributes removed, and again with them renamed at
/// random (as a redesign would), and must give the same article as the original through <c>scraper extract</c>.
/// </summary>
public sealed class ClassBlindTests : IDisposable
{
    /// <summary>The fields a reader sees; where they came from (provenance) and the extractor's name may differ.</summary>
    private static readonly string[] Fields = ["title", "subtitle", "section", "published", "published_from", "source", "byline", "language", "paragraphs", "figures", "pages"];

    private static readonly string[] PageExtensions = [".htm", ".html", ".shtml", ".cmsAction"];

    private readonly string _root = Directory.CreateTempSubdirectory("scraper-class-blind-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    public static TheoryData<string, string> Samples()
    {
        var data = new TheoryData<string, string>();
        foreach (var verified in Directory.EnumerateFiles(RepoPaths.Samples, "*.verified.json", SearchOption.AllDirectories)
                     .Where(f => !f.EndsWith(".links.verified.json", StringComparison.Ordinal)).Order())
        {
            var relative = Path.GetRelativePath(RepoPaths.Samples, verified);
            data.Add(relative, "removed");
            data.Add(relative, "renamed");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task The_article_is_the_same_without_the_pages_class_and_id_names(string verifiedRelative, string variant)
    {
        var verified = Path.Combine(RepoPaths.Samples, verifiedRelative);
        var seed = Environment.TickCount;
        var rewriter = variant == "removed" ? MarkupRewriter.Removing() : MarkupRewriter.Renaming(new Random(seed));
        // The page's folder is rewritten whole: a multi-page article's sibling pages are read from beside it.
        var folder = Path.GetDirectoryName(verified)!;
        var target = Path.Combine(_root, Path.GetRelativePath(RepoPaths.Samples, folder));
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(folder).Where(f => PageExtensions.Contains(Path.GetExtension(f))))
        {
            var rewritten = rewriter.Rewrite(File.ReadAllBytes(file));
            Assert.True(rewriter.Changed > 0 || !MarkupRewriter.HasClassOrId(File.ReadAllBytes(file)), $"{file}: nothing rewritten");
            File.WriteAllBytes(Path.Combine(target, Path.GetFileName(file)), rewritten);
        }
        var stem = Path.GetFileName(verified)[..^".verified.json".Length];
        var page = Directory.EnumerateFiles(target, stem + ".*").Single(f => PageExtensions.Contains(Path.GetExtension(f)));
        if (variant == "removed") Assert.False(MarkupRewriter.HasClassOrId(File.ReadAllBytes(page)), "a class or id is left in " + page);

        var result = await CliRunner.RunAsync("extract", page, "--format", "json");
        Assert.True(result.ExitCode == 0, result.Error);
        var expected = JsonNode.Parse(File.ReadAllText(verified))!.AsObject();
        var actual = JsonNode.Parse(result.Out)!.AsObject();
        foreach (var field in Fields)
            Assert.True(JsonNode.DeepEquals(expected[field], actual[field]),
                $"{verifiedRelative} ({variant}, seed {seed}): {field} differs\nexpected: {expected[field]?.ToJsonString()}\nactual:   {actual[field]?.ToJsonString()}");
    }

    [Fact]
    public void The_rewriter_removes_and_renames_every_class_and_id_but_nothing_else()
    {
        var html = Encoding.UTF8.GetBytes("<div class=\"a b\" id='x'><p CLASS=c style=\"text-align:center\">class=\"kept\" 中文</p></div>");
        var removed = Encoding.UTF8.GetString(MarkupRewriter.Removing().Rewrite(html));
        Assert.Equal("<div><p style=\"text-align:center\">class=\"kept\" 中文</p></div>", removed);
        var renamed = Encoding.UTF8.GetString(MarkupRewriter.Renaming(new Random(1)).Rewrite(html));
        Assert.DoesNotContain("\"a b\"", renamed);
        Assert.Matches("^<div class=\"r[0-9a-f]{8} r[0-9a-f]{8}\" id=\"r[0-9a-f]{8}\"><p class=\"r[0-9a-f]{8}\" style=\"text-align:center\">class=\"kept\" 中文</p></div>$", renamed);
    }

    /// <summary>
    /// Rewrites the class and id attributes of a page's tags, byte for byte elsewhere (the page is read as Latin-1, so a
    /// GB2312 page stays GB2312). Each name is renamed the same way wherever it occurs, as a template would be.
    /// </summary>
    private sealed class MarkupRewriter
    {
        private static readonly Regex Tag = new(@"<[A-Za-z][^<>]*>", RegexOptions.CultureInvariant);
        private static readonly Regex ClassOrId = new(@"\s(?<name>class|id)\s*=\s*(?:""(?<value>[^""]*)""|'(?<value>[^']*)'|(?<value>[^\s>""']+))",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        private readonly Random? _random;
        private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);

        private MarkupRewriter(Random? random) => _random = random;

        public static MarkupRewriter Removing() => new(null);

        public static MarkupRewriter Renaming(Random random) => new(random);

        /// <summary>How many attributes the last <see cref="Rewrite"/> changed.</summary>
        public int Changed { get; private set; }

        public static bool HasClassOrId(byte[] page) =>
            Tag.Matches(Encoding.Latin1.GetString(page)).Any(tag => ClassOrId.IsMatch(tag.Value));

        public byte[] Rewrite(byte[] page)
        {
            Changed = 0;
            var text = Tag.Replace(Encoding.Latin1.GetString(page), tag => ClassOrId.Replace(tag.Value, attribute =>
            {
                Changed++;
                if (_random is null) return "";
                var renamed = string.Join(' ', attribute.Groups["value"].Value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Select(Rename));
                return $" {attribute.Groups["name"].Value.ToLowerInvariant()}=\"{renamed}\"";
            }));
            return Encoding.Latin1.GetBytes(text);
        }

        private string Rename(string name)
        {
            if (!_names.TryGetValue(name, out var renamed))
                _names[name] = renamed = "r" + _random!.Next().ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
            return renamed;
        }
    }
}
