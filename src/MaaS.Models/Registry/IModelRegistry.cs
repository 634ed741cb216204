namespace MaaS.Models.Registry;

/// <summary>
/// The model registry: every version in the repository loaded once, published as an immutable snapshot swapped
/// atomically. Reads (<see cref="GetModels"/>, <see cref="Acquire"/>) are lock-free; lifecycle operations are
/// serialised. A version that fails to load is Unavailable with its reason; the others keep serving. Thread-safe.
/// </summary>
public interface IModelRegistry
{
    /// <summary>Absolute path of the bundled repository folder (<see cref="ServingOptions.RepositoryPath"/>), only read.</summary>
    string RepositoryPath { get; }

    /// <summary>
    /// Absolute path of the writable folder published models go to (<see cref="ServingOptions.PublishedRepositoryPath"/>);
    /// <see cref="RepositoryPath"/> when none is configured.
    /// </summary>
    string PublishedRepositoryPath { get; }

    /// <summary>The folder a model is read from (bundled first, then published), or null when neither has it.</summary>
    string? FindModelDirectory(string name);

    /// <summary>True once <see cref="InitializeAsync"/> has completed.</summary>
    bool IsInitialized { get; }

    /// <summary>Loads every model and version found in the repository. Called once at start by the host.</summary>
    Task InitializeAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Scans the repository for changes: new models and version folders are loaded fully and then published (the
    /// default moves to the new highest version); removed folders are retired; a changed model.json reloads the model.
    /// A model.json that turns unreadable or invalid under a model that had a good one is refused: the last good
    /// settings and versions keep serving and <see cref="ModelInfo.ConfigError"/> says why, until the file is fixed.
    /// Returns the number of changes.
    /// </summary>
    Task<int> PollAsync(CancellationToken cancellationToken = default);

    /// <summary>All models the registry knows, by name.</summary>
    IReadOnlyList<ModelInfo> GetModels();

    /// <summary>One model, or null when unknown.</summary>
    ModelInfo? GetModel(string name);

    /// <summary>
    /// Whether the model is known, and its model.json (null when it has none in effect): what access checks need on
    /// every request, without the <see cref="ModelInfo"/> that <see cref="GetModel"/> builds.
    /// </summary>
    bool TryGetConfig(string name, out ModelConfig? config)
    {
        var model = GetModel(name);
        config = model?.Config;
        return model is not null;
    }

    /// <summary>The repository index: every model and version on disk or in the registry.</summary>
    IReadOnlyList<RepositoryIndexEntry> GetIndex();

    /// <summary>
    /// Takes a lease on a ready version (the default when <paramref name="version"/> is null). Fails with ModelNotFound,
    /// VersionNotFound or NotReady. The caller disposes the lease.
    /// </summary>
    Result<ModelLease> Acquire(string name, long? version = null);

    /// <summary>
    /// <see cref="Acquire"/> for a request that may be a lazy model's first: a model not loaded yet because of its
    /// <see cref="ModelLoadPolicy.Lazy"/> policy is loaded first (concurrent callers share one load; a cancelled caller
    /// stops waiting, not the load), then leased. A failed load answers as <see cref="Acquire"/> does for a version that
    /// failed to load (NotReady with the reason).
    /// </summary>
    ValueTask<Result<ModelLease>> AcquireAsync(string name, long? version = null, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Acquire(name, version));

    /// <summary>
    /// <see cref="AcquireAsync(string, long?, CancellationToken)"/> for a request whose canary split is decided by
    /// <paramref name="canaryDraw"/> (0..99: the request goes to the model's canary when the draw is below its percent;
    /// null draws at random): a sequence passes the same draw for each of its requests
    /// (<see cref="VersionCanary.DrawOf"/>), so it stays on one version. An explicit version is never redirected.
    /// </summary>
    ValueTask<Result<ModelLease>> AcquireAsync(string name, long? version, int? canaryDraw, CancellationToken cancellationToken = default) =>
        AcquireAsync(name, version, cancellationToken);

    /// <summary>
    /// Loads a model held back by its <see cref="ModelLoadPolicy.Lazy"/> policy, as a first <see cref="AcquireAsync(string, long?, CancellationToken)"/>
    /// would (one load shared by concurrent callers; a cancelled caller stops waiting, not the load); nothing for a model
    /// already loaded or unknown. For reads that need the loaded versions but no session (metadata, config).
    /// </summary>
    ValueTask EnsureLoadedAsync(string name, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    /// <summary>
    /// (Re)loads every version of a model from disk (re-reading model.json); the new versions replace the old atomically.
    /// A bad model.json fails the call and, when the model had a good one, leaves it serving as it was.
    /// </summary>
    Task<Result<ModelInfo>> LoadModelAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Unloads every version of a model; in-flight requests finish first.</summary>
    Task<Result<ModelInfo>> UnloadModelAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>(Re)loads one version from disk; the new one replaces the old atomically.</summary>
    Task<Result<ModelVersionInfo>> LoadVersionAsync(string name, long version, CancellationToken cancellationToken = default);

    /// <summary>Unloads one version; in-flight requests finish first.</summary>
    Task<Result<ModelVersionInfo>> UnloadVersionAsync(string name, long version, CancellationToken cancellationToken = default);

    /// <summary>
    /// Pins the default version (rollback), or with null returns to model.json's default / the highest ready one; the
    /// canary stays, unless <paramref name="version"/> is its version (a promotion: the canary ends). In memory: a host
    /// that stores policies persists them through its own <see cref="IModelRegistry"/>.
    /// </summary>
    Task<Result<ModelInfo>> SetDefaultVersionAsync(string name, long? version, CancellationToken cancellationToken = default);

    /// <summary>The model's version policy and whether its canary serves now (<see cref="VersionPolicy.None"/> when it has none).</summary>
    VersionPolicyState GetVersionPolicy(string name);

    /// <summary>
    /// Replaces a model's version policy after checking it against the loaded versions: a pinned version must be
    /// ready (VersionNotFound, NotReady); a canary's version must be ready and not the default its request leaves, its
    /// percent 1..99 (InvalidRequest naming <c>canary.version</c> or <c>canary.percent</c>). Unknown model: ModelNotFound.
    /// </summary>
    Task<Result<ModelInfo>> SetVersionPolicyAsync(string name, VersionPolicy policy, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces every model's policy with <paramref name="policies"/> as stored (models absent have none), unchecked:
    /// what another replica set, or a model not loaded here yet. A canary that cannot serve sends its share to the default.
    /// </summary>
    Task ApplyVersionPoliciesAsync(IReadOnlyDictionary<string, VersionPolicy> policies, CancellationToken cancellationToken = default);
}
