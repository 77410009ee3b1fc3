using System.Text.Json;
using Microsoft.Data.Sqlite;
using Scraper.Tests.Support;

namespace Scraper.Tests.Cli;

/// <summary>
/// A page's control characters never reach the terminal: an ESC sequence could recolour, move the cursor, retitle the
/// window or hide text, a BEL rings. Text, Markdown and tables show them as U+FFFD; JSON escapes them.
/// </summary>
public sealed class TerminalSafetyTests : IDisposable
{
    private const string Esc = "\u001b";
    private readonly TempFolder _temp = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }

    private string HostilePage() => _temp.Write("en.wuxi.gov.cn/2024-01/02/c_100001.htm", $"""
        <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Wuxi{Esc}]0;pwned\u0007 expo opens</title></head>
        <body><div class="art-title"><h1>Wuxi{Esc}]0;pwned&#7; expo opens</h1></div>
        <div class="art-info">2024-01-02 Source: en.wuxi.gov.cn</div>
        <div class="art-content" id="Content">
        <p>The expo opened on Tuesday{Esc}[2J{Esc}[31m with 300 exhibitors from 20 countries and regions.</p>
        <p>Visitors can see robots, chips and new materials\u0008\u0008\u0008 in three halls of the centre.</p>
        </div></body></html>
        """);

    private static void AssertSafe(string output)
    {
        Assert.DoesNotContain(Esc, output);
        Assert.DoesNotContain('\u0007', output);
        Assert.DoesNotContain('\u0008', output);
        Assert.Contains('\uFFFD', output);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("markdown")]
    public async Task Extract_as_text_or_markdown_replaces_control_characters(string format)
    {
        var result = await CliRunner.RunAsync("extract", HostilePage(), "--format", format);
        Assert.Equal(0, result.ExitCode);
        AssertSafe(result.Out);
        Assert.Contains("exhibitors from 20 countries", result.Out);
    }

    [Fact]
    public async Task Json_escapes_control_characters()
    {
        var result = await CliRunner.RunAsync("extract", HostilePage());
        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain(Esc, result.Out);
        Assert.Contains("\\u001B", result.Out);
        using var json = JsonDocument.Parse(result.Out);
        Assert.Contains(Esc, json.RootElement.GetProperty("paragraphs")[0].GetString());
    }

    [Fact]
    public async Task Show_list_and_search_replace_control_characters()
    {
        var db = _temp.File("archive.db");
        Assert.Equal(0, (await CliRunner.RunAsync("import", HostilePage(), "--db", db)).ExitCode);
        foreach (var args in new[]
                 {
                     new[] { "show", "https://en.wuxi.gov.cn/2024-01/02/c_100001.htm", "--format", "text" },
                     ["show", "https://en.wuxi.gov.cn/2024-01/02/c_100001.htm", "--format", "markdown"],
                     ["list"],
                     ["search", "expo"],
                 })
        {
            var result = await CliRunner.RunAsync([.. args, "--db", db]);
            Assert.True(result.ExitCode == 0, string.Join(' ', args) + ": " + result.Error);
            AssertSafe(result.Out);
        }
    }
}
