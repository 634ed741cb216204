namespace MaaS.Storage.Tests.Contract;

/// <summary>
/// The behaviour of every <see cref="IFileStore"/>: bytes round-trip, a tenant sees only its own files, a put of the
/// same id replaces (a batch's output written again), quotas hold, lists page by creation time then id both ways, an
/// expired file reads as gone until the sweep deletes it.
/// </summary>
public abstract class FileStoreContractTests(IStorageSource source) : StorageTestBase(source)
{
    private static string NewId() => "file-" + Guid.NewGuid().ToString("N");

    private NewFile File(string? tenant = null, string purpose = "batch") => new(NewId(), tenant ?? Tenant, "input.jsonl", purpose);

    private async Task<FileRecord> PutAsync(NewFile file, string content, FileQuota? quota = null)
    {
        var stored = await Storage.Files.PutAsync(file, Encoding.UTF8.GetBytes(content), quota, Ct);
        Assert.True(stored.IsSuccess, stored.ToString());
        return stored.Value;
    }

    [Fact]
    public async Task PutAsync_ThenGetAfterReopen_RoundTripsBytesAndHidesFromOtherTenants()
    {
        var file = File();
        var stored = await PutAsync(file, "{\"custom_id\":\"a\"}\n");
        await ReopenAsync();

        var found = await Storage.Files.GetAsync(Tenant, file.Id, Ct);
        var content = await Storage.Files.GetContentAsync(Tenant, file.Id, Ct);
        var other = await Storage.Files.GetAsync("other-tenant", file.Id, Ct);
        var otherContent = await Storage.Files.GetContentAsync("other-tenant", file.Id, Ct);

        Assert.Equal((file.Id, Tenant, "input.jsonl", "batch", 18L), (found.Value.Id, found.Value.Tenant, found.Value.Filename, found.Value.Purpose, found.Value.Bytes));
        Assert.Equal(stored.CreatedAt, found.Value.CreatedAt);
        Assert.Equal("{\"custom_id\":\"a\"}\n", Encoding.UTF8.GetString(content.Value));
        Assert.Equal((ErrorCode.NotFound, ErrorCode.NotFound), (other.Error?.Code, otherContent.Error?.Code));
    }

    [Fact]
    public async Task PutAsync_SameIdAgain_ReplacesBytesButAnotherTenantCannot()
    {
        var file = File(purpose: "batch_output");
        var first = await PutAsync(file, "one");
        var second = await PutAsync(file, "second");
        var stolen = await Storage.Files.PutAsync(file with { Tenant = NewTenant() }, "x"u8.ToArray(), null, Ct);

        Assert.Equal((6L, first.CreatedAt), (second.Bytes, second.CreatedAt));
        Assert.Equal("second", Encoding.UTF8.GetString((await Storage.Files.GetContentAsync(Tenant, file.Id, Ct)).Value));
        Assert.Equal(ErrorCode.Conflict, stolen.Error?.Code);
    }

    [Fact]
    public async Task PutAsync_PastTheQuota_RefusedByCountAndByBytesAndFreedByDelete()
    {
        var quota = new FileQuota(MaxFiles: 2, MaxBytes: 10);
        var a = await PutAsync(File(), "1234", quota);
        await PutAsync(File(), "1234", quota);
        var third = await Storage.Files.PutAsync(File(), "1"u8.ToArray(), quota, Ct);
        Assert.True((await Storage.Files.DeleteAsync(Tenant, a.Id, Ct)).IsSuccess);
        var tooBig = await Storage.Files.PutAsync(File(), "1234567"u8.ToArray(), quota, Ct);
        var fits = await Storage.Files.PutAsync(File(), "123456"u8.ToArray(), quota, Ct);
        var otherTenant = await Storage.Files.PutAsync(File(NewTenant()), "1234"u8.ToArray(), quota, Ct);

        Assert.Equal(ErrorCode.Conflict, third.Error?.Code);
        Assert.Contains("2 files", third.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorCode.Conflict, tooBig.Error?.Code);
        Assert.Contains("10 bytes", tooBig.Error!.Message, StringComparison.Ordinal);
        Assert.True(fits.IsSuccess, fits.ToString());
        Assert.True(otherTenant.IsSuccess, otherTenant.ToString());
    }

    [Fact]
    public async Task ListAsync_OnePurposeInPagesOfTwo_BothOrdersWithoutGapsOrOtherTenants()
    {
        var wanted = new List<FileRecord>();
        for (int i = 0; i < 5; i++)
        {
            wanted.Add(await PutAsync(File(), $"{i}"));
            await PutAsync(File(purpose: "batch_output"), "o");
            await PutAsync(File(NewTenant()), "x");
        }

        foreach (bool ascending in new[] { true, false })
        {
            var expected = (ascending
                ? wanted.OrderBy(f => f.CreatedAt).ThenBy(f => f.Id, StringComparer.Ordinal)
                : wanted.OrderByDescending(f => f.CreatedAt).ThenByDescending(f => f.Id, StringComparer.Ordinal)).Select(f => f.Id).ToList();
            var read = new List<string>();
            FileCursor? after = null;
            while (true)
            {
                var page = await Storage.Files.ListAsync(Tenant, "batch", after, ascending, 2, Ct);
                Assert.True(page.IsSuccess, page.ToString());
                read.AddRange(page.Value.Select(f => f.Id));
                if (page.Value.Count < 2)
                {
                    break;
                }

                after = FileCursor.Of(page.Value[^1]);
            }

            Assert.Equal(expected, read);
        }

        var all = await Storage.Files.ListAsync(Tenant, null, null, true, 100, Ct);
        Assert.Equal(10, all.Value.Count);
    }

    [Fact]
    public async Task PutAsync_WithAnExpiry_ExpiresThatLongAfterTheFirstCreationEvenWhenReplaced()
    {
        var file = File() with { ExpiresAfter = TimeSpan.FromHours(1) };
        var first = await PutAsync(file, "one");
        var longer = await PutAsync(file with { ExpiresAfter = TimeSpan.FromDays(2) }, "two");
        await ReopenAsync();
        var read = (await Storage.Files.GetAsync(Tenant, file.Id, Ct)).Value;
        var kept = await PutAsync(file with { ExpiresAfter = null }, "three");
        var lasting = await PutAsync(File(), "x");

        Assert.Equal(first.CreatedAt.AddHours(1), first.ExpiresAt);
        Assert.Equal((first.CreatedAt, first.CreatedAt.AddDays(2)), (longer.CreatedAt, longer.ExpiresAt));
        Assert.Equal(longer, read);
        Assert.Equal((first.CreatedAt, (DateTimeOffset?)null), (kept.CreatedAt, kept.ExpiresAt));
        Assert.Null(lasting.ExpiresAt);
        Assert.Equal(ErrorCode.InvalidRequest, (await Storage.Files.PutAsync(File() with { ExpiresAfter = TimeSpan.Zero }, "x"u8.ToArray(), null, Ct)).Error?.Code);
    }

    [Fact]
    public async Task ExpiredFiles_ReadAsGoneCountTowardNoQuotaAndThePurgeDeletesThemEarliestFirst()
    {
        var quota = new FileQuota(MaxFiles: 3, MaxBytes: 100);
        var lasting = await PutAsync(File(), "kept", quota);
        var later = await PutAsync(File() with { ExpiresAfter = TimeSpan.FromDays(1) }, "later", quota);
        var first = await PutAsync(File() with { ExpiresAfter = TimeSpan.FromMilliseconds(1) }, "gone1", quota);
        var second = await PutAsync(File(NewTenant()) with { ExpiresAfter = TimeSpan.FromMilliseconds(2) }, "gone2");
        var waited = Stopwatch.StartNew();
        while ((await Storage.Files.GetAsync(second.Tenant, second.Id, Ct)).IsSuccess)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), "the file has not expired after 30 s");
            await Task.Delay(10, Ct);
        }

        var get = await Storage.Files.GetAsync(Tenant, first.Id, Ct);
        var content = await Storage.Files.GetContentAsync(Tenant, first.Id, Ct);
        var delete = await Storage.Files.DeleteAsync(Tenant, first.Id, Ct);
        var listed = (await Storage.Files.ListAsync(Tenant, null, null, ascending: true, 10, Ct)).Value;
        var fits = await Storage.Files.PutAsync(File(), "1"u8.ToArray(), quota, Ct);
        var sweptNow = DateTimeOffset.UtcNow.AddSeconds(5);
        var one = await Storage.Files.PurgeExpiredAsync(sweptNow, 1, Ct);
        var rest = await Storage.Files.PurgeExpiredAsync(sweptNow, 10, Ct);
        var none = await Storage.Files.PurgeExpiredAsync(sweptNow, 10, Ct);

        Assert.Equal((ErrorCode.NotFound, ErrorCode.NotFound, ErrorCode.NotFound), (get.Error?.Code, content.Error?.Code, delete.Error?.Code));
        Assert.Equal([lasting.Id, later.Id], listed.Select(f => f.Id));
        Assert.True(fits.IsSuccess, fits.ToString());
        Assert.Equal((1, 1, 0), (one.Value, rest.Value, none.Value));
        Assert.True((await Storage.Files.GetAsync(Tenant, later.Id, Ct)).IsSuccess);
        Assert.Equal(1, (await Storage.Files.PurgeExpiredAsync(later.ExpiresAt!.Value, 10, Ct)).Value);
        Assert.Equal(ErrorCode.NotFound, (await Storage.Files.GetAsync(Tenant, later.Id, Ct)).Error?.Code);
    }

    [Fact]
    public async Task DeleteAsync_OwnFile_GoneOnceAndNotAnotherTenants()
    {
        var file = File();
        await PutAsync(file, "x");
        var byOther = await Storage.Files.DeleteAsync(NewTenant(), file.Id, Ct);
        var deleted = await Storage.Files.DeleteAsync(Tenant, file.Id, Ct);
        var again = await Storage.Files.DeleteAsync(Tenant, file.Id, Ct);
        var malformed = await Storage.Files.GetAsync(Tenant, "file-../../etc", Ct);

        Assert.Equal(ErrorCode.NotFound, byOther.Error?.Code);
        Assert.Equal(file.Id, deleted.Value.Id);
        Assert.Equal(ErrorCode.NotFound, again.Error?.Code);
        Assert.Equal(ErrorCode.NotFound, (await Storage.Files.GetAsync(Tenant, file.Id, Ct)).Error?.Code);
        Assert.Equal(ErrorCode.NotFound, malformed.Error?.Code);
    }
}
