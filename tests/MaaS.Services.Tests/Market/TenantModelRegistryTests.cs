namespace MaaS.Services.Tests.Market;

public sealed class TenantModelRegistryTests
{
    [Fact]
    public async Task Reads_TenantThatMayNotSeeAModel_AnswerAsIfItDidNotExist()
    {
        await using var world = await StartAsync();
        Assert.True((await world.Publisher.PublishAsync("acme", Card("secret", "private"), Onnx(), Ct)).IsSuccess);
        var globex = new TenantModelRegistry(world.Registry, world.Access, new FixedTenant("globex"));

        var hidden = globex.Acquire("acme.secret");
        var unknown = globex.Acquire("no-such-model");
        var load = await globex.LoadModelAsync("acme.secret", Ct);

        Assert.Equal([ExampleMlp.Name], globex.GetModels().Select(m => m.Name));
        Assert.DoesNotContain(globex.GetIndex(), e => e.Name == "acme.secret");
        Assert.Null(globex.GetModel("acme.secret"));
        Assert.Equal(unknown.Error!.ToString().Replace("no-such-model", "X"), hidden.Error!.ToString().Replace("acme.secret", "X"));
        Assert.Equal(ErrorCode.ModelNotFound, load.Error?.Code);
        Assert.True(world.Registry.GetModel("acme.secret")!.IsReady, "a hidden load must not touch the model");
    }

    [Fact]
    public async Task Reads_OwnerOrNoTenant_SeeTheModel()
    {
        await using var world = await StartAsync();
        Assert.True((await world.Publisher.PublishAsync("acme", Card("secret", "private"), Onnx(), Ct)).IsSuccess);
        var acme = new TenantModelRegistry(world.Registry, world.Access, new FixedTenant("acme"));
        var startup = new TenantModelRegistry(world.Registry, world.Access, new FixedTenant(null));

        using var lease = acme.Acquire("acme.secret").Value;

        Assert.Equal(["acme.secret", ExampleMlp.Name], acme.GetModels().Select(m => m.Name).Order(StringComparer.Ordinal));
        Assert.Equal(["acme.secret", ExampleMlp.Name], startup.GetModels().Select(m => m.Name).Order(StringComparer.Ordinal));
        Assert.NotNull(startup.GetModel("acme.secret"));
    }

    [Theory]
    [InlineData("globex")]
    [InlineData(OperatorTenant)]
    public async Task EveryMethod_ModelTheTenantMayNotSee_SameAnswerAsAModelThatNeverExisted(string tenant)
    {
        await using var world = await StartAsync();
        Assert.True((await world.Publisher.PublishAsync("acme", Card("secret", "private"), Onnx(), Ct)).IsSuccess);
        var registry = new TenantModelRegistry(world.Registry, world.Access, new FixedTenant(tenant));

        foreach (var (method, call) in Calls(registry))
        {
            string hidden = (await call("acme.secret")).Replace("acme.secret", "X", StringComparison.Ordinal);
            string never = (await call("acme.nothing")).Replace("acme.nothing", "X", StringComparison.Ordinal);

            Assert.True(hidden == never, $"{method} as {tenant}: hidden model '{hidden}', no model '{never}'");
            Assert.StartsWith("Fail(ModelNotFound: ", hidden, StringComparison.Ordinal);
        }

        Assert.True(world.Registry.GetModel("acme.secret")!.IsReady, "no hidden call may touch the model");
        Assert.Equal(1, world.Registry.GetModel("acme.secret")!.DefaultVersion);
    }

    /// <summary>Every by-name method of the registry, its outcome as text.</summary>
    private static IEnumerable<(string Method, Func<string, Task<string>> Call)> Calls(TenantModelRegistry registry) =>
    [
        ("GetModel", n => Task.FromResult(registry.GetModel(n) is null ? "Fail(ModelNotFound: null)" : "found")),
        ("Acquire", n => Task.FromResult(Text(registry.Acquire(n)))),
        ("Acquire version", n => Task.FromResult(Text(registry.Acquire(n, 1)))),
        ("AcquireAsync", async n => Text(await registry.AcquireAsync(n, null, Ct))),
        ("LoadModelAsync", async n => Text(await registry.LoadModelAsync(n, Ct))),
        ("UnloadModelAsync", async n => Text(await registry.UnloadModelAsync(n, Ct))),
        ("LoadVersionAsync", async n => Text(await registry.LoadVersionAsync(n, 1, Ct))),
        ("UnloadVersionAsync", async n => Text(await registry.UnloadVersionAsync(n, 1, Ct))),
        ("SetDefaultVersionAsync", async n => Text(await registry.SetDefaultVersionAsync(n, 1, Ct))),
        ("SetDefaultVersionAsync unpin", async n => Text(await registry.SetDefaultVersionAsync(n, null, Ct))),
        ("AcquireAsync canary draw", async n => Text(await registry.AcquireAsync(n, null, 0, Ct))),
        ("SetVersionPolicyAsync", async n => Text(await registry.SetVersionPolicyAsync(n, new MaaS.Models.Registry.VersionPolicy(1, new MaaS.Models.Registry.VersionCanary(1, 10)), Ct))),
    ];

    private static string Text<T>(Result<T> result)
    {
        if (result.IsSuccess && result.Value is IDisposable lease)
        {
            lease.Dispose();
        }

        return result.IsSuccess ? "Ok" : result.ToString();
    }

    private sealed class FixedTenant(string? tenant) : ITenantContext
    {
        public string? Tenant => tenant;
    }
}
