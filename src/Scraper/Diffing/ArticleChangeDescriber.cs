using Scraper.Archive;

namespace Scraper.Diffing;

/// <summary>An article change with the two revisions it is between and their diff.</summary>
/// <param name="Previous">The revision the page showed before; null for a new article.</param>
/// <param name="Diff">Null for a new article.</param>
public sealed record DescribedChange(ArticleChange Change, ArchivedArticle Article, ArchivedArticle? Previous, DiffResult? Diff)
{
    public bool IsNew => Previous is null;

    /// <summary>The page went back to a revision it had shown before (the site undid an edit).</summary>
    public bool IsReturn => Previous is not null && Article.CapturedAt < Change.SeenAt;

    /// <summary>
    /// One line: "new article", "2 paragraphs changed, 1 paragraph added", "back to revision 1: title changed". Revisions
    /// differ in their content hash, which covers more than the diff shows (the section, a figure's alt text).
    /// </summary>
    public string Summary
    {
        get
        {
            if (Diff is null) return "new article";
            var what = Diff.IsEmpty ? "changed in details the diff does not show" : Diff.Summary();
            return IsReturn ? $"back to revision {Article.Revision}: {what}" : what;
        }
    }
}

/// <summary>Reads the revisions of an <see cref="ArticleChange"/> from the archive and diffs them.</summary>
public sealed class ArticleChangeDescriber(ArchiveStore store)
{
    /// <exception cref="ArchiveException">A revision the change names is no longer in the archive.</exception>
    public async Task<DescribedChange> DescribeAsync(ArticleChange change, CancellationToken cancellationToken = default)
    {
        var article = await store.Reader.GetArticleAsync(change.PageId, change.Revision, cancellationToken)
            ?? throw new ArchiveException(ArchiveFailure.NotFound, $"revision {change.Revision} of {change.Url} is not in the archive");
        if (change.PreviousRevision is not { } previousNumber)
            return new DescribedChange(change, article, null, null);
        var previous = await store.Reader.GetArticleAsync(change.PageId, previousNumber, cancellationToken)
            ?? throw new ArchiveException(ArchiveFailure.NotFound, $"revision {previousNumber} of {change.Url} is not in the archive");
        return new DescribedChange(change, article, previous, ArticleDiff.Compare(previous.Article, article.Article));
    }
}
