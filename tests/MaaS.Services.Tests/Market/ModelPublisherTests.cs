using MaaS.Core;
using MaaS.Models.Examples;
using MaaS.Models.Registry;
using MaaS.Services.Market;
using MaaS.Storage.Abstractions;
using static MaaS.Services.Tests.Market.MarketWorld;

namespace MaaS.Services.Tests.Market;

public sealed class ModelPublisherTests
{
    [Fact]
    public async Task PublishAsync_ValidUploadTwice_Versions1And2ReadyFilesInPlaceAndListingOwned()
    {
        await using var world = await StartAsync();
        byte[] onnx = Onnx();

        var first = await world.Publisher.PublishAsync("acme", Card("churn", "private"), onnx, Ct);
        var second = await world.Publisher.PublishAsync("acme", Card("churn", "public"), onnx, Ct);

        Assert.Equal(new PublishedVersion("churn", 1, "acme", ModelVisibility.Private), first.Value);
        Assert.Equal(new PublishedVersion("churn", 2, "acme", ModelVisibility.Public), second.Value);
        var model = world.Registry.GetModel("churn")!;
        Assert.Equal([ModelVersionState.Ready, ModelVersionState.Ready], model.Versions.Select(v => v.State));
        Assert.Equal(2, model.DefaultVersion);
        string folder = Path.Combine(world.Repository, "churn");
        Assert.Equal(onnx, File.ReadAllBytes(Path.Combine(folder, "2", "model.onnx")));
        Assert.Contains("\"accuracy\"", File.ReadAllText(Path.Combine(folder, "1", "card.json")));
        Assert.Equal("tenant:acme", model.Config!.Owner);
        Assert.Equal(64, model.Config.MaxBatchSize);
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(world.Repository), p => Path.GetFileName(p).StartsWith('.'));
        var listing = (await world.Storage.Market.GetAsync("churn", Ct)).Value;
        Assert.Equal(("acme", ModelVisibility.Public), (listing.Owner, listing.Visibility));
        Assert.Equal((listing.Owner, listing.Visibility, listing.UpdatedAt), (world.Access.Find("churn")!.Owner, world.Access.Find("churn")!.Visibility, world.Access.Find("churn")!.UpdatedAt));
    }

    public static TheoryData<string, string, string> RefusedUploads() => new()
    {
        // card name, publishing tenant (or the broken part of the upload), expected "Code: message" start
        { "example-mlp", "acme", "Conflict: the model name 'example-mlp' is taken" },
        { "globex-model", "acme", "Conflict: the model name 'globex-model' is taken" },
        { "x1", "labels", "InvalidRequest: the card does not match the model: card has 2 labels but output 'logits' has 3 classes" },
        { "Upper", "acme", "InvalidRequest: card.name must be 1-64 of [a-z0-9-_]" },
        { "x1", "not-onnx", "InvalidRequest: the file is not a loadable ONNX model" },
    };

    [Theory]
    [MemberData(nameof(RefusedUploads))]
    public async Task PublishAsync_RefusedUpload_ErrorSaysWhyAndNothingChanges(string name, string variant, string expected)
    {
        await using var world = await StartAsync();
        Assert.True((await world.Publisher.PublishAsync("globex", Card("globex-model", "public"), Onnx(), Ct)).IsSuccess);
        string before = world.Snapshot();
        var listingsBefore = (await world.Storage.Market.ListAllAsync(Ct)).Value;

        var result = variant switch
        {
            "labels" => await world.Publisher.PublishAsync("acme", Card(name, labels: ["yes", "no"]), Onnx(), Ct),
            "not-onnx" => await world.Publisher.PublishAsync("acme", Card(name), [.. Enumerable.Range(0, 512).Select(i => (byte)(i * 37))], Ct),
            _ => await world.Publisher.PublishAsync(variant, Card(name), Onnx(), Ct),
        };

        Assert.False(result.IsSuccess, $"{name}/{variant} was published");
        Assert.StartsWith(expected, result.Error.ToString(), StringComparison.Ordinal);
        Assert.Equal(before, world.Snapshot());
        Assert.Equal(listingsBefore.Select(l => (l.Name, l.Owner, l.Visibility)), (await world.Storage.Market.ListAllAsync(Ct)).Value.Select(l => (l.Name, l.Owner, l.Visibility)));
    }

    [Fact]
    public async Task PublishAsync_StoreUnavailable_SaysNothingWasPublishedAndRepositoryUnchanged()
    {
        await using var world = await StartAsync();
        string before = world.Snapshot();
        await world.Storage.DisposeAsync();

        var result = await world.Publisher.PublishAsync("acme", Card("churn"), Onnx(), Ct);

        // The store's own message names SQLite and its error code; the market's says what did not happen.
        Assert.Equal(new Error(ErrorCode.DependencyUnavailable, "the model catalogue is unavailable; nothing was published"), result.Error);
        Assert.Equal(before, world.Snapshot());
        Assert.Null(world.Registry.GetModel("churn"));
    }

    [Fact]
    public async Task ShareAsync_OwnerSharesThenWithdraws_GranteeSeesItOnlyWhileShared()
    {
        await using var world = await StartAsync();
        Assert.True((await world.Publisher.PublishAsync("acme", Card("churn", "tenant"), Onnx(), Ct)).IsSuccess);
        bool before = world.Access.CanSee("globex", "churn");

        var shared = await world.Publisher.ShareAsync("acme", "churn", "globex", share: true, Ct);
        bool whileShared = world.Access.CanSee("globex", "churn");
        var withdrawn = await world.Publisher.ShareAsync("acme", "churn", "globex", share: false, Ct);

        Assert.False(before);
        Assert.Equal(["globex"], shared.Value.SharedWith);
        Assert.True(whileShared);
        Assert.Empty(withdrawn.Value.SharedWith);
        Assert.False(world.Access.CanSee("globex", "churn"));
        Assert.Empty((await world.Storage.Market.GetAsync("churn", Ct)).Value.SharedWith);
    }

    [Fact]
    public async Task ShareAsync_GranteeNotATenantName_StoreErrorFlowsWithItsFieldProblem()
    {
        await using var world = await StartAsync();
        Assert.True((await world.Publisher.PublishAsync("acme", Card("churn", "tenant"), Onnx(), Ct)).IsSuccess);

        var result = await world.Publisher.ShareAsync("acme", "churn", "globex corp!", share: true, Ct);

        Assert.Equal(ErrorCode.InvalidRequest, result.Error?.Code);
        Assert.Equal("tenant", Assert.Single(result.Error!.Problems).Field);
        Assert.Empty(world.Access.Find("churn")!.SharedWith);
    }

    [Theory]
    [InlineData("globex", "churn", "Forbidden: model 'churn' belongs to another tenant")]
    [InlineData("initech", "secret", "ModelNotFound: unknown model: 'secret'")]
    [InlineData("acme", "nothing", "ModelNotFound: unknown model: 'nothing'")]
    [InlineData("operator", "example-mlp", "Unsupported: model 'example-mlp' is a bundled model; only published models can be shared")]
    public async Task ShareAsync_NotTheOwnersPublishedModel_RefusedAndNothingChanges(string tenant, string name, string expected)
    {
        await using var world = await StartAsync();
        Assert.True((await world.Publisher.PublishAsync("acme", Card("churn", "public"), Onnx(), Ct)).IsSuccess);
        Assert.True((await world.Publisher.PublishAsync("acme", Card("secret", "private"), Onnx(), Ct)).IsSuccess);

        var result = await world.Publisher.ShareAsync(tenant, name, "hooli", share: true, Ct);

        Assert.Equal(expected, result.Error?.ToString());
        Assert.All((await world.Storage.Market.ListAllAsync(Ct)).Value, l => Assert.Empty(l.SharedWith));
    }

    [Fact]
    public async Task ShareAsync_StoreUnavailable_SaysTheCatalogueIsUnavailable()
    {
        await using var world = await StartAsync();
        Assert.True((await world.Publisher.PublishAsync("acme", Card("churn", "tenant"), Onnx(), Ct)).IsSuccess);
        await world.Storage.DisposeAsync();

        var result = await world.Publisher.ShareAsync("acme", "churn", "globex", share: true, Ct);

        Assert.Equal(new Error(ErrorCode.DependencyUnavailable, "the model catalogue is unavailable"), result.Error);
        Assert.False(world.Access.CanSee("globex", "churn"));
    }

    [Fact]
    public async Task DeleteAsync_Owner_FolderListingAndModelGoneAndNameFreeForAnotherTenant()
    {
        await using var world = await StartAsync();
        Assert.True((await world.Publisher.PublishAsync("acme", Card("gone", "public"), Onnx(), Ct)).IsSuccess);

        var deleted = await world.Publisher.DeleteAsync("acme", "gone", Ct);

        Assert.Equal("gone", deleted.Value);
        Assert.False(Directory.Exists(Path.Combine(world.Repository, "gone")));
        Assert.Null(world.Registry.GetModel("gone"));
        Assert.Null(world.Access.Find("gone"));
        Assert.Equal(ErrorCode.NotFound, (await world.Storage.Market.GetAsync("gone", Ct)).Error?.Code);
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(world.Repository), p => Path.GetFileName(p).StartsWith('.'));
        Assert.Equal(1, (await world.Publisher.PublishAsync("globex", Card("gone"), Onnx(), Ct)).Value.Version);
    }

    [Fact]
    public async Task DeleteAsync_ListingAlreadyDeletedByAnotherReplica_StillRemovesTheModel()
    {
        await using var world = await StartAsync();
        Assert.True((await world.Publisher.PublishAsync("acme", Card("gone", "public"), Onnx(), Ct)).IsSuccess);
        Assert.True((await world.Storage.Market.DeleteAsync("acme", "gone", Ct)).IsSuccess);

        var deleted = await world.Publisher.DeleteAsync("acme", "gone", Ct);

        Assert.True(deleted.IsSuccess, deleted.ToString());
        Assert.False(Directory.Exists(Path.Combine(world.Repository, "gone")));
        Assert.Null(world.Registry.GetModel("gone"));
    }

    [Fact]
    public async Task DeleteAsync_BundledModel_UnsupportedAndStillServed()
    {
        await using var world = await StartAsync();

        var result = await world.Publisher.DeleteAsync(OperatorTenant, ExampleMlp.Name, Ct);

        Assert.Equal(ErrorCode.Unsupported, result.Error?.Code);
        Assert.True(world.Registry.GetModel(ExampleMlp.Name)!.IsReady);
    }
}
