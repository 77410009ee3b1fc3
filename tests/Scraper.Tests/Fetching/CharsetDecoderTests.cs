using System.Text;
using Scraper.Fetching;

namespace Scraper.Tests.Fetching;

public sealed class CharsetDecoderTests
{
    // Characters outside GB2312 (镕, 喆, 堃) appear in Chinese names; GBK and GB18030 have them.
    private const string Chinese = "无锡国家高新技术产业开发区，朱镕基、张喆、李堃出席。";

    private static readonly Encoding Gb18030 = CharsetDecoder.ForLabel("gb18030")!;

    private static byte[] Html(string head, string body, Encoding encoding) =>
        encoding.GetBytes($"<!DOCTYPE html><html><head>{head}<title>t</title></head><body><p>{body}</p></body></html>");

    [Theory]
    [InlineData("text/html; charset=GBK")]
    [InlineData("text/html; charset=gb2312")]
    [InlineData("text/html;charset=\"x-gbk\"")]
    [InlineData("text/html; Charset=GB18030")]
    [InlineData("text/html; charset=gb_2312-80")]
    public void Gb_family_labels_in_the_header_decode_chinese(string contentType)
    {
        var text = CharsetDecoder.Decode(Html("", Chinese, Gb18030), contentType, out var name);
        Assert.Contains(Chinese, text);
        Assert.Equal("gb18030", name);
    }

    [Theory]
    [InlineData("<meta charset=\"gbk\">")]
    [InlineData("<meta charset=gb2312>")]
    [InlineData("<META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=gb2312\">")]
    [InlineData("<meta content='text/html; charset=GBK' http-equiv='content-type' />")]
    public void A_meta_tag_declares_the_charset_when_the_header_does_not(string meta)
    {
        var detection = CharsetDecoder.Detect(Html(meta, Chinese, Gb18030), "text/html");
        Assert.Equal(CharsetSource.MetaTag, detection.Source);
        Assert.Equal("gb18030", detection.Name);
        Assert.Contains(Chinese, CharsetDecoder.Decode(Html(meta, Chinese, Gb18030), "text/html"));
    }

    [Theory]
    [InlineData("<meta charset=gb2312>", "人工智能迈上新台阶")]
    [InlineData("<meta charset=windows-1252>", "Café déjà vu — naïve")]
    public void Valid_multibyte_utf8_under_a_stale_legacy_meta_tag_is_utf8(string meta, string text)
    {
        var body = Html(meta, text, Encoding.UTF8);
        var detection = CharsetDecoder.Detect(body, null);
        Assert.Equal("utf-8", detection.Name);
        Assert.Contains(text, CharsetDecoder.Decode(body, null));
    }

    [Fact]
    public void A_content_meta_without_http_equiv_is_not_a_declaration()
    {
        var body = Html("<meta name=\"description\" content=\"charset=gbk\">", "plain", Encoding.UTF8);
        Assert.Equal(CharsetSource.Sniffed, CharsetDecoder.Detect(body, null).Source);
    }

    [Fact]
    public void A_charset_in_a_comment_or_another_tags_attribute_is_ignored()
    {
        var head = "<!-- <meta charset=\"gbk\"> --><link title='<meta charset=gbk>' href=x><meta charset=\"utf-8\">";
        var body = Html(head, "café", Encoding.UTF8);
        var detection = CharsetDecoder.Detect(body, null);
        Assert.Equal(CharsetSource.MetaTag, detection.Source);
        Assert.Equal("utf-8", detection.Name);
    }

    [Fact]
    public void The_header_beats_the_meta_tag()
    {
        var body = Html("<meta charset=\"utf-8\">", Chinese, Gb18030);
        var detection = CharsetDecoder.Detect(body, "text/html; charset=gbk");
        Assert.Equal(CharsetSource.ContentType, detection.Source);
        Assert.Contains(Chinese, CharsetDecoder.Decode(body, "text/html; charset=gbk"));
    }

    [Fact]
    public void A_byte_order_mark_beats_the_header_and_is_not_part_of_the_text()
    {
        var body = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes("<p>" + Chinese + "</p>")).ToArray();
        var text = CharsetDecoder.Decode(body, "text/html; charset=gbk", out var name);
        Assert.Equal("<p>" + Chinese + "</p>", text);
        Assert.Equal("utf-8", name);
    }

    [Fact]
    public void A_utf16_byte_order_mark_is_honoured()
    {
        var body = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("<p>" + Chinese + "</p>")).ToArray();
        Assert.Equal("<p>" + Chinese + "</p>", CharsetDecoder.Decode(body, null));
    }

    [Fact]
    public void An_unknown_header_label_falls_through_to_the_meta_tag()
    {
        var body = Html("<meta charset=\"gbk\">", Chinese, Gb18030);
        var detection = CharsetDecoder.Detect(body, "text/html; charset=no-such-charset");
        Assert.Equal(CharsetSource.MetaTag, detection.Source);
    }

    [Fact]
    public void A_meta_tag_claiming_utf16_means_utf8()
    {
        var body = Html("<meta charset=\"utf-16\">", "café", Encoding.UTF8);
        var text = CharsetDecoder.Decode(body, null, out var name);
        Assert.Equal("utf-8", name);
        Assert.Contains("café", text);
    }

    [Fact]
    public void Undeclared_utf8_is_sniffed()
    {
        var text = CharsetDecoder.Decode(Html("", Chinese + " café", Encoding.UTF8), null, out var name);
        Assert.Equal("utf-8", name);
        Assert.Contains(Chinese + " café", text);
    }

    [Fact]
    public void Undeclared_utf8_cut_inside_a_character_is_still_utf8()
    {
        var bytes = Encoding.UTF8.GetBytes("<p>" + Chinese);
        var cut = bytes[..^1];
        Assert.Equal("utf-8", CharsetDecoder.Detect(cut, null).Name);
    }

    [Fact]
    public void Undeclared_gbk_is_sniffed()
    {
        var text = CharsetDecoder.Decode(Html("", Chinese, Gb18030), "text/html", out var name);
        Assert.Equal("gb18030", name);
        Assert.Contains(Chinese, text);
    }

    [Fact]
    public void Undeclared_latin_text_falls_back_to_windows_1252()
    {
        var latin = Encoding.Latin1.GetBytes("<p>Café crème, déjà vu — naïve résumé</p>".Replace('—', '-'));
        var text = CharsetDecoder.Decode(latin, null, out var name);
        Assert.Equal("windows-1252", name);
        Assert.Contains("Café crème, déjà vu", text);
    }

    [Fact]
    public void Iso_8859_1_is_read_as_windows_1252_as_browsers_do()
    {
        var text = CharsetDecoder.Decode([0x93, 0x51, 0x94], "text/html; charset=ISO-8859-1");
        Assert.Equal("\u201CQ\u201D", text);
    }

    [Fact]
    public void Pure_ascii_is_utf8()
    {
        Assert.Equal("utf-8", CharsetDecoder.Detect("<p>plain</p>"u8, null).Name);
    }

    [Theory]
    [InlineData("text/html; charset=utf-8", "utf-8")]
    [InlineData("text/html; charset='UTF-8'; foo=bar", "UTF-8")]
    [InlineData("text/html", null)]
    [InlineData(null, null)]
    [InlineData("text/html; charset=", null)]
    public void The_charset_parameter_is_read_from_the_header(string? contentType, string? expected) =>
        Assert.Equal(expected, CharsetDecoder.CharsetParameter(contentType));
}
