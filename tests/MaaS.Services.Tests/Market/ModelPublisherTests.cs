using MaaS.Services.Paging;
using MaaS.Models.Registry;

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

        Assert.Equal(new PublishedVersion("acme.churn", 1, "acme", ModelVisibility.Private), first.Value);
        Assert.Equal(new PublishedVersion("acme.churn", 2, "acme", ModelVisibility.Public), second.Value);
        var model = world.Registry.GetModel("acme.churn")!;
        Assert.Equal([ModelVersionState.Ready, ModelVersionState.Ready], model.Versions.Select(v => v.State));
        Assert.Equal(2, model.DefaultVersion);
        string folder = Path.Combine(world.Repository, "acme.churn");
        Assert.Equal(onnx, File.ReadAllBytes(Path.Combine(folder, "2", "model.onnx")));
        Assert.Contains("\"accuracy\"", File.ReadAllText(Path.Combine(folder, "1", "card.json")));
        Assert.Equal("tenant:acme", model.Config!.Owner);
        Assert.Equal(64, model.Config.MaxBatchSize);
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(world.Repository), p => Path.GetFileName(p).StartsWith('.'));
        var listing = (await world.Storage.Market.GetAsync("acme.churn", Ct)).Value;
        Assert.Equal(("acme", ModelVisibility.Public, 2L * onnx.Length), (listing.Owner, listing.Visibility, listing.Bytes));
        Assert.Equal((listing.Owner, listing.Visibility, listing.UpdatedAt), (world.Access.Find("acme.churn")!.Owner, world.Access.Find("acme.churn")!.Visibility, world.Access.Find("acme.churn")!.UpdatedAt));
    }

    public static TheoryData<string, string, string> RefusedUploads() => new()
    {
        // card name, publishing tenant (or the broken part of the upload), expected "Code: message" start
        { "model", "globex", "Conflict: the model name 'globex.model' is taken" },
        { "x1", "visibility-7", "InvalidRequest: card.visibility must be private, tenant or public" },
        { "x1", "external-data", "InvalidRequest: the model references external tensor data" },
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
        // A folder the operator dropped into globex's namespace: the one name a tenant can find taken (a bundled model, seen by all).
        ExampleMlp.WriteTo(world.Repository, 1, Hidden);
        Directory.Move(Path.Combine(world.Repository, ExampleMlp.Name), Path.Combine(world.Repository, "globex.model"));
        await world.Registry.PollAsync(Ct);
        string before = world.Snapshot();
        var listingsBefore = (await world.Storage.Market.ListAllAsync(Ct)).Value;

        var result = variant switch
        {
            "labels" => await world.Publisher.PublishAsync("acme", Card(name, labels: ["yes", "no"]), Onnx(), Ct),
            "not-onnx" => await world.Publisher.PublishAsync("acme", Card(name), [.. Enumerable.Range(0, 512).Select(i => (byte)(i * 37))], Ct),
            "visibility-7" => await world.Publisher.PublishAsync("acme", Card(name, "7"), Onnx(), Ct),
            // A second ModelProto.graph field merges into the first: an initializer whose data is in a file.
            "external-data" => await world.Publisher.PublishAsync("acme", Card(name),
                [.. Onnx(), 0x3A, 0x1A, 0x2A, 0x18, 0x42, 1, (byte)'e', 0x70, 1, 0x6A, 0x11, 0x0A, 8, .. "location"u8, 0x12, 5, .. "x.bin"u8], Ct),
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
        Assert.Null(world.Registry.GetModel("acme.churn"));
    }

    [Fact]
    public async Task ShareAsync_OwnerSharesThenWithdraws_GranteeSeesItOnlyWhileShared()
    {
        await using var world = await StartAsync();
        Assert.True((await world.Publisher.PublishAsync("acme", Card("churn", "tenant"), Onnx(), Ct)).IsSuccess);
        bool before = world.Access.CanSee("globex", "acme.churn");

        var shared = await world.Publisher.ShareAsync("acme", "acme.churn", "globex", share: true, Ct);
        bool whileShared = world.Access.CanSee("globex", "acme.churn");
        var withdrawn = await world.Publisher.ShareAsync("acme", "acme.churn", "globex", share: false, Ct);

        Assert.False(before);
        Assert.Equal(["globex"], shared.Value.Listing.SharedWith);
        Assert.True(whileShared);
        Assert.Empty(withdrawn.Value.Listing.SharedWith);
        Assert.Equal((true, true), (shared.Value.Changed, withdrawn.Value.Changed));
        Assert.False(world.Access.CanSee("globex", "acme.churn"));
        Assert.Empty((await world.Storage.Market.GetAsync("acme.churn", Ct)).Value.SharedWith);
    }

    [Fact]
    public async Task ListSharesAsync_ThreeShares_PagesByTenantAndGetFindsEachOne()
    {
        await using var world = await StartAsync();
        Assert.True((await world.Publisher.PublishAsync("acme", Card("churn", "tenant"), Onnx(), Ct)).IsSuccess);
        foreach (string grantee in new[] { "initech", "globex", "hooli" })
        {
            Assert.True((await world.Publisher.ShareAsync("acme", "acme.churn", grantee, share: true, Ct)).IsSuccess);
        }

        var first = await world.Publisher.ListSharesAsync("acme", "acme.churn", new PageRequest(2, null), Ct);
        var second = await world.Publisher.ListSharesAsync("acme", "acme.churn", new PageRequest(2, first.Value.NextAfter), Ct);
        var unknownCursor = await world.Publisher.ListSharesAsync("acme", "acme.churn", new PageRequest(2, "umbrella"), Ct);
        var bundled = await world.Publisher.ListSharesAsync("operator", "example-mlp", PageRequest.First, Ct);

        Assert.Equal(["globex", "hooli"], first.Value.Items.Select(s => s.Tenant));
        Assert.Equal(["initech"], second.Value.Items.Select(s => s.Tenant));
        Assert.Equal(("hooli", (string?)null), (first.Value.NextAfter, second.Value.NextAfter));
        Assert.Equal("after", Assert.Single(unknownCursor.Error!.Problems).Field);
        Assert.Empty(bundled.Value.Items);
        Assert.Equal(new ModelShare("acme.churn", "hooli"), (await world.Publisher.GetShareAsync("acme", "acme.churn", "hooli", Ct)).Value);
        Assert.Equal(ErrorCode.NotFound, (await world.Publisher.GetShareAsync("acme", "acme.churn", "umbrella", Ct)).Error?.Code);
        Assert.Equal(ErrorCode.Forbidden, (await world.Publisher.GetShareAsync("globex", "acme.churn", "hooli", Ct)).Error?.Code);
    }

    [Fact]
    public async Task ShareAsync_GranteeNotATenantName_StoreErrorFlowsWithItsFieldProblem()
    {
        await using var world = await StartAsync();
        Assert.True((await world.Publisher.PublishAsync("acme", Card("churn", "tenant"), Onnx(), Ct)).IsSuccess);

        var result = await world.Publisher.ShareAsync("acme", "acme.churn", "globex corp!", share: true, Ct);

        Assert.Equal(ErrorCode.InvalidRequest, result.Error?.Code);
        Assert.Equal("tenant", Assert.Single(result.Error!.Problems).Field);
        Assert.Empty(world.Access.Find("acme.churn")!.SharedWith);
    }

    [Theory]
    [InlineData("globex", "acme.churn", "Forbidden: model 'acme.churn' belongs to another tenant")]
    [InlineData("initech", "acme.secret", "ModelNotFound: unknown model: 'acme.secret'")]
    [InlineData("acme", "acme.nothing", "ModelNotFound: unknown model: 'acme.nothing'")]
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

        var result = await world.Publisher.ShareAsync("acme", "acme.churn", "globex", share: true, Ct);

        Assert.Equal(new Error(ErrorCode.DependencyUnavailable, "the model catalogue is unavailable"), result.Error);
        Assert.False(world.Access.CanSee("globex", "acme.churn"));
    }

    [Fact]
    public async Task DeleteAsync_Owner_FolderListingAndModelGoneAndTheNameStartsAgainAtVersion1()
    {
        await using var world = await StartAsync();
        Assert.True((await world.Publisher.PublishAsync("acme", Card("gone", "public"), Onnx(), Ct)).IsSuccess);

        var deleted = await world.Publisher.DeleteAsync("acme", "acme.gone", Ct);

        Assert.Equal("acme.gone", deleted.Value);
        Assert.False(Directory.Exists(Path.Combine(world.Repository, "acme.gone")));
        Assert.Null(world.Registry.GetModel("acme.gone"));
        Assert.Null(world.Access.Find("acme.gone"));
        Assert.Equal(ErrorCode.NotFound, (await world.Storage.Market.GetAsync("acme.gone", Ct)).Error?.Code);
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(world.Repository), p => Path.GetFileName(p).StartsWith('.'));
        Assert.Equal(1, (await world.Publisher.PublishAsync("acme", Card("gone"), Onnx(), Ct)).Value.Version);
    }

    [Fact]
    public async Task DeleteAsync_ListingAlreadyDeletedByAnotherReplica_StillRemovesTheModel()
    {
        await using var world = await StartAsync();
        Assert.True((await world.Publisher.PublishAsync("acme", Card("gone", "public"), Onnx(), Ct)).IsSuccess);
        Assert.True((await world.Storage.Market.DeleteAsync("acme", "acme.gone", Ct)).IsSuccess);

        var deleted = await world.Publisher.DeleteAsync("acme", "acme.gone", Ct);

        Assert.True(deleted.IsSuccess, deleted.ToString());
        Assert.False(Directory.Exists(Path.Combine(world.Repository, "acme.gone")));
        Assert.Null(world.Registry.GetModel("acme.gone"));
    }

    [Fact]
    public async Task DeleteAsync_BundledModel_UnsupportedAndStillServed()
    {
        await using var world = await StartAsync();

        var result = await world.Publisher.DeleteAsync(OperatorTenant, ExampleMlp.Name, Ct);

        Assert.Equal(ErrorCode.Unsupported, result.Error?.Code);
        Assert.True(world.Registry.GetModel(ExampleMlp.Name)!.IsReady);
    }

    [Fact]
    public async Task PublishAsync_CardNameAnotherTenantHoldsPrivately_SameAnswerAsForANameNobodyHolds()
    {
        await using var world = await StartAsync();
        Assert.True((await world.Publisher.PublishAsync("globex", Card("secret", "private"), Onnx(), Ct)).IsSuccess);
        string globexBefore = string.Join('\n', world.Snapshot().Split('\n').Where(l => l.StartsWith("globex.", StringComparison.Ordinal)));

        var held = await world.Publisher.PublishAsync("acme", Card("secret", "private"), Onnx(), Ct);
        var free = await world.Publisher.PublishAsync("acme", Card("nothing", "private"), Onnx(), Ct);

        Assert.Equal(new PublishedVersion("acme.secret", 1, "acme", ModelVisibility.Private), held.Value);
        Assert.Equal(new PublishedVersion("acme.nothing", 1, "acme", ModelVisibility.Private), free.Value);
        Assert.Equal(globexBefore, string.Join('\n', world.Snapshot().Split('\n').Where(l => l.StartsWith("globex.", StringComparison.Ordinal))));
        Assert.Equal("globex", (await world.Storage.Market.GetAsync("globex.secret", Ct)).Value.Owner);
        Assert.False(world.Access.CanSee("acme", "globex.secret"));
    }

    [Fact]
    public async Task PublishAsync_TenantOwnsAPlainNameFromBeforeNamespaces_NewVersionsGoThere()
    {
        await using var world = await StartAsync();
        // A listing and folder as an earlier release published them: plain name, owner marked in model.json.
        Assert.True((await world.Publisher.PublishAsync("acme", Card("churn"), Onnx(), Ct)).IsSuccess);
        Directory.Move(Path.Combine(world.Repository, "acme.churn"), Path.Combine(world.Repository, "churn"));
        Assert.True((await world.Storage.Market.DeleteAsync("acme", "acme.churn", Ct)).IsSuccess);
        Assert.True((await world.Storage.Market.ClaimAsync("acme", "churn", ModelVisibility.Public, Ct)).IsSuccess);
        await world.Registry.PollAsync(Ct);
        await world.Access.RefreshAsync(Ct);

        var acme = await world.Publisher.PublishAsync("acme", Card("churn", "public"), Onnx(), Ct);
        var globex = await world.Publisher.PublishAsync("globex", Card("churn", "public"), Onnx(), Ct);

        Assert.Equal(new PublishedVersion("churn", 2, "acme", ModelVisibility.Public), acme.Value);
        Assert.Equal(new PublishedVersion("globex.churn", 1, "globex", ModelVisibility.Public), globex.Value);
    }

    [Fact]
    public async Task PublishAsync_PastMaxModelsPerTenant_ConflictNamingTheLimitAndNothingChanges()
    {
        await using var world = await StartAsync(new MarketOptions { MaxModelsPerTenant = 2 });
        Assert.True((await world.Publisher.PublishAsync("acme", Card("one"), Onnx(), Ct)).IsSuccess);
        Assert.True((await world.Publisher.PublishAsync("acme", Card("two"), Onnx(), Ct)).IsSuccess);

        var third = await world.Publisher.PublishAsync("acme", Card("three"), Onnx(), Ct);
        var newVersion = await world.Publisher.PublishAsync("acme", Card("two"), Onnx(), Ct);
        var otherTenant = await world.Publisher.PublishAsync("globex", Card("three"), Onnx(), Ct);

        Assert.Equal(new Error(ErrorCode.Conflict, "the tenant has 2 models, the most it may have (2); delete one to publish another"), third.Error);
        Assert.Equal(2, newVersion.Value.Version);
        Assert.True(otherTenant.IsSuccess, otherTenant.ToString());
        Assert.Null(world.Registry.GetModel("acme.three"));
        Assert.DoesNotContain("acme.three", world.Snapshot(), StringComparison.Ordinal);
        Assert.Equal(ErrorCode.NotFound, (await world.Storage.Market.GetAsync("acme.three", Ct)).Error?.Code);
    }

    [Fact]
    public async Task PublishAsync_PastMaxBytesPerTenant_ConflictNamingTheLimitUntilAModelIsDeleted()
    {
        int size = Onnx().Length;
        await using var world = await StartAsync(new MarketOptions { MaxBytesPerTenant = 2L * size + 1 });
        Assert.True((await world.Publisher.PublishAsync("acme", Card("one"), Onnx(), Ct)).IsSuccess);
        Assert.True((await world.Publisher.PublishAsync("acme", Card("one"), Onnx(), Ct)).IsSuccess);
        string before = world.Snapshot();

        var full = await world.Publisher.PublishAsync("acme", Card("two"), Onnx(), Ct);
        string afterRefusal = world.Snapshot();
        Assert.True((await world.Publisher.DeleteAsync("acme", "acme.one", Ct)).IsSuccess);
        var freed = await world.Publisher.PublishAsync("acme", Card("two"), Onnx(), Ct);

        Assert.Equal(new Error(ErrorCode.Conflict,
            $"the tenant's models hold {2 * size} bytes and this upload adds {size}, more than its limit of {2L * size + 1} bytes; delete a model or upload a smaller one"), full.Error);
        Assert.Equal(before, afterRefusal);
        Assert.True(freed.IsSuccess, freed.ToString());
        Assert.Equal(size, (await world.Storage.Market.GetAsync("acme.two", Ct)).Value.Bytes);
    }

    [Fact]
    public async Task PublishAsync_UploadRolledBack_ItsBytesAreGivenBack()
    {
        await using var world = await StartAsync();
        Assert.True((await world.Publisher.PublishAsync("acme", Card("churn"), Onnx(), Ct)).IsSuccess);
        // A stray file where version 2 goes: the write fails after the claim counted the bytes.
        File.WriteAllText(Path.Combine(world.Repository, "acme.churn", "2"), "in the way");

        var failed = await world.Publisher.PublishAsync("acme", Card("churn", "public"), Onnx(), Ct);

        Assert.Equal(ErrorCode.DependencyUnavailable, failed.Error?.Code);
        var listing = (await world.Storage.Market.GetAsync("acme.churn", Ct)).Value;
        Assert.Equal((ModelVisibility.Private, (long)Onnx().Length), (listing.Visibility, listing.Bytes));
    }
}
