using Scraper.Diffing;
using Scraper.Extraction;

namespace Scraper.Tests.Diffing;

public sealed class ArticleDiffTests
{
    private static Article Article(IEnumerable<string> paragraphs, IEnumerable<Figure>? figures = null, string? title = "A title") => new()
    {
        Url = "https://en.wuxi.gov.cn/2024-01/01/c_1.htm",
        Site = "en.wuxi.gov.cn",
        Extractor = "site:en.wuxi.gov.cn",
        Title = title,
        Paragraphs = paragraphs.ToList(),
        Figures = (figures ?? []).ToList(),
    };

    private static (ChangeField, ChangeKind, int?, int?)[] Shape(DiffResult diff) =>
        diff.Changes.Select(c => (c.Field, c.Kind, c.Index, c.FromIndex)).ToArray();

    [Fact]
    public void Identical_revisions_have_no_changes()
    {
        var pair = RevisionPairs.Get("identical");
        var diff = ArticleDiff.Compare(pair.From, pair.To);
        Assert.True(diff.IsEmpty);
        Assert.Equal("no changes", diff.Summary());
        Assert.All(diff.Paragraphs, row => Assert.Equal(RowKind.Same, row.Kind));
        Assert.All(diff.Figures, row => Assert.Null(row.Change));
    }

    [Fact]
    public void A_typo_fix_is_one_changed_paragraph_with_the_word_marked()
    {
        var pair = RevisionPairs.Get("typo-fix");
        var change = Assert.IsType<TextChange>(Assert.Single(ArticleDiff.Compare(pair.From, pair.To).Changes));
        Assert.Equal((ChangeField.Paragraph, ChangeKind.Changed, 3, 3), (change.Field, change.Kind, change.Index, change.FromIndex));
        var edits = change.Words.Where(w => w.Kind != WordSpanKind.Same).ToList();
        Assert.Equal([new WordSpan(WordSpanKind.Deleted, "bliion"), new WordSpan(WordSpanKind.Inserted, "billion")], edits);
    }

    [Fact]
    public void A_moved_paragraph_is_one_move_not_a_removal_and_an_addition()
    {
        var pair = RevisionPairs.Get("moved-paragraph");
        var diff = ArticleDiff.Compare(pair.From, pair.To);
        Assert.Equal([(ChangeField.Paragraph, ChangeKind.Moved, 1, 4)], Shape(diff));
        Assert.Equal("1 paragraph moved", diff.Summary());
        Assert.Contains(diff.Paragraphs, r => r is { Kind: RowKind.MovedAway, FromIndex: 4 });
        Assert.Contains(diff.Paragraphs, r => r is { Kind: RowKind.MovedHere, ToIndex: 1 });
    }

    [Fact]
    public void Inserted_and_removed_paragraphs_keep_their_neighbours_as_they_were()
    {
        var pair = RevisionPairs.Get("inserted-and-removed-paragraphs");
        var diff = ArticleDiff.Compare(pair.From, pair.To);
        Assert.Equal([(ChangeField.Paragraph, ChangeKind.Added, 5, null), (ChangeField.Paragraph, ChangeKind.Removed, 10, 10)], Shape(diff));
        Assert.Equal(12, diff.Paragraphs.Count(r => r.Kind == RowKind.Same));
    }

    [Fact]
    public void A_correction_finds_every_kind_of_edit()
    {
        var pair = RevisionPairs.Get("correction");
        var diff = ArticleDiff.Compare(pair.From, pair.To);
        Assert.Equal(
            [
                (ChangeField.Title, ChangeKind.Changed, null, null),
                (ChangeField.Byline, ChangeKind.Changed, null, null),
                (ChangeField.Paragraph, ChangeKind.Changed, 1, 1),
                (ChangeField.Paragraph, ChangeKind.Moved, 8, 6),
                (ChangeField.Paragraph, ChangeKind.Removed, 12, 12),
                (ChangeField.Paragraph, ChangeKind.Added, 12, null),
                (ChangeField.Figure, ChangeKind.Moved, 0, 1),
            ],
            Shape(diff));
        Assert.Equal("title changed, byline changed, 1 paragraph changed, 1 paragraph added, 1 paragraph removed, 1 paragraph moved, 1 figure moved",
            diff.Summary());
    }

    [Fact]
    public void A_new_image_under_the_same_caption_is_the_figure_changed()
    {
        var pair = RevisionPairs.Get("replaced-figure");
        var change = Assert.IsType<FigureChange>(Assert.Single(ArticleDiff.Compare(pair.From, pair.To).Changes));
        Assert.Equal((ChangeKind.Changed, 1, 1), (change.Kind, change.Index, change.FromIndex));
        Assert.Equal(["src"], change.Attributes);
    }

    [Fact]
    public void A_caption_edit_is_the_figure_changed()
    {
        var pair = RevisionPairs.Get("caption-change");
        var change = Assert.IsType<FigureChange>(Assert.Single(ArticleDiff.Compare(pair.From, pair.To).Changes));
        Assert.Equal((ChangeKind.Changed, 0), (change.Kind, change.Index));
        Assert.Equal(["caption"], change.Attributes);
    }

    [Fact]
    public void A_figure_with_new_image_and_new_caption_is_another_figure()
    {
        var pair = RevisionPairs.Get("figure-added-and-removed");
        var diff = ArticleDiff.Compare(pair.From, pair.To);
        Assert.Equal(
            [(ChangeField.Figure, ChangeKind.Removed, 1, 1), (ChangeField.Figure, ChangeKind.Removed, 2, 2), (ChangeField.Figure, ChangeKind.Added, 1, null)],
            Shape(diff));
        Assert.Equal("1 figure added, 2 figures removed", diff.Summary());
    }

    [Fact]
    public void A_title_change_is_reported_with_both_titles()
    {
        var pair = RevisionPairs.Get("title-change");
        var change = Assert.IsType<TextChange>(Assert.Single(ArticleDiff.Compare(pair.From, pair.To).Changes));
        Assert.Equal((ChangeField.Title, ChangeKind.Changed, pair.From.Title, pair.To.Title), (change.Field, change.Kind, change.Before, change.After));
    }

    [Fact]
    public void Single_valued_fields_can_be_added_and_removed()
    {
        var older = Article(["One."]) with { Byline = "Zhang Wei", Subtitle = null };
        var newer = older with { Byline = null, Subtitle = "A subtitle", Published = "2024-01-02" };
        var diff = ArticleDiff.Compare(older, newer);
        Assert.Equal(
            [(ChangeField.Subtitle, ChangeKind.Added, null, null), (ChangeField.Published, ChangeKind.Added, null, null), (ChangeField.Byline, ChangeKind.Removed, null, null)],
            Shape(diff));
        Assert.Equal("subtitle added, published added, byline removed", diff.Summary());
    }

    [Fact]
    public void The_summary_counts_each_kind()
    {
        var older = Article(
            ["The city opened a new park on Monday.", "It covers 20 hectares near the lake.", "Visitors can rent bicycles."],
            [new Figure("https://en.wuxi.gov.cn/a.jpg", null, "The park", null, 0)]);
        var newer = older with
        {
            Paragraphs = ["The city opened a new park on Tuesday.", "It covers 25 hectares near the lake.", "Visitors can rent bicycles."],
            Figures = [older.Figures[0], new Figure("https://en.wuxi.gov.cn/b.jpg", null, "The lake", null, 2)],
        };
        Assert.Equal("2 paragraphs changed, 1 figure added", ArticleDiff.Compare(older, newer).Summary());
    }

    [Fact]
    public void Removing_one_of_two_equal_paragraphs_is_one_removal()
    {
        var older = Article(["Intro.", "Repeated line.", "Middle.", "Repeated line.", "End."]);
        var newer = Article(["Intro.", "Repeated line.", "Middle.", "End."]);
        var diff = ArticleDiff.Compare(older, newer);
        Assert.Equal([(ChangeField.Paragraph, ChangeKind.Removed, 3, 3)], Shape(diff));
    }

    [Fact]
    public void Against_an_empty_revision_everything_is_added()
    {
        var newer = Article(["One.", "Two."], [new Figure("https://en.wuxi.gov.cn/a.jpg", null, null, null, 1)]);
        var diff = ArticleDiff.Compare(Article([], title: null), newer);
        Assert.Equal(
            [
                (ChangeField.Title, ChangeKind.Added, null, null), (ChangeField.Paragraph, ChangeKind.Added, 0, null),
                (ChangeField.Paragraph, ChangeKind.Added, 1, null), (ChangeField.Figure, ChangeKind.Added, 0, null),
            ],
            Shape(diff));
    }

    [Fact]
    public void Swapped_and_edited_paragraphs_are_a_change_and_a_move()
    {
        var first = "Wuxi's GDP reached 1.49 trillion yuan in 2022, up 3 percent year-on-year, the city statistics bureau said.";
        var second = "Industrial output grew faster than services, led by integrated circuits and new energy vehicles.";
        var older = Article(["Intro.", first, second, "End."]);
        var newer = Article(["Intro.", second.Replace("faster", "much faster"), first.Replace("3 percent", "3.0 percent"), "End."]);
        var diff = ArticleDiff.Compare(older, newer);
        var kinds = diff.Changes.Select(c => c.Kind).Order().ToList();
        Assert.Equal([ChangeKind.Changed, ChangeKind.Moved], kinds);
        Assert.DoesNotContain(diff.Changes, c => c.Kind is ChangeKind.Added or ChangeKind.Removed);
    }

    [Fact]
    public void A_figure_placed_before_another_shared_paragraph_moved_but_not_when_a_paragraph_is_added_beside_it()
    {
        var paragraphs = new[] { "Alpha paragraph text.", "Beta paragraph text.", "Gamma paragraph text." };
        var figure = new Figure("https://en.wuxi.gov.cn/a.jpg", null, "A caption", null, 1);
        var older = Article(paragraphs, [figure]);

        var moved = ArticleDiff.Compare(older, older with { Figures = [figure with { Position = 2 }] });
        Assert.Equal([(ChangeField.Figure, ChangeKind.Moved, 0, 0)], Shape(moved));

        // A paragraph inserted just before the figure: it still precedes "Beta", which is now paragraph 2.
        var inserted = older with { Paragraphs = [paragraphs[0], "A new paragraph.", paragraphs[1], paragraphs[2]] };
        Assert.Equal([(ChangeField.Paragraph, ChangeKind.Added, 1, null)],
            Shape(ArticleDiff.Compare(older, inserted with { Figures = [figure with { Position = 2 }] })));
        Assert.Equal([(ChangeField.Paragraph, ChangeKind.Added, 1, null)],
            Shape(ArticleDiff.Compare(older, inserted with { Figures = [figure with { Position = 1 }] })));
    }

    [Fact]
    public void Word_spans_give_both_texts_back_for_random_edits()
    {
        var random = new Random(20240301);
        var words = RevisionPairs.All.SelectMany(p => p.From.Paragraphs).SelectMany(p => p.Split(' ')).Distinct().ToArray();
        foreach (var pair in RevisionPairs.All)
        {
            foreach (var paragraph in pair.From.Paragraphs)
            {
                var edited = paragraph.Split(' ').ToList();
                for (var k = random.Next(1, 6); k > 0; k--)
                {
                    var at = random.Next(edited.Count);
                    switch (random.Next(3))
                    {
                        case 0: edited[at] = words[random.Next(words.Length)]; break;
                        case 1: edited.Insert(at, words[random.Next(words.Length)]); break;
                        default: if (edited.Count > 1) edited.RemoveAt(at); break;
                    }
                }
                var after = string.Join(' ', edited);
                var spans = WordDiff.Compare(paragraph, after);
                Assert.Equal(paragraph, string.Concat(spans.Where(s => s.Kind != WordSpanKind.Inserted).Select(s => s.Text)));
                Assert.Equal(after, string.Concat(spans.Where(s => s.Kind != WordSpanKind.Deleted).Select(s => s.Text)));
            }
        }
    }

    [Fact]
    public void Five_thousand_word_revisions_are_diffed_quickly_and_correctly()
    {
        var (older, newer) = LargeRevisions(paragraphs: 250, wordsPerParagraph: 20);
        ArticleDiff.Compare(older, newer); // warm up the JIT
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var diff = ArticleDiff.Compare(older, newer);
        clock.Stop();
        Assert.Equal(5000, older.Paragraphs.Sum(p => p.Split(' ').Length));
        Assert.Equal("10 paragraphs changed, 2 paragraphs added, 2 paragraphs removed, 1 paragraph moved", diff.Summary());
        // The benchmark holds the real bound (< 50 ms); this only catches a blow-up on a slow shared machine.
        Assert.True(clock.ElapsedMilliseconds < 1000, $"took {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void A_revision_with_every_paragraph_edited_pairs_them_all_even_past_the_full_table()
    {
        // 400 × 400 edited paragraphs exceed the pairing table, so the windowed pairing does the work.
        var (older, _) = LargeRevisions(paragraphs: 400, wordsPerParagraph: 12);
        var newer = older with { Paragraphs = older.Paragraphs.Select(p => p + " Updated.").ToList() };
        var diff = ArticleDiff.Compare(older, newer);
        Assert.Equal(400, diff.Changes.Count);
        Assert.All(diff.Changes, c => Assert.Equal((ChangeKind.Changed, c.Index), (c.Kind, c.FromIndex)));
    }

    /// <summary>Distinct generated paragraphs, and a newer revision with edits spread through it.</summary>
    internal static (Article From, Article To) LargeRevisions(int paragraphs, int wordsPerParagraph)
    {
        var random = new Random(7);
        var vocabulary = Enumerable.Range(0, 3000).Select(i => $"w{i}x{(char)('a' + i % 26)}").ToArray();
        var text = Enumerable.Range(0, paragraphs)
            .Select(_ => string.Join(' ', Enumerable.Range(0, wordsPerParagraph).Select(_ => vocabulary[random.Next(vocabulary.Length)])))
            .ToList();
        var edited = text.ToList();
        for (var k = 0; k < 10; k++)
        {
            var words = edited[k * 20 + 5].Split(' ');
            words[3] = "changed";
            edited[k * 20 + 5] = string.Join(' ', words);
        }
        edited.RemoveAt(100);
        edited.RemoveAt(150);
        edited.Insert(60, "An inserted paragraph about the new industrial park.");
        edited.Insert(220, "Another inserted paragraph about the port.");
        var moved = edited[30];
        edited.RemoveAt(30);
        edited.Insert(200, moved);
        var older = Article(text);
        return (older, older with { Paragraphs = edited });
    }
}
