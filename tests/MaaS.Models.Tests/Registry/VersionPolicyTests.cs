namespace MaaS.Models.Tests.Registry;

/// <summary>The registry's version policies: the canary's split, what is never redirected, its fallback, the checks.</summary>
public sealed class VersionPolicyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(TestRepository Repo, ModelRegistry Registry)> TwoVersionsAsync(params long[] versions)
    {
        var repo = new TestRepository();
        foreach (long v in versions.Length == 0 ? [1L, 2L] : versions)
        {
            repo.WithExampleMlp(v);
        }

        return (repo, await Registries.LoadAsync(repo.Root));
    }

    private static long Served(IModelRegistry registry, long? version = null, int? draw = null)
    {
        var lease = ((ModelRegistry)registry).Acquire(ExampleMlp.Name, version, draw);
        Assert.True(lease.IsSuccess, lease.ToString());
        using (lease.Value)
        {
            return lease.Value!.Version;
        }
    }

    [Fact]
    public async Task Acquire_CanaryAtTenPercent_SplitWithinTheBinomialBound()
    {
        var (repo, registry) = await TwoVersionsAsync();
        using (repo)
        await using (registry)
        {
            Assert.True((await registry.SetVersionPolicyAsync(ExampleMlp.Name, new VersionPolicy(1, new VersionCanary(2, 10)), Ct)).IsSuccess);

            int canary = Enumerable.Range(0, 2000).Count(_ => Served(registry) == 2);

            // Mean 200, standard deviation √(2000 · 0.1 · 0.9) ≈ 13.4: five of them either side.
            Assert.InRange(canary, 133, 267);
        }
    }

    [Fact]
    public async Task Acquire_ExplicitVersion_NeverRedirected()
    {
        var (repo, registry) = await TwoVersionsAsync();
        using (repo)
        await using (registry)
        {
            await registry.SetVersionPolicyAsync(ExampleMlp.Name, new VersionPolicy(1, new VersionCanary(2, 99)), Ct);

            Assert.All(Enumerable.Range(0, 100), draw => Assert.Equal(1, Served(registry, 1, draw % 100)));
            Assert.Equal(2, Served(registry, null, 0));
            Assert.Equal(1, Served(registry, null, 99));
        }
    }

    [Fact]
    public async Task AcquireAsync_SequenceDraw_EachSequenceStaysOnOneVersion()
    {
        var (repo, registry) = await TwoVersionsAsync();
        using (repo)
        await using (registry)
        {
            await registry.SetVersionPolicyAsync(ExampleMlp.Name, new VersionPolicy(1, new VersionCanary(2, 50)), Ct);

            var perSequence = new List<long>();
            for (ulong id = 1; id <= 60; id++)
            {
                var served = new HashSet<long>();
                for (int request = 0; request < 5; request++)
                {
                    using var lease = (await registry.AcquireAsync(ExampleMlp.Name, null, VersionCanary.DrawOf(id, null), Ct)).Value!;
                    served.Add(lease.Version);
                }

                Assert.True(served.Count == 1, $"sequence {id} was served by versions {string.Join(", ", served)}");
                perSequence.Add(served.Single());
            }

            Assert.Contains(1L, perSequence);
            Assert.Contains(2L, perSequence);
            Assert.Equal(VersionCanary.DrawOf(0, "seq-a"), VersionCanary.DrawOf(0, "seq-a"));
        }
    }

    [Fact]
    public async Task Acquire_CanaryUnloaded_ItsShareGoesToTheDefaultAndThePolicySaysWhy()
    {
        var (repo, registry) = await TwoVersionsAsync();
        using (repo)
        await using (registry)
        {
            await registry.SetVersionPolicyAsync(ExampleMlp.Name, new VersionPolicy(1, new VersionCanary(2, 99)), Ct);
            await registry.UnloadVersionAsync(ExampleMlp.Name, 2, Ct);

            Assert.All(Enumerable.Range(0, 100), draw => Assert.Equal(1, Served(registry, null, draw)));
            var state = registry.GetModel(ExampleMlp.Name)!.Policy;
            Assert.Equal(new VersionPolicy(1, new VersionCanary(2, 99)), state.Policy);
            Assert.Contains("version 2 is not ready: unloaded", state.CanaryFallback);

            await registry.LoadVersionAsync(ExampleMlp.Name, 2, Ct);
            Assert.Equal(2, Served(registry, null, 0));
            Assert.Null(registry.GetVersionPolicy(ExampleMlp.Name).CanaryFallback);
        }
    }

    [Fact]
    public async Task SetVersionPolicyAsync_BadCanary_RefusedNamingTheFieldAndNothingChanged()
    {
        var (repo, registry) = await TwoVersionsAsync(1, 2, 3);
        using (repo)
        await using (registry)
        {
            await registry.UnloadVersionAsync(ExampleMlp.Name, 3, Ct);

            var notReady = await registry.SetVersionPolicyAsync(ExampleMlp.Name, new VersionPolicy(1, new VersionCanary(3, 10)), Ct);
            var unknown = await registry.SetVersionPolicyAsync(ExampleMlp.Name, new VersionPolicy(1, new VersionCanary(7, 10)), Ct);
            var isDefault = await registry.SetVersionPolicyAsync(ExampleMlp.Name, new VersionPolicy(null, new VersionCanary(2, 10)), Ct);
            var percent = await registry.SetVersionPolicyAsync(ExampleMlp.Name, new VersionPolicy(1, new VersionCanary(2, 100)), Ct);
            var model = await registry.SetVersionPolicyAsync("no-such-model", new VersionPolicy(1, null), Ct);

            Assert.Equal(["canary.version"], notReady.Error!.Problems.Select(p => p.Field));
            Assert.Contains("is not ready (unloaded)", notReady.Error.Message);
            Assert.Equal(["canary.version"], unknown.Error!.Problems.Select(p => p.Field));
            Assert.Equal(["canary.version"], isDefault.Error!.Problems.Select(p => p.Field));
            Assert.Contains("is the default version", isDefault.Error.Message);
            Assert.Equal(["canary.percent"], percent.Error!.Problems.Select(p => p.Field));
            Assert.Equal(ErrorCode.ModelNotFound, model.Error?.Code);
            Assert.Equal(VersionPolicy.None, registry.GetVersionPolicy(ExampleMlp.Name).Policy);
        }
    }

    [Fact]
    public async Task SetDefaultVersionAsync_CanaryVersion_PromotesAndEndsTheCanary()
    {
        var (repo, registry) = await TwoVersionsAsync(1, 2, 3);
        using (repo)
        await using (registry)
        {
            await registry.SetVersionPolicyAsync(ExampleMlp.Name, new VersionPolicy(1, new VersionCanary(2, 10)), Ct);

            var promoted = await registry.SetDefaultVersionAsync(ExampleMlp.Name, 2, Ct);

            Assert.True(promoted.IsSuccess, promoted.ToString());
            Assert.Equal(new VersionPolicy(2, null), promoted.Value!.Policy.Policy);
            Assert.Equal(2, Served(registry, null, 0));
        }
    }

    [Fact]
    public async Task ApplyVersionPoliciesAsync_Stored_AppliedUncheckedAndThoseLeftOutCleared()
    {
        var (repo, registry) = await TwoVersionsAsync();
        using (repo)
        await using (registry)
        {
            await registry.SetVersionPolicyAsync(ExampleMlp.Name, new VersionPolicy(1, null), Ct);
            await registry.ApplyVersionPoliciesAsync(new Dictionary<string, VersionPolicy>
            {
                ["not-here-yet"] = new(3, null),
            }, Ct);
            long cleared = Served(registry);
            var notLoaded = registry.GetVersionPolicy("not-here-yet").Policy;

            await registry.ApplyVersionPoliciesAsync(new Dictionary<string, VersionPolicy>
            {
                [ExampleMlp.Name] = new(1, new VersionCanary(9, 50)),
            }, Ct);

            Assert.Equal(2, cleared);
            Assert.Equal(new VersionPolicy(3, null), notLoaded);
            Assert.Equal(VersionPolicy.None, registry.GetVersionPolicy("not-here-yet").Policy);
            Assert.Contains("version 9 is not in the repository", registry.GetVersionPolicy(ExampleMlp.Name).CanaryFallback);
            Assert.All(Enumerable.Range(0, 100), draw => Assert.Equal(1, Served(registry, null, draw)));
        }
    }
}
