using Microsoft.ML.OnnxRuntime;

namespace MaaS.Models.Onnx;

/// <summary>
/// One ONNX model version: a single <see cref="InferenceSession"/> shared by all callers (ORT's Run is thread-safe),
/// run through the OrtValue API. Owns the session; dispose once no run is in flight. Runtime errors leave as
/// <see cref="ModelInputException"/> or <see cref="ModelRunException"/> with messages fit for callers; the runtime's own
/// text (source paths, node names) goes to the log only.
/// </summary>
public sealed partial class OnnxModel : ITensorModel
{
    private readonly InferenceSession _session;
    // A failed run is logged once, classified, through ILogger below; ORT's own error line would repeat it unstructured
    // on stderr for every refused request.
    private readonly RunOptions _runOptions = new() { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL };
    private readonly string _name;
    private readonly ILogger _logger;

    // Set by the first run that succeeds: from then on a kernel's shape or value failure is blamed on its inputs.
    private volatile bool _hasRun;

    internal OnnxModel(InferenceSession session, ModelSignature signature, IReadOnlyDictionary<string, string> properties, string name, ILogger logger)
    {
        _session = session;
        Signature = signature;
        Properties = properties;
        _name = name;
        _logger = logger;
    }

    /// <inheritdoc />
    public string Platform => "onnxruntime_onnx";

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Properties { get; }

    /// <inheritdoc />
    public ModelSignature Signature { get; }

    /// <summary>The underlying session, for in-process measurement (benchmarks). Do not dispose.</summary>
    public InferenceSession Session => _session;

    /// <summary>The managed twin that runs this model instead of the session (a small dense model), or null.</summary>
    internal DenseTwin? Twin { get; set; }

    /// <inheritdoc />
    public IReadOnlyList<InferTensor> Run(IReadOnlyList<InferTensor> inputs, IReadOnlyList<string> outputNames, out RunTimings timings)
    {
        try
        {
            var outputs = RunCore(inputs, outputNames, out timings);
            if (!_hasRun)
            {
                _hasRun = true;
            }

            return outputs;
        }
        catch (OnnxRuntimeException e)
        {
            var fault = OnnxModelFailure.Classify(e);
            if (fault == OnnxRunFault.Input || (fault == OnnxRunFault.InputOrModel && _hasRun))
            {
                LogInputRefused(_logger, _name, e.Message);
                throw new ModelInputException(OnnxModelFailure.InputMessage, e);
            }

            LogRunFailed(_logger, _name, e.Message);
            throw new ModelRunException(OnnxModelFailure.ModelMessage, fault == OnnxRunFault.InputOrModel, e);
        }
    }

    private InferTensor[] RunCore(IReadOnlyList<InferTensor> inputs, IReadOnlyList<string> outputNames, out RunTimings timings)
    {
        if (Twin is { } twin && inputs is [{ Data: float[] x, Shape: [var rows, var features] }] && features == twin.Features && twin.Takes(rows))
        {
            long began = Stopwatch.GetTimestamp();
            var computed = twin.Run(x, (int)rows, outputNames);
            var answered = new InferTensor[computed.Length];
            for (int i = 0; i < computed.Length; i++)
            {
                answered[i] = InferTensor.Fp32(outputNames[i], computed[i], rows, twin.WidthOf(outputNames[i]));
            }

            timings = new RunTimings(TimeSpan.Zero, Stopwatch.GetElapsedTime(began), TimeSpan.Zero);
            return answered;
        }

        return RunSession(inputs, outputNames, out timings);
    }

    /// <summary>A run of the ONNX Runtime session itself (also what the twin is checked against at load).</summary>
    internal InferTensor[] RunSession(IReadOnlyList<InferTensor> inputs, IReadOnlyList<string> outputNames, out RunTimings timings)
    {
        long start = Stopwatch.GetTimestamp();
        var names = new string[inputs.Count];
        var values = new OrtValue[inputs.Count];
        try
        {
            for (int i = 0; i < inputs.Count; i++)
            {
                names[i] = inputs[i].Name;
                values[i] = CreateValue(inputs[i]);
            }

            long created = Stopwatch.GetTimestamp();
            using var results = _session.Run(_runOptions, names, values, [.. outputNames]);
            long ran = Stopwatch.GetTimestamp();
            var outputs = new InferTensor[results.Count];
            for (int i = 0; i < results.Count; i++)
            {
                outputs[i] = ReadValue(outputNames[i], results[i]);
            }

            long copied = Stopwatch.GetTimestamp();
            timings = new RunTimings(
                Stopwatch.GetElapsedTime(start, created), Stopwatch.GetElapsedTime(created, ran), Stopwatch.GetElapsedTime(ran, copied));
            return outputs;
        }
        finally
        {
            foreach (var value in values)
            {
                value?.Dispose();
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _runOptions.Dispose();
        _session.Dispose();
    }

    private static OrtValue CreateValue(InferTensor tensor) => tensor.Data switch
    {
        // Numeric arrays are pinned and used in place: no copy.
        float[] a => OrtValue.CreateTensorValueFromMemory(a, tensor.Shape),
        double[] a => OrtValue.CreateTensorValueFromMemory(a, tensor.Shape),
        long[] a => OrtValue.CreateTensorValueFromMemory(a, tensor.Shape),
        int[] a => OrtValue.CreateTensorValueFromMemory(a, tensor.Shape),
        bool[] a => OrtValue.CreateTensorValueFromMemory(a, tensor.Shape),
        byte[] a => OrtValue.CreateTensorValueFromMemory(a, tensor.Shape),
        sbyte[] a => OrtValue.CreateTensorValueFromMemory(a, tensor.Shape),
        Half[] a => OrtValue.CreateTensorValueFromMemory(
            Array.ConvertAll(a, h => new Microsoft.ML.OnnxRuntime.Float16(BitConverter.HalfToUInt16Bits(h))), tensor.Shape),
        string[] a => CreateStrings(a, tensor.Shape),
        _ => throw new ArgumentException($"Unsupported data array {tensor.Data.GetType().Name} for input '{tensor.Name}'."),
    };

    private static OrtValue CreateStrings(string[] data, long[] shape)
    {
        var value = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, shape);
        for (int i = 0; i < data.Length; i++)
        {
            value.StringTensorSetElementAt(data[i].AsSpan(), i);
        }

        return value;
    }

    private static InferTensor ReadValue(string name, OrtValue value)
    {
        var info = value.GetTensorTypeAndShape();
        long[] shape = info.Shape;
        if (!OnnxTypes.TryMap(info.ElementDataType, out var type))
        {
            throw new NotSupportedException($"Output '{name}' has unsupported element type {info.ElementDataType}.");
        }

        Array data = type switch
        {
            TensorDataType.Fp32 => value.GetTensorDataAsSpan<float>().ToArray(),
            TensorDataType.Fp64 => value.GetTensorDataAsSpan<double>().ToArray(),
            TensorDataType.Int64 => value.GetTensorDataAsSpan<long>().ToArray(),
            TensorDataType.Int32 => value.GetTensorDataAsSpan<int>().ToArray(),
            TensorDataType.Bool => value.GetTensorDataAsSpan<bool>().ToArray(),
            TensorDataType.Uint8 => value.GetTensorDataAsSpan<byte>().ToArray(),
            TensorDataType.Int8 => value.GetTensorDataAsSpan<sbyte>().ToArray(),
            TensorDataType.Fp16 => Array.ConvertAll(
                value.GetTensorDataAsSpan<Microsoft.ML.OnnxRuntime.Float16>().ToArray(), h => BitConverter.UInt16BitsToHalf(h.value)),
            TensorDataType.Bytes => value.GetStringTensorAsArray(),
            _ => throw new NotSupportedException($"Output '{name}' has unsupported type {type}."),
        };
        return new InferTensor(name, type, shape, data);
    }

    [LoggerMessage(EventId = 1110, Level = LogLevel.Debug, Message = "ONNX Runtime refused a request's inputs to model {Model}: {Error}")]
    private static partial void LogInputRefused(ILogger logger, string model, string error);

    [LoggerMessage(EventId = 1111, Level = LogLevel.Error, Message = "ONNX Runtime failed running model {Model}: {Error}")]
    private static partial void LogRunFailed(ILogger logger, string model, string error);
}
