namespace MaaS.Storage.Tests.Contract;

/// <summary>
/// The behaviour of every <see cref="IStorage"/>'s key and model market stores. Each test uses its own
/// tenants, key ids and model names, so tests sharing one database never see each other's rows.
/// </summary>
public abstract class KeyAndMarketContractTests(IStorageSource source) : StorageTestBase(source)
{
    private static readonly DateTimeOffset Created = new(2026, 4, 1, 8, 30, 15, 123, TimeSpan.Zero);

    private static string NewKeyId() => Guid.NewGuid().ToString("N")[..16];

    private static string NewModel() => "m-" + Guid.NewGuid().ToString("N")[..12];

    private static ApiKeyRecord Key(string tenant, string? id = null, string[]? roles = null, ApiKeyLimits? limits = null) =>
        new(id ?? NewKeyId(), tenant, "ci key", roles ?? [ApiKeyRules.AppRole], new string('a', 60) + "0f9e", Created, null, limits ?? ApiKeyLimits.Default);

    [Fact]
    public async Task CreateAsync_ThenFind_RoundTripsEveryField()
    {
        var key = Key(Tenant, roles: [ApiKeyRules.AppRole, ApiKeyRules.AdminRole], limits: new ApiKeyLimits(12.5, 30, 4));

        var created = await Storage.Keys.CreateAsync(key, Ct);
        var found = await Storage.Keys.FindAsync(key.KeyId, Ct);

        Assert.True(created.IsSuccess, created.ToString());
        Assert.True(found.IsSuccess, found.ToString());
        var f = found.Value;
        Assert.Equal((key.KeyId, key.Tenant, key.Name, key.SecretHash, key.CreatedAt, key.RevokedAt, key.Limits),
            (f.KeyId, f.Tenant, f.Name, f.SecretHash, f.CreatedAt, f.RevokedAt, f.Limits));
        Assert.Equal(["admin", "app"], f.Roles);
        Assert.True(f.IsActive);
    }

    [Fact]
    public async Task CreateAsync_SameIdTwice_SecondRefusedFirstKept()
    {
        var key = Key(Tenant);
        Assert.True((await Storage.Keys.CreateAsync(key, Ct)).IsSuccess);

        var again = await Storage.Keys.CreateAsync(key with { Tenant = NewTenant(), Name = "thief" }, Ct);

        Assert.Equal(ErrorCode.InvalidRequest, again.Error?.Code);
        Assert.Equal(Tenant, (await Storage.Keys.FindAsync(key.KeyId, Ct)).Value.Tenant);
    }

    [Fact]
    public async Task CreateAsync_BrokenRecord_ReportsEveryRuleAndStoresNothing()
    {
        var bad = new ApiKeyRecord("BAD ID", "bad tenant!", "x\n", ["root"], "nothex", Created, null, new ApiKeyLimits(double.NaN, 0, -1));

        var result = await Storage.Keys.CreateAsync(bad, Ct);

        Assert.Equal(ErrorCode.InvalidRequest, result.Error?.Code);
        Assert.Equal(["KeyId", "tenant", "Name", "Roles", "SecretHash", "RequestsPerSecond", "Burst", "MaxConcurrentRequests"],
            result.Error!.Problems.Select(f => f.Field));
    }

    [Fact]
    public async Task FindAsync_UnknownId_NotFound()
    {
        Assert.Equal(ErrorCode.NotFound, (await Storage.Keys.FindAsync(NewKeyId(), Ct)).Error?.Code);
        Assert.Equal(ErrorCode.InvalidRequest, (await Storage.Keys.FindAsync("../etc", Ct)).Error?.Code);
    }

    [Fact]
    public async Task ListAsync_TwoTenants_EachSeesOnlyItsKeysInCreationOrder()
    {
        var other = NewTenant();
        var a1 = Key(Tenant) with { CreatedAt = Created };
        var a2 = Key(Tenant) with { CreatedAt = Created.AddSeconds(1) };
        var b1 = Key(other);
        foreach (var k in new[] { a2, b1, a1 })
        {
            Assert.True((await Storage.Keys.CreateAsync(k, Ct)).IsSuccess);
        }

        var mine = await Storage.Keys.ListAsync(Tenant, null, 10, Ct);
        var theirs = await Storage.Keys.ListAsync(other, null, 10, Ct);

        Assert.Equal([a1.KeyId, a2.KeyId], mine.Value.Select(k => k.KeyId));
        Assert.Equal([b1.KeyId], theirs.Value.Select(k => k.KeyId));
    }

    [Fact]
    public async Task ListAsync_PagesAfterAKey_CreationOrderThenIdWithoutGapsOrRepeats()
    {
        // Two keys of one millisecond (ids out of creation order) and one of another tenant in between: the keyset
        // (created_at, key_id) pages them in order, and a key of another tenant is no place in this list.
        var other = Key(NewTenant()) with { CreatedAt = Created.AddSeconds(1) };
        var keys = new[]
        {
            Key(Tenant) with { KeyId = "f" + NewKeyId()[1..], CreatedAt = Created },
            Key(Tenant) with { KeyId = "0" + NewKeyId()[1..], CreatedAt = Created.AddSeconds(1) },
            Key(Tenant) with { KeyId = "9" + NewKeyId()[1..], CreatedAt = Created.AddSeconds(1) },
            Key(Tenant) with { CreatedAt = Created.AddSeconds(2) },
            Key(Tenant) with { CreatedAt = Created.AddSeconds(3) },
        };
        foreach (var k in keys.Reverse().Append(other))
        {
            Assert.True((await Storage.Keys.CreateAsync(k, Ct)).IsSuccess);
        }

        var first = await Storage.Keys.ListAsync(Tenant, null, 2, Ct);
        var second = await Storage.Keys.ListAsync(Tenant, first.Value[^1].KeyId, 2, Ct);
        var third = await Storage.Keys.ListAsync(Tenant, second.Value[^1].KeyId, 2, Ct);
        var all = await Storage.Keys.ListAllAsync(Tenant, pageSize: 2, Ct);

        Assert.Equal(keys.Select(k => k.KeyId), first.Value.Concat(second.Value).Concat(third.Value).Select(k => k.KeyId));
        Assert.Equal(keys.Select(k => k.KeyId), all.Value.Select(k => k.KeyId));
        Assert.Empty((await Storage.Keys.ListAsync(Tenant, other.KeyId, 10, Ct)).Value);
        Assert.Equal(ErrorCode.InvalidRequest, (await Storage.Keys.ListAsync(Tenant, null, 0, Ct)).Error?.Code);
    }

    [Fact]
    public async Task RevokeAsync_OwnKey_StopsBeingActiveAndKeepsFirstRevocationTime()
    {
        var key = Key(Tenant);
        Assert.True((await Storage.Keys.CreateAsync(key, Ct)).IsSuccess);

        var first = await Storage.Keys.RevokeAsync(Tenant, key.KeyId, Created.AddHours(1), Ct);
        var second = await Storage.Keys.RevokeAsync(Tenant, key.KeyId, Created.AddHours(2), Ct);

        Assert.Equal(Created.AddHours(1), first.Value.RevokedAt);
        Assert.Equal(Created.AddHours(1), second.Value.RevokedAt);
        Assert.False((await Storage.Keys.FindAsync(key.KeyId, Ct)).Value.IsActive);
    }

    [Fact]
    public async Task RevokeAsync_OtherTenantsKey_NotFoundAndKeyStaysActive()
    {
        var key = Key(Tenant);
        Assert.True((await Storage.Keys.CreateAsync(key, Ct)).IsSuccess);

        var result = await Storage.Keys.RevokeAsync(NewTenant(), key.KeyId, Created, Ct);
        var unknown = await Storage.Keys.RevokeAsync(Tenant, NewKeyId(), Created, Ct);

        // Worded for the caller, and the same for another tenant's key as for none: the gateway passes it on.
        Assert.Equal(new Error(ErrorCode.NotFound, "no such key in this tenant"), result.Error);
        Assert.Equal(result.Error, unknown.Error);
        Assert.True((await Storage.Keys.FindAsync(key.KeyId, Ct)).Value.IsActive);
    }

    [Fact]
    public async Task CountActiveAdminsAsync_MixedKeys_CountsUnrevokedAdminsOfTenantOnly()
    {
        var admin = Key(Tenant, roles: ["admin"]);
        var both = Key(Tenant, roles: ["app", "admin"]);
        var revoked = Key(Tenant, roles: ["admin"]);
        foreach (var k in new[] { admin, both, revoked, Key(Tenant), Key(NewTenant(), roles: ["admin"]) })
        {
            Assert.True((await Storage.Keys.CreateAsync(k, Ct)).IsSuccess);
        }

        Assert.True((await Storage.Keys.RevokeAsync(Tenant, revoked.KeyId, Created, Ct)).IsSuccess);

        Assert.Equal(2, (await Storage.Keys.CountActiveAdminsAsync(Tenant, Ct)).Value);
    }

    [Fact]
    public async Task ClaimAsync_NewName_OwnedByTenantWithVisibility()
    {
        var name = NewModel();

        var claimed = await Storage.Market.ClaimAsync(Tenant, name, ModelVisibility.Private, Ct);
        var updated = await Storage.Market.ClaimAsync(Tenant, name, ModelVisibility.Public, Ct);

        Assert.Equal((name, Tenant, ModelVisibility.Private), (claimed.Value.Name, claimed.Value.Owner, claimed.Value.Visibility));
        Assert.Equal(ModelVisibility.Public, updated.Value.Visibility);
        Assert.Equal(claimed.Value.CreatedAt, updated.Value.CreatedAt);
        Assert.Equal(ModelVisibility.Public, (await Storage.Market.GetAsync(name, Ct)).Value.Visibility);
    }

    [Fact]
    public async Task ClaimAsync_NameOwnedByOtherTenant_NothingChangesOwnerReturned()
    {
        var name = NewModel();
        Assert.True((await Storage.Market.ClaimAsync(Tenant, name, ModelVisibility.Private, Ct)).IsSuccess);

        var stolen = await Storage.Market.ClaimAsync(NewTenant(), name, ModelVisibility.Public, Ct);

        Assert.Equal(Tenant, stolen.Value.Owner);
        Assert.Equal(ModelVisibility.Private, (await Storage.Market.GetAsync(name, Ct)).Value.Visibility);
    }

    [Fact]
    public async Task ShareAsync_Owner_GranteeListedAndVisibleUnderTenantVisibility()
    {
        var name = NewModel();
        string friend = NewTenant(), stranger = NewTenant();
        Assert.True((await Storage.Market.ClaimAsync(Tenant, name, ModelVisibility.Tenant, Ct)).IsSuccess);

        var shared = await Storage.Market.ShareAsync(Tenant, name, friend, Ct);
        var again = await Storage.Market.ShareAsync(Tenant, name, friend, Ct);

        Assert.Equal([friend], shared.Value.Listing.SharedWith);
        Assert.Equal([friend], again.Value.Listing.SharedWith);
        Assert.Equal((true, false), (shared.Value.Changed, again.Value.Changed));
        var listing = shared.Value.Listing;
        Assert.True(listing.IsVisibleTo(friend));
        Assert.True(listing.IsVisibleTo(Tenant));
        Assert.False(listing.IsVisibleTo(stranger));
        Assert.False((listing with { Visibility = ModelVisibility.Private }).IsVisibleTo(friend));
    }

    [Fact]
    public async Task ListSharesAsync_Owner_PagesGranteesByTenantAndRefusesOthers()
    {
        var name = NewModel();
        var grantees = Enumerable.Range(0, 5).Select(_ => NewTenant()).ToList();
        Assert.True((await Storage.Market.ClaimAsync(Tenant, name, ModelVisibility.Tenant, Ct)).IsSuccess);
        foreach (var grantee in grantees)
        {
            Assert.True((await Storage.Market.ShareAsync(Tenant, name, grantee, Ct)).IsSuccess);
        }

        var first = await Storage.Market.ListSharesAsync(Tenant, name, null, 3, Ct);
        var rest = await Storage.Market.ListSharesAsync(Tenant, name, first.Value[^1], 3, Ct);
        var stranger = await Storage.Market.ListSharesAsync(grantees[0], name, null, 3, Ct);

        Assert.Equal(grantees.Order(StringComparer.Ordinal), first.Value.Concat(rest.Value));
        Assert.Equal((3, 2), (first.Value.Count, rest.Value.Count));
        Assert.Equal(ErrorCode.NotFound, stranger.Error?.Code);
        Assert.Equal(ErrorCode.NotFound, (await Storage.Market.ListSharesAsync(Tenant, NewModel(), null, 3, Ct)).Error?.Code);
    }

    [Fact]
    public async Task ShareAsync_NotOwner_NotFoundAndNoShare()
    {
        var name = NewModel();
        var intruder = NewTenant();
        Assert.True((await Storage.Market.ClaimAsync(Tenant, name, ModelVisibility.Tenant, Ct)).IsSuccess);

        var result = await Storage.Market.ShareAsync(intruder, name, intruder, Ct);

        Assert.Equal(ErrorCode.NotFound, result.Error?.Code);
        Assert.Empty((await Storage.Market.GetAsync(name, Ct)).Value.SharedWith);
    }

    [Fact]
    public async Task UnshareAsync_Owner_GranteeRemoved()
    {
        var name = NewModel();
        string a = NewTenant(), b = NewTenant();
        Assert.True((await Storage.Market.ClaimAsync(Tenant, name, ModelVisibility.Tenant, Ct)).IsSuccess);
        Assert.True((await Storage.Market.ShareAsync(Tenant, name, a, Ct)).IsSuccess);
        Assert.True((await Storage.Market.ShareAsync(Tenant, name, b, Ct)).IsSuccess);

        var result = await Storage.Market.UnshareAsync(Tenant, name, a, Ct);
        var again = await Storage.Market.UnshareAsync(Tenant, name, a, Ct);

        Assert.Equal([b], result.Value.Listing.SharedWith);
        Assert.Equal([b], again.Value.Listing.SharedWith);
        Assert.Equal((true, false), (result.Value.Changed, again.Value.Changed));
    }

    [Fact]
    public async Task DeleteAsync_OwnerAndStranger_OnlyOwnerDeletesAndSharesGo()
    {
        var name = NewModel();
        Assert.True((await Storage.Market.ClaimAsync(Tenant, name, ModelVisibility.Tenant, Ct)).IsSuccess);
        Assert.True((await Storage.Market.ShareAsync(Tenant, name, NewTenant(), Ct)).IsSuccess);

        var stranger = await Storage.Market.DeleteAsync(NewTenant(), name, Ct);
        var owner = await Storage.Market.DeleteAsync(Tenant, name, Ct);
        var reclaimed = await Storage.Market.ClaimAsync(NewTenant(), name, ModelVisibility.Public, Ct);

        Assert.Equal(ErrorCode.NotFound, stranger.Error?.Code);
        Assert.True(owner.Value);
        Assert.Equal(ErrorCode.NotFound, (await Storage.Market.DeleteAsync(Tenant, name, Ct)).Error?.Code);
        Assert.Empty(reclaimed.Value.SharedWith);
    }

    [Fact]
    public async Task ListAllAsync_SeveralListings_AllWithTheirShares()
    {
        string m1 = NewModel(), m2 = NewModel(), friend = NewTenant();
        Assert.True((await Storage.Market.ClaimAsync(Tenant, m1, ModelVisibility.Tenant, Ct)).IsSuccess);
        Assert.True((await Storage.Market.ClaimAsync(friend, m2, ModelVisibility.Public, Ct)).IsSuccess);
        Assert.True((await Storage.Market.ShareAsync(Tenant, m1, friend, Ct)).IsSuccess);

        var all = (await Storage.Market.ListAllAsync(Ct)).Value;

        Assert.Equal([friend], Assert.Single(all, l => l.Name == m1).SharedWith);
        Assert.Equal(friend, Assert.Single(all, l => l.Name == m2).Owner);
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("UPPER")]
    [InlineData("")]
    [InlineData("-lead")]
    [InlineData("a b")]
    [InlineData("{t}.Upper")]
    [InlineData("{t}.")]
    [InlineData("{t}.-lead")]
    [InlineData("{t}.a/b")]
    public async Task ClaimAsync_InvalidName_Refused(string name)
    {
        // {t}: the claiming tenant's namespace, so a refusal comes from the model part, not from a foreign namespace.
        var result = await Storage.Market.ClaimAsync(Tenant, name.Replace("{t}", Tenant, StringComparison.Ordinal), ModelVisibility.Public, Ct);

        Assert.Equal(ErrorCode.InvalidRequest, result.Error?.Code);
    }

    [Fact]
    public async Task ClaimAsync_NameInOwnNamespace_ClaimedAndAnotherTenantsNamespaceRefused()
    {
        string model = NewModel(), intruder = NewTenant();
        string name = ModelListing.Qualify(Tenant, model);

        var own = await Storage.Market.ClaimAsync(Tenant, name, ModelVisibility.Private, Ct);
        var foreign = await Storage.Market.ClaimAsync(intruder, ModelListing.Qualify(Tenant, NewModel()), ModelVisibility.Public, Ct);
        var taken = await Storage.Market.ClaimAsync(intruder, name, ModelVisibility.Public, Ct);

        Assert.Equal((name, Tenant), (own.Value.Name, own.Value.Owner));
        Assert.Equal(("name", ErrorCode.InvalidRequest), (Assert.Single(foreign.Error!.Problems).Field, foreign.Error.Code));
        Assert.Equal(ErrorCode.InvalidRequest, taken.Error?.Code);
        Assert.Equal((Tenant, ModelVisibility.Private), ((await Storage.Market.GetAsync(name, Ct)).Value.Owner, (await Storage.Market.GetAsync(name, Ct)).Value.Visibility));
    }

    [Fact]
    public async Task ClaimAsync_Bytes_AddedPerClaimGivenBackByNegativeNeverBelowZero()
    {
        string name = ModelListing.Qualify(Tenant, NewModel());

        var first = await Storage.Market.ClaimAsync(Tenant, name, ModelVisibility.Private, 1000, null, Ct);
        var second = await Storage.Market.ClaimAsync(Tenant, name, ModelVisibility.Public, 500, null, Ct);
        var back = await Storage.Market.ClaimAsync(Tenant, name, ModelVisibility.Private, -500, null, Ct);
        var floor = await Storage.Market.ClaimAsync(Tenant, name, ModelVisibility.Private, -5000, null, Ct);

        Assert.Equal([1000L, 1500, 1000, 0], new[] { first.Value.Bytes, second.Value.Bytes, back.Value.Bytes, floor.Value.Bytes });
        Assert.Equal(0, Assert.Single((await Storage.Market.ListAllAsync(Ct)).Value, l => l.Name == name).Bytes);
    }

    [Fact]
    public async Task ClaimAsync_NewListingPastMaxModels_ConflictNamingTheLimitAndNothingClaimed()
    {
        var quota = new MarketQuota(MaxModels: 2, MaxBytes: long.MaxValue);
        string a = NewModel(), b = NewModel(), c = NewModel();
        Assert.True((await Storage.Market.ClaimAsync(Tenant, a, ModelVisibility.Private, 10, quota, Ct)).IsSuccess);
        Assert.True((await Storage.Market.ClaimAsync(Tenant, b, ModelVisibility.Private, 10, quota, Ct)).IsSuccess);
        // Another tenant's listings do not count against this one.
        Assert.True((await Storage.Market.ClaimAsync(NewTenant(), NewModel(), ModelVisibility.Private, 10, quota, Ct)).IsSuccess);

        var third = await Storage.Market.ClaimAsync(Tenant, c, ModelVisibility.Private, 10, quota, Ct);
        var again = await Storage.Market.ClaimAsync(Tenant, a, ModelVisibility.Public, 10, quota, Ct);

        Assert.Equal(new Error(ErrorCode.Conflict, "the tenant has 2 models, the most it may have (2); delete one to publish another"), third.Error);
        Assert.Equal(ErrorCode.NotFound, (await Storage.Market.GetAsync(c, Ct)).Error?.Code);
        Assert.Equal((ModelVisibility.Public, 20L), (again.Value.Visibility, again.Value.Bytes));
    }

    [Fact]
    public async Task ClaimAsync_BytesPastMaxBytes_ConflictNamingTheLimitAndListingUnchanged()
    {
        var quota = new MarketQuota(MaxModels: 10, MaxBytes: 1000);
        string a = NewModel(), b = NewModel();
        Assert.True((await Storage.Market.ClaimAsync(Tenant, a, ModelVisibility.Private, 600, quota, Ct)).IsSuccess);

        var tooBig = await Storage.Market.ClaimAsync(Tenant, b, ModelVisibility.Public, 401, quota, Ct);
        var grows = await Storage.Market.ClaimAsync(Tenant, a, ModelVisibility.Public, 401, quota, Ct);
        var fits = await Storage.Market.ClaimAsync(Tenant, b, ModelVisibility.Public, 400, quota, Ct);

        Assert.Equal(new Error(ErrorCode.Conflict,
            "the tenant's models hold 600 bytes and this upload adds 401, more than its limit of 1000 bytes; delete a model or upload a smaller one"), tooBig.Error);
        Assert.Equal(ErrorCode.Conflict, grows.Error?.Code);
        Assert.Equal((ModelVisibility.Private, 600L), ((await Storage.Market.GetAsync(a, Ct)).Value.Visibility, (await Storage.Market.GetAsync(a, Ct)).Value.Bytes));
        Assert.Equal(400, fits.Value.Bytes);
    }

    [Fact]
    public async Task ClaimAsync_ConcurrentNewListings_NeverMoreThanMaxModels()
    {
        var quota = new MarketQuota(MaxModels: 3, MaxBytes: long.MaxValue);

        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ =>
            Storage.Market.ClaimAsync(Tenant, ModelListing.Qualify(Tenant, NewModel()), ModelVisibility.Private, 1, quota, Ct).AsTask()));

        Assert.Equal(3, results.Count(r => r.IsSuccess));
        Assert.All(results.Where(r => !r.IsSuccess), r => Assert.Equal(ErrorCode.Conflict, r.Error!.Code));
        Assert.Equal(3, (await Storage.Market.ListAllAsync(Ct)).Value.Count(l => l.Owner == Tenant));
    }

    [Fact]
    public async Task PutVersionPolicyAsync_PinAndCanary_ListedBackAndReplacedWhole()
    {
        string name = NewModel();

        var stored = await Storage.Market.PutVersionPolicyAsync(new ModelVersionPolicy(name, 2, 3, 10), Ct);
        var first = (await Storage.Market.ListVersionPoliciesAsync(Ct)).Value.Single(p => p.Name == name);
        await Storage.Market.PutVersionPolicyAsync(new ModelVersionPolicy(name, null, 4, 25), Ct);
        var replaced = (await Storage.Market.ListVersionPoliciesAsync(Ct)).Value.Single(p => p.Name == name);

        Assert.True(stored.IsSuccess, stored.ToString());
        Assert.Equal(stored.Value, first);
        Assert.Equal((2L, 3L, 10), (first.DefaultVersion, first.CanaryVersion, first.CanaryPercent));
        Assert.True(Math.Abs((DateTimeOffset.UtcNow - first.UpdatedAt).TotalMinutes) < 5, $"updated at {first.UpdatedAt:o}");
        Assert.Equal(((long?)null, (long?)4L, (int?)25), (replaced.DefaultVersion, replaced.CanaryVersion, replaced.CanaryPercent));
    }

    [Fact]
    public async Task PutVersionPolicyAsync_Empty_RemovesTheRow()
    {
        string name = NewModel();
        await Storage.Market.PutVersionPolicyAsync(new ModelVersionPolicy(name, 1, null, null), Ct);

        var cleared = await Storage.Market.PutVersionPolicyAsync(new ModelVersionPolicy(name, null, null, null), Ct);

        Assert.True(cleared.IsSuccess, cleared.ToString());
        Assert.DoesNotContain((await Storage.Market.ListVersionPoliciesAsync(Ct)).Value, p => p.Name == name);
    }

    [Theory]
    [InlineData(0L, null, null, "version")]
    [InlineData(2L, 2L, 10, "canary.version")]
    [InlineData(null, -1L, 10, "canary.version")]
    [InlineData(1L, 2L, 0, "canary.percent")]
    [InlineData(1L, 2L, 100, "canary.percent")]
    [InlineData(1L, 2L, null, "canary.percent")]
    [InlineData(1L, null, 10, "canary.percent")]
    public async Task PutVersionPolicyAsync_BrokenRule_RefusedNamingTheFieldAndNothingStored(long? pin, long? canary, int? percent, string field)
    {
        string name = NewModel();

        var result = await Storage.Market.PutVersionPolicyAsync(new ModelVersionPolicy(name, pin, canary, percent), Ct);

        Assert.Equal(ErrorCode.InvalidRequest, result.Error?.Code);
        Assert.Equal([field], result.Error!.Problems.Select(p => p.Field));
        Assert.DoesNotContain((await Storage.Market.ListVersionPoliciesAsync(Ct)).Value, p => p.Name == name);
    }

    [Fact]
    public async Task WaitForVersionPolicyChangeAsync_OwnPut_Wakes()
    {
        // Drain whatever earlier puts (or a listener's connect) left set.
        await Storage.Market.WaitForVersionPolicyChangeAsync(TimeSpan.FromSeconds(5), Ct);
        await Storage.Market.WaitForVersionPolicyChangeAsync(TimeSpan.Zero, Ct);
        var clock = Stopwatch.StartNew();
        var waiting = Storage.Market.WaitForVersionPolicyChangeAsync(TimeSpan.FromSeconds(30), Ct).AsTask();

        await Storage.Market.PutVersionPolicyAsync(new ModelVersionPolicy(NewModel(), 1, null, null), Ct);
        await waiting;

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the wake-up took {clock.Elapsed}");
    }
}
