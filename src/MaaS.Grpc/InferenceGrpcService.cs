using Grpc.Core;
using MaaS.Logging;
using MaaS.Models.Inference;
using MaaS.Models.SharedMemory;
using MaaS.Models.Tracing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Proto = MaaS.Grpc.Protocol;

namespace MaaS.Grpc;

/// <summary>
/// <c>inference.GRPCInferenceService</c>: the KServe V2 protocol over gRPC. Each RPC maps its message to the same
/// services <c>/v2</c> calls (the tenant's view of the registry, <see cref="IModelInference"/> with its validation and
/// dynamic batcher, the readiness health checks) and a failure to its gRPC status through <see cref="GrpcErrors"/>.
/// Authentication, roles and per-key limits are the HTTP pipeline's, applied to these endpoints by their policies; what
/// else it needs from its host comes through <see cref="IGrpcHost"/>.
/// </summary>
internal sealed class InferenceGrpcService(
    IModelRegistry registry, IModelInference inference, HealthCheckService health, ModelAccess access, IGrpcHost host, RuntimeLogSettings logging,
    InferenceTracing tracing, SharedMemoryRegistry sharedMemory, Microsoft.Extensions.Hosting.IHostApplicationLifetime lifetime)
    : GRPCInferenceService.GRPCInferenceServiceBase
{
    [AllowAnonymous]
    public override Task<ServerLiveResponse> ServerLive(ServerLiveRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerLiveResponse { Live = true });

    // Not ready is an answer (ready = false), as in Triton, not an error.
    [AllowAnonymous]
    public override async Task<ServerReadyResponse> ServerReady(ServerReadyRequest request, ServerCallContext context)
    {
        var report = await health.CheckHealthAsync(c => c.Tags.Contains(host.ReadyTag), context.CancellationToken);
        return new ServerReadyResponse { Ready = report.Status != HealthStatus.Unhealthy };
    }

    [AllowAnonymous]
    public override Task<ServerMetadataResponse> ServerMetadata(ServerMetadataRequest request, ServerCallContext context)
    {
        var metadata = host.Metadata;
        var answer = new ServerMetadataResponse { Name = metadata.Name, Version = metadata.Version };
        answer.Extensions.Add(metadata.Extensions);
        return Task.FromResult(answer);
    }

    [Authorize(Policy = MaaSPolicies.App)]
    public override Task<ModelReadyResponse> ModelReady(ModelReadyRequest request, ServerCallContext context)
    {
        var ready = V2Mapping.Ready(registry, Name(request.Name), Version(request.Version));
        return Task.FromResult(new ModelReadyResponse { Ready = ready.TryGetValue(out bool isReady, out var error) ? isReady : throw error.Exception() });
    }

    [Authorize(Policy = MaaSPolicies.App)]
    public override async Task<ModelMetadataResponse> ModelMetadata(ModelMetadataRequest request, ServerCallContext context)
    {
        long? version = Version(request.Version);
        var (model, info) = await ReadyVersionAsync(request.Name, version, context.CancellationToken);
        var answer = new ModelMetadataResponse { Name = model.Name, Platform = info.Platform ?? "unknown" };
        answer.Versions.Add(version is null
            ? model.Versions.Where(v => v.State == ModelVersionState.Ready).Select(v => V2Mapping.Text(v.Version))
            : [V2Mapping.Text(info.Version)]);
        foreach (var spec in info.Signature?.Inputs ?? [])
        {
            answer.Inputs.Add(Tensor(spec));
        }

        foreach (var spec in info.Signature?.Outputs ?? [])
        {
            answer.Outputs.Add(Tensor(spec));
        }

        return answer;
    }

    [Authorize(Policy = MaaSPolicies.App)]
    [CostedCall]
    public override Task<ModelInferResponse> ModelInfer(ModelInferRequest request, ServerCallContext context) =>
        InferAsync(request, context, streamed: null);

    /// <summary>
    /// Triton's streaming inference: each request read is one <see cref="ModelInfer"/>, answered on the stream with its
    /// id as it completes (<see cref="GrpcInferStream"/>). Authorized once for the stream; admitted per request. No
    /// request timeout for the stream as a whole: each request has its serving timeout.
    /// </summary>
    [Authorize(Policy = MaaSPolicies.App)]
    [CostedCall]
    [Microsoft.AspNetCore.Http.Timeouts.DisableRequestTimeout]
    public override async Task ModelStreamInfer(
        IAsyncStreamReader<ModelInferRequest> requestStream, IServerStreamWriter<ModelStreamInferResponse> responseStream, ServerCallContext context)
    {
        using var stream = new GrpcInferStream(this, requestStream, responseStream, context, host.MaxInFlightPerStream, lifetime.ApplicationStopping);
        await stream.RunAsync();
    }

    /// <summary>
    /// One inference, unary or one request of a stream (<paramref name="streamed"/>, which then ends its trace once the
    /// answer is written): decoding, admission, tracing, inference and the answer, a refusal thrown as its status.
    /// </summary>
    internal async Task<ModelInferResponse> InferAsync(ModelInferRequest request, ServerCallContext context, StreamedInfer? streamed)
    {
        if (string.IsNullOrEmpty(request.ModelName))
        {
            throw GrpcErrors.Exception(ErrorCode.InvalidRequest, "model_name is required");
        }

        long? version = Version(request.ModelVersion);
        // Holds the regions the call names until its answer is built (an unregister meanwhile waits for the unmap);
        // made only for a call that names one.
        using var shared = sharedMemory.Enabled && GrpcTensors.NamesSharedMemory(request) ? new SharedMemoryCall(sharedMemory, host.Tenant(context), request.ModelName) : null;
        if (!GrpcTensors.Decode(request, shared).TryGetValue(out var call, out var error))
        {
            throw error.Exception();
        }

        using var grant = await host.AdmitAsync(request, context, streamed is not null);
        var trace = tracing.StartGrpc(request.ModelName);
        if (trace is not null)
        {
            call = call with { Trace = trace };
            if (streamed is null)
            {
                context.GetHttpContext().Response.OnCompleted(TransportTrace.Completed, trace);
            }
            else
            {
                streamed.Trace = trace;
            }
        }

        var result = await inference.InferAsync(request.ModelName, version, call, streamed?.Cancellation ?? context.CancellationToken);
        trace.Sending();
        if (!result.TryGetValue(out var response, out error))
        {
            host.Failed(request.ModelName, error.Code);
            throw error.Exception();
        }

        host.Served(request.ModelName, response);
        return GrpcTensors.Encode(response, request.Id, shared).TryGetValue(out var answer, out error) ? answer : throw error.Exception();
    }

    [Authorize(Policy = MaaSPolicies.App)]
    public override async Task<ModelConfigResponse> ModelConfig(ModelConfigRequest request, ServerCallContext context)
    {
        long? version = Version(request.Version);
        var (model, info) = await ReadyVersionAsync(request.Name, version, context.CancellationToken);
        if (model.Config is not { } settings)
        {
            throw GrpcErrors.Exception(ErrorCode.ModelNotReady, $"model '{model.Name}' is not ready: {model.Reason}");
        }

        bool batched = settings.MaxBatchSize > 0;
        var config = new Proto.ModelConfig
        {
            Name = model.Name,
            Platform = info.Platform ?? "unknown",
            Backend = V2Mapping.Backend(info.Platform),
            MaxBatchSize = settings.MaxBatchSize,
        };
        foreach (var spec in info.Signature?.Inputs ?? [])
        {
            var input = new ModelInput { Name = spec.Name, DataType = ConfigType(spec.DataType), Optional = spec.Optional };
            input.Dims.Add(batched ? spec.Shape[1..] : spec.Shape);
            config.Input.Add(input);
        }

        foreach (var spec in info.Signature?.Outputs ?? [])
        {
            var output = new ModelOutput { Name = spec.Name, DataType = ConfigType(spec.DataType) };
            output.Dims.Add(batched ? spec.Shape[1..] : spec.Shape);
            config.Output.Add(output);
        }

        if (info.IsBatching)
        {
            config.DynamicBatching = new ModelDynamicBatching
            {
                MaxQueueDelayMicroseconds = (ulong)settings.DynamicBatching.MaxQueueDelayMicroseconds,
                DefaultQueuePolicy = new ModelQueuePolicy { MaxQueueSize = (uint)settings.DynamicBatching.MaxQueueSize },
            };
            AddPriorities(config.DynamicBatching, V2Priorities.Of(settings.DynamicBatching));
        }

        foreach (var group in V2Mapping.InstanceGroups(info, settings) ?? [])
        {
            config.InstanceGroup.Add(new ModelInstanceGroup
            {
                Count = group.Count,
                Kind = group.Kind == "KIND_GPU" ? ModelInstanceGroup.Types.Kind.Gpu : ModelInstanceGroup.Types.Kind.Cpu,
            });
        }

        if (settings.ResponseCache is { Enable: true })
        {
            config.ResponseCache = new ModelResponseCache { Enable = true };
        }

        if (V2Mapping.EnsembleScheduling(settings) is { } ensemble)
        {
            config.EnsembleScheduling = new ModelEnsembling();
            foreach (var step in ensemble.Step)
            {
                var member = new ModelEnsembling.Types.Step { ModelName = step.ModelName, ModelVersion = step.ModelVersion };
                member.InputMap.Add(step.InputMap.ToDictionary());
                member.OutputMap.Add(step.OutputMap.ToDictionary());
                config.EnsembleScheduling.Step.Add(member);
            }
        }

        if (V2SequenceBatching.Of(settings) is { } sequences)
        {
            config.SequenceBatching = GrpcSequenceBatching.Map(sequences);
        }

        foreach (var sample in V2Mapping.Warmups(info, settings) ?? [])
        {
            var warmup = new Proto.ModelWarmup { Name = sample.Name, BatchSize = (uint)sample.BatchSize, Count = (uint)sample.Count };
            foreach (var (name, input) in sample.Inputs)
            {
                var warmupInput = new Proto.ModelWarmup.Types.Input { DataType = ConfigType(input.Type) };
                warmupInput.Dims.Add(input.Dims);
                if (input.InputDataFile is { } file)
                {
                    warmupInput.InputDataFile = file;
                }
                else if (input.RandomData is true)
                {
                    warmupInput.RandomData = true;
                }
                else
                {
                    warmupInput.ZeroData = true;
                }

                warmup.Inputs.Add(name, warmupInput);
            }

            config.ModelWarmup.Add(warmup);
        }

        return new ModelConfigResponse { Config = config };
    }

    /// <summary>Triton's priority levels and queue policies, the same values /v2's config answers.</summary>
    private static void AddPriorities(ModelDynamicBatching batching, V2Priorities? priorities)
    {
        if (priorities is null)
        {
            return;
        }

        static ModelQueuePolicy Policy(V2QueuePolicy policy) => new()
        {
            TimeoutAction = policy.TimeoutAction == "DELAY" ? ModelQueuePolicy.Types.TimeoutAction.Delay : ModelQueuePolicy.Types.TimeoutAction.Reject,
            DefaultTimeoutMicroseconds = (ulong)policy.DefaultTimeoutMicroseconds,
            AllowTimeoutOverride = policy.AllowTimeoutOverride,
            MaxQueueSize = (uint)policy.MaxQueueSize,
        };

        batching.PriorityLevels = (ulong)priorities.PriorityLevels;
        batching.DefaultPriorityLevel = (ulong)priorities.DefaultPriorityLevel;
        batching.DefaultQueuePolicy = Policy(priorities.DefaultQueuePolicy);
        foreach (var (level, policy) in priorities.PriorityQueuePolicy ?? new Dictionary<string, V2QueuePolicy>())
        {
            batching.PriorityQueuePolicy.Add(ulong.Parse(level, System.Globalization.CultureInfo.InvariantCulture), Policy(policy));
        }
    }

    [Authorize(Policy = MaaSPolicies.App)]
    public override Task<ModelStatisticsResponse> ModelStatistics(ModelStatisticsRequest request, ServerCallContext context)
    {
        string? name = string.IsNullOrEmpty(request.Name) ? null : request.Name;
        if (!V2Mapping.Statistics(registry, name, Version(request.Version)).TryGetValue(out var stats, out var error))
        {
            throw error.Exception();
        }

        var answer = new ModelStatisticsResponse();
        foreach (var info in stats)
        {
            answer.ModelStats.Add(GrpcStatistics.Map(info));
        }

        return Task.FromResult(answer);
    }

    [Authorize(Policy = MaaSPolicies.Admin)]
    public override Task<RepositoryIndexResponse> RepositoryIndex(RepositoryIndexRequest request, ServerCallContext context)
    {
        var answer = new RepositoryIndexResponse();
        foreach (var entry in V2Mapping.RepositoryIndex(registry, request.Ready))
        {
            answer.Models.Add(new RepositoryIndexResponse.Types.ModelIndex
            {
                Name = entry.Name,
                Version = entry.Version ?? string.Empty,
                State = entry.State ?? string.Empty,
                Reason = entry.Reason ?? string.Empty,
            });
        }

        return Task.FromResult(answer);
    }

    [Authorize(Policy = MaaSPolicies.Admin)]
    public override async Task<RepositoryModelLoadResponse> RepositoryModelLoad(RepositoryModelLoadRequest request, ServerCallContext context)
    {
        RequireOwner(request.ModelName, context);
        Done(await registry.LoadModelAsync(request.ModelName, context.CancellationToken));
        return new RepositoryModelLoadResponse();
    }

    [Authorize(Policy = MaaSPolicies.Admin)]
    public override async Task<RepositoryModelUnloadResponse> RepositoryModelUnload(RepositoryModelUnloadRequest request, ServerCallContext context)
    {
        RequireOwner(request.ModelName, context);
        Done(await registry.UnloadModelAsync(request.ModelName, context.CancellationToken));
        return new RepositoryModelUnloadResponse();
    }

    // Triton's trace extension, as /v2[/models/{name}]/trace/setting: the whole server's trace file, so the operator
    // tenant's admins only.
    [Authorize(Policy = MaaSPolicies.Operator)]
    public override Task<TraceSettingResponse> TraceSetting(TraceSettingRequest request, ServerCallContext context)
    {
        string? model = string.IsNullOrEmpty(request.ModelName) ? null : Model(request.ModelName).Name;
        return tracing.Update(model, GrpcTraceSettings.Changes(request)).TryGetValue(out var settings, out var error)
            ? Task.FromResult(GrpcTraceSettings.Answer(settings))
            : throw error.Exception();
    }

    // Triton's system shared memory extension, as /v2/systemsharedmemory: the caller's tenant's regions only.
    [Authorize(Policy = MaaSPolicies.App)]
    public override Task<SystemSharedMemoryStatusResponse> SystemSharedMemoryStatus(SystemSharedMemoryStatusRequest request, ServerCallContext context)
    {
        if (!sharedMemory.Status(host.Tenant(context), request.Name).TryGetValue(out var regions, out var error))
        {
            throw error.Exception();
        }

        var answer = new SystemSharedMemoryStatusResponse();
        foreach (var region in regions)
        {
            answer.Regions.Add(region.Name, new SystemSharedMemoryStatusResponse.Types.RegionStatus
            {
                Name = region.Name,
                Key = region.Key,
                Offset = (ulong)region.Offset,
                ByteSize = (ulong)region.ByteSize,
            });
        }

        return Task.FromResult(answer);
    }

    [Authorize(Policy = MaaSPolicies.Admin)]
    public override Task<SystemSharedMemoryRegisterResponse> SystemSharedMemoryRegister(SystemSharedMemoryRegisterRequest request, ServerCallContext context)
    {
        // uint64 on the wire: past long.MaxValue is past any object, refused as a range like any other.
        long offset = request.Offset > long.MaxValue ? -1 : (long)request.Offset;
        long byteSize = request.ByteSize > long.MaxValue ? -1 : (long)request.ByteSize;
        Done(sharedMemory.Register(host.Tenant(context), request.Name, request.Key, offset, byteSize));
        return Task.FromResult(new SystemSharedMemoryRegisterResponse());
    }

    [Authorize(Policy = MaaSPolicies.Admin)]
    public override Task<SystemSharedMemoryUnregisterResponse> SystemSharedMemoryUnregister(SystemSharedMemoryUnregisterRequest request, ServerCallContext context)
    {
        Done(sharedMemory.Unregister(host.Tenant(context), request.Name));
        return Task.FromResult(new SystemSharedMemoryUnregisterResponse());
    }

    // CUDA shared memory as Triton built without GPU support answers it: no regions, a registration refused.
    [Authorize(Policy = MaaSPolicies.App)]
    public override Task<CudaSharedMemoryStatusResponse> CudaSharedMemoryStatus(CudaSharedMemoryStatusRequest request, ServerCallContext context) =>
        string.IsNullOrEmpty(request.Name)
            ? Task.FromResult(new CudaSharedMemoryStatusResponse())
            : throw CudaSharedMemory.NotFound(request.Name).Exception();

    [Authorize(Policy = MaaSPolicies.Admin)]
    public override Task<CudaSharedMemoryRegisterResponse> CudaSharedMemoryRegister(CudaSharedMemoryRegisterRequest request, ServerCallContext context) =>
        throw CudaSharedMemory.Unsupported(request.Name).Exception();

    [Authorize(Policy = MaaSPolicies.Admin)]
    public override Task<CudaSharedMemoryUnregisterResponse> CudaSharedMemoryUnregister(CudaSharedMemoryUnregisterRequest request, ServerCallContext context) =>
        Task.FromResult(new CudaSharedMemoryUnregisterResponse());

    // Triton's logging extension, as /v2/logging: the whole server's settings, so the operator tenant's admins only.
    [Authorize(Policy = MaaSPolicies.Operator)]
    public override Task<LogSettingsResponse> LogSettings(LogSettingsRequest request, ServerCallContext context) =>
        logging.Update(GrpcLogSettings.Changes(request)).TryGetValue(out var settings, out var error)
            ? Task.FromResult(GrpcLogSettings.Answer(settings))
            : throw error.Exception();

    private static void Done<T>(Result<T> result)
    {
        if (!result.TryGetValue(out _, out var error))
        {
            throw error.Exception();
        }
    }

    // The ModelOwner policy of the HTTP routes, which reads the name from the route; here it is in the message. A model
    // the caller cannot see passes, so the registry answers NOT_FOUND as for an unknown one.
    private void RequireOwner(string name, ServerCallContext context)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw GrpcErrors.Exception(ErrorCode.InvalidRequest, "model_name is required");
        }

        string tenant = host.Tenant(context);
        if (access.CanSee(tenant, name) && !access.IsOwner(tenant, name))
        {
            throw GrpcErrors.Exception(ErrorCode.Forbidden, $"model '{name}' belongs to another tenant: only its owner's admins may load or unload it");
        }
    }

    // A lazy model is loaded first, as over HTTP: a Triton client reads metadata and config before its first inference.
    private async Task<(ModelInfo Model, ModelVersionInfo Version)> ReadyVersionAsync(string name, long? version, CancellationToken cancellationToken) =>
        (await V2Mapping.ReadyVersionAsync(registry, Name(name), version, cancellationToken)).TryGetValue(out var read, out var error) ? read : throw error.Exception();

    private ModelInfo Model(string name) => registry.GetModel(Name(name)) ?? throw V2Mapping.UnknownModel(name).Exception();

    private static string Name(string name) => string.IsNullOrEmpty(name) ? throw GrpcErrors.Exception(ErrorCode.InvalidRequest, "name is required") : name;

    // The protocol's empty string is "no version", the default one.
    private static long? Version(string text) =>
        string.IsNullOrEmpty(text) ? null
        : V2Mapping.ParseVersion(text).TryGetValue(out long? version, out var error) ? version
        : throw error.Exception();

    private static ModelMetadataResponse.Types.TensorMetadata Tensor(TensorSpec spec)
    {
        var tensor = new ModelMetadataResponse.Types.TensorMetadata { Name = spec.Name, Datatype = spec.DataType.ToProtocolName() };
        tensor.Shape.Add(spec.Shape);
        return tensor;
    }

    internal static DataType ConfigType(TensorDataType type) => type switch
    {
        TensorDataType.Bool => DataType.TypeBool,
        TensorDataType.Uint8 => DataType.TypeUint8,
        TensorDataType.Int8 => DataType.TypeInt8,
        TensorDataType.Int32 => DataType.TypeInt32,
        TensorDataType.Int64 => DataType.TypeInt64,
        TensorDataType.Fp16 => DataType.TypeFp16,
        TensorDataType.Fp32 => DataType.TypeFp32,
        TensorDataType.Fp64 => DataType.TypeFp64,
        TensorDataType.Bytes => DataType.TypeString,
        _ => DataType.TypeInvalid,
    };
}
