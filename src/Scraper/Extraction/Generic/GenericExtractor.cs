using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using AngleSharp.Dom;

namespace Scraper.Extraction.Generic;

/// <summary>What the generic extractor found: the article's content (a detached element) and the page's metadata.</summary>
public sealed record GenericContent(IElement? Body, PageMetadata Metadata);

/// <summary>
/// Finds the article in any page, the way Mozilla's Readability does, without knowing the site:
/// <list type="number">
/// <item>Prune: hidden elements, dialogs, the byline, the heading that repeats the title, and elements whose class
/// or id names navigation, sidebars, comments, share bars, related stories or footers go.</item>
/// <item>Score: every paragraph of 25 characters or more scores for its length and commas; the score flows to its
/// parent, half to the grandparent and less further up, and each container's total shrinks with its share of
/// link text, so the element that holds the most prose and the fewest links wins.</item>
/// <item>Widen: the winner's parent replaces it when several strong candidates share that parent or when the
/// parent scores higher; siblings that score well or read like paragraphs join it (articles split by ads).</item>
/// <item>Clean: inside the article, forms, asides, footers, share bars and lists or tables or divs that look like
/// link lists, image galleries or widgets go; data tables, lists of text and figures stay.</item>
/// </list>
/// Pages with little text are tried again with fewer rules (first without pruning by class names, then without
/// class weights, then without cleaning), and the longest result wins. Each attempt works on a body of its own
/// (a copy, or a new parse of the page). Stateless and thread-safe.
/// </summary>
public sealed partial class GenericExtractor
{
    /// <summary>Class or id words of page chrome: menus, sidebars, comments, share bars, footers, related stories.</summary>
    [GeneratedRegex(@"-ad-|ai2html|banner|breadcrumbs|combx|comment|community|cover-wrap|disqus|extra|footer|gdpr|header|legends|menu|related|remark|replies|rss|shoutbox|sidebar|skyscraper|social|sponsor|supplemental|ad-break|agegate|pagination|pager|popup|yom-remote", RegexOptions.IgnoreCase)]
    private static partial Regex UnlikelyCandidate();

    /// <summary>Words that save an element the chrome words would remove: "main-header", "article-sidebar-wrap",
    /// "banners-contenido-nota" (content in a few other languages too).</summary>
    [GeneratedRegex(@"and|article|body|column|content|main|shadow|contenido|contenu|conteudo|inhalt|artikel|articulo|testo|texto", RegexOptions.IgnoreCase)]
    private static partial Regex MaybeCandidate();

    /// <summary>Class or id words of article containers (content in a few other languages too).</summary>
    [GeneratedRegex(@"article|body|content|entry|hentry|h-entry|main|page|pagination|post|text|blog|story|contenido|contenu|conteudo|inhalt|artikel|articulo|testo|texto|noticia", RegexOptions.IgnoreCase)]
    private static partial Regex PositiveClass();

    /// <summary>Class or id words of things next to an article: hidden parts, comments, promotions, metadata, tools.
    /// Footers, but not footnotes, which are part of the text.</summary>
    [GeneratedRegex(@"-ad-|(?<!label-)hidden|^hid$| hid$| hid |^hid |banner|combx|comment|com-|contact|footer|gdpr|masthead|media|meta|outbrain|promo|related|scroll|share|shoutbox|sidebar|skyscraper|sponsor|shopping|tags|widget", RegexOptions.IgnoreCase)]
    private static partial Regex NegativeClass();

    [GeneratedRegex(@"byline|author|dateline|writtenby|p-author", RegexOptions.IgnoreCase)]
    private static partial Regex BylineClass();

    /// <summary>Share and tag bars inside an article.</summary>
    [GeneratedRegex(@"(\b|_)(share|sharedaddy)(\b|_)", RegexOptions.IgnoreCase)]
    private static partial Regex ShareClass();

    /// <summary>
    /// Words of class and id names (split at dashes, underscores and case changes: "authorBio" → author, bio) that
    /// name the things around an article rather than the article.
    /// </summary>
    private static readonly string[] ChromeWords =
    [
        // what to read next
        "related", "relatedposts", "recommended", "recommendations", "readnext", "trending", "popular",
        // newsletters and calls to action
        "newsletter", "subscribe", "subscription", "signup", "cta", "promo", "promotion", "donate", "donation", "paywall",
        // sharing, tags, ratings
        "share", "sharing", "sharedaddy", "social", "sociable", "tags", "tagcloud", "taglist", "keywords", "rating", "ratings", "likes",
        // dates, metadata, bylines, author boxes
        "meta", "metadata", "postmeta", "byline", "timestamp", "date", "published", "bio", "biography", "avatar", "author", "authors",
        // comments
        "comment", "comments", "respond", "reply",
        // notices and navigation inside the text
        "copyright", "disclaimer", "breadcrumb", "breadcrumbs", "pagination", "masthead", "branding", "pager", "advert", "advertisement", "ad", "ads",
        "sponsor", "sponsored", "outbrain", "taboola"];

    /// <summary>Words of the names of an article's standfirst: the paragraph under the headline that sums it up.</summary>
    private static readonly string[] StandfirstWords =
    [
        "lead", "leader", "intro", "introduction", "standfirst", "summary", "excerpt", "deck", "dek", "subtitle", "subheadline",
        "subhead", "abstract", "chapo", "chapeau", "bajada", "entradilla", "sapo", "sommario", "teaser", "description", "descr", "desc",
        "kurztext", "vorspann", "anriss", "lede", "strapline", "synopsis"];

    /// <summary>Words that make a name the site's rather than the article's.</summary>
    private static readonly string[] SiteWords = ["site", "blog", "masthead", "branding"];

    /// <summary>Words of the names of an article's header, which holds its headline and standfirst.</summary>
    private static readonly string[] HeaderWords = ["header", "head", "hero", "heading", "headline", "top", "intro"];

    /// <summary>Words of the names of captions and photo credits.</summary>
    private static readonly string[] CaptionWords =
    [
        "caption", "captions", "figcaption", "legend", "credit", "credits", "copyright", "photographer", "dida", "didascalia", "bildunterschrift"];

    /// <summary>Teasers after the article's first paragraph announce other articles; before it, the teaser is the
    /// article's own standfirst.</summary>
    private static readonly string[] TeaserWords = ["teaser", "teasers"];

    /// <summary>Words that make the next one a state of the block: "has-sharing", "with-comments", "no-meta".</summary>
    private static readonly string[] StateWords = ["has", "with", "without", "no", "is", "show", "hide", "enable", "enabled", "disable", "disabled"];

    /// <summary>Words of the names of consent managers' banners; a name with one is tested against <see cref="ConsentBanner"/>.</summary>
    private static readonly string[] ConsentWords =
        ["cookie", "cookies", "consent", "gdpr", "dsgvo", "privacy", "borlabs", "cookiebot", "cmplz", "onetrust", "usercentrics", "didomi", "quantcast", "cc"];

    /// <summary>What a word of a name says the element is (the vocabularies above), looked up once per word.</summary>
    [Flags]
    private enum NameKinds
    {
        None = 0,
        Chrome = 1,
        Teaser = 2,
        Standfirst = 4,
        Site = 8,
        Header = 16,
        Caption = 32,
        Consent = 64,
        /// <summary>A class (a whole class, not a word of one) that hides the element: see <see cref="HiddenClasses"/>.</summary>
        Hidden = 128,
        /// <summary>A word that makes the next one a state (see <see cref="StateWords"/>).</summary>
        State = 256,
    }

    /// <summary>Every vocabulary word, lower-case, with the kinds it names.</summary>
    private static readonly Dictionary<string, NameKinds> WordKinds = BuildWordKinds();

    private static Dictionary<string, NameKinds> BuildWordKinds()
    {
        var kinds = new Dictionary<string, NameKinds>(StringComparer.Ordinal);
        void Add(string[] words, NameKinds kind)
        {
            foreach (var word in words) kinds[word] = kinds.GetValueOrDefault(word) | kind;
        }
        Add(ChromeWords, NameKinds.Chrome);
        Add(TeaserWords, NameKinds.Teaser);
        Add(StandfirstWords, NameKinds.Standfirst);
        Add(SiteWords, NameKinds.Site);
        Add(HeaderWords, NameKinds.Header);
        Add(CaptionWords, NameKinds.Caption);
        Add(ConsentWords, NameKinds.Consent);
        Add(StateWords, NameKinds.State);
        return kinds;
    }

    /// <summary>Video players worth keeping: an embed from one of these is content, not a widget.</summary>
    [GeneratedRegex(@"//(www\.)?((dailymotion|youtube|youtube-nocookie|player\.vimeo|v\.qq)\.com|(archive|upload\.wikimedia)\.org|player\.twitch\.tv)", RegexOptions.IgnoreCase)]
    private static partial Regex VideoSource();

    /// <summary>
    /// Headings and labels that announce what is not the article: other stories, comments, sharing, tags, the author,
    /// newsletters. In the languages of the pages this project meets most (English, German, French, Spanish, Italian,
    /// Portuguese, Polish, Dutch); matched at the start of a short heading or label.
    /// </summary>
    [GeneratedRegex(@"^\W*(related|more (on|from|about|stories|news)|read (more|also|next)|also read|see also|you (may|might) (also )?like|recommended|most (popular|read)|top stories|trending|latest (news|posts|articles|stories)|further reading|share (this|on)|leave a (reply|comment)|comments?\b|tags\b|topics\b|filed under|about the author|newsletter|subscribe|sign up|table of contents|no comments" +
        @"|ähnliche (beiträge|artikel)|mehr zu(m thema)?\b|(das )?könnte (sie|dich) auch interessieren|auch interessant|verwandte (artikel|beiträge|themen)|weitere (artikel|beiträge|themen|nachrichten|news)|lesen sie (auch|mehr|weiter)|weiterlesen|neueste (beiträge|artikel)|meist ?gelesen|am meisten gelesen|schreibe einen kommentar|kommentar(e)? (verfassen|schreiben|hinzufügen)|kommentare\b|kommentieren|(diesen )?(artikel|beitrag) teilen|teilen (sie|mit)|schlagworte|schlagwörter|über (den|die) autor|folgen sie uns|folge uns|newsletter abonnieren|schon gelesen|zum thema\b|weitere informationen|weiterführende (links|informationen)|zum weiterlesen|inhaltsverzeichnis|keine kommentare|meist ?diskutiert|entdecke(n sie)? (weitere|mehr|jetzt)|artikel gefallen|zur person|themen im artikel|ansprechpartner" +
        @"|à lire aussi|lire aussi|à découvrir|sur le même (sujet|thème)|articles? (similaires|liés)|commentaires|partager|sommaire" +
        @"|te puede interesar|lee también|le puede interesar|leer más|temas relacionados|noticias relacionadas|comentarios\b|compartir|índice" +
        @"|leggi anche|potrebbe interessarti|articoli correlati|commenti\b|condividi" +
        @"|leia também|veja também|notícias relacionadas" +
        @"|czytaj (też|także|również)|zobacz (też|także|również)|polecamy|komentarze|udostępnij|spis treści" +
        @"|lees ook|gerelateerd|meer over)" +
        // Labels that head the page's own chrome when they stand alone ("Kontakt:"), but name a field in "Kategorie: Foto".
        @"|^\W*(contact|contacto|kontakt|sources|references|quellen(angaben)?|categor(y|ies)|kategorien?|catégories?|categorías?)\W*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ChromeHeading();

    /// <summary>Month names and their usual abbreviations (English, German, French, Spanish, Italian, Portuguese,
    /// Polish, Dutch).</summary>
    private const string Month = @"(january|february|march|april|may|june|july|august|september|october|november|december|januar|jänner|februar|märz|mai|juni|juli|oktober|dezember|janvier|février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre|gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre|janeiro|fevereiro|março|maio|junho|julho|setembro|outubro|novembro|dezembro|stycznia|styczeń|lutego|luty|marca|marzec|kwietnia|kwiecień|maja|czerwca|czerwiec|lipca|lipiec|sierpnia|sierpień|września|wrzesień|października|październik|listopada|listopad|grudnia|grudzień|januari|februari|maart|mei|augustus|jan|feb|mar|mär|apr|jun|jul|aug|sep|sept|oct|okt|nov|dec|dez|janv|févr|avr|juil|déc|ene|abr|ago|dic|gen|mag|giu|lug|set|ott)\b\.?";

    /// <summary>A date or a time: 23.10.2018, 2020-04-03, 3:59 PM, 4. Juni 2019, June 4, 2019, 7 oktober 2020.</summary>
    [GeneratedRegex(@"\b(\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2})\b|\b\d{1,2}:\d{2}\s*(uhr|h|am|pm)?\b|\b\d{1,2}\.?\s+" + Month + @"(\s+\d{2,4})?\b|\b" + Month + @"\s+\d{1,2}(st|nd|rd|th)?,?(\s+\d{4})?\b|\b" + Month + @"\s+\d{4}\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DateToken();

    /// <summary>Words that go with a date on a date line: month and weekday names, "published", "updated"…</summary>
    [GeneratedRegex(@"\b" + Month + @"|\b(mon|tue|wed|thu|fri|sat|sun|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lunes|martes|miércoles|jueves|viernes|sábado|domingo|luned[iì]|marted[iì]|mercoled[iì]|gioved[iì]|venerd[iì]|sabato|domenica|poniedziałek|wtorek|środa|czwartek|piątek|sobota|niedziela)\p{L}*|\b(am|um|uhr|at|on|by|the|of|de|del|le|la|el|il|em|do|da|w|r|h|et|y|e|und|and|published|posted|updated|last|modified|created|date|dated|erstellt|veröffentlicht|aktualisiert|zuletzt|geändert|stand|publié|mis|à|jour|publicado|actualizado|pubblicato|aggiornato|publicação|atualizado|opublikowano|aktualizacja|gepubliceerd|bijgewerkt|op|om|pm|utc|gmt|cet|cest|est|edt|pst)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DateWords();

    /// <summary>A reading time or a counter of comments, words, likes or views: "5 min read", "Lesezeit: 3 Minuten",
    /// "71 Kommentare", "885 words".</summary>
    [GeneratedRegex(@"^\W*((reading time|lesezeit|lesedauer|temps de lecture|tiempo de lectura|tempo di lettura|czas czytania|leestijd)\W*\d+\s*\p{L}*|\d+\s*(min|mins|minutes?|minuten|minutos|minuti|minut)\.?\s*(read|reading|lesen|lesezeit|de lecture|de lectura|di lettura|czytania|leestijd)|\d+\s*(comments?|kommentare?|antworten|replies|responses|reactions|commentaires|comentarios|commenti|komentarz\p{L}*|words|wörter|likes|shares|views|aufrufe|bewertungen|reviews|abonnenten|followers))\W*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ReadingTimeOrCounter();

    /// <summary>A call to action: follow us on a network, our channel on a messenger, newsletters, subscriptions,
    /// memberships, and the labels of advertising and affiliate links (in the languages of
    /// <see cref="ChromeHeading"/>).</summary>
    [GeneratedRegex(@"\b(follow|folge|folgen|síguenos|siguenos|suivez|seguici|obserwuj)\b.{0,40}\b(twitter|facebook|instagram|telegram|youtube|whatsapp|linkedin|tiktok)\b|\b(canal|kanal|channel)\b.{0,30}\b(telegram|youtube|whatsapp)\b|newsletter|\bsubscri(be|ption|bers?)\b|abonnier|abonnez|suscr[ií]b|suscripci|subskrypc|iscriviti|inscreva|^\W*(anzeige|werbung|advertisement|sponsored|publicidad|pubblicità|reklama)\b|affiliate|hazte miembro|become a member|werde mitglied|mitglied werden", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CallToAction();

    /// <summary>Parts of words that every match of <see cref="CallToAction"/> holds, lower-case.</summary>
    private static readonly string[] CallToActionStems =
    [
        "follow", "folge", "síguenos", "siguenos", "suivez", "seguici", "obserwuj", "canal", "kanal", "channel", "newsletter", "subscri",
        "abonn", "suscr", "subskryp", "iscriv", "inscrev", "anzeige", "werbung", "advertisement", "sponsored", "publicidad", "pubblicità",
        "reklama", "affiliate", "miembro", "member", "mitglied",
    ];

    /// <summary>A photo credit or a source standing alone: "Foto: Galli/Malteser", "Quelle: Landesregierung",
    /// "Photograph by", "Titelbild:", "Augusta National/Getty Images".</summary>
    [GeneratedRegex(@"^\W*(fotos?|photos?|bild|bilder|images?|quellen?|sources?|credits?|crédits?( photos?)?|fuente|fonte|źródło|fotografía|foto ?credits?|photo ?credits?)\s*[:/|©]|^\W*(titelbild|beitragsbild|headerbild|aufmacherbild)\W*$|^\W*(photo(graph)?s?|fotos?) (by|courtesy|von|via)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CreditLine();

    /// <summary>Picture agencies, whose name ends a credit line ("Augusta National/Getty Images").</summary>
    private static readonly string[] PictureAgencies =
        ["getty images", "afp", "dpa", "reuters", "shutterstock", "istock", "istockphoto", "unsplash", "fotolia", "imago images", "picture alliance"];

    /// <summary>A copyright notice: "© 2020 CBS Interactive Inc.", "Copyright 2019 …", "(c) 2010 by …".</summary>
    [GeneratedRegex(@"^\W*(©|\(c\)\s*\d|copyright\b)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CopyrightLine();

    /// <summary>A block that says only "Advertisement" (in a few languages) is an ad slot.</summary>
    [GeneratedRegex(@"^(ad(vertising|vertisement)?|pub(licité)?|werb(ung)?|广告|Реклама|Anuncio)$", RegexOptions.IgnoreCase)]
    private static partial Regex AdWords();

    /// <summary>A block that says only "Loading…" is a placeholder for content loaded by script.</summary>
    [GeneratedRegex(@"^((loading|正在加载|Загрузка|chargement|cargando)(…|\.\.\.)?)$", RegexOptions.IgnoreCase)]
    private static partial Regex LoadingWords();

    /// <summary>Class names that hide an element on screen (CSS frameworks' utility classes); responsive variants
    /// such as <c>hidden-xs</c> hide it on some screens only, and print variants on paper only, so they do not count.</summary>
    private static readonly HashSet<string> HiddenClasses = new(StringComparer.OrdinalIgnoreCase)
    {
        "hidden", "hide", "is-hidden", "d-none", "invisible", "sr-only", "visually-hidden", "visuallyhidden", "screen-reader-text",
        "element-invisible", "offscreen", "skip-link", "skiplink", "skip-to-content",
    };

    /// <summary>Cookie and consent banners by their class or id (consent managers' own names included); bare "cookie"
    /// is not enough, since pages about cookies use it for their content.</summary>
    [GeneratedRegex(@"cookie[-_]?(?:banner|bar|consent|law|notice|policy|description|hint|info|layer|message|overlay|popup|wall)|notice[-_]{0,2}cookie|consent[-_]?(?:banner|manager|sdk|layer|popup)|borlabs|cookiebot|cmplz|onetrust|moove[-_]?gdpr|usercentrics|didomi|quantcast|cc[-_]window|gdpr|dsgvo|privacy[-_]?(?:popup|banner|overlay|notice|settings)", RegexOptions.IgnoreCase)]
    private static partial Regex ConsentBanner();

    [GeneratedRegex(@"(?:^|;)\s*display\s*:\s*none", RegexOptions.IgnoreCase)]
    private static partial Regex DisplayNone();

    [GeneratedRegex(@"(?:^|;)\s*visibility\s*:\s*hidden", RegexOptions.IgnoreCase)]
    private static partial Regex VisibilityHidden();

    [GeneratedRegex(@"\.( |$)")]
    private static partial Regex SentenceEnd();

    /// <summary>Elements whose text is scored as a paragraph.</summary>
    private static readonly HashSet<string> TagsToScore = new(StringComparer.Ordinal) { "section", "h2", "h3", "h4", "h5", "h6", "p", "td", "pre" };

    /// <summary>Elements that make a div a container rather than a paragraph written with a div.</summary>
    private static readonly HashSet<string> BlockTags = new(StringComparer.Ordinal) { "blockquote", "dl", "div", "img", "ol", "p", "pre", "table", "ul" };

    /// <summary>Elements that are blocks of text when they hold no block (see <see cref="BlockTags"/>).</summary>
    private static readonly HashSet<string> TextBlockTags = new(StringComparer.Ordinal) { "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "pre", "blockquote", "td", "dd", "dt", "div" };

    /// <summary>Inline content (HTML's "phrasing content"): runs of it inside a div are paragraphs.</summary>
    private static readonly HashSet<string> PhrasingTags = new(StringComparer.Ordinal)
    {
        "abbr", "audio", "b", "bdo", "br", "button", "cite", "code", "data", "datalist", "dfn", "em", "embed", "font", "i",
        "img", "input", "kbd", "label", "mark", "math", "meter", "noscript", "object", "output", "progress", "q", "ruby",
        "samp", "script", "select", "small", "span", "strong", "sub", "sup", "textarea", "time", "var", "wbr",
    };

    /// <summary>ARIA roles of page chrome.</summary>
    private static readonly HashSet<string> UnlikelyRoles = new(StringComparer.Ordinal) { "menu", "menubar", "complementary", "navigation", "alert", "alertdialog", "dialog" };

    /// <summary>Siblings joined to the article keep their tag when it is one of these; others become divs.</summary>
    private static readonly HashSet<string> KeptSiblingTags = new(StringComparer.Ordinal) { "div", "article", "section", "p" };

    /// <summary>An article shorter than this (in characters) was probably missed: try again with fewer rules.</summary>
    private const int MinimumArticleLength = 250;

    /// <summary>A retry's article replaces an earlier one when it is this many times longer.</summary>
    private const double RetryGainRatio = 3;

    /// <summary>Text shorter than this is a caption, a label or a date, not a paragraph worth scoring.</summary>
    private const int MinimumParagraphLength = 25;

    /// <summary>How far up a paragraph's score reaches: the article is rarely more than five levels above its text.</summary>
    private const int ScoredAncestorLevels = 5;

    /// <summary>A paragraph earns a point per this many characters, up to <see cref="MaximumLengthPoints"/>: length
    /// says prose, but one very long block (a pasted table, a comment thread) should not outweigh many paragraphs.</summary>
    private const int CharactersPerPoint = 100, MaximumLengthPoints = 3;

    /// <summary>A heading this similar to the title (see <see cref="TextSimilarity"/>) repeats it.</summary>
    private const double TitleSimilarity = 0.75;

    /// <summary>A sibling joins the article when it scores this share of the top candidate's score, and at least the
    /// floor: parts of one article score alike, a teaser box next to it far less.</summary>
    private const double SiblingScoreShare = 0.2;
    private const int SiblingScoreFloor = 10;

    /// <summary>A block whose text is mostly in lists is a list, judged as one.</summary>
    private const double ListTextShare = 0.9;

    /// <summary>The number of best candidates compared to see whether they share a parent.</summary>
    private const int TopCandidateCount = 5;

    /// <summary>Candidates this close to the best one count as the same article split into parts.</summary>
    private const double CloseCandidateRatio = 0.75;

    /// <summary>This many close candidates under one ancestor make that ancestor the article.</summary>
    private const int CloseCandidatesForCommonAncestor = 3;

    /// <summary>Weight of a class or id name that says "content" (+) or "chrome" (−).</summary>
    private const int ClassWeightStep = 25;

    /// <summary>A div wrapping a single paragraph is that paragraph, unless it is mostly a link (a teaser).</summary>
    private const double WrapperLinkDensity = 0.25;

    /// <summary>A sibling paragraph this long with few links is part of the article.</summary>
    private const int LongSiblingParagraph = 80;

    /// <summary>Longer bylines are paragraphs that happen to sit in an "author" box.</summary>
    private const int MaximumBylineLength = 100;

    /// <summary>Share bars are short; a "share" class on a long block is part of a name, not a share bar.</summary>
    private const int ShareBarMaximumLength = 500;

    /// <summary>An element with more children than this is rearranged in one pass (see Attempt.SetChildren).</summary>
    private const int ManyChildren = 64;

    /// <summary>Above this many commas a block is prose, whatever else it holds.</summary>
    private const int ProseCommaCount = 10;

    /// <summary>The elements that hold an article's body, by tag, by schema.org's mark or by their usual names.</summary>
    private const string ArticleBodySelector = "article, main, [itemprop=articleBody], [class*=article-body], [class*=article-content], [class*=articleBody], [class*=post-content], [class*=entry-content], [class*=story-body], [class*=article__body], [class*=article__content]";

    /// <summary>Parts of the class names in <see cref="ArticleBodySelector"/>: each of its class names holds one.</summary>
    private static readonly SearchValues<string> ArticleBodyClassParts =
        SearchValues.Create(["article", "post-content", "entry-content", "story-body"], StringComparison.OrdinalIgnoreCase);

    /// <summary>An element holding this share of the page's prose is not removed for its name.</summary>
    private const double MostProseShare = 0.5;

    /// <summary>An id of more words than this is a slug of the text it marks, not a name for a kind of block.</summary>
    private const int MaximumIdWords = 3;

    /// <summary>An earlier article element with this much prose is the page's story, ahead of those appended after it.</summary>
    private const int AppendedArticleProse = 500;

    /// <summary>The page's article element is looked for at most this many levels above the best candidate.</summary>
    private const int ArticleElementLevels = 5;

    /// <summary>An article element with more link text than this is a list of teasers, not the article.</summary>
    private const double ArticleElementLinkDensity = 0.3;

    /// <summary>The standfirst is looked for at most this many levels above the top candidate.</summary>
    private const int StandfirstLevels = 5;

    /// <summary>A standfirst has one or two paragraphs; a header with more "summaries" lists other stories.</summary>
    private const int MaximumStandfirstParagraphs = 2;

    /// <summary>A standfirst is a sentence or more; shorter text in the header is a label, a date or a name.</summary>
    private const int MinimumStandfirstLength = 40;

    /// <summary>A caption's image is at most this many levels above it (caption → caption box → image box → figure).</summary>
    private const int CaptionToImageLevels = 3;

    /// <summary>A block holding an image and a caption is its figure when it holds at most this much text besides
    /// the caption (a credit, a "zoom" label); more is text around the figure.</summary>
    private const int FigureTextBesideCaption = 100;

    /// <summary>A call to action is no longer than this; a longer paragraph mentioning a newsletter is text.</summary>
    private const int MaximumCallToActionLength = 250;

    /// <summary>A date, reading time or counter line is no longer than this.</summary>
    private const int MaximumMetaLineLength = 80;

    /// <summary>A paragraph this long with few links is the article's text, where a chrome section ends.</summary>
    private const int ArticleParagraphLength = 300;

    /// <summary>A line ending in a colon this short is a label for what follows.</summary>
    private const int MaximumLabelLength = 80;

    /// <summary>Text beside an inline image shorter than this may be its caption; longer text is a paragraph.</summary>
    private const int InlineImageCaptionLength = 60;

    /// <summary>A paragraph, list item or heading this short with this share of link text is a link line.</summary>
    private const int LinkLineLength = 150;
    private const double LinkLineDensity = 0.8;

    /// <summary>A block named as chrome but holding this share of the article's text is the article.</summary>
    private const double ChromeShareOfArticle = 0.5;

    /// <summary>A &lt;noscript&gt; with this much text in paragraphs is the page's text, not a notice.</summary>
    private const int NoscriptProseLength = 200;

    private readonly HtmlDocumentLoader _loader;

    /// <param name="loader">Parses the page again when an attempt has to start over on a page already changed.</param>
    public GenericExtractor(HtmlDocumentLoader? loader = null) => _loader = loader ?? new HtmlDocumentLoader();

    /// <summary>The article and metadata of a page; the document is left as it was.</summary>
    public GenericContent Find(IDocument document) => Find(document, consume: false);

    /// <summary>The article and metadata of a page.</summary>
    /// <param name="consume">True when the caller is done with the document: the search then cuts the article out of
    /// it instead of out of a copy, which saves copying every page (a tenth of the work); a page that needs another
    /// attempt is parsed again from its source text.</param>
    public GenericContent Find(IDocument document, bool consume)
    {
        var metadata = PageMetadataReader.Read(document);
        if (document.Body is null) return new GenericContent(null, metadata);
        Attempt? longest = null;
        var byline = new BylineSearch(metadata.Byline is not null);
        var readings = new NameReadings();
        for (var i = 0; i < Rules.Sieve.Length; i++)
        {
            var bylineBefore = byline.Found;
            var page = !consume ? (IElement)document.Body.Clone(true)
                : i == 0 ? document.Body
                : _loader.Parse(document.Source.Text).Body;
            if (page is null) break;
            // Out of its document, the body changes without the document tracking every node that comes and goes.
            page.Remove();
            var attempt = new Attempt(page.Owner!, page, metadata.Title, Rules.Sieve[i], byline, readings);
            attempt.Run();
            // A retry with fewer rules always finds more; it wins when it finds much more (the rules removed the
            // article), not when it adds the chrome they removed to a short article.
            if (longest is null || attempt.TextLength > RetryGainRatio * longest.TextLength) longest = attempt;
            if (attempt.TextLength >= MinimumArticleLength) break;
            // The next attempt only drops that rule: it would parse the page again to find the same, so it is skipped.
            if (Rules.Sieve[i].StripUnlikely && !attempt.StrippedUnlikely && byline.Found == bylineBefore
                && i + 1 < Rules.Sieve.Length && Rules.Sieve[i + 1] == Rules.Sieve[i] with { StripUnlikely = false })
                i++;
        }
        var found = metadata with { Byline = metadata.Byline ?? BylineText.Clean(byline.Found) };
        return new GenericContent(longest!.TextLength > 0 ? longest.Article : null, found);
    }

    /// <summary>Whether a word of the element's class or id is one of <see cref="ChromeWords"/>.</summary>
    /// <summary>
    /// The kinds named by a class or an id: its words (split at dashes, underscores, spaces and case changes:
    /// "authorBio" → author, bio) looked up in <see cref="WordKinds"/>, lower-cased. A word after a state word
    /// ("has-sharing", "no-comments") names a state of the block, not the block. An id of many words is a heading's
    /// slug ("sharing-with-a-single-developer"): it names content, so it names no kind. A class also names
    /// <see cref="NameKinds.Hidden"/> when one of its classes is one of <see cref="HiddenClasses"/>.
    /// </summary>
    private static NameKinds KindsOfName(string name, bool isId)
    {
        if (name.Length == 0 || (isId && WordCount(name) > MaximumIdWords)) return NameKinds.None;
        var lookup = WordKinds.GetAlternateLookup<ReadOnlySpan<char>>();
        Span<char> lower = stackalloc char[32];
        var kinds = NameKinds.None;
        var stated = false;
        var start = -1;
        for (var i = 0; i <= name.Length; i++)
        {
            var c = i < name.Length ? name[i] : ' ';
            var boundary = !char.IsLetter(c) || (i > 0 && char.IsUpper(c) && char.IsLower(name[i - 1]));
            if (boundary && start >= 0)
            {
                var word = name.AsSpan(start, i - start);
                var wordKinds = NameKinds.None;
                if (word.Length <= lower.Length)
                {
                    var length = word.ToLowerInvariant(lower);
                    lookup.TryGetValue(lower[..length], out wordKinds);
                }
                if (!stated) kinds |= wordKinds & ~NameKinds.State;
                stated = (wordKinds & NameKinds.State) != 0;
                start = -1;
            }
            if (char.IsWhiteSpace(c)) stated = false;
            if (char.IsLetter(c) && start < 0) start = i;
        }
        if (!isId && (kinds & NameKinds.Hidden) == 0 && HasHiddenClass(name)) kinds |= NameKinds.Hidden;
        return kinds;
    }


    /// <summary>A class that hides the element (see <see cref="HiddenClasses"/>).</summary>
    private static bool HasHiddenClass(string classes)
    {
        var lookup = HiddenClasses.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var range in classes.AsSpan().SplitAny(" \t\r\n\f"))
            if (range.End.Value > range.Start.Value && lookup.Contains(classes.AsSpan(range))) return true;
        return false;
    }

    private static int WordCount(string name)
    {
        var words = 0;
        for (var i = 0; i < name.Length; i++)
            if (char.IsLetterOrDigit(name[i]) && (i == 0 || !char.IsLetterOrDigit(name[i - 1]))) words++;
        return words;
    }

    /// <summary>The names an element's authors gave it, which say what it is: its class and its id.</summary>
    private readonly record struct Names(string Class, string Id)
    {
        public static Names Of(IElement element) => new(element.GetAttribute("class") ?? "", element.GetAttribute("id") ?? "");
    }

    /// <summary>
    /// What the classes and ids of one page's elements say, each distinct name read once: a page repeats a few names over
    /// hundreds of elements (every item of a menu is "menu-item"), and reading a name (the kinds of its words, an
    /// expression) costs several times looking it up. Shared by the attempts on one page; never by pages or threads.
    /// </summary>
    private sealed class NameReadings
    {
        private readonly Dictionary<string, NameKinds> _classKinds = [];
        private readonly Dictionary<string, NameKinds> _idKinds = [];
        private readonly Dictionary<(Regex Expression, string Name), bool> _matches = [];

        /// <summary>The kinds an element's class and id name it as (see <see cref="KindsOfName"/>).</summary>
        public NameKinds KindsOf(IElement element) =>
            Kinds(_classKinds, element.GetAttribute("class"), isId: false) | Kinds(_idKinds, element.GetAttribute("id"), isId: true);

        /// <summary>Whether the class or the id matches <paramref name="expression"/>.</summary>
        public bool Match(Names names, Regex expression) => IsMatch(expression, names.Class) || IsMatch(expression, names.Id);

        public bool IsMatch(Regex expression, string name)
        {
            if (name.Length == 0) return false;
            ref var matches = ref CollectionsMarshal.GetValueRefOrAddDefault(_matches, (expression, name), out var known);
            if (!known) matches = expression.IsMatch(name);
            return matches;
        }

        private static NameKinds Kinds(Dictionary<string, NameKinds> known, string? name, bool isId)
        {
            if (string.IsNullOrEmpty(name)) return NameKinds.None;
            ref var kinds = ref CollectionsMarshal.GetValueRefOrAddDefault(known, name, out var read);
            if (!read) kinds = KindsOfName(name, isId);
            return kinds;
        }
    }

    /// <summary>Which heuristics an attempt applies; each retry drops one, from the riskiest on.</summary>
    private sealed record Rules(bool StripUnlikely, bool WeightClasses, bool CleanConditionally)
    {
        public static readonly Rules[] Sieve =
        [
            new(true, true, true),
            new(false, true, true),
            new(false, false, true),
            new(false, false, false),
        ];
    }

    /// <summary>The byline found in the DOM, shared by the attempts: once found, it is neither looked for nor removed again.</summary>
    private sealed class BylineSearch(bool knownFromMetadata)
    {
        public string? Found { get; set; }
        public bool Done => knownFromMetadata || Found is not null;
    }

    /// <summary>One pass of the algorithm over a body no other attempt has changed; it changes it.</summary>
    private sealed class Attempt(IDocument document, IElement body, string? title, Rules rules, BylineSearch byline, NameReadings readings)
    {
        // About one element per 100 characters of HTML: the measurements' table rarely has to grow.
        private readonly TextMeasurements _text = new(document.Source.Length / 100);
        private readonly Dictionary<IElement, double> _scores = new(ReferenceEqualityComparer.Instance);
        private readonly IElement _body = body;
        /// <summary>Headers and hgroups, and whether they hold the headline (see <see cref="InHeadlineHeader"/>).</summary>
        private readonly Dictionary<IElement, bool> _headlineHeaders = new(ReferenceEqualityComparer.Instance);
        /// <summary>Paragraphs that took the place of the div around them, and that div (see <see cref="Prune"/>).</summary>
        private readonly Dictionary<IElement, IElement> _wrappers = new(ReferenceEqualityComparer.Instance);
        /// <summary>Standfirsts moved out of a pruned header (see <see cref="KeepStandfirsts"/>).</summary>
        private readonly HashSet<IElement> _keptStandfirsts = new(ReferenceEqualityComparer.Instance);
        /// <summary>The characters of prose in the whole page, once measured (see <see cref="ProseOf"/>).</summary>
        private int _pageProse = -1;

        /// <summary>The kinds each element's names say (see <see cref="KindsOf"/>), asked of most elements several times;
        /// no attempt changes an element's names (a renamed element is a new one).</summary>
        private readonly Dictionary<IElement, NameKinds> _kinds = new(ReferenceEqualityComparer.Instance);

        /// <summary>The ancestors of the page's formulas (see <see cref="HoldsFormula"/>).</summary>
        private readonly HashSet<IElement> _formulaHolders = new(ReferenceEqualityComparer.Instance);

        public IElement Article { get; private set; } = null!;
        public int TextLength { get; private set; }

        /// <summary>Whether <see cref="Rules.StripUnlikely"/> changed anything: chrome pruned by its name or role, the
        /// article widened or moved, or a standfirst found (the rule's every use). Without it, the attempt that drops the
        /// rule would find what this one found.</summary>
        public bool StrippedUnlikely { get; private set; }

        public void Run()
        {
            Prepare();
            var paragraphs = Prune();
            var candidates = ScoreParagraphs(paragraphs);
            var top = ChooseTopCandidate(candidates);
            var standfirst = top is null ? [] : FindStandfirst(top);
            if (standfirst.Count > 0) StrippedUnlikely = true;
            Article = JoinSiblings(top);
            PrependStandfirst(standfirst);
            Clean(Article);
            TextLength = _text.Of(Article).Length;
        }

        // ---- Preparing the body ----

        /// <summary>Scripts and styles hold no article text, nor do ruby annotations (the pronunciation printed above
        /// the characters, which would be read into the text between them); a &lt;noscript&gt; holding prose is the
        /// page's text for readers without scripts, and stays; double line breaks are paragraph breaks.</summary>
        private void Prepare()
        {
            // One walk of the body where asking it for each kind of element walked it four times. The line breaks and
            // formulas it finds are where the changes below leave them, unless one lies inside an element that they
            // remove or unwrap, or a placeholder image was replaced: then they are looked for again, after the changes.
            var scripts = new List<IElement>();
            var noscripts = new List<IElement>();
            var breaks = new List<IElement>();
            var formulas = new List<IElement>();
            var movedOrRemoved = false;
            var stack = new Stack<(IElement Element, bool InScript)>();
            PushChildren(_body, false);
            while (stack.Count > 0)
            {
                var (element, inScript) = stack.Pop();
                var name = element.LocalName;
                var isScript = false;
                if (IsTag(name, "noscript"))
                {
                    noscripts.Add(element);
                    scripts.Add(element);
                    isScript = true;
                }
                else if (IsTag(name, "script") || IsTag(name, "style") || IsTag(name, "template") || IsTag(name, "rt") || IsTag(name, "rp"))
                {
                    scripts.Add(element);
                    isScript = true;
                }
                else if (IsTag(name, "br"))
                {
                    breaks.Add(element);
                    movedOrRemoved |= inScript;
                }
                else if (IsTag(name, "math"))
                {
                    formulas.Add(element);
                    movedOrRemoved |= inScript;
                }
                PushChildren(element, inScript || isScript);
            }
            if (UnwrapNoscriptImages(noscripts))
            {
                movedOrRemoved = true;
                // A placeholder replaced by its noscript's image may have been a noscript itself.
                scripts.RemoveAll(e => !_body.Contains(e));
            }
            foreach (var element in scripts)
            {
                if (element.LocalName != "noscript" || !HoldsProse(element)) element.Remove();
                else Unwrap(element);
            }
            if (movedOrRemoved)
            {
                breaks.Clear();
                formulas.Clear();
                foreach (var element in ElementsBelow(_body))
                {
                    if (element == _body) continue;
                    if (IsTag(element.LocalName, "br")) breaks.Add(element);
                    else if (IsTag(element.LocalName, "math")) formulas.Add(element);
                }
            }
            var breakParents = new List<IElement>();
            var seenParents = new HashSet<IElement>(ReferenceEqualityComparer.Instance);
            foreach (var br in breaks)
                if (br.ParentElement is { } parent && seenParents.Add(parent)) breakParents.Add(parent);
            foreach (var parent in breakParents) ReplaceDoubleBreaks(parent);
            foreach (var formula in formulas)
                for (var e = formula.ParentElement; e is not null && _formulaHolders.Add(e); e = e.ParentElement) { }

            void PushChildren(IElement parent, bool inScript)
            {
                var children = parent.ChildNodes;
                for (var i = children.Length - 1; i >= 0; i--)
                    if (children[i] is Element child) stack.Push((child, inScript));
            }
        }

        /// <summary>A tag name as the document's queries compare it (<c>GetElementsByTagName</c>, a selector's type): without case.</summary>
        private static bool IsTag(string localName, string tag) => localName.Equals(tag, StringComparison.OrdinalIgnoreCase);


        /// <summary>
        /// Lazy-loading pages put a placeholder image in the page and the real one in a &lt;noscript&gt; after it:
        /// the real one replaces the placeholder. Returns whether one did.
        /// </summary>
        private static bool UnwrapNoscriptImages(List<IElement> noscripts)
        {
            var replaced = false;
            foreach (var noscript in noscripts)
            {
                if (SingleImage(noscript) is not { } image) continue;
                if (noscript.PreviousElementSibling is not { } previous || SingleImage(previous) is null) continue;
                if (previous.Parent is not { } parent) continue;
                parent.ReplaceChild(image, previous);
                replaced = true;
            }
            return replaced;
        }

        /// <summary>A &lt;noscript&gt; with paragraphs of text in it, which some pages show instead of the article
        /// their scripts would load; the usual one says "enable JavaScript" or holds a tracking pixel.</summary>
        private static bool HoldsProse(IElement noscript) =>
            noscript.GetElementsByTagName("p").Length >= 2 && TextNormalizer.Collapse(noscript.TextContent).Length >= NoscriptProseLength;

        /// <summary>The only image inside an element holding nothing else (no text, one child per level); null otherwise.</summary>
        private static IElement? SingleImage(IElement element)
        {
            for (var e = element; e is not null;)
            {
                if (e.LocalName == "img") return e;
                if (e.ChildElementCount != 1 || !string.IsNullOrWhiteSpace(e.TextContent)) return null;
                e = e.FirstElementChild;
            }
            return null;
        }

        /// <summary>
        /// Text written as <c>one&lt;br&gt;&lt;br&gt;two</c> has paragraphs without &lt;p&gt;: each run after a double
        /// break becomes a &lt;p&gt;, so it is scored like one.
        /// The double breaks among one element's children: a chain of breaks (with blank text between them) becomes a
        /// &lt;p&gt; holding the inline content that follows, up to the next chain or the next block. The children are
        /// laid out anew in one pass (see <see cref="SetChildren"/>).
        /// </summary>
        private void ReplaceDoubleBreaks(IElement parent)
        {
            var children = parent.ChildNodes.ToArray();
            // First the chains: a break followed, past blank text, by more breaks starts one; those breaks go.
            var dropped = new HashSet<INode>(ReferenceEqualityComparer.Instance);
            var chainStarts = new HashSet<INode>(ReferenceEqualityComparer.Instance);
            for (var i = 0; i < children.Length; i++)
            {
                if (!IsBreak(children[i]) || dropped.Contains(children[i])) continue;
                for (var next = NextNonBlank(children, i + 1); next < children.Length && IsBreak(children[next]); next = NextNonBlank(children, next + 1))
                {
                    dropped.Add(children[next]);
                    chainStarts.Add(children[i]);
                }
            }
            if (chainStarts.Count == 0) return;
            Empty(parent);
            var laidOut = new List<INode>(children.Length);
            for (var i = 0; i < children.Length; i++)
            {
                if (dropped.Contains(children[i])) continue;
                if (!chainStarts.Contains(children[i]))
                {
                    laidOut.Add(children[i]);
                    continue;
                }
                var p = document.CreateElement("p");
                var content = new List<INode>();
                for (; i + 1 < children.Length; i++)
                {
                    var next = children[i + 1];
                    if (dropped.Contains(next)) continue;
                    if (chainStarts.Contains(next) || !IsPhrasing(next)) break;
                    content.Add(next);
                }
                while (content.Count > 0 && IsWhitespace(content[^1])) content.RemoveAt(content.Count - 1);
                laidOut.Add(p);
                SetChildren(p, content);
            }
            SetChildren(parent, laidOut);
            // A paragraph cannot hold a paragraph: the outer one was a container.
            if (parent.LocalName == "p") Rename(parent, "div");
        }

        /// <summary>
        /// Restructuring an element's children: AngleSharp finds a child by searching its parent's list, so moving the
        /// children of a large element one by one takes quadratic time. Instead the element is emptied at once
        /// (<see cref="Empty"/>) and the detached children appended where they now belong. (Appending walks the
        /// appended subtree, looking for a &lt;base&gt;, so elements with few children are changed in place.)
        /// </summary>
        private static void SetChildren(IElement element, IReadOnlyList<INode> detachedChildren)
        {
            foreach (var child in detachedChildren) element.AppendChild(child);
        }

        /// <summary>Puts an element's children in its place.</summary>
        private static void Unwrap(IElement element)
        {
            if (element.Parent is not { } parent) return;
            var children = element.ChildNodes.ToArray();
            Empty(element);
            foreach (var child in children) parent.InsertBefore(child, element);
            element.Remove();
        }

        private static INode Detached(INode node)
        {
            node.Parent?.RemoveChild(node);
            return node;
        }

        /// <summary>Detaches all of an element's children in one step.</summary>
        private static void Empty(IElement element)
        {
            if (element.HasChildNodes) element.TextContent = "";
        }

        // ---- Pruning and finding paragraphs ----

        /// <summary>
        /// Walks the body in document order removing what cannot be article and turning paragraph-like divs into
        /// paragraphs; returns the elements to score, in document order.
        /// </summary>
        private List<IElement> Prune()
        {
            var toScore = new List<IElement>();
            var titleHeadingRemoved = false;
            var unwrapped = new Dictionary<IElement, Dictionary<INode, INode>>(ReferenceEqualityComparer.Instance);
            // Depth first over the children by index (see TextMeasurements.Of); a removed child leaves its index to the next one.
            var stack = new Stack<(IElement Parent, int Index)>();
            stack.Push((_body, 0));
            while (stack.Count > 0)
            {
                var (parent, index) = stack.Pop();
                var children = parent.ChildNodes;
                while (index < children.Length && children[index] is not Element) index++;
                if (index >= children.Length) continue;
                var node = (IElement)children[index];
                if (ShouldPrune(node, ref titleHeadingRemoved, out var asChrome))
                {
                    // A header pruned for its name gives up the standfirst it holds, which takes its place.
                    if (asChrome) KeepStandfirsts(node);
                    Remove(node);
                    stack.Push((parent, index));
                    continue;
                }
                if (TagsToScore.Contains(node.LocalName)) toScore.Add(node);
                if (node.LocalName == "div")
                {
                    WrapInlineRuns(node);
                    if (IsParagraphWrapper(node))
                    {
                        // A div around one paragraph: the paragraph takes its place, so its score goes to the real container.
                        // The places are swapped once the walk is done, all of a parent's at once (see SetChildren).
                        var p = node.FirstElementChild!;
                        // The div's name may say what the paragraph is (a caption, a standfirst).
                        _wrappers[p] = node;
                        if (!unwrapped.TryGetValue(parent, out var replacements)) unwrapped[parent] = replacements = new(ReferenceEqualityComparer.Instance);
                        replacements[node] = p;
                        toScore.Add(p);
                        stack.Push((parent, index + 1));
                        stack.Push((p, 0));
                        continue;
                    }
                    else if (!HasBlockDescendant(node))
                    {
                        // A div holding only inline content is a paragraph written with a div.
                        node = Rename(node, "p");
                        toScore.Add(node);
                    }
                }
                stack.Push((parent, index + 1));
                stack.Push((node, 0));
            }
            foreach (var (parent, replacements) in unwrapped)
            {
                var children = parent.ChildNodes.ToArray();
                if (children.Length > ManyChildren)
                {
                    Empty(parent);
                    SetChildren(parent, children.Select(c => replacements.TryGetValue(c, out var p) ? Detached(p) : c).ToList());
                }
                else
                {
                    foreach (var (div, p) in replacements) parent.ReplaceChild(p, div);
                }
                _text.Changed(parent);
            }
            return toScore;
        }

        /// <summary>Whether an element cannot be article, or is the byline or the repeated title, which are taken out.</summary>
        private bool ShouldPrune(IElement node, ref bool titleHeadingRemoved, out bool asChrome)
        {
            asChrome = false;
            var marks = MarksOf(node);
            if ((marks & (Marks.Style | Marks.Hidden | Marks.AriaHidden)) != 0 && !IsProbablyVisible(node)) return true;
            if ((marks & Marks.AriaModal) != 0 && IsModalDialog(node)) return true;
            var names = Names.Of(node);
            var kinds = KindsOf(node);
            // Hidden by a class, or a consent banner (its names' words say it may be one, the expression says it is).
            if ((kinds & NameKinds.Hidden) != 0) return true;
            if ((kinds & NameKinds.Consent) != 0 && node.LocalName is not ("body" or "html") && readings.Match(names, ConsentBanner())) return true;
            if (IsByline(node, names))
            {
                byline.Found = node.TextContent.Trim();
                return true;
            }
            if (!titleHeadingRemoved && HeadingRepeatsTitle(node))
            {
                titleHeadingRemoved = true;
                // Its header still holds the subtitle under it (see InHeadlineHeader).
                if (node.ParentElement is { LocalName: "header" or "hgroup" } header) _headlineHeaders[header] = true;
                return true;
            }
            if (rules.StripUnlikely && (IsUnlikelyCandidate(node, names) || ((marks & Marks.Role) != 0 && HasUnlikelyRole(node))))
                return asChrome = StrippedUnlikely = true;
            return IsEmptyContainer(node);
        }

        /// <summary>The attributes that can make an element hidden, a dialog or a menu, of which most elements have none.</summary>
        [Flags]
        private enum Marks
        {
            None = 0,
            Style = 1,
            Hidden = 2,
            AriaHidden = 4,
            AriaModal = 8,
            Role = 16,
        }

        /// <summary>Which of those attributes an element has, in one look at its attributes where asking for each by name
        /// looked at them all each time (the parser writes attribute names in lower case, as they are asked for).</summary>
        private static Marks MarksOf(IElement node)
        {
            var marks = Marks.None;
            var attributes = node.Attributes;
            for (var i = 0; i < attributes.Length; i++)
            {
                marks |= attributes[i]!.Name switch
                {
                    "style" => Marks.Style,
                    "hidden" => Marks.Hidden,
                    "aria-hidden" => Marks.AriaHidden,
                    "aria-modal" => Marks.AriaModal,
                    "role" => Marks.Role,
                    _ => Marks.None,
                };
            }
            return marks;
        }

        /// <summary>Hidden by style, by the hidden attribute or for assistive technology: not shown, not article.
        /// Wikipedia's formula images are aria-hidden fallbacks that are shown, so those stay.</summary>
        private static bool IsProbablyVisible(IElement node)
        {
            if (node.GetAttribute("style") is { Length: > 0 } style && (DisplayNone().IsMatch(style) || VisibilityHidden().IsMatch(style))) return false;
            if (node.HasAttribute("hidden")) return false;
            return node.GetAttribute("aria-hidden") != "true" || (node.GetAttribute("class")?.Contains("fallback-image", StringComparison.Ordinal) ?? false);
        }

        /// <summary>An open modal dialog (cookie consent, newsletter prompt) covers the page; it is not the page.</summary>
        private static bool IsModalDialog(IElement node) => node.GetAttribute("aria-modal") == "true" && node.GetAttribute("role") == "dialog";

        /// <summary>
        /// The byline (an element marked as the author's, short enough to be names) is metadata, not article text;
        /// it is taken only while no byline is known from the page's metadata or an earlier element.
        /// </summary>
        private bool IsByline(IElement node, Names names)
        {
            if (byline.Done) return false;
            var marked = node.GetAttribute("rel") == "author"
                         || (node.GetAttribute("itemprop")?.Contains("author", StringComparison.Ordinal) ?? false)
                         || readings.Match(names, BylineClass());
            if (!marked) return false;
            var text = node.TextContent.Trim();
            return text.Length is > 0 and < MaximumBylineLength;
        }

        /// <summary>The page's headline inside the body repeats the title, which is reported apart.</summary>
        private bool HeadingRepeatsTitle(IElement node) =>
            node.LocalName is "h1" or "h2" && title is not null && TextSimilarity.Of(title, node.TextContent.Trim()) > TitleSimilarity;

        /// <summary>Chrome by its class or id (see <see cref="UnlikelyCandidate"/>), unless the name also says content,
        /// or the element sits in a table or code (where layout classes are common and the text is the content).</summary>
        private bool IsUnlikelyCandidate(IElement node, Names names) =>
            readings.Match(names, UnlikelyCandidate()) && !readings.Match(names, MaybeCandidate())
            && node.LocalName is not ("body" or "a") && !HasAncestor(node, "table", 3) && !HasAncestor(node, "code", 3)
            && !HoldsFormula(node) && !HoldsMostProse(node);

        /// <summary>
        /// Names are a hint, the text is the evidence: an element that holds most of the page's prose and the page's
        /// article (an article or main element, or one named as an article's body) is a layout around the article,
        /// whatever its class says ("c-fixed-sidebar-layout", "above-footer").
        /// </summary>
        private bool HoldsMostProse(IElement node)
        {
            // The article element is looked for first: few elements named as chrome hold one, and measuring is dearer.
            if (!HoldsArticleBody(node)) return false;
            if (_pageProse < 0) _pageProse = ProseOf(_body);
            return _pageProse > 0 && ProseOf(node) >= MostProseShare * _pageProse;
        }

        /// <summary>Whether an element below <paramref name="node"/> matches <see cref="ArticleBodySelector"/>. Headers,
        /// menus, sidebars and footers are asked, much of a page together, and most of their elements fail a quick test
        /// (see <see cref="MayBeArticleBody"/>) that costs a fraction of matching the selector's eleven parts.</summary>
        private static bool HoldsArticleBody(IElement node) =>
            AnyElementBelow(node, static child => MayBeArticleBody(child) && child.Matches(ArticleBodySelector));

        /// <summary>Whether an element may match <see cref="ArticleBodySelector"/>: a test that every match passes (its tag,
        /// an itemprop, or a class holding a part of one of the selector's names, in any case).</summary>
        private static bool MayBeArticleBody(IElement e)
        {
            if (e.LocalName.Equals("article", StringComparison.OrdinalIgnoreCase) || e.LocalName.Equals("main", StringComparison.OrdinalIgnoreCase))
                return true;
            var attributes = e.Attributes;
            for (var i = 0; i < attributes.Length; i++)
            {
                var attribute = attributes[i]!;
                if (IsNamed(attribute, "itemprop")) return true;
                if (IsNamed(attribute, "class") && attribute.Value.AsSpan().IndexOfAny(ArticleBodyClassParts) >= 0) return true;
            }
            return false;

            static bool IsNamed(IAttr attribute, string name) =>
                attribute.Name.Equals(name, StringComparison.OrdinalIgnoreCase) || attribute.LocalName.Equals(name, StringComparison.OrdinalIgnoreCase);
        }

        /// <summary>The prose below an element: the characters of its paragraphs (&lt;p&gt; of at least
        /// <see cref="MinimumParagraphLength"/> characters).</summary>
        private int ProseOf(IElement element)
        {
            var prose = 0;
            foreach (var p in element.GetElementsByTagName("p"))
                if (_text.Of(p).Length is var length && length >= MinimumParagraphLength) prose += length;
            return prose;
        }

        /// <summary>A formula (MathML) is text, whatever its wrapper's class says: MathJax classes its formulas
        /// "CtxtMenu_Attached" for their context menu.</summary>
        private bool HoldsFormula(IElement node) => node.LocalName == "math" || _formulaHolders.Contains(node);

        private static bool HasUnlikelyRole(IElement node) => node.GetAttribute("role") is { } role && UnlikelyRoles.Contains(role);

        /// <summary>A container or heading without text or images (only line breaks or rules) holds nothing.</summary>
        private bool IsEmptyContainer(IElement node)
        {
            if (node.LocalName is not ("div" or "section" or "header" or "h1" or "h2" or "h3" or "h4" or "h5" or "h6")) return false;
            if (_text.HasText(node)) return false;
            var children = node.ChildElementCount;
            return children == 0 || children == node.GetElementsByTagName("br").Length + node.GetElementsByTagName("hr").Length;
        }

        /// <summary>Runs of inline content directly in a div become paragraphs of their own, to be scored as such.</summary>
        private void WrapInlineRuns(IElement div)
        {
            // Most divs hold blocks only: looked at first, they cost no copies of their children.
            if (!HasInlineContent(div)) return;
            var children = div.ChildNodes.ToArray();
            var laidOut = new List<INode>(children.Length);
            var runs = new List<(IElement P, List<INode> Content)>();
            List<INode>? run = null;
            foreach (var child in children)
            {
                if (IsPhrasing(child))
                {
                    // A run starts at inline content that is not blank; blank text between blocks stays as it is.
                    if (run is null && !IsWhitespace(child))
                    {
                        run = [];
                        var p = document.CreateElement("p");
                        runs.Add((p, run));
                        laidOut.Add(p);
                    }
                    (run ?? laidOut).Add(child);
                    continue;
                }
                // A run ended by a block loses its trailing blank text and line breaks.
                while (run is { Count: > 0 } && IsWhitespace(run[^1])) run.RemoveAt(run.Count - 1);
                run = null;
                laidOut.Add(child);
            }
            if (runs.Count == 0) return;
            if (children.Length > ManyChildren)
            {
                Empty(div);
                foreach (var (p, content) in runs) SetChildren(p, content);
                SetChildren(div, laidOut);
                return;
            }
            // Few children: each run is put in its paragraph where it stands, leaving the blocks between them in place.
            foreach (var (p, content) in runs)
            {
                div.ReplaceChild(p, content[0]);
                SetChildren(p, content.Select(Detached).ToList());
            }
            foreach (var trimmed in children.Where(c => c.Parent == div && !laidOut.Contains(c))) div.RemoveChild(trimmed);
        }

        /// <summary>Whether a child of the element is inline content that is not blank, with which a run starts.</summary>
        private static bool HasInlineContent(IElement element)
        {
            var children = element.ChildNodes;
            for (var i = 0; i < children.Length; i++)
                if (!IsWhitespace(children[i]) && IsPhrasing(children[i])) return true;
            return false;
        }

        /// <summary>A div whose only content is one paragraph with few links.</summary>
        private bool IsParagraphWrapper(IElement div) =>
            div.ChildElementCount == 1 && div.FirstElementChild!.LocalName == "p"
            && !div.ChildNodes.Any(n => n is IText t && !string.IsNullOrWhiteSpace(t.Data))
            && _text.Of(div).LinkDensity < WrapperLinkDensity;

        private static bool HasBlockDescendant(IElement element) => AnyElementBelow(element, static child => BlockTags.Contains(child.LocalName));

        /// <summary>Whether an element below <paramref name="root"/> is <paramref name="wanted"/>, stopping at the first
        /// (see <see cref="ElementsBelow"/> for why children are walked by index and told by their class).</summary>
        private static bool AnyElementBelow(IElement root, Func<Element, bool> wanted)
        {
            var stack = new Stack<IElement>();
            stack.Push(root);
            while (stack.Count > 0)
            {
                var children = stack.Pop().ChildNodes;
                for (var i = 0; i < children.Length; i++)
                {
                    if (children[i] is not Element child) continue;
                    if (wanted(child)) return true;
                    stack.Push(child);
                }
            }
            return false;
        }

        // ---- Scoring ----

        /// <summary>
        /// Each paragraph scores 1, plus 1 per comma-separated part, plus 1 per 100 characters (at most 3); its
        /// parent gets all of it, the grandparent half, further ancestors a third per level. Returns the scored
        /// ancestors (the candidates) in the order first scored.
        /// </summary>
        private List<IElement> ScoreParagraphs(List<IElement> paragraphs)
        {
            var candidates = new List<IElement>();
            foreach (var paragraph in paragraphs)
            {
                if (paragraph.ParentElement is null) continue;
                var text = _text.Of(paragraph);
                if (text.Length < MinimumParagraphLength) continue;
                var score = 1.0 + (text.Commas + 1) + Math.Min(text.Length / CharactersPerPoint, MaximumLengthPoints);
                var level = 0;
                for (var ancestor = paragraph.ParentElement; ancestor is not null && level < ScoredAncestorLevels; ancestor = ancestor == _body ? null : ancestor.ParentElement, level++)
                {
                    if (!_scores.ContainsKey(ancestor))
                    {
                        Initialize(ancestor);
                        candidates.Add(ancestor);
                    }
                    var divider = level switch { 0 => 1, 1 => 2, _ => level * 3 };
                    _scores[ancestor] += score / divider;
                }
            }
            // Good content has few links: a container's score shrinks by its share of link text.
            foreach (var candidate in candidates)
                _scores[candidate] *= 1 - _text.Of(candidate).LinkDensity;
            return candidates;
        }

        /// <summary>A candidate's starting score: its tag (a div is a likely container, a list or heading is not) and class.</summary>
        private void Initialize(IElement element)
        {
            var score = element.LocalName switch
            {
                "div" => 5,
                "pre" or "td" or "blockquote" => 3,
                "address" or "ol" or "ul" or "dl" or "dd" or "dt" or "li" or "form" => -3,
                "h1" or "h2" or "h3" or "h4" or "h5" or "h6" or "th" => -5,
                _ => 0,
            };
            _scores[element] = score + ClassWeight(element);
        }

        /// <summary>+25 for a class (and again for an id) that says content, −25 for one that says chrome.</summary>
        private int ClassWeight(IElement element)
        {
            if (!rules.WeightClasses) return 0;
            var names = Names.Of(element);
            return Weight(names.Class) + Weight(names.Id);

            int Weight(string name) => name.Length == 0 ? 0
                : (readings.IsMatch(NegativeClass(), name) ? -ClassWeightStep : 0) + (readings.IsMatch(PositiveClass(), name) ? ClassWeightStep : 0);
        }

        /// <summary>
        /// The best-scoring candidate, widened: to an ancestor shared by several close runners-up (an article split
        /// into blocks), to a parent scoring higher still, and past parents it is the only child of. Null when
        /// nothing scored: the whole body is then the article.
        /// </summary>
        private IElement? ChooseTopCandidate(List<IElement> candidates)
        {
            // A stable sort: of equal scores the one found first wins.
            var top = candidates.OrderByDescending(c => _scores[c]).Take(TopCandidateCount).ToList();
            if (top.Count == 0 || top[0] == _body) return null;
            var best = top[0];
            var topScore = _scores[best];

            var closeAncestries = top.Skip(1).Where(c => topScore > 0 && _scores[c] / topScore >= CloseCandidateRatio)
                .Select(c => Ancestors(c).ToHashSet(ReferenceEqualityComparer.Instance)).ToList();
            if (closeAncestries.Count >= CloseCandidatesForCommonAncestor)
            {
                for (var parent = best.ParentElement; parent is not null && parent != _body; parent = parent.ParentElement)
                {
                    if (closeAncestries.Count(a => a.Contains(parent)) >= CloseCandidatesForCommonAncestor)
                    {
                        best = parent;
                        break;
                    }
                }
            }
            if (!_scores.ContainsKey(best)) Initialize(best);

            // A parent that scores higher than its child holds more of the article; one far lower holds other things.
            var lastScore = _scores[best];
            var threshold = lastScore / 3;
            for (var parent = best.ParentElement; parent is not null && parent != _body; parent = parent.ParentElement)
            {
                if (!_scores.TryGetValue(parent, out var parentScore)) continue;
                if (parentScore < threshold) break;
                if (parentScore > lastScore)
                {
                    best = parent;
                    break;
                }
                lastScore = parentScore;
            }

            // An only child says nothing its parent does not; the parent's siblings may be more of the article.
            while (best.ParentElement is { } only && only != _body && only.ChildElementCount == 1) best = only;
            var chosen = best;
            best = WidenToArticle(FirstOfAppendedArticles(best));
            if (best != chosen) StrippedUnlikely = true;
            if (!_scores.ContainsKey(best)) Initialize(best);
            return best;
        }

        /// <summary>
        /// Pages that append the next stories as the reader scrolls hold several article elements of one kind (same
        /// tag, same class) one after the other; the page's own story is the first. When the best candidate lies in
        /// a later one, and the first holds a story's worth of prose, the first is the article.
        /// </summary>
        private IElement FirstOfAppendedArticles(IElement best)
        {
            if (!rules.StripUnlikely) return best;
            var article = best.LocalName == "article" ? best : Ancestors(best).FirstOrDefault(a => a.LocalName == "article");
            if (article is null) return best;
            var kind = article.GetAttribute("class") ?? "";
            foreach (var other in _body.GetElementsByTagName("article"))
            {
                if (other == article) return best;
                if ((other.GetAttribute("class") ?? "") != kind || other.Contains(article) || article.Contains(other)) continue;
                if (ProseOf(other) < AppendedArticleProse) continue;
                return other;
            }
            return best;
        }

        /// <summary>
        /// The page's own article element around the best candidate (an &lt;article&gt; or the element marked as the
        /// articleBody, at most <see cref="ArticleElementLevels"/> up): scoring finds the densest part of an article,
        /// which is often one of several parts (text, a table, more text after a gallery). Not when that element is
        /// mostly links, as a list of teasers in an &lt;article&gt; is.
        /// </summary>
        private IElement WidenToArticle(IElement best)
        {
            if (!rules.StripUnlikely || best.LocalName == "article" || IsMarkedArticleBody(best)) return best;
            var level = 0;
            for (var e = best.ParentElement; e is not null && e != _body && level < ArticleElementLevels; e = e.ParentElement, level++)
            {
                if (e.LocalName != "article" && !IsMarkedArticleBody(e)) continue;
                return _text.Of(e).LinkDensity > ArticleElementLinkDensity ? best : e;
            }
            return best;
        }

        /// <summary>
        /// The article: the top candidate with those of its siblings that score at least a fifth of it (or 10), or
        /// read like paragraphs of prose, in document order. Without a candidate, the whole body.
        /// </summary>
        private IElement JoinSiblings(IElement? top)
        {
            var article = document.CreateElement("div");
            if (top is null)
            {
                var all = document.CreateElement("div");
                var everything = _body.ChildNodes.ToArray();
                Empty(_body);
                SetChildren(all, everything);
                article.AppendChild(all);
                return article;
            }
            var topScore = _scores[top];
            var threshold = Math.Max(SiblingScoreFloor, topScore * SiblingScoreShare);
            var topClass = top.GetAttribute("class") ?? "";
            var parent = top.ParentElement!;
            var siblings = parent.Children.ToList();
            // The parent is left behind (nothing reads it again); its children leave it at once (see SetChildren).
            Empty(parent);
            _text.Changed(parent);
            foreach (var sibling in siblings)
            {
                var append = sibling == top;
                // An article element is one story: the article elements beside it are other stories.
                if (!append && !(top.LocalName == "article" && sibling.LocalName == "article"))
                {
                    // Parts of one article often share a class.
                    var bonus = topClass.Length > 0 && (sibling.GetAttribute("class") ?? "") == topClass ? topScore * SiblingScoreShare : 0;
                    if (_scores.TryGetValue(sibling, out var score) && score + bonus >= threshold) append = true;
                    else if (sibling.LocalName == "p") append = IsProseParagraph(sibling);
                }
                if (!append) continue;
                article.AppendChild(KeptSiblingTags.Contains(sibling.LocalName) ? sibling : Rename(sibling, "div"));
            }
            return article;
        }

        /// <summary>
        /// Whether a block reads as the article's standfirst: a paragraph, subheading or div of text named as one
        /// (see <see cref="StandfirstWords"/>; a site's description, "site-description", is the site's), or a paragraph
        /// in a block named so (up to two levels up), or the subtitle under the headline (see
        /// <see cref="InHeadlineHeader"/>); prose of at least <see cref="MinimumStandfirstLength"/> characters with few
        /// links; not inside a block named as chrome (an author's bio, a sidebar's summary).
        /// </summary>
        private bool IsStandfirst(IElement e)
        {
            if (_keptStandfirsts.Contains(e)) return true;
            if (e.LocalName is not ("p" or "h2" or "h3" or "div" or "span")) return false;
            var named = NamedStandfirst(e)
                        || (e.LocalName == "p" && e.ParentElement is { } parent
                            && (NamedStandfirst(parent) || (parent.ParentElement is { } grandparent && NamedStandfirst(grandparent))));
            if (!named && !InHeadlineHeader(e)) return false;
            if (e.LocalName is "div" or "span" && HasBlockDescendant(e)) return false;
            var text = _text.Of(e);
            if (text.Length < MinimumStandfirstLength || text.LinkDensity >= WrapperLinkDensity) return false;
            return !Named(e, NameKinds.Chrome) && !HasChromeNamedAncestor(e, _body);
        }

        private bool NamedStandfirst(IElement e) =>
            (NamedAsOrWrapped(e) & (NameKinds.Standfirst | NameKinds.Site)) == NameKinds.Standfirst;

        /// <summary>The kinds an element's names say, or those of the div it took the place of.</summary>
        private NameKinds NamedAsOrWrapped(IElement e) =>
            KindsOf(e) | (_wrappers.TryGetValue(e, out var wrapper) ? KindsOf(wrapper) : NameKinds.None);

        /// <summary>A paragraph or subheading right in the header that holds the page's headline (an h1 that repeats
        /// the title, in a &lt;header&gt; or &lt;hgroup&gt;; a site's header holds the site's name): the subtitle under
        /// the headline.</summary>
        private bool InHeadlineHeader(IElement e)
        {
            if (e.LocalName is not ("p" or "h2") || e.ParentElement is not { LocalName: "header" or "hgroup" } header) return false;
            if (!_headlineHeaders.TryGetValue(header, out var holdsHeadline))
                _headlineHeaders[header] = holdsHeadline = header.GetElementsByTagName("h1") is { Length: 1 } h1 && HeadingRepeatsTitle(h1[0]);
            return holdsHeadline;
        }

        /// <summary>Moves the standfirsts inside a header about to be pruned to the header's place.</summary>
        private void KeepStandfirsts(IElement node)
        {
            if (!rules.StripUnlikely || node.Parent is not { } parent) return;
            if (node.LocalName is not ("header" or "hgroup") && !Named(node, NameKinds.Header)) return;
            var held = new List<IElement>();
            var count = 0;
            foreach (var e in ElementsBelow(node))
            {
                if (!IsStandfirst(e)) continue;
                count++;
                if (held.Count == 0 || !held[^1].Contains(e)) held.Add(e);
            }
            // Many "summaries" in one header are the teasers of a list of stories, not a standfirst.
            if (count > MaximumStandfirstParagraphs) return;
            foreach (var standfirst in held)
            {
                standfirst.Remove();
                parent.InsertBefore(standfirst, node);
                // Out of its header it may have lost the name that made it one.
                _keptStandfirsts.Add(standfirst);
            }
        }

        /// <summary>The kinds an element's class and id name it as (see <see cref="GenericExtractor.KindsOfName"/>), remembered.</summary>
        private NameKinds KindsOf(IElement element)
        {
            if (!_kinds.TryGetValue(element, out var kinds)) _kinds[element] = kinds = readings.KindsOf(element);
            return kinds;
        }

        private bool Named(IElement element, NameKinds kind) => (KindsOf(element) & kind) != 0;

        private bool HasChromeNamedAncestor(IElement e, IElement stop)
        {
            for (var x = e.ParentElement; x is not null && x != stop; x = x.ParentElement)
                if (Named(x, NameKinds.Chrome)) return true;
            return false;
        }

        /// <summary>
        /// The standfirst: the paragraph that introduces the article (its lead, summary, deck, subtitle), which pages
        /// often put in the article's header, apart from the body the scoring finds. Looked for in the article's
        /// header zone: the part of the nearest enclosing article, main element or header-holding block (at most
        /// <see cref="StandfirstLevels"/> above the top candidate) that comes before the top candidate. A block there
        /// is the standfirst when it is named as one (see <see cref="StandfirstWords"/>), reads as prose (at least
        /// <see cref="MinimumStandfirstLength"/> characters, few links) and is not named as chrome.
        /// </summary>
        private List<IElement> FindStandfirst(IElement top)
        {
            var found = new List<IElement>();
            if (!rules.StripUnlikely) return found;
            var ancestors = new List<IElement>();
            for (var e = top.ParentElement; e is not null && e != _body && ancestors.Count < StandfirstLevels; e = e.ParentElement) ancestors.Add(e);
            if (ancestors.Count == 0) return found;
            // The standfirsts before the top candidate under its highest ancestor looked at, in document order (those
            // inside another one too, which count below).
            var before = new List<IElement>();
            var holdsTop = ancestors.ToHashSet(ReferenceEqualityComparer.Instance);
            foreach (var e in ElementsBelow(ancestors[^1]))
            {
                if (e == top) break;
                if (!holdsTop.Contains(e) && IsStandfirst(e)) before.Add(e);
            }
            // The scope: the nearest ancestor holding one. Many there are the teasers of other stories.
            foreach (var scope in ancestors)
            {
                var inScope = before.Where(scope.Contains).ToList();
                if (inScope.Count == 0) continue;
                if (inScope.Count > MaximumStandfirstParagraphs) return found;
                foreach (var e in inScope)
                    if (found.Count == 0 || !found[^1].Contains(e)) found.Add(e);
                break;
            }
            return found;
        }

        /// <summary>Puts the standfirst at the article's start, unless it is already part of the article.</summary>
        private void PrependStandfirst(List<IElement> standfirst)
        {
            for (var i = standfirst.Count - 1; i >= 0; i--)
            {
                var e = standfirst[i];
                if (Article.Contains(e)) continue;
                var block = e.LocalName is "p" or "h2" or "h3" ? e : Rename(e, "p");
                block.Remove();
                Article.Prepend(block);
            }
        }

        /// <summary>A long paragraph with few links, or a short one with none that ends a sentence.</summary>
        private bool IsProseParagraph(IElement p)
        {
            var text = _text.Of(p);
            if (text.Length > LongSiblingParagraph) return text.LinkDensity < WrapperLinkDensity;
            return text.Length > 0 && text.LinkLength == 0 && SentenceEnd().IsMatch(TextNormalizer.Collapse(p.TextContent));
        }

        // ---- Cleaning the article ----

        private void Clean(IElement article)
        {
            var dataTables = DataTables(article);
            // An element holding a data table is kept with it; found once, from the tables up.
            var tableHolders = new HashSet<IElement>(ReferenceEqualityComparer.Instance);
            foreach (var table in dataTables)
                for (var e = table.ParentElement; e is not null && tableHolders.Add(e); e = e.ParentElement) { }
            var tables = new TableSets(dataTables, tableHolders);
            if (rules.WeightClasses) RemoveChromeByName(article);
            GatherFigures(article);
            CleanConditionally(article, "form", tables);
            CleanConditionally(article, "fieldset", tables);
            RemoveAll(article, "object, embed, footer, link, aside");
            foreach (var part in article.Children.ToList()) RemoveShareBars(part);
            RemoveAll(article, "iframe, input, textarea, select, button");
            // A heading classed as chrome ("related-title", "comments-header") heads chrome.
            foreach (var heading in article.QuerySelectorAll("h1, h2").ToList())
                if (ClassWeight(heading) < 0) Remove(heading);
            CleanConditionally(article, "table", tables);
            CleanConditionally(article, "ul", tables);
            CleanConditionally(article, "div", tables);
            if (rules.CleanConditionally)
            {
                // Inline runs between blocks (a kicker's link, a <time>) are blocks of text of their own to the body
                // reader; as paragraphs, the passes below see them too.
                foreach (var container in ElementsBelow(article))
                    if (container.LocalName is "div" or "section" or "header" or "footer" or "article" or "main" or "aside" or "hgroup"
                        && HasBlockDescendant(container))
                        WrapInlineRuns(container);
                RemoveLinkLines(article);
            }
            if (rules.CleanConditionally)
            {
                var blocks = TextBlocks(article);
                RemoveMetaLines(blocks);
                // The sections removed took blocks with them: the blocks left are found again.
                if (RemoveChromeSections(article, blocks)) blocks = TextBlocks(article);
                RemoveCallsToAction(blocks);
                RemoveEmptySections(blocks);
            }
            HoistInlineImages(article);
        }

        /// <summary>
        /// An image inside a paragraph of text is put before the paragraph. The body reader reads the text of a
        /// block holding an image as that image's caption when it is short; in a page nobody wrote rules for, the
        /// text beside an inline image (a logo, an icon, a photo floated into the paragraph) is the article's text,
        /// and a real caption says so by its markup (a caption class, centring, a credit), which the reader still
        /// sees, or is short ("Abbildung 4: klassische Schwachschicht.").
        /// </summary>
        private void HoistInlineImages(IElement article)
        {
            foreach (var image in article.GetElementsByTagName("img").ToList())
            {
                if (HasAncestor(image, "figure", 0) || HasAncestor(image, "a", 2)) continue;
                var block = image.ParentElement;
                while (block is not null && block != article && PhrasingTags.Contains(block.LocalName)) block = block.ParentElement;
                if (block is null || block == article || block.LocalName is not ("p" or "div" or "li" or "td")) continue;
                if (HasBlockDescendant(block) && block.LocalName != "p") continue;
                if (BodyReader.IsCaptionLike(block) || _text.Of(block).Length < InlineImageCaptionLength) continue;
                image.Remove();
                block.Parent!.InsertBefore(image, block);
                _text.Changed(block);
            }
        }

        /// <summary>
        /// A heading or a short label that says what follows is not the article ("Related stories", "Mehr zum
        /// Thema", "Leave a reply", "Share this:"; see <see cref="ChromeHeading"/>) goes with what follows it, up to
        /// the next heading of its level or a paragraph long enough to be the article again.
        /// </summary>
        private bool RemoveChromeSections(IElement article, List<IElement> blocks)
        {
            var removed = false;
            foreach (var heading in blocks)
            {
                if (heading.ParentElement is null || !article.Contains(heading)) continue;
                var text = _text.Of(heading);
                if (text.Length == 0 || text.Length > MaximumLabelLength) continue;
                var level = HeadingLevel(heading);
                var line = TextNormalizer.Collapse(heading.TextContent);
                // A paragraph that ends a sentence is a sentence ("Sign up for our newsletter…."), not a label.
                if (level == 0 && line.Length > 0 && line[^1] is '.' or '!' or '?') continue;
                if (!ChromeHeading().IsMatch(line)) continue;
                // A label inside a paragraph or a list item stands for its whole block.
                var section = heading;
                while (level == 0 && section.ParentElement is { } parent && parent != article && _text.Of(parent).Length == text.Length) section = parent;
                for (var next = section.NextElementSibling; next is not null;)
                {
                    var after = next.NextElementSibling;
                    var nextLevel = HeadingLevel(next);
                    if (nextLevel > 0 && (level == 0 || nextLevel <= level)) break;
                    if (HasLongProse(next)) break;
                    Remove(next);
                    next = after;
                }
                Remove(section);
                removed = true;
            }
            return removed;
        }

        /// <summary>
        /// Lines of metadata among the text blocks: a date or a time alone ("Dienstag, 4. Juni 2019", "12.12.2022,
        /// 08:30 Uhr", "Updated: 3:59 PM"), a reading time ("5 min read"), a counter ("71 Kommentare"), a photo
        /// credit or source ("Foto: …", "Quelle: …"), a copyright notice, an ad slot's "Advertisement" or a script's
        /// "Loading…". They describe the article or its pictures, or stand in for something else; they are not its text.
        /// </summary>
        private void RemoveMetaLines(List<IElement> blocks)
        {
            foreach (var e in blocks)
            {
                if (e.ParentElement is null || _text.Of(e).Length > MaximumMetaLineLength) continue;
                var line = TextNormalizer.Collapse(e.TextContent);
                if (IsMetaLine(line) || AdWords().IsMatch(line) || LoadingWords().IsMatch(line)) Remove(e);
            }
        }

        /// <summary>
        /// Short paragraphs that ask the reader to subscribe, sign up for a newsletter, follow the site elsewhere,
        /// become a member, and the labels of advertising ("Anzeige", "Sponsored"): see <see cref="CallToAction"/>.
        /// </summary>
        private void RemoveCallsToAction(List<IElement> blocks)
        {
            foreach (var e in blocks)
            {
                if (e.ParentElement is null || _text.Of(e).Length > MaximumCallToActionLength) continue;
                var text = TextNormalizer.Collapse(e.TextContent);
                if (MayCallToAction(text) && CallToAction().IsMatch(text)) Remove(e);
            }
        }

        /// <summary>Whether a text has one of the stems every call to action has (see <see cref="CallToActionStems"/>):
        /// the expression is slow to run on every paragraph.</summary>
        private static bool MayCallToAction(string text)
        {
            var lower = text.ToLowerInvariant();
            foreach (var stem in CallToActionStems)
                if (lower.Contains(stem, StringComparison.Ordinal)) return true;
            return false;
        }

        internal static bool IsMetaLine(string line)
        {
            if (line.Length == 0 || line.Length > MaximumMetaLineLength) return false;
            if (CopyrightLine().IsMatch(line) || CreditLine().IsMatch(line) || EndsWithAgency(line)) return true;
            // Dates, times, reading times and counters all have digits.
            if (line.AsSpan().IndexOfAnyInRange('0', '9') < 0) return false;
            if (ReadingTimeOrCounter().IsMatch(line)) return true;
            if (!DateToken().IsMatch(line)) return false;
            var rest = DateWords().Replace(DateToken().Replace(line, " "), " ");
            return rest.Count(char.IsLetter) <= 3;
        }

        /// <summary>A line ending in a picture agency's name, as a word of its own.</summary>
        private static bool EndsWithAgency(string line)
        {
            var end = line.Length;
            while (end > 0 && !char.IsLetterOrDigit(line[end - 1])) end--;
            var text = line.AsSpan(0, end);
            foreach (var agency in PictureAgencies)
                if (text.EndsWith(agency, StringComparison.OrdinalIgnoreCase)
                    && (text.Length == agency.Length || !char.IsLetterOrDigit(text[^(agency.Length + 1)])))
                    return true;
            return false;
        }

        /// <summary>Whether a block holds a paragraph long enough to be the article's own text.</summary>
        private bool HasLongProse(IElement e)
        {
            if (e.LocalName == "p") return _text.Of(e) is { Length: >= ArticleParagraphLength } t && t.LinkDensity < WrapperLinkDensity;
            foreach (var p in e.GetElementsByTagName("p"))
                if (_text.Of(p) is { Length: >= ArticleParagraphLength } t && t.LinkDensity < WrapperLinkDensity) return true;
            return false;
        }

        /// <summary>
        /// Headings and labels ("Related stories", "Read also:") whose section is gone (its links were removed) or
        /// never had text: followed by a heading of a higher level, or by nothing, they head nothing (a heading
        /// followed by one of its own level may be a subtitle). A label followed by any heading heads nothing.
        /// Walked from the end, so that a run of such headings at the article's end goes at once.
        /// </summary>
        private void RemoveEmptySections(List<IElement> blocks)
        {
            IElement? next = null;
            for (var i = blocks.Count - 1; i >= 0; i--)
            {
                var block = blocks[i];
                if (block.ParentElement is null) continue;
                var level = HeadingLevel(block);
                var label = level == 0 && IsLabel(block);
                if ((level > 0 || label) && (next is null || (HeadingLevel(next) is > 0 and var nextLevel && (label || nextLevel < level))))
                {
                    Remove(block);
                    continue;
                }
                next = block;
            }
        }

        /// <summary>
        /// The blocks of text of the article, in document order: paragraphs, headings, list items, divs of text…
        /// that hold no block themselves (see <see cref="BlockTags"/>), with text, and not inside a list item, a quote
        /// or preformatted text (whose parts are not blocks of their own). Found in one walk.
        /// </summary>
        private List<IElement> TextBlocks(IElement root)
        {
            var order = new List<(IElement Element, bool Nested)>();
            // Elements with a block below them, marked from each block up.
            var containers = new HashSet<IElement>(ReferenceEqualityComparer.Instance);
            var stack = new Stack<(IElement Element, bool Nested)>();
            PushChildren(root, false);
            while (stack.Count > 0)
            {
                var (e, nested) = stack.Pop();
                order.Add((e, nested));
                if (BlockTags.Contains(e.LocalName))
                    for (var a = e.ParentElement; a is not null && a != root && containers.Add(a); a = a.ParentElement) { }
                PushChildren(e, nested || e.LocalName is "li" or "blockquote" or "pre");
            }
            var blocks = new List<IElement>();
            foreach (var (e, nested) in order)
                if (!nested && TextBlockTags.Contains(e.LocalName) && !containers.Contains(e) && _text.Of(e).Length > 0) blocks.Add(e);
            return blocks;

            void PushChildren(IElement parent, bool nested)
            {
                var children = parent.ChildNodes;
                for (var i = children.Length - 1; i >= 0; i--)
                    if (children[i] is Element child) stack.Push((child, nested));
            }
        }

        private static int HeadingLevel(IElement e) => e.LocalName is ['h', >= '1' and <= '6'] ? e.LocalName[1] - '0' : 0;

        /// <summary>A short line ending in a colon, which announces what follows it.</summary>
        private bool IsLabel(IElement e) =>
            e.LocalName is "p" or "div" && _text.Of(e).Length <= MaximumLabelLength && TextNormalizer.Collapse(e.TextContent).EndsWith(':');

        /// <summary>
        /// Short paragraphs, list items and headings that are mostly a link ("Read more: …", "Related: …", a lone
        /// headline linked to another story) point away from the article; a paragraph of prose with a link in it stays.
        /// </summary>
        private void RemoveLinkLines(IElement article)
        {
            foreach (var p in article.QuerySelectorAll("p, li, h2, h3, h4, h5, h6").ToList())
            {
                if (p.ParentElement is null) continue;
                var text = _text.Of(p);
                if (text.Length == 0 || text.Length > LinkLineLength) continue;
                if (text.LinkDensity >= LinkLineDensity) Remove(p);
            }
        }

        /// <summary>
        /// Blocks inside the article named for what surrounds an article (see <see cref="ChromeWords"/>): related
        /// stories, author boxes, newsletter calls, share and tag bars, dates and metadata, comments. A block holding
        /// half the article's text or more is the article itself, whatever its name; the innermost go first.
        /// </summary>
        private void RemoveChromeByName(IElement article)
        {
            var total = _text.Of(article).Length;
            if (total == 0) return;
            var removed = new HashSet<IElement>(ReferenceEqualityComparer.Instance);
            // Text read so far in document order, to tell a teaser before the article's prose (its standfirst) from
            // teasers of other articles after it.
            var proseSeen = false;
            foreach (var node in ElementsBelow(article))
            {
                if (!proseSeen && node.LocalName == "p" && node.ParentElement is not null && _text.Of(node).Length >= LongSiblingParagraph) proseSeen = true;
                var named = Named(node, NameKinds.Chrome) || (proseSeen && Named(node, NameKinds.Teaser));
                if (!named || IsMarkedArticleBody(node)) continue;
                if (Ancestors(node).Any(removed.Contains)) continue;
                if (_text.Of(node).Length >= ChromeShareOfArticle * total) continue;
                removed.Add(node);
                Remove(node);
            }
        }

        /// <summary>The page says this is the article's body (schema.org's articleBody), whatever its class says.</summary>
        private static bool IsMarkedArticleBody(IElement node) =>
            node.GetAttribute("itemprop")?.Contains("articleBody", StringComparison.OrdinalIgnoreCase) ?? false;

        /// <summary>
        /// Captions belong to their images, not to the text. A caption (a &lt;figcaption&gt;, or a block named as one:
        /// see <see cref="CaptionWords"/>) outside a &lt;figure&gt; whose block holds an image and little else makes
        /// that block a figure, which the body reader reads as an image with its caption; a caption right after its
        /// image is left to the body reader, which pairs them; any other caption (over a script's slideshow, a CSS
        /// background, an image far from it) goes, and so does a figure without an image.
        /// </summary>
        private void GatherFigures(IElement article)
        {
            foreach (var figure in article.GetElementsByTagName("figure").ToList())
                if (figure.ParentElement is not null && figure.GetElementsByTagName("img").Length == 0
                    && figure.QuerySelector("table, blockquote, pre, code, video, audio, iframe, object, embed") is null)
                    Remove(figure);
            foreach (var caption in ElementsBelow(article))
            {
                if (caption.LocalName != "figcaption" && (HeadingLevel(caption) > 0 || (NamedAsOrWrapped(caption) & NameKinds.Caption) == 0)) continue;
                if (caption.ParentElement is null || HasAncestor(caption, "figure", 0)) continue;
                var block = ImageBlock(caption, article);
                if (block is not null && block != article) Rename(block, "figure");
                // Right after its image, the body reader pairs them; elsewhere a caption is not text.
                else if (block is null && !FollowsImage(caption)) Remove(caption);
            }
        }

        /// <summary>The nearest block around a caption (at most <see cref="CaptionToImageLevels"/> levels up) that
        /// holds an image and, besides the caption, little text: the image's figure. Null when there is none.</summary>
        private IElement? ImageBlock(IElement caption, IElement article)
        {
            var captionLength = _text.Of(caption).Length;
            var level = 0;
            for (var block = caption.ParentElement; block is not null && level < CaptionToImageLevels; block = block.ParentElement, level++)
            {
                var images = block.GetElementsByTagName("img").Length;
                if (images == 0)
                {
                    if (block == article) break;
                    continue;
                }
                // A block with more text than a caption's is text around an image, not the image's figure.
                return images > 2 || _text.Of(block).Length > captionLength + FigureTextBesideCaption ? null : block;
            }
            return null;
        }

        /// <summary>Whether the element before a caption is an image or holds nothing but one.</summary>
        private bool FollowsImage(IElement caption) =>
            caption.PreviousElementSibling is { } previous
            && (previous.LocalName == "img" || (previous.GetElementsByTagName("img").Length > 0 && _text.Of(previous).Length == 0));

        private void RemoveAll(IElement root, string selector)
        {
            foreach (var element in root.QuerySelectorAll(selector).ToList()) Remove(element);
        }

        /// <summary>Short elements below <paramref name="part"/> classed as share bars.</summary>
        private void RemoveShareBars(IElement part)
        {
            var removed = new HashSet<IElement>(ReferenceEqualityComparer.Instance);
            foreach (var node in ElementsBelow(part))
            {
                if (!readings.Match(Names.Of(node), ShareClass()) || _text.Of(node).Length >= ShareBarMaximumLength) continue;
                if (Ancestors(node).TakeWhile(a => a != part).Any(removed.Contains)) continue;
                removed.Add(node);
                Remove(node);
            }
        }

        /// <summary>
        /// Tables that hold data rather than layout: marked as such (a summary, a caption, header cells, column
        /// groups) or big enough (10 rows, more than 4 columns, or more than 10 cells), and not nested.
        /// </summary>
        private static HashSet<IElement> DataTables(IElement root)
        {
            var tables = new HashSet<IElement>(ReferenceEqualityComparer.Instance);
            foreach (var table in root.GetElementsByTagName("table"))
            {
                if (table.GetAttribute("role") == "presentation" || table.GetAttribute("datatable") == "0") continue;
                if (table.HasAttribute("summary")
                    || table.GetElementsByTagName("caption").FirstOrDefault() is { ChildNodes.Length: > 0 }
                    || table.QuerySelector("col, colgroup, tfoot, thead, th") is not null)
                {
                    tables.Add(table);
                    continue;
                }
                if (table.GetElementsByTagName("table").Length > 0) continue;
                int rows = 0, columns = 0;
                foreach (var row in table.GetElementsByTagName("tr"))
                {
                    rows += Span(row, "rowspan");
                    columns = Math.Max(columns, row.GetElementsByTagName("td").Sum(cell => Span(cell, "colspan")));
                }
                if (rows == 1 || columns == 1) continue;
                if (rows >= 10 || columns > 4 || rows * columns > 10) tables.Add(table);
            }
            return tables;

            static int Span(IElement element, string attribute) =>
                int.TryParse(element.GetAttribute(attribute), out var span) && span > 0 ? span : 1;
        }

        /// <summary>Removes the <paramref name="tag"/> elements of the article that look like chrome; the innermost first.</summary>
        private void CleanConditionally(IElement article, string tag, TableSets tables)
        {
            if (!rules.CleanConditionally) return;
            var nodes = article.GetElementsByTagName(tag).ToList();
            for (var i = nodes.Count - 1; i >= 0; i--)
                if (nodes[i].Parent is not null && LooksLikeChrome(nodes[i], tag, tables)) Remove(nodes[i]);
        }

        /// <summary>
        /// Whether a block inside the article is chrome: a negative class; or, with fewer than 10 commas, more images
        /// than paragraphs, list items outside a list, form inputs, a short linked snippet, much link text, embeds
        /// that are not videos, or no text at all. Data tables and what is in them, code, and lists of images stay.
        /// </summary>
        private bool LooksLikeChrome(IElement node, string tag, TableSets tables)
        {
            if (tables.Data.Contains(node) || tables.Holders.Contains(node)) return false;
            if (HasAncestor(node, "table", 0, tables.Data.Contains)) return false;
            if (HasAncestor(node, "code", 3)) return false;
            var weight = ClassWeight(node);
            if (weight < 0) return true;
            var text = _text.Of(node);
            if (text.Commas >= ProseCommaCount) return false;
            var content = Count(node);
            if (content.HasVideo) return false;

            var isList = tag is "ul" or "ol" || (text.Length > 0 && (double)content.ListTextLength / text.Length > ListTextShare);
            if (text.Length <= 30)
            {
                var words = TextNormalizer.Collapse(node.TextContent);
                if (AdWords().IsMatch(words) || LoadingWords().IsMatch(words)) return true;
            }
            var isFigureChild = HasAncestor(node, "figure", 3);
            var headingDensity = text.Length == 0 ? 0 : (double)content.HeadingTextLength / text.Length;
            var textDensity = text.Length == 0 ? 0 : (double)content.TextishLength / text.Length;
            var linkDensity = text.LinkDensity;

            var remove =
                (!isFigureChild && content.Images > 1 && (double)content.Paragraphs / content.Images < 0.5) // a gallery or ad grid
                || (!isList && content.ListItems - 100 > content.Paragraphs) // list items scattered outside a list
                || content.Inputs > content.Paragraphs / 3 // a form
                || (!isList && !isFigureChild && headingDensity < 0.9 && text.Length < MinimumParagraphLength
                    && (content.Images == 0 || content.Images > 2) && linkDensity > 0) // a short linked snippet
                || (!isList && weight < ClassWeightStep && linkDensity > 0.2) // links with a little text
                || (weight >= ClassWeightStep && linkDensity > 0.5) // even in a content-classed block, mostly links
                || (content.Embeds == 1 && text.Length < 75) || content.Embeds > 1 // a widget
                || (content.Images == 0 && textDensity == 0); // nothing to read
            if (!remove || !isList) return remove;
            // A list of images (one image per item and nothing else) is a gallery worth keeping.
            if (node.Children.Any(item => item.ChildElementCount > 1)) return true;
            return content.Images != node.GetElementsByTagName("li").Length;
        }

        /// <summary>The article's data tables, and the elements that hold one.</summary>
        private sealed record TableSets(HashSet<IElement> Data, HashSet<IElement> Holders);

        private readonly record struct BlockContent(int Paragraphs, int Images, int ListItems, int Inputs, int Embeds,
            bool HasVideo, int HeadingTextLength, int TextishLength, int ListTextLength);

        /// <summary>What a block holds, counted in one walk of its descendants.</summary>
        private BlockContent Count(IElement node)
        {
            int paragraphs = 0, images = 0, items = 0, inputs = 0, embeds = 0, headings = 0, textish = 0, lists = 0;
            var video = false;
            foreach (var e in ElementsBelow(node))
            {
                switch (e.LocalName)
                {
                    case "p": paragraphs++; break;
                    case "img": images++; break;
                    case "li": items++; break;
                    case "input": inputs++; break;
                    case "object" or "embed" or "iframe":
                        embeds++;
                        video |= e.Attributes.Any(a => VideoSource().IsMatch(a.Value)) || (e.LocalName == "object" && VideoSource().IsMatch(e.InnerHtml));
                        break;
                }
                var name = e.LocalName;
                if (name is "h1" or "h2" or "h3" or "h4" or "h5" or "h6") headings += _text.Of(e).Length;
                // font is an old way to write span.
                if (name is "span" or "font" or "li" or "td" || BlockTags.Contains(name)) textish += _text.Of(e).Length;
                if (name is "ul" or "ol") lists += _text.Of(e).Length;
            }
            return new BlockContent(paragraphs, images, items, inputs, embeds, video, headings, textish, lists);
        }

        // ---- Tree helpers ----

        /// <summary>Whether an ancestor within <paramref name="maxDepth"/> levels (0: any) is a <paramref name="tag"/> (that passes the filter).</summary>
        private static bool HasAncestor(IElement node, string tag, int maxDepth, Func<IElement, bool>? filter = null)
        {
            var depth = 0;
            for (var parent = node.ParentElement; parent is not null; parent = parent.ParentElement, depth++)
            {
                if (maxDepth > 0 && depth > maxDepth) return false;
                if (parent.LocalName == tag && (filter is null || filter(parent))) return true;
            }
            return false;
        }

        /// <summary>
        /// The elements below <paramref name="root"/> in document order, walked with a stack over the child lists:
        /// AngleSharp's Descendants() nests one iterator per level, which costs the depth of the tree per element.
        /// Children are told to be elements by their class (every element is an AngleSharp <see cref="Element"/>):
        /// testing for the interface searches the many interfaces each element type has.
        /// </summary>
        private static List<IElement> ElementsBelow(IElement root)
        {
            var list = new List<IElement>();
            var stack = new Stack<IElement>();
            Push(root);
            while (stack.Count > 0)
            {
                var e = stack.Pop();
                list.Add(e);
                Push(e);
            }
            return list;

            void Push(IElement parent)
            {
                var children = parent.ChildNodes;
                for (var i = children.Length - 1; i >= 0; i--)
                    if (children[i] is Element child) stack.Push(child);
            }
        }

        private static IEnumerable<IElement> Ancestors(IElement node)
        {
            for (var parent = node.ParentElement; parent is not null; parent = parent.ParentElement) yield return parent;
        }

        private void Remove(IElement node)
        {
            var parent = node.ParentElement;
            node.Remove();
            _text.Changed(parent);
        }

        /// <summary>A new element named <paramref name="tag"/> in place of <paramref name="node"/>, with its children and attributes.</summary>
        private IElement Rename(IElement node, string tag)
        {
            var replacement = document.CreateElement(tag);
            while (node.FirstChild is { } child) replacement.AppendChild(child);
            foreach (var attribute in node.Attributes)
            {
                try { replacement.SetAttribute(attribute.Name, attribute.Value); }
                catch (DomException) { /* a name the parser accepted but the DOM API does not; it carries no content */ }
            }
            node.Parent?.ReplaceChild(replacement, node);
            _text.Renamed(node, replacement);
            if (_scores.Remove(node, out var score)) _scores[replacement] = score;
            if (_keptStandfirsts.Remove(node)) _keptStandfirsts.Add(replacement);
            if (_wrappers.Remove(node, out var wrapper)) _wrappers[replacement] = wrapper;
            return replacement;
        }

        /// <summary>The index of the first child from <paramref name="from"/> on that is an element or holds text.</summary>
        private static int NextNonBlank(IReadOnlyList<INode> children, int from)
        {
            while (from < children.Count && children[from] is not IElement && string.IsNullOrWhiteSpace(children[from].TextContent)) from++;
            return from;
        }

        private static bool IsBreak(INode node) => node is IElement { LocalName: "br" };

        private static bool IsWhitespace(INode node) =>
            (node is IText text && string.IsNullOrWhiteSpace(text.Data)) || node is IElement { LocalName: "br" };

        private static bool IsPhrasing(INode node) => node switch
        {
            IText => true,
            IElement e when PhrasingTags.Contains(e.LocalName) => true,
            IElement { LocalName: "a" or "del" or "ins" } e => e.ChildNodes.All(IsPhrasing),
            _ => false,
        };
    }
}
