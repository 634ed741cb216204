namespace MaaS.Models.OpenInference;

/// <summary>Shared conversions between registry views and protocol contracts.</summary>
internal static class V2Mapping
{
    public static string Text(long version) => version.ToString(CultureInfo.InvariantCulture);

    /// <summary>Parses a version path segment: null when absent, else a positive integer.</summary>
    public static Result<long?> ParseVersion(string? segment)
    {
        if (segment is null)
        {
            return Result<long?>.Ok(null);
        }

        return long.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out long version) && version > 0
            ? version
            : Invalid($"invalid model version '{segment}': a positive integer is expected");
    }

    /// <summary>An unusable request, worded for the protocol's one-message <c>{"error"}</c>.</summary>
    public static Error Invalid(string message) => new(ErrorCode.InvalidRequest, message);

    /// <summary>The error for a model name the registry does not know.</summary>
    public static Error UnknownModel(string name) => new(ErrorCode.ModelNotFound, $"unknown model: '{name}'");

    /// <summary>
    /// The version a metadata or config read describes, over HTTP and gRPC alike: the named one, or the default; either
    /// must be ready.
    /// </summary>
    public static Result<ModelVersionInfo> ReadyVersion(ModelInfo model, long? version)
    {
        long? target = version ?? model.DefaultVersion;
        if ((target is long t ? model.FindVersion(t) : null) is not { } info)
        {
            return version is null
                ? new Error(ErrorCode.ModelNotReady, $"model '{model.Name}' has no ready version: {model.Reason}")
                : new Error(ErrorCode.VersionNotFound, $"unknown version {version} of model '{model.Name}'");
        }

        return info.State == ModelVersionState.Ready
            ? info
            : new Error(ErrorCode.ModelNotReady, $"model '{model.Name}' version {info.Version} is not ready: {info.Reason}");
    }

    /// <summary>
    /// The model and version a metadata read describes, over HTTP and gRPC alike: a lazy model loaded first (a Triton
    /// client reads metadata before its first inference), then <see cref="ReadyVersion"/>; an unknown model is the error.
    /// </summary>
    public static async ValueTask<Result<(ModelInfo Model, ModelVersionInfo Version)>> ReadyVersionAsync(
        IModelRegistry registry, string name, long? version, CancellationToken cancellationToken)
    {
        if (await registry.GetModelForRequestAsync(name, version, cancellationToken).ConfigureAwait(false) is not { } model)
        {
            return UnknownModel(name);
        }

        return ReadyVersion(model, version).TryGetValue(out var info, out var error) ? Result<(ModelInfo, ModelVersionInfo)>.Ok((model, info)) : error;
    }

    /// <summary>
    /// A readiness read, over HTTP and gRPC alike: the named version's readiness, else the model's (its default version
    /// ready); an unknown model or version is the error. Nothing is loaded: a lazy model not yet loaded is not ready.
    /// </summary>
    public static Result<bool> Ready(IModelRegistry registry, string name, long? version)
    {
        if (registry.GetModel(name) is not { } model)
        {
            return UnknownModel(name);
        }

        if (version is not long v)
        {
            return model.IsReady;
        }

        return model.FindVersion(v) is { } info ? info.IsReady : new Error(ErrorCode.VersionNotFound, $"unknown version {v} of model '{model.Name}'");
    }

    public static V2TensorMetadata Tensor(TensorSpec spec) => new(spec.Name, spec.DataType.ToProtocolName(), spec.Shape);

    /// <summary>Every model the registry knows, with versions, default version and readiness (MaaS extension).</summary>
    public static V2ModelListResponse ModelList(IEnumerable<ModelInfo> models) =>
        new([.. models.Select(m => new V2ModelListEntry(
            m.Name,
            [.. m.Versions.Select(v => Text(v.Version))],
            m.DefaultVersion is long d ? Text(d) : null,
            m.DefaultVersion is long dv ? m.FindVersion(dv)?.Platform : null,
            m.IsReady,
            m.Reason))]);

    /// <summary>
    /// The metadata of <paramref name="info"/> (see <see cref="ReadyVersion"/>): every ready version when none was named
    /// (<paramref name="version"/> null), else the one, and the MaaS parameters from model.json and the card.
    /// </summary>
    public static V2ModelMetadataResponse Metadata(ModelInfo model, ModelVersionInfo info, long? version)
    {
        var config = model.Config;
        var parameters = new V2ModelParameters(
            config?.Task,
            config?.Description,
            config?.Labels ?? [],
            config?.Tags ?? [],
            model.DefaultVersion is long d ? Text(d) : null,
            config?.MaxBatchSize ?? 0,
            info.IsBatching,
            info.Properties.TryGetValue("execution_provider", out string? provider) ? provider : null,
            info.Card,
            model.ConfigError);
        IReadOnlyList<string> versions = version is null
            ? [.. model.Versions.Where(v => v.State == ModelVersionState.Ready).Select(v => Text(v.Version))]
            : [Text(info.Version)];
        return new V2ModelMetadataResponse(
            model.Name,
            versions,
            info.Platform ?? "unknown",
            [.. info.Signature?.Inputs.Select(Tensor) ?? []],
            [.. info.Signature?.Outputs.Select(Tensor) ?? []],
            parameters);
    }

    /// <summary>The configuration in Triton's shape: dims without the batch axis when the model batches, dynamic batching when on.</summary>
    public static V2ModelConfigResponse Config(ModelInfo model, ModelVersionInfo info, ModelConfig config)
    {
        bool batched = config.MaxBatchSize > 0;
        V2ConfigTensor ConfigTensor(TensorSpec spec) => new(spec.Name, ConfigTypeName(spec.DataType), batched ? spec.Shape[1..] : spec.Shape);
        return new V2ModelConfigResponse(
            model.Name,
            info.Platform ?? "unknown",
            Backend(info.Platform),
            config.MaxBatchSize,
            [.. info.Signature?.Inputs.Select(ConfigTensor) ?? []],
            [.. info.Signature?.Outputs.Select(ConfigTensor) ?? []],
            info.IsBatching ? new V2DynamicBatching(config.DynamicBatching.MaxQueueDelayMicroseconds, config.DynamicBatching.MaxQueueSize, V2Priorities.Of(config.DynamicBatching)) : null,
            InstanceGroups(info, config),
            config.ResponseCache is { Enable: true } ? new V2ResponseCache(true) : null,
            Warmups(info, config),
            EnsembleScheduling(config),
            V2SequenceBatching.Of(config));
    }

    /// <summary>Triton's backend of a platform: <c>onnxruntime</c> for ONNX, none (empty) for an ensemble, else the platform.</summary>
    public static string Backend(string? platform) => platform switch
    {
        "onnxruntime_onnx" => "onnxruntime",
        Ensembles.EnsembleModel.PlatformName => "",
        null => "unknown",
        _ => platform,
    };

    /// <summary>An ensemble's steps in Triton's shape, as model.json lists them; null for any other model. HTTP and gRPC answer with it.</summary>
    public static V2EnsembleScheduling? EnsembleScheduling(ModelConfig config) =>
        config.EnsembleScheduling is { } scheduling && EnsembleConfigCheck.IsEnsemble(config)
            ? new V2EnsembleScheduling([.. scheduling.Step.Select(step => new V2EnsembleStep(step.ModelName, step.ModelVersion, step.InputMap, step.OutputMap))])
            : null;

    /// <summary>Triton's name of a datatype in a model configuration (TYPE_FP32; BYTES is TYPE_STRING).</summary>
    public static string ConfigTypeName(TensorDataType type) => "TYPE_" + (type == TensorDataType.Bytes ? "STRING" : type.ToProtocolName());

    /// <summary>model.json's warmup samples in Triton's shape, each input's datatype the model's; null when there are none. HTTP and gRPC answer with it.</summary>
    public static IReadOnlyList<V2ModelWarmup>? Warmups(ModelVersionInfo info, ModelConfig config) =>
        config.ModelWarmup.Count == 0 ? null : [.. config.ModelWarmup.Select(sample => new V2ModelWarmup(
            sample.Name,
            sample.BatchSize,
            sample.Inputs.ToDictionary(
                input => input.Key,
                input => new V2WarmupInput(
                    info.Signature?.Inputs.FirstOrDefault(spec => spec.Name == input.Key)?.DataType ?? TensorDataType.Fp32,
                    input.Value.Dims,
                    input.Value.ZeroData,
                    input.Value.RandomData,
                    input.Value.InputDataFile),
                StringComparer.Ordinal),
            sample.Count))];

    /// <summary>Triton's <c>instance_group</c> of a batching version (model.json's <c>instances</c>, on the GPU when it runs on CUDA); null when it does not batch. HTTP and gRPC answer with it.</summary>
    public static IReadOnlyList<V2InstanceGroup>? InstanceGroups(ModelVersionInfo info, ModelConfig config) =>
        info.IsBatching ? [new V2InstanceGroup(config.Instances ?? 1, InstanceKind(info))] : null;

    private static string InstanceKind(ModelVersionInfo info) =>
        info.Properties.TryGetValue("execution_provider", out string? provider) && provider == Onnx.ExecutionProviderSelector.Cuda ? "KIND_GPU" : "KIND_CPU";

    public static string State(ModelVersionState state) => state switch
    {
        ModelVersionState.Ready => "READY",
        ModelVersionState.Loading => "LOADING",
        ModelVersionState.Unloading => "UNLOADING",
        _ => "UNAVAILABLE",
    };

    public static V2StatisticDuration Duration(DurationStatistic d) => new(d.Count, d.Ns);

    /// <summary>
    /// A statistics read, over HTTP and gRPC alike: the loaded versions of every model (no name) or of the named model,
    /// all of them or the one version given; an unknown model, or a named version not loaded, is the error.
    /// </summary>
    public static Result<IReadOnlyList<V2ModelStatistics>> Statistics(IModelRegistry registry, string? name, long? version)
    {
        IEnumerable<ModelInfo> models = registry.GetModels();
        if (name is not null)
        {
            if (registry.GetModel(name) is not { } model)
            {
                return UnknownModel(name);
            }

            if (version is long v && model.FindVersion(v) is not { Statistics: not null })
            {
                return new Error(ErrorCode.VersionNotFound, $"version {v} of model '{name}' is not loaded");
            }

            models = [model];
        }

        return models
            .SelectMany(m => m.Versions)
            .Where(v => v.Statistics is not null && (version is null || v.Version == version))
            .Select(Statistics)
            .ToList();
    }

    /// <summary>The repository index, over HTTP and gRPC alike: every model version the registry knows, or the ready ones only.</summary>
    public static IEnumerable<V2RepositoryIndexEntry> RepositoryIndex(IModelRegistry registry, bool readyOnly) =>
        registry.GetIndex()
            .Where(e => !readyOnly || e.State == ModelVersionState.Ready)
            .Select(e => new V2RepositoryIndexEntry(e.Name, e.Version is long v ? Text(v) : null, e.State is { } s ? State(s) : null, e.Reason));

    public static V2ModelStatistics Statistics(ModelVersionInfo version)
    {
        var s = version.Statistics!.Snapshot();
        return new V2ModelStatistics(
            version.Name,
            Text(version.Version),
            s.LastInferenceUnixMs,
            s.InferenceCount,
            s.ExecutionCount,
            new V2InferenceStatistics(
                Duration(s.Success), Duration(s.Fail), Duration(s.Queue), Duration(s.ComputeInput),
                Duration(s.ComputeInfer), Duration(s.ComputeOutput), Duration(s.CacheHit), Duration(s.CacheMiss)),
            [.. s.Batches.Select(b => new V2BatchStatistics(b.BatchSize, Duration(b.ComputeInput), Duration(b.ComputeInfer), Duration(b.ComputeOutput)))]);
    }
}
