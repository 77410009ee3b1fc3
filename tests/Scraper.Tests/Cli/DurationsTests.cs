using Scraper.Cli;

namespace Scraper.Tests.Cli;

public sealed class DurationsTests
{
    [Theory]
    [InlineData("90s", 90)]
    [InlineData("30m", 1800)]
    [InlineData("6h", 21600)]
    [InlineData("1d", 86400)]
    [InlineData("2w", 1209600)]
    [InlineData("1h30m", 5400)]
    [InlineData(" 24H ", 86400)]
    public void Schedules_parse(string text, int seconds)
    {
        Assert.True(Durations.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("6")]
    [InlineData("-6h")]
    [InlineData("6 h")]
    [InlineData("6x")]
    [InlineData("h")]
    [InlineData("2024-03-15")]
    [InlineData("99999999999999999999d")]
    [InlineData("40000d")]
    public void Anything_else_does_not(string text) => Assert.False(Durations.TryParse(text, out _));

    [Theory]
    [InlineData(21600, "6h")]
    [InlineData(5400, "1h30m")]
    [InlineData(45, "45s")]
    [InlineData(90061, "1d1h1m1s")]
    public void Durations_are_written_back_as_parsed(int seconds, string text)
    {
        Assert.Equal(text, Durations.Format(TimeSpan.FromSeconds(seconds)));
        Assert.True(Durations.TryParse(text, out var back));
        Assert.Equal(TimeSpan.FromSeconds(seconds), back);
    }

    [Fact]
    public void A_since_window_counts_back_from_now()
    {
        var now = new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal(now.AddHours(-24), ArchiveLocation.ParseSince("24h", "--since", now));
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), ArchiveLocation.ParseSince("2026-11-01", "--since", now));
        Assert.Throws<UsageException>(() => ArchiveLocation.ParseSince("last week", "--since", now));
    }
}
