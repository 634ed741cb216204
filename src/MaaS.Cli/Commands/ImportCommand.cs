using System.Diagnostics;
using MaaS.Storage.Abstractions;
using MaaS.Storage.Hosting;
using MaaS.Storage.Import;
using MaaS.Storage.Seeding;

namespace MaaS.Cli.Commands;

/// <summary>
/// <c>maas import movielens &lt;dir&gt;</c>: loads a MovieLens release (ml-100k, ml-1m/10m .dat, ml-latest/20m/25m/32m
/// .csv) into the SQLite file or PostgreSQL database the gateway reads; <c>maas import demo</c> loads the synthetic
/// demo data set; <c>maas import items &lt;file&gt; --map …</c> loads a catalogue from CSV or JSON Lines. Parsing and generation live in MaaS.Storage (Import/, Seeding/).
/// </summary>
internal static class ImportCommand
{
    public static Command Create() => new("import", "Import interaction data into the MaaS store.") { CreateMovieLens(), CreateItems(), CreateDemo() };

    private static Command CreateItems()
    {
        var file = new Argument<FileInfo>("file") { Description = "A CSV file with a header row, or JSON Lines (.jsonl, .ndjson): one item per record." };
        var map = new Option<string>("--map")
        {
            Description = "Catalogue field = source column, comma-separated: id and title required; text, genres, tags, kind optional. " +
                "E.g. id=show_id,title=title,text=description,genres=listed_in",
            Required = true,
        };
        var kind = new Option<string>("--kind") { Description = "Kind of items whose kind column is absent or not movie, song or game.", DefaultValueFactory = _ => "movie" };
        kind.AcceptOnlyFromAmong("movie", "song", "game");
        var target = NewTarget();
        var command = new Command("items", "Import catalogue items from CSV or JSON Lines (an existing id is replaced).") { file, map, kind };
        target.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var error = parse.InvocationConfiguration.Error;
            string path = parse.GetRequiredValue(file).FullName;
            var defaultKind = Enum.Parse<ItemKind>(parse.GetValue(kind)!, ignoreCase: true);
            // The file is read first: a wrong path or map is the likelier mistake, and it needs no store.
            if (!ItemFieldMap.Parse(parse.GetValue(map)).TryGetValue(out var fields, out var mapError)
                || !ItemFileReader.Read(path, fields, defaultKind).TryGetValue(out var items, out mapError))
            {
                var where = FirstProblems(mapError);
                await error.WriteLineAsync($"import: {path}: {mapError.Message}{where}").ConfigureAwait(false);
                return 2;
            }

            return await target.WithStorageAsync(parse, "import", async (storage, tenant) =>
            {
                int written = 0;
                foreach (var chunk in items.Chunk(StorageLimits.MaxBatchSize))
                {
                    var upserted = await storage.Catalog.UpsertAsync(tenant, chunk, ct).ConfigureAwait(false);
                    if (!upserted.TryGetValue(out int n, out var storeError))
                    {
                        await error.WriteLineAsync($"import: {storeError.Code}: {storeError.Message}").ConfigureAwait(false);
                        return 1;
                    }

                    written += n;
                }

                await parse.InvocationConfiguration.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Imported {written:N0} items from {path} into tenant {tenant}")).ConfigureAwait(false);
                return 0;
            }, ct).ConfigureAwait(false);
        });
        return command;
    }

    private static Command CreateDemo()
    {
        var target = NewTarget();
        var seed = new Option<int>("--seed") { Description = "Seed of the synthetic data set.", DefaultValueFactory = _ => 42 };
        var command = new Command("demo", "Load the deterministic demo catalogue (300 movies, songs, games) and its synthetic users' events.");
        target.AddTo(command);
        command.Options.Add(seed);
        command.SetAction((parse, ct) => target.WithStorageAsync(parse, "import", async (storage, tenant) =>
        {
            var data = DemoSeed.Create(parse.GetValue(seed));
            var items = await storage.Catalog.UpsertAsync(tenant, data.Items, ct).ConfigureAwait(false);
            if (!items.IsSuccess)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"import: {items.Error.Code}: {items.Error.Message}").ConfigureAwait(false);
                return 1;
            }
            long inserted = 0;
            foreach (var chunk in data.Events.Chunk(StorageLimits.MaxBatchSize))
            {
                var appended = await storage.Events.AppendAsync(tenant, chunk, ct).ConfigureAwait(false);
                if (!appended.TryGetValue(out var done, out var error))
                {
                    await parse.InvocationConfiguration.Error.WriteLineAsync($"import: {error.Code}: {error.Message}").ConfigureAwait(false);
                    return 1;
                }
                inserted += done.Inserted;
            }
            await parse.InvocationConfiguration.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Demo data: {items.Value} items, {data.Users.Count} users, {data.Events.Count:N0} events ({inserted:N0} new) in tenant {tenant}")).ConfigureAwait(false);
            return 0;
        }, ct));
        return command;
    }

    private static Command CreateMovieLens()
    {
        var directory = new Argument<DirectoryInfo>("dir")
        {
            Description = "Folder of a MovieLens release: u.data+u.item, ratings.dat+movies.dat, or ratings.csv+movies.csv.",
        };
        var target = NewTarget();
        var batchSize = new Option<int>("--batch-size")
        {
            Description = $"Events per durable write (1..{StorageLimits.MaxBatchSize}).",
            DefaultValueFactory = _ => 5_000,
        };
        batchSize.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > StorageLimits.MaxBatchSize)
            {
                result.AddError($"--batch-size must be between 1 and {StorageLimits.MaxBatchSize}.");
            }
        });

        var command = new Command("movielens", "Import a MovieLens release: movies into the catalogue, ratings as 'rate' events (re-running adds nothing).")
        {
            directory, batchSize,
        };
        target.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var folder = parse.GetRequiredValue(directory).FullName;
            var error = parse.InvocationConfiguration.Error;
            // The folder is checked first: a wrong path is the likelier mistake, and it needs no store.
            if (!MovieLensReader.Open(folder).TryGetValue(out var reader, out var openError))
            {
                await error.WriteLineAsync($"import: {folder}: {openError.Message}").ConfigureAwait(false);
                return 2;
            }
            var options = target.Build(parse);
            var where = options.Provider == StorageProvider.Sqlite ? Path.GetFullPath(options.Sqlite.Path) : $"PostgreSQL schema {options.Postgres.Schema}";
            var output = parse.InvocationConfiguration.Output;
            return await target.WithStorageAsync(parse, "import", async (storage, tenant) =>
            {
                await output.WriteLineAsync($"Importing {reader.Format} from {folder} into {where} (tenant {tenant})").ConfigureAwait(false);
                return await ImportAsync(reader, storage, tenant, parse.GetValue(batchSize), output, error, ct).ConfigureAwait(false);
            }, ct).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> ImportAsync(
        MovieLensReader reader, IStorage storage, string tenant, int batchSize, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        var progress = new Progress(read =>
        {
            if (clock.Elapsed - lastReport < TimeSpan.FromSeconds(2))
            {
                return;
            }
            lastReport = clock.Elapsed;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {read:N0} ratings ({read / clock.Elapsed.TotalSeconds:N0}/s)"));
        });
        var result = await MovieLensImporter.ImportAsync(reader, storage, tenant, batchSize, progress, ct).ConfigureAwait(false);
        if (!result.TryGetValue(out var done, out var importError))
        {
            var failures = FirstProblems(importError);
            await error.WriteLineAsync($"import: {importError.Code}: {importError.Message}{failures}").ConfigureAwait(false);
            return 1;
        }
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Imported {done.Items:N0} movies and {done.RatingsRead:N0} ratings ({done.RatingsInserted:N0} new) in {clock.Elapsed.TotalSeconds:F1} s")).ConfigureAwait(false);
        if (done.MalformedLines > 0)
        {
            await error.WriteLineAsync($"import: skipped {done.MalformedLines} malformed line(s), e.g. {string.Join("; ", reader.MalformedSamples)}").ConfigureAwait(false);
        }
        return 0;
    }

    private static StorageTarget NewTarget() => new(
        sqliteHelp: "SQLite database file to import into (created when missing; its folder must exist).",
        postgresHelp: "Npgsql connection string of a PostgreSQL database to import into instead of SQLite.",
        tenantHelp: "Tenant the data belongs to.");

    /// <summary>Reports on the caller's thread (System.Progress would post to the thread pool and interleave output).</summary>
    private sealed class Progress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }

    // The first five problems of a failed import, "#row field reason" each (a problem of no row has no "#").
    private static string FirstProblems(MaaS.Core.Error failure) => failure.Problems.Count > 0
        ? $" ({string.Join("; ", failure.Problems.Take(5).Select(f => f.Index is int row ? $"#{row} {f.Field} {f.Reason}" : $"{f.Field} {f.Reason}"))})"
        : "";
}
