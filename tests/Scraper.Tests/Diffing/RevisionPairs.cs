using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Scraper.Diffing;
using Scraper.Extraction;
using Scraper.Tests.Support;

namespace Scraper.Tests.Diffing;

/// <summary>An older and a newer revision of a real sample article, the newer one edited the way the sites edit.</summary>
public sealed record RevisionPair(string Name, Article From, Article To)
{
    public RevisionInfo FromInfo => Info(1, From);
    public RevisionInfo ToInfo => Info(2, To);

    private static RevisionInfo Info(int revision, Article article) => new(
        revision,
        new DateTimeOffset(2024, 3, 1, 8, 0, 0, TimeSpan.Zero).AddDays(revision - 1).AddMinutes(17 * revision),
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ArticleFormatter.ToJson(article, indented: false)))));
}

/// <summary>The revision pairs the diff tests and snapshots use, built from the bundled samples' verified extractions.</summary>
public static class RevisionPairs
{
    public static Article Load(string sampleVerifiedJson)
    {
        var path = Path.Combine(RepoPaths.Samples, sampleVerifiedJson);
        return JsonSerializer.Deserialize<Article>(File.ReadAllText(path), ArticleFormatter.Json)
            ?? throw new InvalidDataException("empty sample " + path);
    }

    private const string ForeignTrade = "en.wuxi.gov.cn/2023-01/29/c_854633.verified.json";
    private const string ForeignInvestors = "www.wndonline.cn/2023-06/15/c_905318.verified.json";
    private const string ClayFigurines = "www.wuxinews.com.cn/2018-02/09/content_35674455.verified.json";
    private const string JapanKorea = "www.wndonline.cn/2019-06/04/c_346512.verified.json";
    private const string JapaneseEnterprises = "en.wuxi.gov.cn/2023-11/23/c_941797.verified.json";

    public static IReadOnlyList<string> Names => All.Select(p => p.Name).ToList();

    public static RevisionPair Get(string name) => All.Single(p => p.Name == name);

    public static IEnumerable<RevisionPair> All
    {
        get
        {
            var trade = Load(ForeignTrade);
            yield return new("edited-paragraph", trade, trade with
            {
                Paragraphs = Replace(trade.Paragraphs, 1,
                    "Exports reached 467.52 billion yuan, up 10.9 percent, while imports stood at 270.06 billion yuan, up 3.3 percent, "
                    + "according to Wuxi Customs. Both figures are records for the city."),
            });

            var investors = Load(ForeignInvestors);
            var inserted = investors.Paragraphs.ToList();
            inserted.RemoveAt(10);
            inserted.Insert(5, "The district's foreign trade reached 150 billion yuan in 2022, about a fifth of the city's total.");
            // As extraction would place them: figure positions follow the paragraphs they precede.
            yield return new("inserted-and-removed-paragraphs", investors, investors with
            {
                Paragraphs = inserted,
                Figures = investors.Figures.Select(f => f with { Position = f.Position switch { < 5 => f.Position, <= 10 => f.Position + 1, _ => f.Position } }).ToList(),
            });

            var clay = Load(ClayFigurines);
            var moved = clay.Paragraphs.ToList();
            var quote = moved[4];
            moved.RemoveAt(4);
            moved.Insert(1, quote);
            yield return new("moved-paragraph", clay, clay with
            {
                Paragraphs = moved,
                Figures = clay.Figures.Select(f => f with { Position = f.Position is >= 1 and <= 4 ? f.Position + 1 : f.Position }).ToList(),
            });

            yield return new("replaced-figure", trade, trade with
            {
                Figures = Replace(trade.Figures, 1, trade.Figures[1] with { Src = "https://en.wuxi.gov.cn/2023-01/29/640%20(6).jpg" }),
            });

            yield return new("caption-change", clay, clay with
            {
                Figures = Replace(clay.Figures, 0, clay.Figures[0] with
                {
                    Caption = "A pair of Da A Fu (大阿福) clay figurines on display at the Huishan Clay Figurine Museum.",
                }),
            });

            var korea = Load(JapanKorea);
            yield return new("typo-fix", korea, korea with
            {
                Paragraphs = korea.Paragraphs.Select(p => p.Replace("bliion", "billion", StringComparison.Ordinal)).ToList(),
            });

            var japan = Load(JapaneseEnterprises);
            yield return new("title-change", japan, japan with { Title = "WND and Japanese enterprises to strengthen business collaboration" });

            // A figure swapped for another picture with another caption, and one taken out.
            yield return new("figure-added-and-removed", korea, korea with
            {
                Figures =
                [
                    korea.Figures[0],
                    new Figure("https://www.wndonline.cn/2019-06/04/09.jpg", null,
                        "Representatives of Murata and the Wuxi delegation sign a cooperation memorandum in Kyoto.", "wnd.gov.cn", 4),
                ],
            });

            // Several edits at once, as a correction notice would make them.
            var rewritten = investors.Paragraphs.ToList();
            rewritten[1] = rewritten[1].Replace("more than 2,000", "nearly 2,200", StringComparison.Ordinal);
            var murata = rewritten[6];
            rewritten.RemoveAt(6);
            rewritten.Insert(8, murata.Replace("Japanese electronic components maker Murata", "Murata, the Japanese electronic components maker,", StringComparison.Ordinal));
            rewritten.RemoveAt(12);
            rewritten.Add("Editor's note: an earlier version of this story misstated the number of foreign-funded enterprises.");
            yield return new("correction", investors, investors with
            {
                Title = "Foreign investors find fertile ground in Xinwu",
                Byline = "Shen Jiayi and Zhou Huiying",
                Paragraphs = rewritten,
                Figures = [investors.Figures[1] with { Position = 0 }, investors.Figures[0]],
            });

            yield return new("identical", korea, korea with { });
        }
    }

    private static List<T> Replace<T>(IReadOnlyList<T> items, int index, T item)
    {
        var list = items.ToList();
        list[index] = item;
        return list;
    }
}
