using Microsoft.ML.OnnxRuntime;
using OrtSessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace MaaS.Models.Onnx;

/// <summary>
/// Loads <c>&lt;version&gt;/model.onnx</c> into one <see cref="InferenceSession"/> with the configured provider,
/// threading and graph optimisation. Integer inputs may declare value bounds in the ONNX metadata as
/// <c>maas.input_range.&lt;input&gt; = "min,max"</c> (inclusive); requests outside are refused before Run.
/// </summary>
public sealed partial class OnnxModelLoader : IModelLoader
{
    /// <summary>Metadata key prefix declaring inclusive value bounds of an integer input.</summary>
    public const string InputRangePrefix = "maas.input_range.";

    private readonly IOptions<ServingOptions> _options;
    private readonly ILogger<OnnxModelLoader> _logger;

    /// <summary>Creates the loader.</summary>
    public OnnxModelLoader(IOptions<ServingOptions> options, ILogger<OnnxModelLoader> logger)
    {
        _options = options;
        _logger = logger;
    }

    /// <inheritdoc />
    public string Format => "onnx";

    /// <inheritdoc />
    public ValueTask<ILoadedModel> LoadAsync(ModelLoadContext context, CancellationToken cancellationToken)
    {
        string path = Path.Combine(context.VersionDirectory, RepositoryFiles.Onnx);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{RepositoryFiles.Onnx} not found in version folder {context.Version}.");
        }

        ServingOptions options = _options.Value;
        bool globalPools = OrtEnvironment.EnsureGlobalThreadPools(options.IntraOpNumThreads, options.InterOpNumThreads);
        InferenceSession session;
        string provider;
        try
        {
            session = CreateSession(path, context, options, globalPools, out provider);
        }
        catch (OnnxRuntimeException e) when (globalPools && e.Message.Contains("GlobalThreadPools", StringComparison.Ordinal))
        {
            // Something else created ORT's process-wide environment first, without global pools (it can race the
            // check in OrtEnvironment); this process then keeps per-session pools.
            OrtEnvironment.MarkPerSessionThreadPools();
            globalPools = false;
            session = CreateSession(path, context, options, globalPools, out provider);
        }

        try
        {
            var signature = ReadSignature(session);
            var properties = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["execution_provider"] = provider,
                ["onnxruntime_version"] = OrtEnv.Instance().GetVersionString(),
                ["producer"] = session.ModelMetadata.ProducerName,
                ["graph"] = session.ModelMetadata.GraphName,
                ["global_thread_pool"] = globalPools && context.Config.IntraOpThreads is null ? "true" : "false",
            };
            if (context.Config.IntraOpThreads is int threads)
            {
                properties["intra_op_threads"] = threads.ToString(CultureInfo.InvariantCulture);
            }

            var model = new OnnxModel(session, signature, properties, context.ModelName, _logger);
            if (options.ManagedTwins && provider == ExecutionProviderSelector.Cpu && TwinOf(path, model) is { } twin)
            {
                model.Twin = twin;
                properties["managed_twin"] = "true";
            }

            return ValueTask.FromResult<ILoadedModel>(model);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Rows the twin is checked on against the session at load, and the agreement it must reach.</summary>
    internal const int TwinCheckRows = 5;
    internal const float TwinTolerance = 1e-5f;

    // A small dense model's managed twin, when it reads the file, answers every declared output and agrees with the
    // session on a few rows of varied values (some large, so an activation's saturation is checked too); else null.
    private static DenseTwin? TwinOf(string path, OnnxModel model)
    {
        var file = new FileInfo(path);
        if (file.Length > (DenseTwin.MaxWeights * 8L) + (1 << 16) || model.Signature.Inputs is not [{ DataType: TensorDataType.Fp32, Shape: [_, var features] } input] ||
            model.Signature.Outputs.Any(o => o.DataType != TensorDataType.Fp32))
        {
            return null;
        }

        var twin = DenseTwin.TryRead(File.ReadAllBytes(path));
        if (twin is null || twin.Input != input.Name || twin.Features != features || !model.Signature.Outputs.All(o => twin.Computes(o.Name)))
        {
            return null;
        }

        var x = new float[TwinCheckRows * twin.Features];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = ((i * 37 % 23) - 11) * (i % 5 == 0 ? 3.7f : 0.29f);
        }

        string[] names = [.. model.Signature.Outputs.Select(o => o.Name)];
        InferTensor[] expected;
        try
        {
            expected = model.RunSession([InferTensor.Fp32(input.Name, x, TwinCheckRows, twin.Features)], names, out _);
        }
        catch (OnnxRuntimeException)
        {
            // The session refuses these rows (a shape it fixes): the model is the session's alone.
            return null;
        }

        var actual = twin.Run(x, TwinCheckRows, names);
        for (int o = 0; o < names.Length; o++)
        {
            var want = (float[])expected[o].Data;
            if (want.Length != actual[o].Length)
            {
                return null;
            }

            for (int i = 0; i < want.Length; i++)
            {
                if (!(MathF.Abs(want[i] - actual[o][i]) <= TwinTolerance * (1 + MathF.Abs(want[i]))))
                {
                    return null;
                }
            }
        }

        return twin;
    }

    private InferenceSession CreateSession(string path, ModelLoadContext context, ServingOptions options, bool globalPools, out string provider)
    {
        using var sessionOptions = new OrtSessionOptions
        {
            GraphOptimizationLevel = options.GraphOptimization switch
            {
                GraphOptimization.None => GraphOptimizationLevel.ORT_DISABLE_ALL,
                GraphOptimization.Basic => GraphOptimizationLevel.ORT_ENABLE_BASIC,
                GraphOptimization.Extended => GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
                _ => GraphOptimizationLevel.ORT_ENABLE_ALL,
            },
            LogId = $"{context.ModelName}/{context.Version}",
        };
        if (context.Config.IntraOpThreads is int threads)
        {
            // A pool of the model's own (model.json): sized for it, and not spinning, for the same reason as the
            // global one.
            sessionOptions.IntraOpNumThreads = threads;
            sessionOptions.InterOpNumThreads = 1;
            sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
            sessionOptions.AddSessionConfigEntry("session.inter_op.allow_spinning", "0");
        }
        else if (globalPools)
        {
            sessionOptions.DisablePerSessionThreads();
        }
        else
        {
            LogPerSessionThreads(_logger, context.ModelName);
            sessionOptions.IntraOpNumThreads = options.IntraOpNumThreads;
            sessionOptions.InterOpNumThreads = options.InterOpNumThreads;
        }

        provider = ExecutionProviderSelector.Apply(sessionOptions, options.ExecutionProvider, options.CudaDeviceId, context.ModelName, _logger);
        return new InferenceSession(path, sessionOptions);
    }

    private static ModelSignature ReadSignature(InferenceSession session)
    {
        var inputs = session.InputMetadata.Select(kv => ToSpec(kv.Key, kv.Value, "input")).ToList();
        var outputs = session.OutputMetadata.Select(kv => ToSpec(kv.Key, kv.Value, "output")).ToList();
        var ranges = new Dictionary<string, ValueRange>(StringComparer.Ordinal);
        foreach (var (key, value) in session.ModelMetadata.CustomMetadataMap)
        {
            if (!key.StartsWith(InputRangePrefix, StringComparison.Ordinal))
            {
                continue;
            }

            string input = key[InputRangePrefix.Length..];
            string[] parts = value.Split(',');
            if (parts.Length != 2
                || !long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out long min)
                || !long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out long max)
                || min > max
                || inputs.All(i => i.Name != input))
            {
                throw new InvalidDataException($"Metadata '{key}' must be 'min,max' for a declared input.");
            }

            ranges[input] = new ValueRange(min, max);
        }

        return new ModelSignature(inputs, outputs, ranges);
    }

    private static TensorSpec ToSpec(string name, NodeMetadata metadata, string kind)
    {
        if (!metadata.IsTensor || !OnnxTypes.TryMap(metadata.ElementDataType, out var type))
        {
            throw new NotSupportedException($"The {kind} '{name}' is not a tensor of a supported element type ({metadata.ElementDataType}).");
        }

        return new TensorSpec(name, type, [.. metadata.Dimensions.Select(d => (long)d)], [.. metadata.SymbolicDimensions]);
    }

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning,
        Message = "ONNX Runtime environment was created before the registry; {Model} uses per-session thread pools")]
    private static partial void LogPerSessionThreads(ILogger logger, string model);
}
