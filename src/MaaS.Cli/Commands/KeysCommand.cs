using MaaS.Core;
using MaaS.Storage.Abstractions;
using MaaS.Storage.Keys;

namespace MaaS.Cli.Commands;

/// <summary>
/// <c>maas keys create|list|revoke</c>: API keys written straight into the store the gateway reads (SQLite file or
/// PostgreSQL), for the first key of a tenant or when no admin key is at hand. The key text is printed once.
/// A key revoked here stops working within the gateways' <c>Auth:KeyCacheSeconds</c> (default 5 s).
/// </summary>
internal static class KeysCommand
{
    public static Command Create() => new("keys", "Create, list and revoke API keys.") { CreateCreate(), CreateList(), CreateRevoke() };

    private static Command CreateCreate()
    {
        var target = NewTarget();
        var name = new Option<string>("--name") { Description = "Label for people (e.g. 'ci', 'android app').", DefaultValueFactory = _ => string.Empty };
        var roles = new Option<string[]>("--role")
        {
            Description = "Role: app (inference, events, recommend) or admin (models, keys). Repeat for both. Default: app.",
            DefaultValueFactory = _ => [ApiKeyRules.AppRole],
            AllowMultipleArgumentsPerToken = true,
        };
        var rps = new Option<double?>("--rps") { Description = "Requests per second (token bucket refill); default: the gateway's Auth:RateLimits." };
        var burst = new Option<int?>("--burst") { Description = "Token bucket size; default: the gateway's." };
        var concurrency = new Option<int?>("--concurrency") { Description = "Requests in flight at once; default: the gateway's." };
        var command = new Command("create", "Create a key and print it once (it is stored hashed and cannot be shown again).");
        target.AddTo(command);
        command.Options.Add(name);
        command.Options.Add(roles);
        command.Options.Add(rps);
        command.Options.Add(burst);
        command.Options.Add(concurrency);
        command.SetAction((parse, ct) => WithStoreAsync(parse, target, async (store, tenant, output) =>
        {
            var limits = new ApiKeyLimits(parse.GetValue(rps), parse.GetValue(burst), parse.GetValue(concurrency));
            var (record, text) = ApiKeyText.Create(tenant, parse.GetValue(name) ?? string.Empty, parse.GetValue(roles) ?? [ApiKeyRules.AppRole], limits, DateTimeOffset.UtcNow);
            var created = await store.CreateAsync(record, ct).ConfigureAwait(false);
            if (!created.IsSuccess)
            {
                return Fail(parse, created.Error);
            }

            await output.WriteLineAsync($"store:  {target.Describe(parse)}").ConfigureAwait(false);
            await output.WriteLineAsync($"id:     {record.KeyId}").ConfigureAwait(false);
            await output.WriteLineAsync($"tenant: {record.Tenant}").ConfigureAwait(false);
            await output.WriteLineAsync($"roles:  {string.Join(", ", created.Value.Roles)}").ConfigureAwait(false);
            await output.WriteLineAsync($"key:    {text}").ConfigureAwait(false);
            await output.WriteLineAsync("Store the key now: it is not shown again. Send it as 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'.").ConfigureAwait(false);
            return 0;
        }, ct));
        return command;
    }

    private static Command CreateList()
    {
        var target = NewTarget();
        var command = new Command("list", "List the tenant's keys (ids, roles, limits, state; never secrets).");
        target.AddTo(command);
        command.SetAction((parse, ct) => WithStoreAsync(parse, target, async (store, tenant, output) =>
        {
            var listed = await store.ListAllAsync(tenant, cancellationToken: ct).ConfigureAwait(false);
            if (!listed.IsSuccess)
            {
                return Fail(parse, listed.Error);
            }

            await output.WriteLineAsync("id                tenant            roles        state     created              name").ConfigureAwait(false);
            foreach (var key in listed.Value)
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{key.KeyId,-17} {key.Tenant,-17} {string.Join(',', key.Roles),-12} {(key.IsActive ? "active" : "revoked"),-9} {key.CreatedAt:yyyy-MM-dd HH:mm:ss}  {key.Name}")).ConfigureAwait(false);
            }

            return 0;
        }, ct));
        return command;
    }

    private static Command CreateRevoke()
    {
        var target = NewTarget();
        var id = new Argument<string>("id") { Description = "Key id (the part between 'maas_' and the next '_')." };
        var command = new Command("revoke", "Revoke a key of the tenant.");
        command.Arguments.Add(id);
        target.AddTo(command);
        command.SetAction((parse, ct) => WithStoreAsync(parse, target, async (store, tenant, output) =>
        {
            var revoked = await store.RevokeAsync(tenant, parse.GetRequiredValue(id), DateTimeOffset.UtcNow, ct).ConfigureAwait(false);
            if (!revoked.IsSuccess)
            {
                return Fail(parse, revoked.Error);
            }

            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"revoked {revoked.Value.KeyId} at {revoked.Value.RevokedAt:u}")).ConfigureAwait(false);
            return 0;
        }, ct));
        return command;
    }

    private static Task<int> WithStoreAsync(
        ParseResult parse, StorageTarget target, Func<IApiKeyStore, string, TextWriter, Task<int>> work, CancellationToken ct) =>
        target.WithStorageAsync(parse, "keys", (storage, tenant) => work(storage.Keys, tenant, parse.InvocationConfiguration.Output), ct);

    private static int Fail(ParseResult parse, Error error)
    {
        string detail = error.Problems.Count > 0 ? string.Join("; ", error.Problems.Select(f => $"{f.Field} {f.Reason}")) : error.Message;
        parse.InvocationConfiguration.Error.WriteLine($"keys: {error.Code}: {detail}");
        return error.Code == ErrorCode.DependencyUnavailable ? StorageTarget.StorageUnavailable : 1;
    }

    private static StorageTarget NewTarget() => new(
        sqliteHelp: "SQLite database file of the gateway (its folder must exist).",
        postgresHelp: "Npgsql connection string of the gateway's PostgreSQL database instead.",
        tenantHelp: "Tenant of the keys.");
}
