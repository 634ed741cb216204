using System.Collections.Concurrent;
using System.Collections.Immutable;
using MaaS.Models.Ensembles;

namespace MaaS.Models.Registry;

/// <summary>The model registry over a folder repository; see <see cref="IModelRegistry"/>.</summary>
public sealed partial class ModelRegistry : IModelRegistry, IAsyncDisposable, IDisposable
{
    private const string KeptNote = "the last good model.json stays in effect";

    private readonly ServingOptions _options;
    private readonly Dictionary<string, IModelLoader> _loaders;
    private readonly ModelMetrics _metrics;
    private readonly ILogger<ModelRegistry> _logger;
    private readonly TimeProvider _time;
    private readonly string _name;
    private readonly string[] _roots;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SemaphoreSlim _loadSlots;
    private readonly Lock _publishing = new();
    private readonly ConcurrentDictionary<string, Lazy<Task>> _firstLoads = new(StringComparer.Ordinal);
    private RegistrySnapshot _snapshot = RegistrySnapshot.Empty;
    private ImmutableDictionary<string, VersionPolicy> _policies = ImmutableDictionary.Create<string, VersionPolicy>(StringComparer.Ordinal);
    private volatile bool _initialized;
    private bool _disposed;

    /// <summary>
    /// Creates the registry; nothing is loaded until <see cref="InitializeAsync"/>. <c>name</c> is what its log lines
    /// call it (another registry may log beside it).
    /// </summary>
    public ModelRegistry(
        IOptions<ServingOptions> options,
        IEnumerable<IModelLoader> loaders,
        ModelMetrics metrics,
        ILogger<ModelRegistry> logger,
        TimeProvider? timeProvider = null,
        string name = "Model registry")
    {
        _options = options.Value;
        _loadSlots = new SemaphoreSlim(Math.Max(_options.LoadParallelism, 1));
        _loaders = new Dictionary<string, IModelLoader>(StringComparer.OrdinalIgnoreCase);
        foreach (var loader in loaders)
        {
            _loaders[loader.Format] = loader;
        }

        _metrics = metrics;
        _logger = logger;
        _time = timeProvider ?? TimeProvider.System;
        _name = name;
        RepositoryPath = ResolveRepositoryPath(_options.RepositoryPath);
        PublishedRepositoryPath = string.IsNullOrWhiteSpace(_options.PublishedRepositoryPath)
            ? RepositoryPath
            : Path.GetFullPath(_options.PublishedRepositoryPath);
        // The bundled folder first: a name in both is served from it.
        _roots = RepositoryPath == PublishedRepositoryPath ? [RepositoryPath] : [RepositoryPath, PublishedRepositoryPath];
    }

    /// <inheritdoc />
    public string RepositoryPath { get; }

    /// <inheritdoc />
    public string PublishedRepositoryPath { get; }

    /// <inheritdoc />
    public bool IsInitialized => _initialized;

    /// <summary>
    /// Resolves a configured repository path: absolute as is; relative against the working directory, else the first
    /// ancestor of the app's base directory that has it (so <c>dotnet run --project</c> and tests find <c>models/</c>).
    /// </summary>
    public static string ResolveRepositoryPath(string configured)
    {
        if (Path.IsPathRooted(configured))
        {
            return Path.GetFullPath(configured);
        }

        string fromCwd = Path.GetFullPath(configured);
        if (Directory.Exists(fromCwd))
        {
            return fromCwd;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, configured);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return fromCwd;
    }

    /// <inheritdoc />
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!Directory.Exists(RepositoryPath))
            {
                LogRepositoryMissing(_logger, RepositoryPath);
            }

            // The models that run load at once (up to LoadParallelism versions), each published as it becomes ready;
            // then the ensembles, one by one, the snapshot read again for each: an ensemble's load publishes the lazy
            // members it loads.
            var (members, ensembles) = SplitEnsembles(ScanRepositories());
            await Task.WhenAll(members.Select(async disk => Set(disk.Name, await LoadOrDeferAsync(disk, cancellationToken).ConfigureAwait(false))))
                .ConfigureAwait(false);
            foreach (var disk in ensembles)
            {
                if (!_snapshot.Models.ContainsKey(disk.Name))
                {
                    Set(disk.Name, await LoadOrDeferAsync(disk, cancellationToken).ConfigureAwait(false));
                }
            }

            var models = _snapshot.Models;

            _initialized = true;
            LogInitialized(_logger, _name, models.Count, models.Values.Sum(m => m.Versions.Values.Count(v => v.State == ModelVersionState.Ready)), string.Join(" and ", _roots));
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async Task<int> PollAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            int changes = 0;
            var onDisk = ScanRepositories().ToDictionary(m => m.Name, StringComparer.Ordinal);
            foreach (var (name, slot) in _snapshot.Models)
            {
                if (!onDisk.ContainsKey(name))
                {
                    Remove(name);
                    RetireAll(slot);
                    LogModelRemoved(_logger, name);
                    changes++;
                }
            }

            // Each model's changes at once, as at start: the models that run first, then the ensembles one by one;
            // then the ensembles over a member that changed check their graphs again.
            var (members, ensembles) = SplitEnsembles(onDisk.Values);
            int[] memberChanges = await Task.WhenAll(members.Select(disk => PollModelAsync(disk, cancellationToken))).ConfigureAwait(false);
            changes += memberChanges.Sum();
            var changed = members.Where((_, i) => memberChanges[i] > 0).Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var disk in ensembles)
            {
                int own = await PollModelAsync(disk, cancellationToken).ConfigureAwait(false);
                changes += own;
                if (own > 0)
                {
                    // Loaded again against the members as they are now: nothing to check again.
                    changed.Add(disk.Name);
                }
            }

            changes += await RecheckEnsemblesAsync(changed, cancellationToken).ConfigureAwait(false);
            return changes;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// One model's part of a poll: a refused model.json, a lazy model's version list, a new or changed model loaded
    /// whole, or its versions followed. Touches only this model's slot, so the models of one poll run at once.
    /// Returns its changes.
    /// </summary>
    private async Task<int> PollModelAsync(DiskModel disk, CancellationToken cancellationToken)
    {
        _snapshot.Models.TryGetValue(disk.Name, out var slot);
        if (RefuseConfig(slot, disk) is { } kept)
        {
            int changes = 0;
            if (!ReferenceEquals(kept, slot))
            {
                Set(disk.Name, kept);
                changes++;
            }

            return changes + (kept.Pending ? 0 : await PollVersionsAsync(disk, kept, cancellationToken).ConfigureAwait(false));
        }

        if (slot is { Pending: true } && slot.ConfigText == disk.ConfigText)
        {
            // Still waiting for its first request: only the listed versions follow the disk.
            if (slot.Versions.Keys.SequenceEqual(disk.Versions.Order()))
            {
                return 0;
            }

            Set(disk.Name, PendingSlot(disk, slot.DefaultOverride));
            return 1;
        }

        if (slot is null || slot.ConfigText != disk.ConfigText)
        {
            // New model, or model.json changed: load it whole (a lazy one not loaded yet stays deferred), then swap.
            var fresh = slot is null or { Pending: true } && PolicyOf(disk) == ModelLoadPolicy.Lazy
                ? PendingSlot(disk, slot?.DefaultOverride)
                : await LoadSlotAsync(disk, slot?.DefaultOverride, cancellationToken).ConfigureAwait(false);
            Set(disk.Name, fresh);
            if (slot is not null)
            {
                RetireAll(slot);
            }

            return 1;
        }

        return await PollVersionsAsync(disk, slot, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public IReadOnlyList<ModelInfo> GetModels() => [.. Volatile.Read(ref _snapshot).Models.Values.Select(ToInfo)];

    /// <inheritdoc />
    public ModelInfo? GetModel(string name) =>
        Volatile.Read(ref _snapshot).Models.TryGetValue(name, out var slot) ? ToInfo(slot) : null;

    /// <inheritdoc />
    public bool TryGetConfig(string name, out ModelConfig? config)
    {
        bool known = Volatile.Read(ref _snapshot).Models.TryGetValue(name, out var slot);
        config = slot?.Config;
        return known;
    }

    /// <inheritdoc />
    public IReadOnlyList<RepositoryIndexEntry> GetIndex()
    {
        var snapshot = Volatile.Read(ref _snapshot);
        var entries = new List<RepositoryIndexEntry>();
        var disk = ScanRepositories().ToDictionary(m => m.Name, StringComparer.Ordinal);
        foreach (string name in disk.Keys.Union(snapshot.Models.Keys).Order(StringComparer.Ordinal))
        {
            snapshot.Models.TryGetValue(name, out var slot);
            var versions = new SortedSet<long>(slot?.Versions.Keys ?? []);
            if (disk.TryGetValue(name, out var onDisk))
            {
                versions.UnionWith(onDisk.Versions);
            }

            if (versions.Count == 0)
            {
                entries.Add(new RepositoryIndexEntry(name, null, slot is null ? null : ModelVersionState.Unavailable,
                    slot?.ConfigError ?? onDisk?.ConfigError ?? "no version folders"));
                continue;
            }

            foreach (long version in versions)
            {
                if (slot is not null && slot.Versions.TryGetValue(version, out var v))
                {
                    entries.Add(new RepositoryIndexEntry(name, version, v.State, ReasonOf(v)));
                }
                else
                {
                    entries.Add(new RepositoryIndexEntry(name, version, null, "not loaded"));
                }
            }
        }

        return entries;
    }

    /// <inheritdoc />
    public Result<ModelLease> Acquire(string name, long? version = null) => Acquire(name, version, null);

    /// <summary>
    /// <see cref="Acquire(string, long?)"/>, an unversioned request split by the model's canary at
    /// <paramref name="canaryDraw"/> (0..99; null draws at random).
    /// </summary>
    public Result<ModelLease> Acquire(string name, long? version, int? canaryDraw)
    {
        // A runtime retired between reading the snapshot and taking the reference refuses it; read again.
        for (int attempt = 0; attempt < 4; attempt++)
        {
            var snapshot = Volatile.Read(ref _snapshot);
            if (!snapshot.Models.TryGetValue(name, out var slot))
            {
                return Result<ModelLease>.Fail(ErrorCode.ModelNotFound, $"unknown model: '{name}'");
            }

            if (slot.Pending)
            {
                return Result<ModelLease>.Fail(ErrorCode.ModelNotReady, $"model '{name}' is {ModelSlot.PendingReason}");
            }

            long? resolved = version ?? slot.ResolveDefault();
            if (version is null && slot.Canary is { } canary && canary.Version != resolved
                && canary.Takes(canaryDraw ?? Random.Shared.Next(100)) && CanaryServes(snapshot, slot, canary))
            {
                resolved = canary.Version;
            }

            if (resolved is not long v)
            {
                string why = slot.LoadError
                    ?? (slot.Versions.Count == 0 ? "no version folders" : string.Join("; ", slot.Versions.Values.Select(s => $"version {s.Version}: {s.Reason}")));
                return Result<ModelLease>.Fail(ErrorCode.ModelNotReady, $"model '{name}' is not ready: {why}");
            }

            if (!slot.Versions.TryGetValue(v, out var versionSlot))
            {
                return version is null
                    ? Result<ModelLease>.Fail(ErrorCode.ModelNotReady, $"default version {v} of model '{name}' is not loaded")
                    : Result<ModelLease>.Fail(ErrorCode.VersionNotFound, $"unknown version {v} of model '{name}'");
            }

            if (versionSlot.Runtime is not { } runtime)
            {
                return Result<ModelLease>.Fail(ErrorCode.ModelNotReady, $"model '{name}' version {v} is not ready: {versionSlot.Reason}");
            }

            if (EnsembleProblem(snapshot, runtime) is { } problem)
            {
                return Result<ModelLease>.Fail(ErrorCode.ModelNotReady, $"model '{name}' version {v} is not ready: {problem}");
            }

            if (runtime.TryAddReference())
            {
                return Result<ModelLease>.Ok(new ModelLease(runtime));
            }
        }

        return Result<ModelLease>.Fail(ErrorCode.ModelNotReady, $"model '{name}' is being replaced; retry");
    }

    /// <inheritdoc />
    public ValueTask<Result<ModelLease>> AcquireAsync(string name, long? version = null, CancellationToken cancellationToken = default) =>
        AcquireAsync(name, version, null, cancellationToken);

    /// <inheritdoc />
    public async ValueTask<Result<ModelLease>> AcquireAsync(string name, long? version, int? canaryDraw, CancellationToken cancellationToken = default)
    {
        await EnsureLoadedAsync(name, cancellationToken).ConfigureAwait(false);
        return Acquire(name, version, canaryDraw);
    }

    /// <inheritdoc />
    public async ValueTask EnsureLoadedAsync(string name, CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _snapshot).Models.TryGetValue(name, out var slot) && slot.Pending)
        {
            // One load however many first requests arrive; a caller that gives up leaves it running for the others.
            var load = _firstLoads.GetOrAdd(name, static (n, self) => new Lazy<Task>(() => Task.Run(() => self.LoadOnFirstRequestAsync(n))), this);
            await load.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Loads a pending lazy model whole, unless an explicit load, unload or poll settled it meanwhile.</summary>
    private async Task LoadOnFirstRequestAsync(string name)
    {
        try
        {
            await _gate.WaitAsync().ConfigureAwait(false);
            try
            {
                if (_disposed || !_snapshot.Models.TryGetValue(name, out var slot) || !slot.Pending || ScanRepositories(name) is not { } disk)
                {
                    return;
                }

                LogFirstRequestLoad(_logger, name);
                var loading = slot.Versions.ToImmutableSortedDictionary(kv => kv.Key, kv => kv.Value with { State = ModelVersionState.Loading, Reason = "loading" });
                Set(name, slot with { Versions = loading });
                var fresh = await LoadSlotAsync(disk, slot.DefaultOverride, CancellationToken.None).ConfigureAwait(false);
                Set(name, fresh);
                await RecheckEnsemblesAsync(name, CancellationToken.None).ConfigureAwait(false);
            }
            finally
            {
                _gate.Release();
            }
        }
        finally
        {
            _firstLoads.TryRemove(name, out _);
        }
    }

    /// <inheritdoc />
    public async Task<Result<ModelInfo>> LoadModelAsync(string name, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var disk = ScanRepositories(name);
            if (disk is null)
            {
                return Result<ModelInfo>.Fail(ErrorCode.ModelNotFound, $"model '{name}' is not in the repository");
            }

            _snapshot.Models.TryGetValue(name, out var old);
            if (RefuseConfig(old, disk) is { } kept)
            {
                Set(name, kept);
                return Result<ModelInfo>.Fail(ErrorCode.InvalidRequest, $"failed to load '{name}': {disk.ConfigError}; {KeptNote}");
            }

            var fresh = await LoadSlotAsync(disk, old?.DefaultOverride, cancellationToken).ConfigureAwait(false);
            Set(name, fresh);
            if (old is not null)
            {
                RetireAll(old);
            }

            await RecheckEnsemblesAsync(name, cancellationToken).ConfigureAwait(false);

            var info = ToInfo(fresh);
            if (fresh.ConfigError is not null)
            {
                return Result<ModelInfo>.Fail(ErrorCode.InvalidRequest, $"failed to load '{name}': {fresh.ConfigError}");
            }

            var failed = fresh.Versions.Values.Where(v => v.State != ModelVersionState.Ready).ToList();
            if (fresh.Versions.Count == 0 || failed.Count == fresh.Versions.Count)
            {
                string reason = failed.Count == 0 ? "no version folders" : string.Join("; ", failed.Select(f => $"version {f.Version}: {f.Reason}"));
                return Result<ModelInfo>.Fail(ErrorCode.InvalidRequest, $"failed to load '{name}': {reason}");
            }

            return Result<ModelInfo>.Ok(info);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async Task<Result<ModelInfo>> UnloadModelAsync(string name, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_snapshot.Models.TryGetValue(name, out var slot))
            {
                return ScanRepositories(name) is null
                    ? Result<ModelInfo>.Fail(ErrorCode.ModelNotFound, $"model '{name}' is not in the repository")
                    : Result<ModelInfo>.Ok(new ModelInfo(name, null, [], null, false, "unloaded"));
            }

            // A lazy model unloaded before its first request stays unloaded, as an eager one does, until loaded explicitly.
            var versions = slot.Versions.ToImmutableSortedDictionary(
                kv => kv.Key, kv => kv.Value.State == ModelVersionState.Ready || slot.Pending ? VersionSlot.Unavailable(kv.Key, "unloaded") : kv.Value);
            var unloaded = slot with { Versions = versions, Pending = false };
            Set(name, unloaded);
            RetireAll(slot);
            LogModelUnloaded(_logger, name);
            return Result<ModelInfo>.Ok(ToInfo(unloaded));
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async Task<Result<ModelVersionInfo>> LoadVersionAsync(string name, long version, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var disk = ScanRepositories(name);
            if (disk is null)
            {
                return Result<ModelVersionInfo>.Fail(ErrorCode.ModelNotFound, $"model '{name}' is not in the repository");
            }

            if (Array.IndexOf(disk.Versions, version) < 0)
            {
                return Result<ModelVersionInfo>.Fail(ErrorCode.VersionNotFound, $"model '{name}' has no version folder {version}");
            }

            _snapshot.Models.TryGetValue(name, out var slot);
            if (RefuseConfig(slot, disk) is { } kept)
            {
                Set(name, kept);
                return Result<ModelVersionInfo>.Fail(ErrorCode.InvalidRequest, $"failed to load '{name}' version {version}: {disk.ConfigError}; {KeptNote}");
            }

            if (slot is null || slot.ConfigText != disk.ConfigText)
            {
                // Never loaded, or model.json changed since: a version needs the model's current settings.
                slot = new ModelSlot(name, disk.Config, disk.ConfigText, disk.ConfigError, ModelSlot.NoVersions, slot?.DefaultOverride);
            }

            var loaded = await LoadVersionSlotAsync(disk, version, cancellationToken).ConfigureAwait(false);
            slot.Versions.TryGetValue(version, out var old);
            var updated = slot with { Versions = slot.Versions.SetItem(version, loaded), Pending = false };
            Set(name, updated);
            old?.Runtime?.Release();
            await RecheckEnsemblesAsync(name, cancellationToken).ConfigureAwait(false);
            var info = ToVersionInfo(name, loaded);
            return loaded.State == ModelVersionState.Ready
                ? Result<ModelVersionInfo>.Ok(info)
                : Result<ModelVersionInfo>.Fail(ErrorCode.InvalidRequest, $"failed to load '{name}' version {version}: {loaded.Reason}");
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async Task<Result<ModelVersionInfo>> UnloadVersionAsync(string name, long version, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_snapshot.Models.TryGetValue(name, out var slot))
            {
                return Result<ModelVersionInfo>.Fail(ErrorCode.ModelNotFound, $"unknown model: '{name}'");
            }

            if (!slot.Versions.TryGetValue(version, out var old))
            {
                return Result<ModelVersionInfo>.Fail(ErrorCode.VersionNotFound, $"unknown version {version} of model '{name}'");
            }

            var unloaded = old.State == ModelVersionState.Ready ? VersionSlot.Unavailable(version, "unloaded") : old;
            Set(name, slot with { Versions = slot.Versions.SetItem(version, unloaded) });
            old.Runtime?.Release();
            LogUnloaded(_logger, name, version);
            return Result<ModelVersionInfo>.Ok(ToVersionInfo(name, unloaded));
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public Task<Result<ModelInfo>> SetDefaultVersionAsync(string name, long? version, CancellationToken cancellationToken = default) =>
        SetVersionPolicyAsync(name, PinnedPolicy(GetVersionPolicy(name).Policy, version), cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!await _gate.WaitAsync(DisposeTimeout).ConfigureAwait(false))
        {
            // A load in flight (a slow provider, a stuck file system) must not hang the host's stop forever. Its holder
            // still writes the snapshot, so the models are retired when it lets go of the gate, never under it.
            LogDisposeTimedOut(_logger, _name, DisposeTimeout.TotalSeconds);
            _ = RetireWhenReleasedAsync();
            return;
        }

        RetireAllHeld();
    }

    /// <summary>
    /// How long <see cref="DisposeAsync"/> waits for a change in flight (a load, a reload) to let go of the registry;
    /// past this the stop goes on and the models are retired when the change ends (the host's own stop allows 30 s).
    /// </summary>
    internal TimeSpan DisposeTimeout { get; set; } = TimeSpan.FromSeconds(20);

    private async Task RetireWhenReleasedAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        RetireAllHeld();
    }

    /// <summary>Retires every model; the caller holds the gate, which this releases.</summary>
    private void RetireAllHeld()
    {
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            var old = _snapshot;
            Volatile.Write(ref _snapshot, RegistrySnapshot.Empty);
            foreach (var slot in old.Models.Values)
            {
                RetireAll(slot);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <inheritdoc />
    public string? FindModelDirectory(string name) => ScanRepositories(name)?.Directory;

    /// <summary>Every model folder of the repositories, by name; the bundled one wins a name found in both.</summary>
    private IReadOnlyList<DiskModel> ScanRepositories()
    {
        if (_roots.Length == 1)
        {
            return RepositoryScanner.Scan(_roots[0]);
        }

        var found = new SortedDictionary<string, DiskModel>(StringComparer.Ordinal);
        foreach (string root in _roots)
        {
            foreach (var model in RepositoryScanner.Scan(root))
            {
                found.TryAdd(model.Name, model);
            }
        }

        return [.. found.Values];
    }

    /// <summary>One model folder, from the first repository that has it; null when none does.</summary>
    private DiskModel? ScanRepositories(string name) =>
        _roots.Select(root => RepositoryScanner.ScanModel(root, name)).FirstOrDefault(m => m is not null);

    private async Task<int> PollVersionsAsync(DiskModel disk, ModelSlot slot, CancellationToken cancellationToken)
    {
        int changes = 0;
        var versions = slot.Versions;
        var retired = new List<VersionSlot>();
        foreach (long gone in versions.Keys.Where(v => Array.IndexOf(disk.Versions, v) < 0).ToList())
        {
            retired.Add(versions[gone]);
            versions = versions.Remove(gone);
            changes++;
        }

        long newest = 0;
        var toLoad = disk.Versions.Where(v => !slot.Versions.TryGetValue(v, out var known)
            || (known.FailedFingerprint is { } before && before != RepositoryScanner.Fingerprint(disk.VersionDirectory(v))));
        // Loaded fully before they are published: requests never see a half-loaded version.
        foreach (var loaded in await LoadVersionsAsync(disk, toLoad, cancellationToken).ConfigureAwait(false))
        {
            versions = versions.SetItem(loaded.Version, loaded);
            if (loaded.State == ModelVersionState.Ready)
            {
                newest = Math.Max(newest, loaded.Version);
            }

            changes++;
        }

        if (newest > 0 && _options.RetireSupersededVersions
            && newest == versions.Where(kv => kv.Value.State == ModelVersionState.Ready).Max(kv => kv.Key))
        {
            foreach (var (version, older) in versions.Where(kv => kv.Key < newest && kv.Value.State == ModelVersionState.Ready).ToList())
            {
                retired.Add(older);
                versions = versions.SetItem(version, VersionSlot.Unavailable(version, $"superseded by version {newest}"));
            }
        }

        if (changes > 0)
        {
            Set(slot.Name, slot with { Versions = versions });
            foreach (var old in retired)
            {
                old.Runtime?.Release();
            }

            LogPolled(_logger, slot.Name, changes);
        }

        return changes;
    }

    /// <summary>
    /// YARP's rule for a reload: a model.json that cannot be applied (unreadable, missing, invalid) to a model that has
    /// a good one is refused, and the last good settings and loaded versions stay in effect with the error recorded.
    /// Returns the slot to publish (the same instance when nothing changed), or null when the disk's model.json is to
    /// be applied: it is valid, or the model never had a valid one (a first load fails as before).
    /// </summary>
    private ModelSlot? RefuseConfig(ModelSlot? slot, DiskModel disk)
    {
        if (disk.Config is not null || slot?.Config is null)
        {
            return null;
        }

        if (slot.ConfigText == disk.ConfigText && slot.ConfigError == disk.ConfigError)
        {
            return slot;
        }

        LogConfigRefused(_logger, disk.Name, disk.ConfigError ?? "unknown error");
        // ConfigText becomes the refused text, so the next poll sees no change until the file is rewritten.
        return slot with { ConfigText = disk.ConfigText, ConfigError = disk.ConfigError };
    }

    // A model.json that cannot be read is "loaded" at once: its error is listed like any failed load.
    private ModelLoadPolicy PolicyOf(DiskModel disk) => disk.Config is { } config ? config.LoadPolicy ?? _options.LoadPolicy : ModelLoadPolicy.Eager;

    /// <summary>An eager model loaded whole; a lazy one listed with its versions, to be loaded by its first request.</summary>
    private async Task<ModelSlot> LoadOrDeferAsync(DiskModel disk, CancellationToken cancellationToken)
    {
        if (PolicyOf(disk) == ModelLoadPolicy.Eager)
        {
            return await LoadSlotAsync(disk, null, cancellationToken).ConfigureAwait(false);
        }

        LogDeferred(_logger, disk.Name);
        return PendingSlot(disk, null);
    }

    private static ModelSlot PendingSlot(DiskModel disk, long? defaultOverride)
    {
        var versions = disk.Versions.Order().ToImmutableSortedDictionary(v => v, v => VersionSlot.Unavailable(v, ModelSlot.PendingReason));
        long? keep = defaultOverride is long d && versions.ContainsKey(d) ? d : null;
        return new ModelSlot(disk.Name, disk.Config, disk.ConfigText, disk.ConfigError, versions, keep, Pending: true);
    }

    private async Task<ModelSlot> LoadSlotAsync(DiskModel disk, long? defaultOverride, CancellationToken cancellationToken)
    {
        var versions = ModelSlot.NoVersions;
        if (disk.Config is null)
        {
            LogConfigInvalid(_logger, disk.Name, disk.ConfigError ?? "unknown error");
            foreach (long version in disk.Versions)
            {
                versions = versions.Add(version, VersionSlot.Unavailable(version, disk.ConfigError ?? "model.json is invalid"));
            }
        }
        else
        {
            foreach (var loaded in await LoadVersionsAsync(disk, disk.Versions, cancellationToken).ConfigureAwait(false))
            {
                versions = versions.Add(loaded.Version, loaded);
            }
        }

        // The version policy is laid over by Set: a pinned default stays pinned (it is persisted) even if its version went.
        return new ModelSlot(disk.Name, disk.Config, disk.ConfigText, disk.ConfigError, versions, defaultOverride);
    }

    private async Task<VersionSlot> LoadVersionSlotAsync(DiskModel disk, long version, CancellationToken cancellationToken)
    {
        if (disk.Config is not { } config)
        {
            return VersionSlot.Unavailable(version, disk.ConfigError ?? "model.json is invalid");
        }

        if (EnsembleConfigCheck.IsEnsemble(config))
        {
            return await LoadEnsembleVersionAsync(disk, config, version, cancellationToken).ConfigureAwait(false);
        }

        if (!_loaders.TryGetValue(config.Format, out var loader))
        {
            string reason = $"no loader for format '{config.Format}' (known: {string.Join(", ", _loaders.Keys)})";
            LogLoadFailed(_logger, disk.Name, version, reason);
            return VersionSlot.Unavailable(version, reason);
        }

        return await InLoadSlotAsync(() => LoadOnAsync(loader, disk, config, version, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One version through its loader, then checked and warmed up; the caller holds a load slot.</summary>
    private async Task<VersionSlot> LoadOnAsync(IModelLoader loader, DiskModel disk, ModelConfig config, long version, CancellationToken cancellationToken)
    {
        string directory = disk.VersionDirectory(version);
        ILoadedModel? model = null;
        try
        {
            var card = RepositoryScanner.ReadCard(directory);
            model = await loader.LoadAsync(new ModelLoadContext(disk.Name, version, directory, config, card), cancellationToken).ConfigureAwait(false);
            if (model is ITensorModel tensor && config.MaxBatchSize > 0)
            {
                string? batchError = CheckBatchAxis(tensor.Signature);
                if (batchError is not null)
                {
                    throw new InvalidDataException(batchError);
                }
            }

            if (config.ModelWarmup.Count > 0 && model is ITensorModel warmed)
            {
                long began = _time.GetTimestamp();
                try
                {
                    var (runs, elapsed) = ModelWarmup.Run(disk.Name, warmed, config, disk.Directory);
                    _metrics.RecordWarmup(disk.Name, version, succeeded: true, elapsed);
                    LogWarmedUp(_logger, disk.Name, version, config.ModelWarmup.Count, runs, elapsed.TotalMilliseconds);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    _metrics.RecordWarmup(disk.Name, version, succeeded: false, _time.GetElapsedTime(began));
                    throw;
                }
            }

            var runtime = ModelVersionRuntime.Create(disk.Name, version, model, config, card, _options, _metrics, _time);
            LogLoaded(_logger, disk.Name, version, model.Platform,
                model.Properties.TryGetValue("execution_provider", out string? provider) ? provider : "-");
            return new VersionSlot(version, ModelVersionState.Ready, null, runtime);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            model?.Dispose();
            // Runtime messages carry absolute paths; clients need the reason, not the server's layout.
            string reason = _roots.Aggregate(e.Message, (message, root) => message.Replace(root, "<repository>", StringComparison.Ordinal));
            LogLoadFailed(_logger, disk.Name, version, reason);
            return VersionSlot.Unavailable(version, reason) with { FailedFingerprint = RepositoryScanner.Fingerprint(directory) };
        }
    }

    /// <summary>
    /// Loads an ensemble's version: its members first where they wait for a first request (Triton loads an ensemble's
    /// members with it), then its graph is checked against the members loaded now (<see cref="EnsembleGraph"/>). A
    /// failure fails only the ensemble, naming the step.
    /// </summary>
    private async Task<VersionSlot> LoadEnsembleVersionAsync(DiskModel disk, ModelConfig config, long version, CancellationToken cancellationToken)
    {
        foreach (string member in config.EnsembleScheduling!.Step.Select(s => s.ModelName).Distinct(StringComparer.Ordinal))
        {
            if (_snapshot.Models.TryGetValue(member, out var slot) && slot.Pending && slot.Config is { } memberConfig
                && !EnsembleConfigCheck.IsEnsemble(memberConfig) && ScanRepositories(member) is { } memberDisk)
            {
                Set(member, await LoadSlotAsync(memberDisk, slot.DefaultOverride, cancellationToken).ConfigureAwait(false));
            }
        }

        var snapshot = _snapshot;
        var built = EnsembleGraph.Build(config, step => Member(snapshot, config, step, ScanRepositories(step.ModelName)));
        string directory = disk.VersionDirectory(version);
        if (!built.IsSuccess)
        {
            LogLoadFailed(_logger, disk.Name, version, built.Error.Message);
            return VersionSlot.Unavailable(version, built.Error.Message) with { FailedFingerprint = RepositoryScanner.Fingerprint(directory) };
        }

        var runtime = ModelVersionRuntime.Create(disk.Name, version, built.Value!, config, RepositoryScanner.ReadCard(directory), _options, _metrics, _time);
        LogLoaded(_logger, disk.Name, version, EnsembleModel.PlatformName, "-");
        return new VersionSlot(version, ModelVersionState.Ready, null, runtime);
    }

    /// <summary>
    /// A step's member as the ensemble may use it: one this registry serves, whose model.json names no tenant owner or
    /// the ensemble's own (another tenant's model reads as unknown, so its existence does not leak), not an ensemble
    /// itself, with its version loaded.
    /// </summary>
    private static EnsembleMember Member(RegistrySnapshot snapshot, ModelConfig ensemble, EnsembleStepConfig step, DiskModel? disk)
    {
        snapshot.Models.TryGetValue(step.ModelName, out var slot);
        var config = slot?.Config ?? disk?.Config;
        if (config is null || (config.Owner is { } owner && owner.StartsWith(ModelConfig.TenantOwnerPrefix, StringComparison.Ordinal) && owner != ensemble.Owner))
        {
            return new EnsembleMember(null, $"unknown model '{step.ModelName}'");
        }

        // Another ensemble may not be loaded yet (ensembles load last), so its folder's model.json tells.
        if (EnsembleConfigCheck.IsEnsemble(config))
        {
            return new EnsembleMember(null, $"'{step.ModelName}' is an ensemble itself; an ensemble's steps are models that run");
        }

        // A step would need the ensemble's request to carry the member's sequence; not supported yet.
        if (config.SequenceBatching is not null)
        {
            return new EnsembleMember(null, $"'{step.ModelName}' is a sequence model (sequenceBatching); an ensemble with a sequence member is not supported");
        }

        long? version = step.ModelVersion > 0 ? step.ModelVersion : slot?.ResolveDefault();
        if (slot is null || version is not long v || !slot.Versions.TryGetValue(v, out var versionSlot) || versionSlot.Runtime is not { } runtime)
        {
            string which = step.ModelVersion > 0 ? $"version {step.ModelVersion}" : "default version";
            return new EnsembleMember(null, $"the {which} of '{step.ModelName}' is not loaded");
        }

        return runtime.TensorModel is { } tensor
            ? new EnsembleMember(tensor.Signature, null)
            : new EnsembleMember(null, $"'{step.ModelName}' ({runtime.Model.Platform}) does not take tensor inference requests");
    }

    /// <summary>Why an ensemble's runtime cannot serve now: the first step whose member version is not loaded; null when it can (or it is no ensemble).</summary>
    private static string? EnsembleProblem(RegistrySnapshot snapshot, ModelVersionRuntime runtime)
    {
        if (runtime.Model is not EnsembleModel ensemble)
        {
            return null;
        }

        foreach (var step in ensemble.Steps)
        {
            if (!snapshot.Models.TryGetValue(step.ModelName, out var slot))
            {
                return $"{step.Label}: model '{step.ModelName}' is not in the repository";
            }

            // A lazy member waiting for its first request loads on the ensemble's.
            if (slot.Pending)
            {
                continue;
            }

            long? version = step.Version ?? slot.ResolveDefault();
            if (version is not long v || !slot.Versions.TryGetValue(v, out var versionSlot) || versionSlot.Runtime is null)
            {
                return $"{step.Label}: model '{step.ModelName}' is not ready";
            }
        }

        return null;
    }

    private static string? CheckBatchAxis(ModelSignature signature)
    {
        foreach (var spec in signature.Inputs.Concat(signature.Outputs))
        {
            if (spec.Shape.Length == 0 || spec.Shape[0] >= 0)
            {
                return $"maxBatchSize > 0 needs a dynamic batch axis (-1) first in every input and output; '{spec.Name}' has {Inference.ShapeMath.Format(spec.Shape)}";
            }
        }

        return null;
    }

    /// <summary>
    /// Publishes one model's slot. Every change holds the gate, but the loads under it run at once and each publishes
    /// its model as it becomes ready: the read, set and write of the snapshot are one step under the lock.
    /// </summary>
    private void Set(string name, ModelSlot slot)
    {
        lock (_publishing)
        {
            var policy = _policies.GetValueOrDefault(name) ?? VersionPolicy.None;
            slot = slot with { DefaultOverride = policy.DefaultVersion, Canary = policy.Canary };
            Volatile.Write(ref _snapshot, new RegistrySnapshot(_snapshot.Models.SetItem(name, slot)));
        }
    }

    private void Remove(string name)
    {
        lock (_publishing)
        {
            Volatile.Write(ref _snapshot, new RegistrySnapshot(_snapshot.Models.Remove(name)));
        }
    }

    private static void RetireAll(ModelSlot slot)
    {
        foreach (var version in slot.Versions.Values)
        {
            version.Runtime?.Release();
        }
    }

    private static string? ReasonOf(VersionSlot slot) =>
        slot.Runtime is { IsHealthy: false } ? "circuit open: too many recent failures" : slot.Reason;

    private ModelInfo ToInfo(ModelSlot slot)
    {
        var versions = slot.Versions.Values.Select(v => ToVersionInfo(slot.Name, v)).ToList();
        long? resolved = slot.ResolveDefault();
        var target = resolved is long d ? versions.FirstOrDefault(v => v.Version == d) : null;
        string? reason = target is null
            ? slot.LoadError ?? (resolved is long r ? $"default version {r} is not loaded" : "no ready version")
            : target.Reason;
        if (slot.Pending)
        {
            reason = ModelSlot.PendingReason;
        }

        return new ModelInfo(slot.Name, slot.Config, versions, resolved, target?.IsReady == true, target?.IsReady == true ? null : reason, slot.ConfigError, slot.Pending)
        {
            Policy = PolicyState(Volatile.Read(ref _snapshot), slot),
        };
    }

    private ModelVersionInfo ToVersionInfo(string name, VersionSlot slot)
    {
        var runtime = slot.Runtime;
        // An ensemble serves only while its members do (Triton's answer): it reads as unavailable meanwhile.
        string? membersDown = runtime is null ? null : EnsembleProblem(Volatile.Read(ref _snapshot), runtime);
        return new ModelVersionInfo(
            name,
            slot.Version,
            membersDown is null ? slot.State : ModelVersionState.Unavailable,
            runtime is { IsHealthy: true } && membersDown is null,
            membersDown ?? ReasonOf(slot),
            runtime?.Model.Platform,
            runtime?.Signature,
            runtime?.Model.Properties ?? ImmutableDictionary<string, string>.Empty,
            runtime?.Card,
            runtime?.LoadedAt,
            runtime?.IsBatching == true,
            runtime?.Statistics);
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "{Registry}: {Models} models found, {Versions} versions ready, in {Repository}")]
    private static partial void LogInitialized(ILogger logger, string registry, int models, int versions, string repository);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Loaded {Model} version {Version} ({Platform}, {Provider})")]
    private static partial void LogLoaded(ILogger logger, string model, long version, string platform, string provider);

    [LoggerMessage(EventId = 1015, Level = LogLevel.Information, Message = "Warmed up {Model} version {Version}: {Samples} samples, {Runs} runs in {ElapsedMs:0.0} ms")]
    private static partial void LogWarmedUp(ILogger logger, string model, long version, int samples, int runs, double elapsedMs);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "Failed to load {Model} version {Version}: {Reason}")]
    private static partial void LogLoadFailed(ILogger logger, string model, long version, string reason);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Error, Message = "Model {Model} has an invalid model.json: {Reason}")]
    private static partial void LogConfigInvalid(ILogger logger, string model, string reason);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Error, Message = "Model {Model} has an invalid model.json: {Reason}; its last good model.json stays in effect")]
    private static partial void LogConfigRefused(ILogger logger, string model, string reason);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Information, Message = "Unloaded {Model} version {Version}")]
    private static partial void LogUnloaded(ILogger logger, string model, long version);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Information, Message = "Unloaded every version of {Model}")]
    private static partial void LogModelUnloaded(ILogger logger, string model);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Information, Message = "Default version of {Model} set to {Version}")]
    private static partial void LogDefaultSet(ILogger logger, string model, string version);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Information, Message = "Repository poll: {Changes} version changes in {Model}")]
    private static partial void LogPolled(ILogger logger, string model, int changes);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Information, Message = "Model {Model} removed from the repository; retired")]
    private static partial void LogModelRemoved(ILogger logger, string model);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Information, Message = "Model {Model} is lazy: it loads on its first request")]
    private static partial void LogDeferred(ILogger logger, string model);

    [LoggerMessage(EventId = 1013, Level = LogLevel.Information, Message = "Loading lazy model {Model} for its first request")]
    private static partial void LogFirstRequestLoad(ILogger logger, string model);

    [LoggerMessage(EventId = 1014, Level = LogLevel.Warning, Message = "{Registry}: a change in flight held the registry past {Seconds} s of shutdown; its models are released when it ends")]
    private static partial void LogDisposeTimedOut(ILogger logger, string registry, double seconds);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Warning, Message = "Model repository {Repository} does not exist; no models loaded")]
    private static partial void LogRepositoryMissing(ILogger logger, string repository);
}
