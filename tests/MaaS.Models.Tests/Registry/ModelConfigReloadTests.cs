namespace MaaS.Models.Tests.Registry;

/// <summary>
/// A model.json that turns bad under a serving model is refused and the last good one stays in effect (YARP's failed
/// reload); a model whose model.json was bad from the start is not served.
/// </summary>
public sealed class ModelConfigReloadTests
{
    private const string Name = "tabular";

    public static TheoryData<string> BadConfigs() => new() { "truncated", "not-an-object", "invalid-value", "missing" };

    [Theory]
    [MemberData(nameof(BadConfigs))]
    public async Task PollAsync_ServingModelJsonTurnsBad_LastGoodKeepsServingAndErrorReported(string damage)
    {
        using var repo = NewRepository(versions: [1, 2]);
        await using var registry = await Registries.LoadAsync(repo.Root);
        using var held = registry.Acquire(Name).Value!;

        Damage(repo, damage);
        int changes = await registry.PollAsync(TestContext.Current.CancellationToken);
        var model = registry.GetModel(Name)!;
        var inferred = await Registries.Inference(registry).InferAsync(Name, null, Registries.MlpRequest(2), TestContext.Current.CancellationToken);
        var acquired = registry.Acquire(Name);
        using var after = acquired.IsSuccess ? acquired.Value : null;

        Assert.True(changes == 1, $"{damage}: {changes} changes");
        Assert.True(model.IsReady, $"{damage}: {model.Reason}");
        Assert.Equal(2, model.DefaultVersion);
        Assert.All(model.Versions, v => Assert.True(v.IsReady, $"{damage}: version {v.Version}: {v.Reason}"));
        Assert.Equal("good v1", model.Config?.Description);
        Assert.Contains("model.json", model.ConfigError);
        Assert.True(inferred.IsSuccess, $"{damage}: {inferred.Error?.Message}");
        Assert.Equal(2, inferred.Value!.ModelVersion);
        // The very runtime leased before the poll still serves: nothing was reloaded or retired.
        Assert.Same(held.Runtime, after?.Runtime);
        Assert.Equal(0, await registry.PollAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task PollAsync_BadModelJsonFixed_NextPollAppliesItAndClearsError()
    {
        using var repo = NewRepository(versions: [1]);
        await using var registry = await Registries.LoadAsync(repo.Root);
        Damage(repo, "truncated");
        await registry.PollAsync(TestContext.Current.CancellationToken);
        Assert.NotNull(registry.GetModel(Name)!.ConfigError);

        File.WriteAllText(ConfigPath(repo), Config("fixed v2"));
        int changes = await registry.PollAsync(TestContext.Current.CancellationToken);
        var model = registry.GetModel(Name)!;

        Assert.Equal(1, changes);
        Assert.Null(model.ConfigError);
        Assert.Equal("fixed v2", model.Config?.Description);
        Assert.True(model.IsReady, model.Reason);
        Assert.True(registry.Acquire(Name).Also(r => r.Value?.Dispose()).IsSuccess);
    }

    [Fact]
    public async Task PollAsync_NewVersionWhileModelJsonBad_WaitsForTheFixOldDefaultServes()
    {
        // A version added under settings nobody can read might need them (maxBatchSize...): it waits for the fix.
        using var repo = NewRepository(versions: [1]);
        await using var registry = await Registries.LoadAsync(repo.Root);
        Damage(repo, "truncated");
        repo.WriteModel(Name, 2, ExampleMlp.BuildOnnx([16]), modelJson: null);

        await registry.PollAsync(TestContext.Current.CancellationToken);
        var waiting = registry.GetModel(Name)!;
        File.WriteAllText(ConfigPath(repo), Config("fixed"));
        await registry.PollAsync(TestContext.Current.CancellationToken);
        var fixedModel = registry.GetModel(Name)!;

        Assert.Equal(1, waiting.DefaultVersion);
        Assert.True(waiting.IsReady, waiting.Reason);
        Assert.Equal(ModelVersionState.Unavailable, waiting.FindVersion(2)!.State);
        Assert.Contains("model.json", waiting.FindVersion(2)!.Reason);
        Assert.Equal(2, fixedModel.DefaultVersion);
        Assert.True(fixedModel.FindVersion(2)!.IsReady, fixedModel.FindVersion(2)!.Reason);
    }

    [Fact]
    public async Task LoadModelAsync_ServingModelJsonBad_RefusedAndLastGoodKeepsServing()
    {
        using var repo = NewRepository(versions: [1]);
        await using var registry = await Registries.LoadAsync(repo.Root);
        Damage(repo, "invalid-value");

        var loaded = await registry.LoadModelAsync(Name, TestContext.Current.CancellationToken);
        var loadedVersion = await registry.LoadVersionAsync(Name, 1, TestContext.Current.CancellationToken);
        var model = registry.GetModel(Name)!;

        Assert.Equal(ErrorCode.InvalidRequest, loaded.Error?.Code);
        Assert.Contains("maxBatchSize must be >= 0", loaded.Error?.Message);
        Assert.Equal(ErrorCode.InvalidRequest, loadedVersion.Error?.Code);
        Assert.Contains("maxBatchSize must be >= 0", loadedVersion.Error?.Message);
        Assert.True(model.IsReady, model.Reason);
        Assert.Equal("good v1", model.Config?.Description);
        Assert.Contains("maxBatchSize must be >= 0", model.ConfigError);
        Assert.True(registry.Acquire(Name).Also(r => r.Value?.Dispose()).IsSuccess);
    }

    [Fact]
    public async Task InitializeAsync_ModelJsonBadAtFirstLoad_NotServedUntilFixed()
    {
        using var repo = NewRepository(versions: [1]);
        Damage(repo, "truncated");
        await using var registry = await Registries.LoadAsync(repo.Root);
        var broken = registry.GetModel(Name)!;
        var refused = registry.Acquire(Name);

        File.WriteAllText(ConfigPath(repo), Config("fixed"));
        await registry.PollAsync(TestContext.Current.CancellationToken);
        var fixedModel = registry.GetModel(Name)!;

        Assert.False(broken.IsReady);
        Assert.Null(broken.Config);
        Assert.Contains("model.json is not valid", broken.ConfigError);
        Assert.Contains("model.json is not valid", broken.Reason);
        Assert.Equal(ErrorCode.ModelNotReady, refused.Error?.Code);
        Assert.True(fixedModel.IsReady, fixedModel.Reason);
        Assert.Null(fixedModel.ConfigError);
    }

    private static TestRepository NewRepository(long[] versions)
    {
        var repo = new TestRepository();
        foreach (long version in versions)
        {
            repo.WriteModel(Name, version, ExampleMlp.BuildOnnx([16]), Config("good v1"));
        }

        return repo;
    }

    private static string Config(string description) =>
        $$"""{ "task": "classification", "description": "{{description}}", "labels": ["low", "medium", "high"], "maxBatchSize": 8 }""";

    private static string ConfigPath(TestRepository repo) => Path.Combine(repo.Root, Name, "model.json");

    private static void Damage(TestRepository repo, string damage)
    {
        string path = ConfigPath(repo);
        switch (damage)
        {
            case "truncated":
                File.WriteAllText(path, Config("half written")[..20]);
                break;
            case "not-an-object":
                File.WriteAllText(path, "[1, 2, 3]");
                break;
            case "invalid-value":
                File.WriteAllText(path, """{ "task": "classification", "maxBatchSize": -1 }""");
                break;
            case "missing":
                File.Delete(path);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(damage), damage, null);
        }
    }
}
