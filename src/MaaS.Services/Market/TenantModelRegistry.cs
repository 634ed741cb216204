namespace MaaS.Services.Market;

/// <summary>
/// The registry as a tenant sees it: every read, inference lease and lifecycle call for a model the caller's tenant
/// may not see answers exactly as <see cref="ModelRegistry"/> answers for a model that does not exist (ModelNotFound,
/// each method's own message), so existence never leaks, and lists leave such models out. Registered as <see cref="IModelRegistry"/>, so every endpoint (V1, V2 and
/// those added later) gets it without code of its own. Calls without a tenant (<see cref="ITenantContext"/>: startup,
/// polling, metrics) see everything. Version policies set through it are stored (<see cref="ModelVersionPolicies"/>)
/// when the host has a store.
/// </summary>
internal sealed class TenantModelRegistry(ModelRegistry inner, ModelAccess access, ITenantContext tenant, ModelVersionPolicies? policies = null) : IModelRegistry
{
    public string RepositoryPath => inner.RepositoryPath;

    public string PublishedRepositoryPath => inner.PublishedRepositoryPath;

    public string? FindModelDirectory(string name) => Visible(name) ? inner.FindModelDirectory(name) : null;

    public bool IsInitialized => inner.IsInitialized;

    public Task InitializeAsync(CancellationToken cancellationToken = default) => inner.InitializeAsync(cancellationToken);

    public Task<int> PollAsync(CancellationToken cancellationToken = default) => inner.PollAsync(cancellationToken);

    public IReadOnlyList<ModelInfo> GetModels() => Tenant is { } t ? [.. inner.GetModels().Where(m => access.CanSee(t, m.Name))] : inner.GetModels();

    public ModelInfo? GetModel(string name) => Visible(name) ? inner.GetModel(name) : null;

    public IReadOnlyList<RepositoryIndexEntry> GetIndex() => Tenant is { } t ? [.. inner.GetIndex().Where(e => access.CanSee(t, e.Name))] : inner.GetIndex();

    public Result<ModelLease> Acquire(string name, long? version = null) =>
        Visible(name) ? inner.Acquire(name, version) : Unknown<ModelLease>(name);

    public ValueTask<Result<ModelLease>> AcquireAsync(string name, long? version = null, CancellationToken cancellationToken = default) =>
        Visible(name) ? inner.AcquireAsync(name, version, cancellationToken) : ValueTask.FromResult(Unknown<ModelLease>(name));

    public ValueTask<Result<ModelLease>> AcquireAsync(string name, long? version, int? canaryDraw, CancellationToken cancellationToken = default) =>
        Visible(name) ? inner.AcquireAsync(name, version, canaryDraw, cancellationToken) : ValueTask.FromResult(Unknown<ModelLease>(name));

    public ValueTask EnsureLoadedAsync(string name, CancellationToken cancellationToken = default) =>
        Visible(name) ? inner.EnsureLoadedAsync(name, cancellationToken) : ValueTask.CompletedTask;

    public Task<Result<ModelInfo>> LoadModelAsync(string name, CancellationToken cancellationToken = default) =>
        Visible(name) ? inner.LoadModelAsync(name, cancellationToken) : Task.FromResult(NotInRepository<ModelInfo>(name));

    public Task<Result<ModelInfo>> UnloadModelAsync(string name, CancellationToken cancellationToken = default) =>
        Visible(name) ? inner.UnloadModelAsync(name, cancellationToken) : Task.FromResult(NotInRepository<ModelInfo>(name));

    public Task<Result<ModelVersionInfo>> LoadVersionAsync(string name, long version, CancellationToken cancellationToken = default) =>
        Visible(name) ? inner.LoadVersionAsync(name, version, cancellationToken) : Task.FromResult(NotInRepository<ModelVersionInfo>(name));

    // The registry answers these two from its loaded models, in other words than the three above.
    public Task<Result<ModelVersionInfo>> UnloadVersionAsync(string name, long version, CancellationToken cancellationToken = default) =>
        Visible(name) ? inner.UnloadVersionAsync(name, version, cancellationToken) : Task.FromResult(Unknown<ModelVersionInfo>(name));

    public Task<Result<ModelInfo>> SetDefaultVersionAsync(string name, long? version, CancellationToken cancellationToken = default) =>
        !Visible(name) ? Task.FromResult(Unknown<ModelInfo>(name))
        : policies is null ? inner.SetDefaultVersionAsync(name, version, cancellationToken)
        : policies.PinAsync(name, version, cancellationToken);

    public VersionPolicyState GetVersionPolicy(string name) => Visible(name) ? inner.GetVersionPolicy(name) : new VersionPolicyState(VersionPolicy.None, null);

    public Task<Result<ModelInfo>> SetVersionPolicyAsync(string name, VersionPolicy policy, CancellationToken cancellationToken = default) =>
        !Visible(name) ? Task.FromResult(Unknown<ModelInfo>(name))
        : policies is null ? inner.SetVersionPolicyAsync(name, policy, cancellationToken)
        : policies.SetAsync(name, policy, cancellationToken);

    public Task ApplyVersionPoliciesAsync(IReadOnlyDictionary<string, VersionPolicy> policies, CancellationToken cancellationToken = default) =>
        inner.ApplyVersionPoliciesAsync(policies, cancellationToken);

    private string? Tenant => tenant.Tenant;

    private bool Visible(string name) => Tenant is not { } t || access.CanSee(t, name);

    private static Result<T> Unknown<T>(string name) => Result<T>.Fail(ErrorCode.ModelNotFound, $"unknown model: '{name}'");

    private static Result<T> NotInRepository<T>(string name) => Result<T>.Fail(ErrorCode.ModelNotFound, $"model '{name}' is not in the repository");
}
