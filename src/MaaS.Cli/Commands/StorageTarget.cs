using System.CommandLine;
using MaaS.Storage.Abstractions;
using MaaS.Storage.Hosting;

namespace MaaS.Cli.Commands;

/// <summary>
/// The store and tenant a command works on, named the same way everywhere (<c>--sqlite</c> or <c>--postgres</c>
/// with <c>--postgres-schema</c>, and <c>--tenant</c>), so <c>maas import</c> and <c>maas keys</c> reach the store
/// the gateway reads alike. Each command words the help for its own use.
/// </summary>
internal sealed class StorageTarget(string sqliteHelp, string postgresHelp, string tenantHelp)
{
    /// <summary>Exit code when the store cannot be opened.</summary>
    public const int StorageUnavailable = 3;

    public Option<FileInfo?> Sqlite { get; } = new("--sqlite") { Description = sqliteHelp };

    public Option<string?> Postgres { get; } = new("--postgres") { Description = postgresHelp };

    public Option<string> Schema { get; } = new("--postgres-schema") { Description = "PostgreSQL schema holding the MaaS tables.", DefaultValueFactory = _ => "maas" };

    public Option<string> Tenant { get; } = new("--tenant") { Description = tenantHelp, DefaultValueFactory = _ => StorageLimits.DefaultTenant };

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

    /// <summary>The storage options the command line names (SQLite at its default path when neither is given).</summary>
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

    /// <summary>
    /// Opens the store, runs <paramref name="work"/> with it and the tenant, and closes it. When the store cannot be
    /// opened, says so as <c><paramref name="command"/>: storage: code: message</c> and returns
    /// <see cref="StorageUnavailable"/>.
    /// </summary>
    public async Task<int> WithStorageAsync(ParseResult parse, string command, Func<IStorage, string, Task<int>> work, CancellationToken ct)
    {
        var opened = await StorageFactory.OpenAsync(Build(parse), cancellationToken: ct).ConfigureAwait(false);
        if (!opened.TryGetValue(out var storage, out var error))
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync($"{command}: storage: {error.Code}: {error.Message}").ConfigureAwait(false);
            return StorageUnavailable;
        }
        await using (storage.ConfigureAwait(false))
        {
            return await work(storage, parse.GetRequiredValue(Tenant)).ConfigureAwait(false);
        }
    }
}
