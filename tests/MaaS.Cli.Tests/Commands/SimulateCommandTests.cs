using System.Globalization;

namespace MaaS.Cli.Tests.Commands;

public sealed class SimulateCommandTests : IDisposable
{
    private readonly TempFolder _temp = new();

    [Fact]
    public async Task SimulateGame_PrintsEveryPolicyBesideTheOptimumAndTheOfflineEstimates()
    {
        string svg = _temp["curves.svg"];
        var run = await MaasCli.RunAsync("simulate", "game", "--decisions", "2000", "--logged", "5000", "--seed", "5", "--svg", svg);

        Assert.True(run.ExitCode == 0, run.ToString());
        foreach (string row in new[] { "random", "best fixed (", "optimal", "epsilon-greedy (ε 0.05, shared)", "linucb (α 0.3, ε 0.05, shared)", "linucb (α 0.3, ε 0.05, disjoint)", "nearest level to the skill signal" })
        {
            Assert.Contains(row, run.Output, StringComparison.Ordinal);
        }
        Assert.Matches(@"optimal\s+0\.8\d{3}\s+0\.8\d{3}\s+100\.0", run.Output);
        // Six curves of 2,000 / 250 = 8 points each.
        var polylines = Regex.Matches(File.ReadAllText(svg), "<polyline [^>]*points=\"([^\"]*)\"");
        Assert.Equal(6, polylines.Count);
        Assert.All(polylines, p => Assert.Equal(8, p.Groups[1].Value.Split(' ').Length));
    }

    [Fact]
    public async Task SimulateNetflix_TinyCsv_PlaysOnePassAndNamesTheBestConstantTag()
    {
        string folder = _temp["content"];
        Directory.CreateDirectory(folder);
        var lines = new List<string> { "show_id,type,title,director,cast,country,date_added,release_year,rating,duration,listed_in,description" };
        for (int i = 1; i <= 60; i++)
        {
            string tags = i % 3 == 0 ? "\"Documentaries, International Movies\"" : "Dramas";
            string text = i % 3 == 0 ? "a documentary about real events" : "a family drama about love";
            lines.Add($"s{i},Movie,Title {i},,,India,,2020,TV-MA,90 min,{tags},{text}");
        }
        File.WriteAllLines(Path.Combine(folder, "netflix_titles.csv"), lines);

        var run = await MaasCli.RunAsync("simulate", "netflix", "--data", folder, "--buckets", "16", "--metadata");
        var missing = await MaasCli.RunAsync("simulate", "netflix", "--data", _temp["nothing"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches(@"best constant \(Dramas\)\s+0\.6667", run.Output);
        Assert.Contains("linucb α 0.3", run.Output, StringComparison.Ordinal);
        Assert.Equal(2, missing.ExitCode);
    }

    [Fact]
    public async Task SimulateNetflix_Embeddings_PlaysOverMiniLmWithTheNamePriorAndCachesTheVectors()
    {
        string folder = _temp["content"];
        Directory.CreateDirectory(folder);
        var lines = new List<string> { "show_id,type,title,director,cast,country,date_added,release_year,rating,duration,listed_in,description" };
        for (int i = 1; i <= 40; i++)
        {
            string tags = i % 2 == 0 ? "Documentaries" : "Comedies";
            string text = i % 2 == 0 ? $"a documentary about real events part {i}" : $"a silly comedy full of jokes part {i}";
            lines.Add($"s{i},Movie,Title {i},,,India,,2020,TV-MA,90 min,{tags},{text}");
        }
        File.WriteAllLines(Path.Combine(folder, "netflix_titles.csv"), lines);
        string cache = _temp["netflix.emb"];
        string[] args = ["simulate", "netflix", "--data", folder, "--embeddings", "all-minilm-l6-v2", "--models", Path.Combine(SharedData.RepositoryRoot, "models"),
            "--embedding-cache", cache, "--buckets", "0", "--optimism", "1", "--prior-weight", "2", "--epsilon", "0", "--alpha", "0.1"];

        var run = await MaasCli.RunAsync(args);
        var again = await MaasCli.RunAsync(args);
        var noEmbeddings = await MaasCli.RunAsync("simulate", "netflix", "--data", folder, "--prior-weight", "2");

        Assert.True(run.ExitCode == 0, run.ToString());
        // The tag names alone point each title at its tag: the name prior makes greedy right from the first title.
        var greedy = Regex.Match(run.Output, @"greedy \(λ 1, optimism 1, name prior 2\)\s+(\d\.\d{4})");
        Assert.True(greedy.Success && double.Parse(greedy.Groups[1].Value, CultureInfo.InvariantCulture) >= 0.9, run.Output);
        Assert.True(File.Exists(cache));
        Assert.Contains("read 40 embeddings from", again.Output, StringComparison.Ordinal);
        Assert.Equal(2, noEmbeddings.ExitCode);
    }

    [Fact]
    public async Task SimulateTrainPolicy_WritesBothModelFoldersAndPlaysThemBesideTheExpert()
    {
        string repository = _temp["policies"];

        var run = await MaasCli.RunAsync("simulate", "train-policy", "--out", repository, "--samples", "2000", "--players", "2000", "--epochs", "10");

        Assert.True(run.ExitCode == 0, run.ToString());
        foreach (string model in new[] { "difficulty-tree", "difficulty-mlp" })
        {
            Assert.True(File.Exists(Path.Combine(repository, model, "1", "model.onnx")), run.ToString());
            Assert.Contains("\"very-hard\"", File.ReadAllText(Path.Combine(repository, model, "model.json")), StringComparison.Ordinal);
        }
        Assert.Matches(@"TreeEnsembleClassifier.*10,000 / 10,000", run.Output);
        Assert.Matches(@"Gemm/Relu/Softmax.*10,000 / 10,000", run.Output);
    }

    [Fact]
    public async Task SimulateNpc_PrintsTheLearnersBesideTheOptimum()
    {
        var run = await MaasCli.RunAsync("simulate", "npc", "--decisions", "2000", "--seed", "5");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches(@"optimal \(sees the style\)\s+0\.7\d{3}", run.Output);
        Assert.Contains("linucb (α 0.3, ε 0.05, disjoint)", run.Output, StringComparison.Ordinal);
    }

    public void Dispose() => _temp.Dispose();
}
