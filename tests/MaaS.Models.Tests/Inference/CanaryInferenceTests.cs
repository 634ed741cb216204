namespace MaaS.Models.Tests.Inference;

/// <summary>A canary through the inference path: each answer is its own version's, the response cache included.</summary>
public sealed class CanaryInferenceTests
{
    [Fact]
    public async Task InferAsync_CanaryWithResponseCache_EachAnswerIsItsOwnVersionsOutput()
    {
        using var repo = new TestRepository();
        ExampleMlp.WriteTo(repo.Root, 1);
        ExampleMlp.WriteTo(repo.Root, 2, hiddenSizes: [16]);
        File.WriteAllText(Path.Combine(repo.Root, ExampleMlp.Name, "model.json"), """{ "maxBatchSize": 8, "responseCache": { "enable": true } }""");
        await using var registry = await Registries.LoadAsync(repo.Root);
        var inference = Registries.Inference(registry);
        var ct = TestContext.Current.CancellationToken;
        var request = new InferenceRequest([InferTensor.Fp32(ExampleMlp.Input, [.. Enumerable.Range(0, 8).Select(i => i / 8f)], 1, 8)], [ExampleMlp.Probabilities]);
        async Task<(long Version, float[] Output)> InferAsync(long? version)
        {
            var response = (await inference.InferAsync(ExampleMlp.Name, version, request, ct)).Value!;
            return (response.ModelVersion, (float[])response.Outputs.Single().Data);
        }

        // Each version answers once by name first, so both have the request in the cache.
        var one = await InferAsync(1);
        var two = await InferAsync(2);
        Assert.NotEqual(one.Output, two.Output);
        Assert.True((await registry.SetVersionPolicyAsync(ExampleMlp.Name, new VersionPolicy(1, new VersionCanary(2, 50)), ct)).IsSuccess);

        var answers = new List<(long Version, float[] Output)>();
        for (int i = 0; i < 40; i++)
        {
            answers.Add(await InferAsync(null));
        }

        Assert.All(answers, a => Assert.Equal(a.Version == 1 ? one.Output : two.Output, a.Output));
        Assert.Equal([1L, 2L], answers.Select(a => a.Version).Distinct().Order());
        var hits = registry.GetModel(ExampleMlp.Name)!.Versions.Sum(v => v.Statistics!.Snapshot().CacheHit.Count);
        Assert.Equal(40, hits);
    }
}
