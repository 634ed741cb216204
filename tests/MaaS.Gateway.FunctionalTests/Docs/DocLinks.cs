namespace MaaS.Gateway.FunctionalTests.Docs;

/// <summary>
/// The relative links of a Markdown page and whether they resolve as GitHub renders them: a link (<c>[text](target)</c>,
/// an image, or a reference definition <c>[id]: target</c>) outside fenced blocks and inline code, whose target has no
/// scheme, names a file or folder of the repository relative to the page (the page itself when only a
/// <c>#fragment</c> is given), and a fragment into a Markdown file names one of its headings by GitHub's slug
/// (<see cref="Slug"/>) or an HTML anchor (<c>id</c> or <c>name</c>).
/// </summary>
internal static partial class DocLinks
{
    /// <summary>What is wrong with each relative link of <paramref name="page"/> (a path under <paramref name="root"/>), as "line N: target: why".</summary>
    public static List<string> Broken(string root, string page)
    {
        string rootPath = Path.GetFullPath(root);
        string pagePath = Path.GetFullPath(Path.Combine(rootPath, page));
        var problems = new List<string>();
        var anchors = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var (line, target) in Targets(File.ReadAllText(pagePath)))
        {
            int hash = target.IndexOf('#', StringComparison.Ordinal);
            string file = Uri.UnescapeDataString(hash < 0 ? target : target[..hash]);
            string? fragment = hash < 0 ? null : Uri.UnescapeDataString(target[(hash + 1)..]);
            string resolved = file.Length == 0 ? pagePath : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(pagePath)!, file));
            if (!resolved.StartsWith(rootPath + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                problems.Add($"line {line}: {target}: outside the repository");
            }
            else if (!File.Exists(resolved) && !Directory.Exists(resolved))
            {
                problems.Add($"line {line}: {target}: no such file");
            }
            else if (fragment is not null && resolved.EndsWith(".md", StringComparison.OrdinalIgnoreCase) && File.Exists(resolved))
            {
                if (!anchors.TryGetValue(resolved, out var known))
                {
                    known = anchors[resolved] = Anchors(File.ReadAllText(resolved));
                }

                if (!known.Contains(fragment))
                {
                    problems.Add($"line {line}: {target}: {Path.GetRelativePath(rootPath, resolved)} has no heading '#{fragment}'");
                }
            }
        }

        return problems;
    }

    /// <summary>Every link target of <paramref name="markdown"/> without a scheme, with its 1-based line.</summary>
    public static IEnumerable<(int Line, string Target)> Targets(string markdown)
    {
        foreach (var (number, line) in Prose(markdown))
        {
            string text = InlineCode().Replace(line, "");
            var links = InlineLink().Matches(text).Select(m => m.Groups["target"].Value);
            if (ReferenceDefinition().Match(text) is { Success: true } definition)
            {
                links = links.Append(definition.Groups["target"].Value);
            }

            foreach (string target in links)
            {
                string bare = target.Trim('<', '>');
                if (bare.Length > 0 && !Scheme().IsMatch(bare) && !bare.StartsWith("//", StringComparison.Ordinal))
                {
                    yield return (number, bare);
                }
            }
        }
    }

    /// <summary>The anchors a page offers: its headings' slugs (a repeated one numbered -1, -2, …) and its HTML anchors.</summary>
    public static HashSet<string> Anchors(string markdown)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (_, line) in Prose(markdown))
        {
            if (Heading().Match(line) is { Success: true } heading)
            {
                string slug = Slug(heading.Groups["text"].Value);
                int times = seen.GetValueOrDefault(slug);
                seen[slug] = times + 1;
                anchors.Add(times == 0 ? slug : $"{slug}-{times}");
            }

            foreach (Match anchor in HtmlAnchor().Matches(line))
            {
                anchors.Add(anchor.Groups["id"].Value);
            }
        }

        return anchors;
    }

    /// <summary>
    /// GitHub's anchor of a heading (github-slugger over the rendered text): links and inline code reduced to their
    /// text, lower case, every character but letters, digits, marks, '-', '_' and spaces dropped, spaces made '-'.
    /// </summary>
    public static string Slug(string heading)
    {
        string text = LinkText().Replace(heading, "${text}").ToLowerInvariant();
        var slug = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            if (char.IsLetterOrDigit(c) || c is '-' or '_' || char.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark)
            {
                slug.Append(c);
            }
            else if (c == ' ')
            {
                slug.Append('-');
            }
        }

        return slug.ToString();
    }

    // The lines outside fenced code blocks, numbered from 1.
    private static IEnumerable<(int Number, string Line)> Prose(string markdown)
    {
        string? fence = null;
        string[] lines = markdown.Replace("\r", "", StringComparison.Ordinal).Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var open = FenceLine().Match(lines[i]);
            if (fence is null && open.Success)
            {
                fence = open.Groups["fence"].Value;
            }
            else if (fence is not null && open.Success && open.Groups["fence"].Value.StartsWith(fence, StringComparison.Ordinal) && open.Groups["info"].Value.Length == 0)
            {
                fence = null;
            }
            else if (fence is null)
            {
                yield return (i + 1, lines[i]);
            }
        }
    }

    [GeneratedRegex(@"^ {0,3}(?<fence>`{3,}|~{3,})(?<info>.*)$")]
    private static partial Regex FenceLine();

    [GeneratedRegex(@"(`+).*?\1")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"\]\((?<target><[^>]*>|[^)\s]+)(?:\s+""[^""]*"")?\)")]
    private static partial Regex InlineLink();

    [GeneratedRegex(@"^ {0,3}\[[^\]]+\]:\s*(?<target>\S+)")]
    private static partial Regex ReferenceDefinition();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9+.-]*:")]
    private static partial Regex Scheme();

    [GeneratedRegex(@"^ {0,3}#{1,6}\s+(?<text>.*?)(?:\s+#+)?\s*$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"<a\s[^>]*(?:id|name)=""(?<id>[^""]+)""", RegexOptions.IgnoreCase)]
    private static partial Regex HtmlAnchor();

    [GeneratedRegex(@"!?\[(?<text>[^\]]*)\]\([^)]*\)")]
    private static partial Regex LinkText();
}
