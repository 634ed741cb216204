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

    public static V2TensorMetadata Tensor(TensorSpec spec) => new(spec.Name, spec.DataType.ToProtocolName(), spec.Shape);

    public static string State(ModelVersionState state) => state switch
    {
        ModelVersionState.Ready => "READY",
        ModelVersionState.Loading => "LOADING",
        ModelVersionState.Unloading => "UNLOADING",
        _ => "UNAVAILABLE",
    };

    public static V2StatisticDuration Duration(DurationStatistic d) => new(d.Count, d.Ns);

    public static V2ModelStatistics Statistics(ModelVersionInfo version)
    {
        var s = version.Statistics!.Snapshot();
        var zero = new V2StatisticDuration(0, 0);
        return new V2ModelStatistics(
            version.Name,
            Text(version.Version),
            s.LastInferenceUnixMs,
            s.InferenceCount,
            s.ExecutionCount,
            new V2InferenceStatistics(
                Duration(s.Success), Duration(s.Fail), Duration(s.Queue), Duration(s.ComputeInput),
                Duration(s.ComputeInfer), Duration(s.ComputeOutput), zero, zero),
            [.. s.Batches.Select(b => new V2BatchStatistics(b.BatchSize, Duration(b.ComputeInput), Duration(b.ComputeInfer), Duration(b.ComputeOutput)))]);
    }
}
