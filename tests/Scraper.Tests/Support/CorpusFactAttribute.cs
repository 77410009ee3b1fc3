namespace Scraper.Tests.Support;

/// <summary>
/// A fact that needs a corpus under <see cref="RepoPaths.Corpora"/> (../shared/corpora beside the clone, not part of
/// the repository): skipped, saying which folder is missing, on machines that do not have it.
/// </summary>
public sealed class CorpusFactAttribute : FactAttribute
{
    public CorpusFactAttribute(string corpus)
    {
        var folder = Path.Combine(RepoPaths.Corpora, corpus);
        if (!Directory.Exists(folder)) Skip = $"corpus folder {folder} is absent (see ../shared/corpora/README.md)";
    }
}
