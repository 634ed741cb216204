using MaaS.Core;
using MaaS.Models.Examples;
using MaaS.Services.Market;
using static MaaS.Services.Tests.Market.MarketWorld;

namespace MaaS.Services.Tests.Market;

public sealed class TenantModelRegistryTests
{
    [Fact]
    public async Task Reads_TenantThatMayNotSeeAModel_AnswerAsIfItDidNotExist()
    {
        await using var world = await StartAsync();
        Assert.True((await world.Publisher.PublishAsync("acme", Card("secret", "private"), Onnx(), Ct)).IsSuccess);
        var globex = new TenantModelRegistry(world.Registry, world.Access, new FixedTenant("globex"));

        var hidden = globex.Acquire("secret");
        var unknown = globex.Acquire("no-such-model");
        var load = await globex.LoadModelAsync("secret", Ct);

        Assert.Equal([ExampleMlp.Name], globex.GetModels().Select(m => m.Name));
        Assert.DoesNotContain(globex.GetIndex(), e => e.Name == "secret");
        Assert.Null(globex.GetModel("secret"));
        Assert.Equal(unknown.Error!.ToString().Replace("no-such-model", "X"), hidden.Error!.ToString().Replace("secret", "X"));
        Assert.Equal(ErrorCode.ModelNotFound, load.Error?.Code);
        Assert.True(world.Registry.GetModel("secret")!.IsReady, "a hidden load must not touch the model");
    }

    [Fact]
    public async Task Reads_OwnerOrNoTenant_SeeTheModel()
    {
        await using var world = await StartAsync();
        Assert.True((await world.Publisher.PublishAsync("acme", Card("secret", "private"), Onnx(), Ct)).IsSuccess);
        var acme = new TenantModelRegistry(world.Registry, world.Access, new FixedTenant("acme"));
        var startup = new TenantModelRegistry(world.Registry, world.Access, new FixedTenant(null));

        using var lease = acme.Acquire("secret").Value;

        Assert.Equal([ExampleMlp.Name, "secret"], acme.GetModels().Select(m => m.Name).Order(StringComparer.Ordinal));
        Assert.Equal([ExampleMlp.Name, "secret"], startup.GetModels().Select(m => m.Name).Order(StringComparer.Ordinal));
        Assert.NotNull(startup.GetModel("secret"));
    }

    private sealed class FixedTenant(string? tenant) : ITenantContext
    {
        public string? Tenant => tenant;
    }
}
