using MaaS.Models.Examples;
using MaaS.Storage.Abstractions;
using static MaaS.Services.Tests.Market.MarketWorld;

namespace MaaS.Services.Tests.Market;

public sealed class ModelAccessTests
{
    [Fact]
    public async Task CanSee_BundledModel_EveryTenantAndOwnedByTheOperator()
    {
        await using var world = await StartAsync();

        Assert.True(world.Access.CanSee("anyone", ExampleMlp.Name));
        Assert.Equal(OperatorTenant, world.Access.OwnerOf(ExampleMlp.Name));
        Assert.True(world.Access.IsOwner(OperatorTenant, ExampleMlp.Name));
        Assert.Null(world.Access.MarkedOwner(ExampleMlp.Name));
    }

    [Fact]
    public async Task CanSee_PublishedModelWhoseListingThisReplicaHasNotRead_OwnerOnly()
    {
        // Published through another replica: the folder (model.json owner tenant:acme) arrives before the listing.
        await using var world = await StartAsync();
        Assert.True((await world.Publisher.PublishAsync("acme", Card("churn", "public"), Onnx(), Ct)).IsSuccess);
        var replica = world.NewAccess();

        Assert.True(replica.CanSee("acme", "churn"));
        Assert.False(replica.CanSee("globex", "churn"));
        Assert.Equal("acme", replica.OwnerOf("churn"));
        Assert.Null(replica.Find("churn"));
    }

    [Fact]
    public async Task RefreshAsync_AnotherReplicasChanges_FollowsTheListings()
    {
        await using var world = await StartAsync();
        Assert.True((await world.Publisher.PublishAsync("acme", Card("churn", "tenant"), Onnx(), Ct)).IsSuccess);
        var replica = world.NewAccess();
        await replica.RefreshAsync(Ct);
        bool beforeShare = replica.CanSee("globex", "churn");
        Assert.True((await world.Storage.Market.ShareAsync("acme", "churn", "globex", Ct)).IsSuccess);

        await replica.RefreshAsync(Ct);

        Assert.False(beforeShare);
        Assert.True(replica.CanSee("globex", "churn"));
        Assert.False(replica.CanSee("initech", "churn"));
        Assert.Equal(["globex"], replica.Find("churn")!.SharedWith);
    }

    [Fact]
    public async Task RefreshAsync_StoreUnavailable_KeepsTheLastCopy()
    {
        await using var world = await StartAsync();
        Assert.True((await world.Publisher.PublishAsync("acme", Card("churn", "public"), Onnx(), Ct)).IsSuccess);
        var replica = world.NewAccess();
        await replica.RefreshAsync(Ct);
        await world.Storage.DisposeAsync();

        await replica.RefreshAsync(Ct);

        Assert.Equal(ModelVisibility.Public, replica.Find("churn")?.Visibility);
        Assert.True(replica.CanSee("globex", "churn"));
    }
}
