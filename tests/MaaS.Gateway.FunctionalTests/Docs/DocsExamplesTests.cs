using System.Net.Http.Headers;

namespace MaaS.Gateway.FunctionalTests.Docs;

/// <summary>
/// Runs every shell example of README.md and docs/*.md against a real gateway and compares its output with the one the
/// document shows, so the examples cannot go stale.
/// <para>
/// The convention (see <see cref="DocExample"/>): a fenced <c>bash</c>/<c>sh</c>/<c>console</c> block is run with
/// <c>bash -e</c> from the repository root, with the shell variables earlier blocks of the page set, as in one terminal, with <c>$MAAS</c> set to the gateway's URL (and <c>$ADMIN_KEY</c> to its
/// bootstrap admin key on a page marked <c>&lt;!-- docs-test: auth --&gt;</c>, whose gateway has authentication on;
/// every other page's gateway runs as <c>dotnet run</c> does, auth off). A <c>json</c>/<c>text</c>/<c>output</c> block
/// right after it is its expected output: <c>…</c> stands for any text in a line, a line of only <c>…</c> for any
/// lines, and ids, timestamps, trace ids, durations and digits past the third decimal are masked. A block that cannot
/// run here (Docker, <c>dotnet run</c>/<c>dotnet test</c>, load runs) carries <c>&lt;!-- skip-test: why --&gt;</c> on
/// the line above and is only parsed (<c>bash -n</c>). <c>MAAS_DOCS_ACCEPT=1</c> writes what a changed example printed into
/// its page, for the writer to review and shorten. Each page gets its own gateway (fresh data folder, demo data,
/// a copy of the bundled models) and its blocks run in order, so an example may use what an earlier one made.
/// </para>
/// </summary>
public sealed class DocsExamplesTests
{
    private const string AuthMarker = "<!-- docs-test: auth -->";
    private static readonly TimeSpan BlockTimeout = TimeSpan.FromSeconds(60);

    public static TheoryData<string> Pages() => [.. DocPages()];

    [Fact]
    public void Readme_IsAFrontDoor_AtMost400Lines()
    {
        int lines = File.ReadAllLines(Path.Combine(SharedData.RepositoryRoot, "README.md")).Length;
        Assert.True(lines <= 400, $"README.md has {lines} lines; move reference material into docs/");
    }

    [Fact]
    public void Pages_LinkedFromReadme_Exist()
    {
        string readme = File.ReadAllText(Path.Combine(SharedData.RepositoryRoot, "README.md"));
        var missing = DocPages().Where(p => p != "README.md" && !readme.Contains($"]({p})", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, "README.md does not link " + string.Join(", ", missing));
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void Links_Relative_ResolveToAFileAndAHeading(string page)
    {
        var broken = DocLinks.Broken(SharedData.RepositoryRoot, page);

        Assert.True(broken.Count == 0, $"{page}: {broken.Count} broken link(s):\n" + string.Join('\n', broken));
    }

    [Fact]
    public void Broken_MissingFileOrHeading_Named_CodeAndAbsoluteLinksIgnored()
    {
        using var folder = new TempFolder("maas-doclinks-");
        Directory.CreateDirectory(folder["docs"]);
        File.WriteAllText(folder["docs/api.md"], "# API\n\n## Search (v1, `POST /v1/search`)\n\n## Notes\n\n## Notes\n");
        File.WriteAllText(folder["README.md"], string.Join('\n',
            "# Read me",
            "[ok](docs/api.md) [ok](docs/api.md#search-v1-post-v1search) [ok](docs/api.md#notes-1) [ok](#read-me) [ok](https://example.com/x.md)",
            "[gone](docs/nope.md) [bad anchor](docs/api.md#search) `[in code](docs/nope.md)`",
            "```bash",
            "echo '[in a fence](docs/nope.md)'",
            "```",
            "[ref]: docs/missing.md"));

        var broken = DocLinks.Broken(folder.Path, "README.md");

        Assert.Equal(
            ["line 3: docs/nope.md: no such file", $"line 3: docs/api.md#search: {Path.Combine("docs", "api.md")} has no heading '#search'", "line 7: docs/missing.md: no such file"],
            broken);
    }

    [Theory]
    [InlineData("Training jobs beside saturating serving (Jobs:Niceness, branch tidy2, 2026-12-06)", "training-jobs-beside-saturating-serving-jobsniceness-branch-tidy2-2026-12-06")]
    [InlineData("Two sentence encoders: all-minilm-l6-v2 and arctic-embed-xs", "two-sentence-encoders-all-minilm-l6-v2-and-arctic-embed-xs")]
    [InlineData("Health, ping, metrics, Swagger", "health-ping-metrics-swagger")]
    [InlineData("Int8 quantisation (market action)", "int8-quantisation-market-action")]
    [InlineData("`Jobs:LeaseSeconds` and [links](x.md) — Ünïcode", "jobsleaseseconds-and-links--ünïcode")]
    public void Slug_AsGitHubMakesIt(string heading, string slug) => Assert.Equal(slug, DocLinks.Slug(heading));

    [Fact]
    public void Matches_EllipsisAndMaskedFields_AsDocumented()
    {
        Assert.True(DocExample.Matches("{\"a\":1,…}\n…\nend", "{\"a\":1,\"b\":2}\nx\ny\nend"));
        Assert.True(DocExample.Matches("{\"score\":0.35943112,\"traceId\":\"00-…-00\"}", "{\"score\":0.3594,\"traceId\":\"00-abc-01\"}"));
        Assert.False(DocExample.Matches("{\"score\":0.359}", "{\"score\":0.36}"), "a score that changed in the third decimal must fail");
        Assert.False(DocExample.Matches("HTTP/1.1 202 Accepted", "HTTP/1.1 200 OK"));
        Assert.False(DocExample.Matches("a\nb", "a"), "a missing line must fail");
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Examples_RunAgainstARealGateway_PrintWhatThePageShows(string page)
    {
        var ct = TestContext.Current.CancellationToken;
        string root = SharedData.RepositoryRoot;
        string markdown = await File.ReadAllTextAsync(Path.Combine(root, page), ct);
        var examples = DocExample.Parse(page, markdown);
        var failures = new List<string>();

        foreach (var skipped in examples.Where(e => e.SkipReason is not null))
        {
            var (code, _, error) = await RunBashAsync(["-n"], skipped.Script, root, new Dictionary<string, string>(), ct);
            if (code != 0)
            {
                failures.Add($"{skipped} (skip-test: {skipped.SkipReason}) does not parse: {error}");
            }
        }

        var runnable = examples.Where(e => e.SkipReason is null).ToList();
        if (runnable.Count > 0)
        {
            RequireTools();
            string before = await UntrackedFilesAsync(root, ct);
            bool auth = markdown.Contains(AuthMarker, StringComparison.Ordinal);
            await using var gateway = await StartGatewayAsync(auth, ct);
            string state = Path.Combine(Path.GetTempPath(), $"maas-docs-{Guid.NewGuid():N}.sh");
            var environment = new Dictionary<string, string>
            {
                ["DOCS_STATE"] = state,
                ["MAAS"] = gateway.Host.Address.ToString().TrimEnd('/'),
                ["ADMIN_KEY"] = SecureGateway.BootstrapKey,
            };
            var stale = new List<(DocExample, string)>();
            foreach (var example in runnable)
            {
                var (code, output, error) = await RunBashAsync([], WithSharedVariables(example.Script), root, environment, ct);
                if (code != 0)
                {
                    failures.Add($"{example} exited {code}:\n{example.Script}\nstdout:\n{output}\nstderr:\n{error}");
                }
                else if (example.Expected is not null && !DocExample.Matches(example.Expected, output))
                {
                    stale.Add((example, output));
                    failures.Add($"{example} printed:\n{output}\nthe page shows:\n{example.Expected}\n(normalised: got\n{string.Join('\n', DocExample.Normalise(output))}\nwant\n{string.Join('\n', DocExample.Normalise(example.Expected))})");
                }
            }

            File.Delete(state);
            Assert.Equal(before, await UntrackedFilesAsync(root, ct));
            if (stale.Count > 0 && Environment.GetEnvironmentVariable("MAAS_DOCS_ACCEPT") == "1")
            {
                await File.WriteAllTextAsync(Path.Combine(root, page), DocExample.Accept(markdown, stale), ct);
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {examples.Count} examples of {page} failed:\n\n" + string.Join("\n\n", failures));
    }

    private static void RequireTools()
    {
        var missing = new[] { "bash", "curl", "jq", "python3" }
            .Where(tool => !(Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Any(dir => File.Exists(Path.Combine(dir, tool))))
            .ToList();
        if (missing.Count > 0)
        {
            string reason = "the examples need " + string.Join(", ", missing) + " on PATH";
            Assert.False(Environment.GetEnvironmentVariable("MAAS_REQUIRE_DOCS_TOOLS") == "1", reason + " (MAAS_REQUIRE_DOCS_TOOLS=1: .ci/setup should have installed them)");
            Assert.Skip(reason);
        }
    }

    private static IEnumerable<string> DocPages()
    {
        string root = SharedData.RepositoryRoot;
        yield return "README.md";
        foreach (string file in Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md").Order(StringComparer.Ordinal))
        {
            yield return Path.GetRelativePath(root, file).Replace('\\', '/');
        }
    }

    private static async Task<SecureGateway> StartGatewayAsync(bool auth, CancellationToken ct)
    {
        var gateway = SecureGateway.Start(
            repository => CopyDirectory(Path.Combine(SharedData.RepositoryRoot, "models"), repository.Root),
            new Dictionary<string, string?>
            {
                ["Auth:Enabled"] = auth ? "true" : "false",
                ["Storage:SeedDemoDataWhenEmpty"] = "true",
                ["Recommendations:BuildOnStart"] = "true",
                // Items are embedded in the background: with embeddings in the content index, the similar-items and
                // hybrid outputs the pages show would depend on whether that run had finished.
                ["Search:ContentEmbeddings"] = "false",
                // Jobs at serving's own CPU weight: niced (the default, 10) a job thread gets about a tenth of a busy
                // thread's share, and docs/training.md's example, which waits for its job, ran past the block's 60 s
                // on a loaded box. What it prints does not depend on the job's priority.
                ["Jobs:Niceness"] = "0",
            });
        try
        {
            // The first build runs in the background after start; the examples expect the demo index to be there.
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/items/movie-001/similar?strategy=cf");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", SecureGateway.BootstrapKey);
                using var response = await gateway.Client.SendAsync(request, ct);
                if (response.IsSuccessStatusCode)
                {
                    return gateway;
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"the docs gateway built no similarity index within 60 s (last answer {(int)response.StatusCode})");
                }

                await Task.Delay(200, ct);
            }
        }
        catch
        {
            await gateway.DisposeAsync();
            throw;
        }
    }

    // Loads the variables earlier blocks set, runs the block under `set -e`, and saves every variable it did not start with.
    private static string WithSharedVariables(string script) => $$"""
        __docs_baseline=" $(compgen -v | tr '\n' ' ') "
        if [ -f "$DOCS_STATE" ]; then . "$DOCS_STATE" 2>/dev/null; fi
        set -e
        {{script}}
        set +e
        for __docs_v in $(compgen -v); do case "$__docs_baseline" in *" $__docs_v "*) ;; *) declare -p "$__docs_v" ;; esac; done > "$DOCS_STATE" 2>/dev/null
        """;

    private static async Task<(int Code, string Output, string Error)> RunBashAsync(string[] options, string script, string directory, IDictionary<string, string> environment, CancellationToken ct)
    {
        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (string option in options)
        {
            start.ArgumentList.Add(option);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(script + "\n");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(BlockTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            return (-1, await output, $"timed out after {BlockTimeout.TotalSeconds} s\n{await error}");
        }

        // A background process the example left running could hold the pipes open after bash exits: bounded too.
        return (process.ExitCode, await output.WaitAsync(BlockTimeout, ct), await error.WaitAsync(BlockTimeout, ct));
    }

    // Examples must write nothing into the checkout (published models go to the gateway's data folder): the files git
    // would add must be the same after them. Tracked files are left out, so editing a page while the test runs is fine.
    private static async Task<string> UntrackedFilesAsync(string root, CancellationToken ct)
    {
        var (code, output, _) = await RunBashAsync([], "git ls-files --others --exclude-standard 2>/dev/null || true", root, new Dictionary<string, string>(), ct);
        return code == 0 ? output : "";
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
