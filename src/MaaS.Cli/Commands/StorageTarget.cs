using MaaS.Storage.Abstractions;
using MaaS.Storage.Hosting;

namespace MaaS.Cli.Commands;

/// <summary>
/// The store and tenant a command works on, named the same way everywhere (<c>--sqlite</c> or <c>--postgres</c>
/// with <c>--postgres-schema</c>, and <c>--tenant</c>), so <c>maas import</c> and <c>maas keys</c> reach the store
/// the gateway reads alike. Without either, SQLite in the gateway's default data folder (<see cref="DataLocation"/>,
/// honouring <c>Storage__DataDirectory</c> as the gateway does), so a gateway started without settings and the
/// command line share one database. An explicit <c>--sqlite</c> whose folder does not exist is refused before anything
/// is written; a database file that is not there yet is created and said so. Each command words the help for its own use.
/// </summary>
internal sealed class StorageTarget
{
    /// <summary>Exit code when the store cannot be opened.</summary>
    public const int StorageUnavailable = 3;

    public StorageTarget(string sqliteHelp, string postgresHelp, string tenantHelp)
    {
        Sqlite = new("--sqlite") { Description = $"{sqliteHelp} Default: the gateway's, {DataLocation.DatabaseFileName} in Storage__DataDirectory or {DataLocation.DefaultDirectory}." };
        Sqlite.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<FileInfo?>() is { } file && !Directory.Exists(file.DirectoryName))
            {
                result.AddError($"--sqlite {file.FullName}: the folder {file.DirectoryName} does not exist; nothing was created.");
            }
        });
        Postgres = new("--postgres") { Description = postgresHelp };
        Tenant = new("--tenant") { Description = tenantHelp, DefaultValueFactory = _ => StorageLimits.DefaultTenant };
    }

    public Option<FileInfo?> Sqlite { get; }

    public Option<string?> Postgres { get; }

    public Option<string> Schema { get; } = new("--postgres-schema") { Description = "PostgreSQL schema holding the MaaS tables.", DefaultValueFactory = _ => "maas" };

    public Option<string> Tenant { get; }

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

    /// <summary>
    /// The storage options the command line names (SQLite in the gateway's default data folder when neither is given),
    /// with the privacy keys of the environment (else the key file the gateway uses).
    /// </summary>
    public StorageOptions Build(ParseResult parse)
    {
        var options = new StorageOptions { Privacy = MaaS.Storage.Privacy.PrivacyOptions.FromEnvironment() };
        if (parse.GetValue(Postgres) is { } postgres)
        {
            options.Provider = StorageProvider.Postgres;
            options.Postgres.ConnectionString = postgres;
            options.Postgres.Schema = parse.GetRequiredValue(Schema);
        }
        else
        {
            options.Sqlite.Path = parse.GetValue(Sqlite)?.FullName ?? DataLocation.DatabasePath(DataLocation.FromEnvironment());
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
        var options = Build(parse);
        bool created = options.Provider == StorageProvider.Sqlite && !File.Exists(options.Sqlite.Path);
        var opened = await StorageFactory.OpenAsync(options, cancellationToken: ct).ConfigureAwait(false);
        if (!opened.TryGetValue(out var storage, out var error))
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync($"{command}: storage: {error.Code}: {error.Message}").ConfigureAwait(false);
            return StorageUnavailable;
        }

        if (created)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync($"{command}: created a new database at {options.Sqlite.Path}").ConfigureAwait(false);
        }

        await using (storage.ConfigureAwait(false))
        {
            return await work(storage, parse.GetRequiredValue(Tenant)).ConfigureAwait(false);
        }
    }

    /// <summary>Where the store is, for people: the SQLite file, or the PostgreSQL schema.</summary>
    public string Describe(ParseResult parse)
    {
        var options = Build(parse);
        return options.Provider == StorageProvider.Sqlite ? options.Sqlite.Path : $"PostgreSQL schema {options.Postgres.Schema}";
    }
}
