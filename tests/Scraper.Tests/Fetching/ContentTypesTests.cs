using System.Text;
using Scraper.Fetching;

namespace Scraper.Tests.Fetching;

public sealed class ContentTypesTests
{
    [Theory]
    [InlineData("text/html", "", true)]
    [InlineData("Text/HTML; charset=GBK", "", true)]
    [InlineData("application/xhtml+xml", "", true)]
    [InlineData("image/png", "<html>", false)]
    [InlineData("application/pdf", "<html>", false)]
    [InlineData(null, "  <!DOCTYPE html><html>", true)]
    [InlineData("application/octet-stream", "<html lang=\"en\">", true)]
    [InlineData("text/plain", "User-agent: *", false)]
    [InlineData(null, "\u00FF\u00D8\u00FF binary", false)]
    public void Html_is_told_by_content_type_then_by_the_first_bytes(string? contentType, string body, bool expected) =>
        Assert.Equal(expected, ContentTypes.IsHtml(contentType, Encoding.Latin1.GetBytes(body)));

    [Theory]
    [InlineData("c_941797.htm", "text/html")]
    [InlineData("1700730809095086766.png", "image/png")]
    [InlineData("640 (3).JPG", "image/jpeg")]
    [InlineData("feed", "application/octet-stream")]
    public void A_file_name_gives_its_content_type(string name, string expected) =>
        Assert.Equal(expected, ContentTypes.ForFileName(name));
}

public sealed class RetryAfterHeaderTests
{
    private static readonly DateTimeOffset Now = new(2024, 3, 15, 9, 24, 7, TimeSpan.Zero);

    [Theory]
    [InlineData("120", 120)]
    [InlineData(" 0 ", 0)]
    [InlineData("Fri, 15 Mar 2024 09:25:07 GMT", 60)]
    [InlineData("Fri, 15 Mar 2024 09:00:00 GMT", 0)]
    public void Seconds_and_http_dates_are_read(string value, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), RetryAfterHeader.Parse(value, Now));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("-5")]
    [InlineData("soon")]
    public void Unreadable_values_are_null(string? value) => Assert.Null(RetryAfterHeader.Parse(value, Now));
}
