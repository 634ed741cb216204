namespace MaaS.Storage.Postgres;

/// <summary>
/// LISTENs on <c>channel</c> for the writes of every process on the schema over one long-lived connection, and calls
/// <c>changed</c> for each: with <see cref="string.Empty"/> for a payload that is the quoted schema alone, with the
/// rest for a payload <c>schema\n...</c>, with null on every (re)connect (notifications sent while it was down are
/// lost, so whatever depends on them must assume anything changed). A lost connection is reopened after
/// <see cref="RetryDelay"/>. Started by the first <see cref="EnsureStarted"/>; disposing stops it.
/// </summary>
internal sealed class PostgresChangeListener(PostgresDatabase database, string channel, Action<string?> changed, ILogger logger) : IAsyncDisposable
{
    /// <summary>The catalogue's channel. One channel for every schema of the database: a NOTIFY channel name is at most 63 bytes, a schema name alone may be.</summary>
    public const string Channel = "maas_catalog_changes";

    /// <summary>The channel of users' event changes, payload <c>schema\ntenant[\nuser key]*</c>.</summary>
    public const string EventChannel = "maas_event_changes";

    /// <summary>The channel of models' version policies (pin and canary), payload the schema.</summary>
    public const string PolicyChannel = "maas_model_policy_changes";

    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    // A connection dropped without a FIN (a failed-over server) would wait forever; a query this often finds out.
    private static readonly TimeSpan Probe = TimeSpan.FromSeconds(30);

    // How long a blocking wait lasts before the stop token is checked again: the longest a dispose waits for the thread.
    private static readonly TimeSpan StopCheck = TimeSpan.FromMilliseconds(200);

    private readonly CancellationTokenSource _stopping = new();
    private Task? _running;
    private int _started;
    private int _disposed;
    private volatile bool _listening;

    /// <summary>True from the LISTEN's success until the connection fails or the listener stops.</summary>
    public bool IsListening => _listening;

    public void EnsureStarted()
    {
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            _running = Task.Run(() => RunAsync(_stopping.Token));
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (PostgresDatabase.IsDatabaseFailure(e))
            {
                StorageLog.ListenerFailed(logger, "postgres", e);
                try
                {
                    await Task.Delay(RetryDelay, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task ListenAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var prefix = database.Schema + "\n";
        connection.Notification += (_, e) =>
        {
            if (e.Payload == database.Schema)
            {
                changed(string.Empty);
            }
            else if (e.Payload.StartsWith(prefix, StringComparison.Ordinal))
            {
                changed(e.Payload[prefix.Length..]);
            }
        };
        await using (var listen = new NpgsqlCommand($"LISTEN {channel}", connection))
        {
            await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        _listening = true;
        changed(null);
        try
        {
            // Read on a thread of its own, blocked on the socket: as an async continuation a notification would queue
            // on a busy thread pool behind the very request that must see the change it reports.
            await Task.Factory.StartNew(() => WaitLoop(connection, cancellationToken), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default)
                .ConfigureAwait(false);
        }
        finally
        {
            _listening = false;
            // The pool does not reset connections (No Reset On Close): one returned still listening would keep
            // collecting notifications for whoever borrows it next.
            if (connection.State == System.Data.ConnectionState.Open)
            {
                try
                {
                    await using var unlisten = new NpgsqlCommand("UNLISTEN *", connection);
                    await unlisten.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception e) when (PostgresDatabase.IsDatabaseFailure(e))
                {
                    // The connection is broken, and a broken connection never goes back to the pool.
                }
            }
        }
    }

    private static void WaitLoop(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var sinceProbe = System.Diagnostics.Stopwatch.StartNew();
        while (!cancellationToken.IsCancellationRequested)
        {
            if (!connection.Wait(StopCheck) && sinceProbe.Elapsed >= Probe)
            {
                using var probe = new NpgsqlCommand("SELECT 1", connection);
                probe.ExecuteNonQuery();
                sinceProbe.Restart();
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    public async ValueTask DisposeAsync()
    {
        // The storage may be disposed twice (a container and its owner); the second call has nothing left to stop.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_running is not null)
        {
            await _running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _stopping.Dispose();
    }
}
