using System.Text;
using System.Text.Json;
using Scraper.Tests.Support;

namespace Scraper.Tests.Cli;

/// <summary>Bad files give an article or one line on stderr with exit code 1; never a crash, hang or stack trace.</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private static readonly string GoodPage = Path.Combine(RepoPaths.Samples, "en.wuxi.gov.cn", "2023-11", "23", "c_941797.htm");

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("empty", "the page is empty")]
    [InlineData("blank", "the page is empty")]
    [InlineData("binary", "not HTML: binary content")]
    [InlineData("png", "not HTML: a PNG image")]
    [InlineData("text", "not HTML: no markup found")]
    [InlineData("missing", "no such file")]
    [InlineData("folder", "is a folder")]
    public async Task Unreadable_inputs_fail_alone_with_one_line(string kind, string message)
    {
        var bad = MakeBadFile(kind);
        var result = await CliRunner.RunAsync("extract", bad, GoodPage);
        Assert.Equal(1, result.ExitCode);
        var errorLines = result.Error.Trim().Split('\n');
        Assert.Single(errorLines);
        Assert.StartsWith($"scraper: {bad}: ", errorLines[0]);
        Assert.Contains(message, errorLines[0]);
        // The good input after the bad one is still extracted.
        var line = Assert.Single(result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var json = JsonDocument.Parse(line);
        Assert.Equal(GoodPage, json.RootElement.GetProperty("input").GetString());
    }

    [Fact]
    public async Task A_page_cut_off_before_its_body_is_a_one_line_error()
    {
        var text = Encoding.UTF8.GetString(File.ReadAllBytes(GoodPage));
        var cut = text[..(text.IndexOf("</head>", StringComparison.Ordinal) - 10)];
        var path = _temp.Write(Path.Combine("en.wuxi.gov.cn", "2023-11", "23", "c_941797.htm"), cut);
        var result = await CliRunner.RunAsync("extract", path, GoodPage);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no article text found", Assert.Single(result.Error.Trim().Split('\n')));
        // The other input is still extracted.
        Assert.Single(result.Out.Trim().Split('\n'));
    }

    [Fact]
    public async Task A_truncated_page_still_gives_its_article()
    {
        var bytes = File.ReadAllBytes(GoodPage);
        var text = Encoding.UTF8.GetString(bytes);
        var cut = text[..(text.IndexOf("Over 100 high-level executives", StringComparison.Ordinal) + 20)];
        var path = _temp.Write(Path.Combine("en.wuxi.gov.cn", "2023-11", "23", "c_941797.htm"), cut);
        var result = await CliRunner.RunAsync("extract", path);
        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        Assert.Equal("WND to strengthen business collaboration with Japanese enterprises", json.RootElement.GetProperty("title").GetString());
        Assert.Equal("Over 100 high-level", json.RootElement.GetProperty("paragraphs")[1].GetString());
    }

    [Fact]
    public async Task A_page_a_hundred_thousand_levels_deep_gives_an_article_in_a_real_process()
    {
        var html = "<html><head><title>Deep</title></head><body>" + string.Concat(Enumerable.Repeat("<div>", 100_000))
                   + "<p>The paragraph at the bottom of a very deep page.</p>" + string.Concat(Enumerable.Repeat("</div>", 100_000)) + "</body></html>";
        var path = _temp.Write("deep.html", html);
        var result = await CliRunner.RunProcessAsync(TimeSpan.FromSeconds(60), null, "extract", path, "--url", "https://example.com/deep.html");
        Assert.True(result.ExitCode == 0, result.Error);
        using var json = JsonDocument.Parse(result.Out);
        Assert.Equal("The paragraph at the bottom of a very deep page.", json.RootElement.GetProperty("paragraphs")[0].GetString());
    }

    [Fact]
    public async Task A_50_MB_page_is_refused_with_one_line_without_being_read()
    {
        var path = _temp.File("huge.html");
        using (var stream = File.Create(path))
        {
            var chunk = Encoding.ASCII.GetBytes("<p>" + new string('x', 1020) + "</p>");
            for (var written = 0L; written < 50L * 1024 * 1024; written += chunk.Length) stream.Write(chunk);
        }
        var result = await CliRunner.RunProcessAsync(TimeSpan.FromSeconds(60), null, "extract", path);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Out);
        var line = Assert.Single(result.Error.Trim().Split('\n'));
        Assert.Contains("larger than the 20 MB limit", line);
    }

    [Fact]
    public async Task Binary_noise_in_a_real_process_gives_one_line_and_exit_1()
    {
        var noise = new byte[200_000];
        new Random(42).NextBytes(noise);
        var path = _temp.Write("noise.htm", noise);
        var result = await CliRunner.RunProcessAsync(TimeSpan.FromSeconds(60), null, "extract", path);
        Assert.Equal(1, result.ExitCode);
        Assert.Single(result.Error.Trim().Split('\n'));
        Assert.DoesNotContain("   at ", result.Error);
    }

    private string MakeBadFile(string kind) => kind switch
    {
        "empty" => _temp.Write("empty.html", []),
        "blank" => _temp.Write("blank.html", "  \n\t\n"),
        "binary" => _temp.Write("binary.html", Enumerable.Range(0, 4096).Select(i => (byte)(i * 7 % 32)).ToArray()),
        "png" => _temp.Write("image.html", [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]),
        "text" => _temp.Write("notes.html", "Just a plain note, no markup at all.\nSecond line."),
        "missing" => _temp.File("missing.html"),
        "folder" => Directory.CreateDirectory(_temp.File("folder.html")).FullName,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
