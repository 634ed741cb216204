using MaaS.Models.Ensembles;

namespace MaaS.Models.Registry;

/// <summary>
/// How the registry loads several versions at once (<see cref="ServingOptions.LoadParallelism"/>, Triton's
/// <c>--model-load-thread-count</c>), and how its ensembles follow their members' changes.
/// </summary>
public sealed partial class ModelRegistry
{
    /// <summary>The models that run, and the ensembles (loaded after them, so that an ensemble's load finds its members).</summary>
    private static (DiskModel[] Members, DiskModel[] Ensembles) SplitEnsembles(IEnumerable<DiskModel> models)
    {
        var split = models.ToLookup(IsEnsemble);
        return ([.. split[false]], [.. split[true]]);
    }

    private static bool IsEnsemble(DiskModel disk) => disk.Config is { } config && EnsembleConfigCheck.IsEnsemble(config);

    /// <summary>
    /// Loads the versions of one model, returned in the order asked: at once (each waits for a load slot), but an
    /// ensemble's one by one, since each may load the same lazy member. When cancelled, what the others loaded is
    /// released before the cancellation goes on.
    /// </summary>
    private async Task<VersionSlot[]> LoadVersionsAsync(DiskModel disk, IEnumerable<long> versions, CancellationToken cancellationToken)
    {
        if (IsEnsemble(disk))
        {
            var loaded = new List<VersionSlot>();
            foreach (long version in versions)
            {
                loaded.Add(await LoadVersionSlotAsync(disk, version, cancellationToken).ConfigureAwait(false));
            }

            return [.. loaded];
        }

        var loads = versions.Select(version => LoadVersionSlotAsync(disk, version, cancellationToken)).ToArray();
        try
        {
            return await Task.WhenAll(loads).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            foreach (var load in loads.Where(l => l.IsCompletedSuccessfully))
            {
                load.Result.Runtime?.Release();
            }

            throw;
        }
    }

    /// <summary>
    /// Runs one load in one of the <see cref="ServingOptions.LoadParallelism"/> slots, on a thread of its own: loaders
    /// work on the calling thread (ONNX Runtime builds a session there, for up to seconds), and blocked thread-pool
    /// threads would starve the pool the server and the other loads share.
    /// </summary>
    private async Task<T> InLoadSlotAsync<T>(Func<Task<T>> load, CancellationToken cancellationToken)
    {
        await _loadSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Task.Factory.StartNew(load, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap().ConfigureAwait(false);
        }
        finally
        {
            _loadSlots.Release();
        }
    }

    /// <summary>
    /// After members changed (a poll, an explicit load, a default version set): each ensemble with a step on one of
    /// them checks its graph again. A loaded version that no longer fits (a member reloaded with another signature)
    /// becomes unavailable with the step named, rather than failing each call at that step; a version whose load
    /// failed (a member missing, not loaded, or not fitting then) loads again. Ensembles in <paramref name="changed"/>
    /// were loaded against the members as they are and are left alone. The caller holds the gate. Returns the changes.
    /// </summary>
    private async Task<int> RecheckEnsemblesAsync(HashSet<string> changed, CancellationToken cancellationToken)
    {
        int changes = 0;
        foreach (var slot in _snapshot.Models.Values)
        {
            if (changed.Contains(slot.Name) || slot.Pending || slot.Config is not { EnsembleScheduling: { } scheduling } config
                || !EnsembleConfigCheck.IsEnsemble(config) || !scheduling.Step.Any(s => changed.Contains(s.ModelName))
                || ScanRepositories(slot.Name) is not { } disk || disk.ConfigText != slot.ConfigText)
            {
                continue;
            }

            var versions = slot.Versions;
            var retired = new List<ModelVersionRuntime>();
            foreach (var (version, old) in slot.Versions)
            {
                if (old.Runtime is { } runtime)
                {
                    var snapshot = _snapshot;
                    // Only the members loaded now are checked: one not loaded leaves the ensemble unavailable meanwhile
                    // (EnsembleProblem) and serving again when it is back.
                    var built = EnsembleGraph.Build(config, step => Member(snapshot, config, step, null) is { Signature: not null } member ? member : default);
                    if (!built.IsSuccess)
                    {
                        LogEnsembleMisfit(_logger, slot.Name, version, built.Error.Message);
                        versions = versions.SetItem(version, VersionSlot.Unavailable(version, built.Error.Message)
                            with { FailedFingerprint = RepositoryScanner.Fingerprint(disk.VersionDirectory(version)) });
                        retired.Add(runtime);
                    }
                }
                else if (old.FailedFingerprint is not null)
                {
                    versions = versions.SetItem(version, await LoadVersionSlotAsync(disk, version, cancellationToken).ConfigureAwait(false));
                }
            }

            if (!ReferenceEquals(versions, slot.Versions))
            {
                Set(slot.Name, slot with { Versions = versions });
                foreach (var runtime in retired)
                {
                    runtime.Release();
                }

                changes++;
            }
        }

        return changes;
    }

    /// <summary><see cref="RecheckEnsemblesAsync(HashSet{string}, CancellationToken)"/> after one member changed.</summary>
    private Task<int> RecheckEnsemblesAsync(string member, CancellationToken cancellationToken) =>
        RecheckEnsemblesAsync(new HashSet<string>(StringComparer.Ordinal) { member }, cancellationToken);

    [LoggerMessage(EventId = 1016, Level = LogLevel.Warning, Message = "Ensemble {Model} version {Version} no longer fits its members; unavailable: {Reason}")]
    private static partial void LogEnsembleMisfit(ILogger logger, string model, long version, string reason);
}
