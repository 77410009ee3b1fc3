using System.Text;
using Scraper.Fetching;

namespace Scraper.Tests.Extraction;

public sealed class CharsetDecoderTests
{
    private const string Chinese = "无锡国家高新技术产业开发区";

    private static byte[] Gb(string text)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding("GB18030").GetBytes(text);
    }

    [Theory]
    [InlineData("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">")]
    [InlineData("<meta charset=\"GBK\">")]
    [InlineData("<meta charset=gb18030>")]
    public void A_gb_family_meta_tag_decodes_chinese(string meta)
    {
        var body = Gb($"<html><head>{meta}</head><body><p>{Chinese}</p></body></html>");
        var (text, encoding) = CharsetDecoder.DecodeWithName(body, "text/html");
        Assert.Contains(Chinese, text);
        Assert.Equal("gb18030", encoding);
    }

    [Fact]
    public void The_header_charset_wins_over_the_meta_tag()
    {
        var body = Encoding.UTF8.GetBytes($"<meta charset=gb2312><p>{Chinese}</p>");
        Assert.Contains(Chinese, CharsetDecoder.Decode(body, "text/html; charset=utf-8"));
    }

    [Fact]
    public void A_bom_wins_over_everything()
    {
        var body = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes($"<meta charset=gb2312><p>{Chinese}</p>")).ToArray();
        Assert.Equal($"<meta charset=gb2312><p>{Chinese}</p>", CharsetDecoder.Decode(body, "text/html; charset=gbk"));
    }

    [Fact]
    public void Undeclared_gb_bytes_are_sniffed() => Assert.Contains(Chinese, CharsetDecoder.Decode(Gb($"<p>{Chinese}</p>"), null));

    [Fact]
    public void Undeclared_utf8_is_sniffed() => Assert.Contains(Chinese, CharsetDecoder.Decode(Encoding.UTF8.GetBytes($"<p>{Chinese}</p>"), null));
}
