using MaaS.Core;
using System.CommandLine;
using System.Globalization;
using MaaS.Storage.Abstractions;
using MaaS.Storage.Hosting;
using MaaS.Storage.Keys;

namespace MaaS.Cli.Commands;

/// <summary>
/// <c>maas keys create|list|revoke</c>: API keys written straight into the store the gateway reads (SQLite file or
/// PostgreSQL), for the first key of a tenant or when no admin key is at hand. The key text is printed once.
/// A key revoked here stops working within the gateways' <c>Auth:KeyCacheSeconds</c> (default 5 s).
/// </summary>
internal static class KeysCommand
{
    public static Command Create()
    {
        var keys = new Command("keys", "Create, list and revoke API keys.");
        keys.Subcommands.Add(CreateCreate());
        keys.Subcommands.Add(CreateList());
        keys.Subcommands.Add(CreateRevoke());
        return keys;
    }

    private static Command CreateCreate()
    {
        var target = new Target();
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
        var target = new Target();
        var command = new Command("list", "List the tenant's keys (ids, roles, limits, state; never secrets).");
        target.AddTo(command);
        command.SetAction((parse, ct) => WithStoreAsync(parse, target, async (store, tenant, output) =>
        {
            var listed = await store.ListAsync(tenant, ct).ConfigureAwait(false);
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
        var target = new Target();
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

    private static async Task<int> WithStoreAsync(
        ParseResult parse, Target target, Func<IApiKeyStore, string, TextWriter, Task<int>> work, CancellationToken ct)
    {
        var opened = await StorageFactory.OpenAsync(target.Build(parse), cancellationToken: ct).ConfigureAwait(false);
        if (!opened.TryGetValue(out var storage, out var error))
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync($"keys: storage: {error.Code}: {error.Message}").ConfigureAwait(false);
            return 3;
        }

        await using (storage.ConfigureAwait(false))
        {
            return await work(storage.Keys, parse.GetRequiredValue(target.Tenant), parse.InvocationConfiguration.Output).ConfigureAwait(false);
        }
    }

    private static int Fail(ParseResult parse, Error error)
    {
        string detail = error.Problems.Count > 0 ? string.Join("; ", error.Problems.Select(f => $"{f.Field} {f.Reason}")) : error.Message;
        parse.InvocationConfiguration.Error.WriteLine($"keys: {error.Code}: {detail}");
        return error.Code == ErrorCode.DependencyUnavailable ? 3 : 1;
    }

    /// <summary>Which store and tenant: the same options as <c>maas import</c>.</summary>
    private sealed class Target
    {
        public Option<FileInfo?> Sqlite { get; } = new("--sqlite") { Description = "SQLite database file of the gateway. Default: data/maas.db." };

        public Option<string?> Postgres { get; } = new("--postgres") { Description = "Npgsql connection string of the gateway's PostgreSQL database instead." };

        public Option<string> Schema { get; } = new("--postgres-schema") { Description = "PostgreSQL schema holding the MaaS tables.", DefaultValueFactory = _ => "maas" };

        public Option<string> Tenant { get; } = new("--tenant") { Description = "Tenant of the keys.", DefaultValueFactory = _ => StorageLimits.DefaultTenant };

        public void AddTo(Command command)
        {
            command.Options.Add(Sqlite);
            command.Options.Add(Postgres);
            command.Options.Add(Schema);
            command.Options.Add(Tenant);
            command.Validators.Add(result =>
            {
                if (result.GetResult(Sqlite) is not null && result.GetResult(Postgres) is not null)
                {
                    result.AddError("Give --sqlite or --postgres, not both.");
                }
            });
        }

        public StorageOptions Build(ParseResult parse)
        {
            var options = new StorageOptions();
            if (parse.GetValue(Postgres) is { } postgres)
            {
                options.Provider = StorageProvider.Postgres;
                options.Postgres.ConnectionString = postgres;
                options.Postgres.Schema = parse.GetRequiredValue(Schema);
            }
            else if (parse.GetValue(Sqlite) is { } sqlite)
            {
                options.Sqlite.Path = sqlite.FullName;
            }

            return options;
        }
    }
}
