using System.Text.Json.Nodes;
using Scraper.Cli;
using Scraper.Tests.Support;
using static Scraper.Tests.Export.ExportFixtures;

namespace Scraper.Tests.Export;

public sealed class JsonLinesExportTests : ExportTestFolder
{

    private async Task<List<JsonObject>> ExportAsync(params string[] args)
    {
        var output = folder.File("export.jsonl");
        var result = await CliRunner.RunAsync(["export", "--format", "jsonl", "--db", Db, "--out", output, .. args]);
        Assert.True(result.ExitCode == ExitCodes.Ok, result.Error);
        var text = await File.ReadAllTextAsync(output);
        Assert.EndsWith("\n", text);
        var lines = text.Split('\n')[..^1];
        // JSON Lines: one compact object per line, nothing else.
        Assert.All(lines, line => Assert.StartsWith("{\"url\":", line));
        return [.. lines.Select(line => JsonNode.Parse(line)!.AsObject())];
    }

    [Fact]
    public async Task Each_line_is_the_object_show_prints()
    {
        await CrawlSamplesAsync(Db);
        var lines = await ExportAsync();

        Assert.True(lines.Count >= 18, "the samples are missing");
        foreach (var line in lines)
        {
            var show = JsonNode.Parse((await CliRunner.RunAsync("show", (string)line["url"]!, "--db", Db)).Out)!.AsObject();
            Assert.Equal(show.Select(p => p.Key), line.Select(p => p.Key));
            Assert.True(JsonNode.DeepEquals(show, line), $"{line["url"]}: {line.ToJsonString()}\nvs show: {show.ToJsonString()}");
        }
    }

    [Fact]
    public async Task Awkward_text_reads_back_identical()
    {
        var articles = AwkwardArticles();
        await StoreAsync(Db, articles);
        var lines = await ExportAsync();

        Assert.Equal(articles.Count, lines.Count);
        for (var i = 0; i < articles.Count; i++)
        {
            var (article, line) = (articles[i], lines[i]);
            Assert.Equal(article.Url, (string?)line["url"]);
            Assert.Equal(article.Title, (string?)line["title"]);
            Assert.Equal(article.Subtitle, (string?)line["subtitle"]);
            Assert.Equal(article.Section, (string?)line["section"]);
            Assert.Equal(article.Published, (string?)line["published"]);
            Assert.Equal(article.Source, (string?)line["source"]);
            Assert.Equal(article.Byline, (string?)line["byline"]);
            Assert.Equal(article.Paragraphs, line["paragraphs"]!.AsArray().Select(p => (string)p!));
            Assert.Equal(article.Text, (string?)line["text"]);
            Assert.Equal(article.Figures.Select(f => (f.Src, f.Alt, f.Caption, f.Credit, f.Position)),
                line["figures"]!.AsArray().Select(f => ((string)f!["src"]!, (string?)f["alt"], (string?)f["caption"], (string?)f["credit"], (int)f["position"]!)));
            Assert.Equal(1, (int)line["revision"]!);
        }
    }
}
