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
    public async Task CanSee_NameNeitherListedNorInTheRegistry_OperatorOnlySoNoModelLooksLikeAHiddenOne()
    {
        await using var world = await StartAsync();
        Assert.True((await world.Publisher.PublishAsync("acme", Card("secret", "private"), Onnx(), Ct)).IsSuccess);

        Assert.Equal((false, false), (world.Access.CanSee("globex", "acme.nothing"), world.Access.CanSee("globex", "acme.secret")));
        Assert.True(world.Access.CanSee(OperatorTenant, "late-folder"), "the operator loads folders added since the last poll");
        Assert.False(world.Access.CanSee(OperatorTenant, "acme.secret"));
    }

    [Fact]
    public async Task CanSee_PublishedModelWhoseListingThisReplicaHasNotRead_OwnerOnly()
    {
        // Published through another replica: the folder (model.json owner tenant:acme) arrives before the listing.
        await using var world = await StartAsync();
        Assert.True((await world.Publisher.PublishAsync("acme", Card("churn", "public"), Onnx(), Ct)).IsSuccess);
        var replica = world.NewAccess();

        Assert.True(replica.CanSee("acme", "acme.churn"));
        Assert.False(replica.CanSee("globex", "acme.churn"));
        Assert.Equal("acme", replica.OwnerOf("acme.churn"));
        Assert.Null(replica.Find("acme.churn"));
    }

    [Fact]
    public async Task RefreshAsync_AnotherReplicasChanges_FollowsTheListings()
    {
        await using var world = await StartAsync();
        Assert.True((await world.Publisher.PublishAsync("acme", Card("churn", "tenant"), Onnx(), Ct)).IsSuccess);
        var replica = world.NewAccess();
        await replica.RefreshAsync(Ct);
        bool beforeShare = replica.CanSee("globex", "acme.churn");
        Assert.True((await world.Storage.Market.ShareAsync("acme", "acme.churn", "globex", Ct)).IsSuccess);

        await replica.RefreshAsync(Ct);

        Assert.False(beforeShare);
        Assert.True(replica.CanSee("globex", "acme.churn"));
        Assert.False(replica.CanSee("initech", "acme.churn"));
        Assert.Equal(["globex"], replica.Find("acme.churn")!.SharedWith);
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

        Assert.Equal(ModelVisibility.Public, replica.Find("acme.churn")?.Visibility);
        Assert.True(replica.CanSee("globex", "acme.churn"));
    }
}
