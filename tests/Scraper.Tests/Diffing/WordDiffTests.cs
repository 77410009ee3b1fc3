using Scraper.Diffing;

namespace Scraper.Tests.Diffing;

public sealed class WordDiffTests
{
    [Theory]
    [InlineData("worth $8.6 billion", new[] { "worth", " $", "8.6", " billion" })]
    [InlineData("Lee Seok-hee's speech (2019).", new[] { "Lee", " Seok-hee's", " speech", " (", "2019", ")", "." })]
    [InlineData("1,000 firms, 20 parks", new[] { "1,000", " firms", ",", " 20", " parks" })]
    [InlineData("新吴区 2024", new[] { "新", "吴", "区", " 2024" })]
    [InlineData("  padded  ", new[] { "  padded", "  " })]
    public void Tokens_are_words_punctuation_and_ideographs_with_the_space_before_them(string text, string[] tokens)
    {
        Assert.Equal(tokens, WordDiff.Tokenize(text));
        Assert.Equal(text, string.Concat(WordDiff.Tokenize(text)));
    }

    [Fact]
    public void A_changed_number_is_marked_as_one_word()
    {
        Assert.Equal(
            [
                new WordSpan(WordSpanKind.Same, "worth $"), new WordSpan(WordSpanKind.Deleted, "8.6"),
                new WordSpan(WordSpanKind.Inserted, "8.9"), new WordSpan(WordSpanKind.Same, " billion"),
            ],
            WordDiff.Compare("worth $8.6 billion", "worth $8.9 billion"));
    }

    [Fact]
    public void Adjacent_edits_read_as_one_with_the_shared_space_outside()
    {
        Assert.Equal(
            [
                new WordSpan(WordSpanKind.Same, "on display "), new WordSpan(WordSpanKind.Deleted, "in the old"),
                new WordSpan(WordSpanKind.Inserted, "at a new"), new WordSpan(WordSpanKind.Same, " museum."),
            ],
            WordDiff.Compare("on display in the old museum.", "on display at a new museum."));
    }

    [Fact]
    public void Words_added_before_a_full_stop_keep_the_word_before_them()
    {
        Assert.Equal(
            [new WordSpan(WordSpanKind.Same, "in Town"), new WordSpan(WordSpanKind.Inserted, " and City"), new WordSpan(WordSpanKind.Same, ".")],
            WordDiff.Compare("in Town.", "in Town and City."));
    }

    [Fact]
    public void Equal_and_empty_texts()
    {
        Assert.Equal([new WordSpan(WordSpanKind.Same, "same")], WordDiff.Compare("same", "same"));
        Assert.Empty(WordDiff.Compare("", ""));
        Assert.Equal([new WordSpan(WordSpanKind.Inserted, "new")], WordDiff.Compare("", "new"));
        Assert.Equal([new WordSpan(WordSpanKind.Deleted, "old")], WordDiff.Compare("old", ""));
    }
}
