namespace MaaS.Gateway.FunctionalTests.Hosting;

/// <summary>
/// The load scripts (tests/MaaS.Benchmarks/load) find the shared data as the tests do (<see cref="SharedData"/>): through
/// gateway.sh's <c>shared_data</c>, never a path relative to the repository root, which a worktree such as /work/wt/NAME lacks.
/// </summary>
public sealed class LoadScriptDataTests
{
    private static readonly string Folder = Path.Combine(SharedData.RepositoryRoot, "tests", "MaaS.Benchmarks", "load");

    [Fact]
    public void Scripts_SharedData_NeverARelativePath()
    {
        // gateway.sh holds shared_data itself, which looks beside the root as the tests do.
        var relative = Directory.GetFiles(Folder, "*.sh").Where(file => Path.GetFileName(file) != "gateway.sh")
            .SelectMany(file => File.ReadLines(file).Select((line, i) => (File: Path.GetFileName(file), Number: i + 1, Line: line)))
            .Where(l => l.Line.Contains("../shared", StringComparison.Ordinal) || l.Line.Contains("/work/shared", StringComparison.Ordinal))
            .Select(l => $"{l.File}:{l.Number}: {l.Line.Trim()}")
            .ToList();

        Assert.True(relative.Count == 0, "shared data by a fixed path (use shared_data):\n" + string.Join('\n', relative));
    }

    [Theory]
    [InlineData("repo", "shared/data")]           // beside the repository root (/work/main and /work/shared)
    [InlineData("wt/tidy/repo", "shared/data")]   // two levels up (/work/wt/NAME and /work/shared)
    public async Task SharedDataFunction_Layout_FindsTheFolderAboveTheRoot(string root, string data)
    {
        Assert.SkipUnless(File.Exists("/bin/bash"), "bash is not installed");
        using var top = new TempFolder("maas-load-data-");
        Directory.CreateDirectory(top[root]);
        string expected = Directory.CreateDirectory(top[data]).FullName;

        var (exit, output) = await RunAsync(top[root], null);

        Assert.True(exit == 0, $"exit {exit}: {output}");
        Assert.Equal(expected, output.Trim());
    }

    [Fact]
    public async Task SharedDataFunction_MissingExplicitFolder_FailsNamingIt()
    {
        Assert.SkipUnless(File.Exists("/bin/bash"), "bash is not installed");
        string missing = Path.Combine(Path.GetTempPath(), "maas-no-such-data-" + Guid.NewGuid().ToString("N"));

        var (exit, output) = await RunAsync(SharedData.RepositoryRoot, missing);

        Assert.True(exit != 0, output);
        Assert.Contains(missing, output, StringComparison.Ordinal);
    }

    private static Task<(int Exit, string Output)> RunAsync(string root, string? explicitData) =>
        ChildProcess.RunAsync(
            "/bin/bash",
            ["-c", "source \"$1\" && cd \"$2\" && MAAS_DATA_DIR=\"$3\" shared_data", "data", Path.Combine(Folder, "gateway.sh"), root, explicitData ?? string.Empty],
            TestContext.Current.CancellationToken);
}
