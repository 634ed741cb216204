namespace MaaS.Models.Registry;

/// <summary>
/// A hold on one loaded model version: while the lease is not disposed, the version's model stays alive even if it is
/// unloaded or replaced. Dispose exactly once, promptly (not thread-safe against concurrent Dispose).
/// </summary>
public sealed class ModelLease : IDisposable
{
    private ModelVersionRuntime? _runtime;

    internal ModelLease(ModelVersionRuntime runtime)
    {
        _runtime = runtime;
        Name = runtime.Name;
        Version = runtime.Version;
        Model = runtime.Model;
        Config = runtime.Config;
    }

    /// <summary>Model name.</summary>
    public string Name { get; }

    /// <summary>Resolved version.</summary>
    public long Version { get; }

    /// <summary>The loaded artifact (cast to the format's type, e.g. <see cref="ITensorModel"/>); valid until disposal.</summary>
    public ILoadedModel Model { get; }

    /// <summary>The model's model.json.</summary>
    public ModelConfig Config { get; }

    internal ModelVersionRuntime Runtime => _runtime ?? throw new ObjectDisposedException(nameof(ModelLease));

    /// <summary>Releases the hold.</summary>
    public void Dispose()
    {
        var runtime = Interlocked.Exchange(ref _runtime, null);
        runtime?.Release();
    }
}
