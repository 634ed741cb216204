using MaaS.Models.OpenInference;

namespace MaaS.Models.Registry;

/// <summary>
/// Triton's model warmup (<see cref="ModelConfig.ModelWarmup"/>): builds each sample's inputs and runs the freshly
/// loaded model on them, in order, before the version is published; the first real request then finds the runtime's
/// arenas grown and its kernels chosen. A sample that does not fit the model, or whose run fails, fails the load.
/// </summary>
internal static class ModelWarmup
{
    /// <summary>The folder under the model's folder that holds the samples' input files, as in Triton.</summary>
    public const string Folder = "warmup";

    // Fixed, so that a warmup runs the same values on every replica and every load.
    private const int Seed = 20_260_101;

    /// <summary>What model.json's <c>modelWarmup</c> gets wrong, one line each; empty when it is usable.</summary>
    public static IEnumerable<string> Check(ModelConfig config)
    {
        for (int i = 0; i < config.ModelWarmup.Count; i++)
        {
            var sample = config.ModelWarmup[i];
            string at = $"modelWarmup[{i}]";
            if (string.IsNullOrWhiteSpace(sample.Name))
            {
                yield return $"{at}.name must not be empty";
            }

            if (config.MaxBatchSize == 0 ? sample.BatchSize != 1 : sample.BatchSize < 1 || sample.BatchSize > config.MaxBatchSize)
            {
                yield return config.MaxBatchSize == 0
                    ? $"{at}.batchSize must be 1 for a model without a batch axis (maxBatchSize 0)"
                    : $"{at}.batchSize must be between 1 and maxBatchSize ({config.MaxBatchSize})";
            }

            if (sample.Count < 0)
            {
                yield return $"{at}.count must be >= 0";
            }

            if (sample.Inputs.Count == 0)
            {
                yield return $"{at}.inputs must name every input of the model";
            }

            foreach (var (name, input) in sample.Inputs)
            {
                string where = $"{at}.inputs.{name}";
                if (input.DataType is not null && !TensorDataTypes.TryParseConfigName(input.DataType, out _))
                {
                    yield return $"{where}.dataType '{input.DataType}' is not a tensor datatype";
                }

                if (input.Dims.Any(d => d < 1))
                {
                    yield return $"{where}.dims must all be fixed sizes (>= 1)";
                }

                if ((input.ZeroData is true ? 1 : 0) + (input.RandomData is true ? 1 : 0) + (input.InputDataFile is null ? 0 : 1) != 1)
                {
                    yield return $"{where} needs exactly one of zeroData, randomData or inputDataFile";
                }

                if (input.InputDataFile is { } file && (file.Length == 0 || file != Path.GetFileName(file) || file is "." or ".."))
                {
                    yield return $"{where}.inputDataFile must be a file name in the model's '{Folder}' folder";
                }
            }
        }
    }

    /// <summary>
    /// Runs every sample of <paramref name="config"/> on <paramref name="model"/> (each <c>max(count, 1)</c> times) and
    /// returns how many runs it made and how long they took; throws <see cref="InvalidDataException"/> naming the sample
    /// that does not fit or fails.
    /// </summary>
    public static (int Runs, TimeSpan Elapsed) Run(string modelName, ITensorModel model, ModelConfig config, string modelDirectory)
    {
        var clock = Stopwatch.StartNew();
        int runs = 0;
        var random = new Random(Seed);
        foreach (var sample in config.ModelWarmup)
        {
            var request = new InferenceRequest([.. sample.Inputs.Select(input => Tensor(model.Signature, config, sample, input.Key, input.Value, modelDirectory, random))]);
            if (!InputValidator.Validate(modelName, model.Signature, config.MaxBatchSize, request).TryGetValue(out var validated, out var error))
            {
                throw new InvalidDataException($"warmup sample '{sample.Name}' does not fit the model: {error.Message}");
            }

            for (int i = 0; i < Math.Max(sample.Count, 1); i++)
            {
                try
                {
                    model.Run(validated.Inputs, validated.OutputNames, out _);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    throw new InvalidDataException($"warmup sample '{sample.Name}' failed: {e.Message}", e);
                }

                runs++;
            }
        }

        return (runs, clock.Elapsed);
    }

    private static InferTensor Tensor(
        ModelSignature signature, ModelConfig config, ModelWarmupSample sample, string name, ModelWarmupInput input, string modelDirectory, Random random)
    {
        var spec = signature.Inputs.FirstOrDefault(s => s.Name == name)
            ?? throw new InvalidDataException($"warmup sample '{sample.Name}' names input '{name}', which the model does not have");
        var type = spec.DataType;
        if (input.DataType is { } named && (!TensorDataTypes.TryParseConfigName(named, out type) || type != spec.DataType))
        {
            throw new InvalidDataException($"warmup sample '{sample.Name}': input '{name}' is {spec.DataType.ToProtocolName()}, not {named}");
        }

        long perRow = input.Dims.Aggregate(1L, (product, d) => checked(product * d));
        int rows = config.MaxBatchSize > 0 ? sample.BatchSize : 1;
        long[] shape = config.MaxBatchSize > 0 ? [rows, .. input.Dims] : [.. input.Dims];
        var data = type.NewArray(checked((int)(perRow * rows)));
        if (input.InputDataFile is { } file)
        {
            Fill(data, Read(sample, name, type, perRow, Path.Combine(modelDirectory, Folder, file)));
        }
        else if (input.RandomData is true && type != TensorDataType.Bytes)
        {
            Randomise(data, random);
        }
        else if (data is string[] strings)
        {
            Array.Fill(strings, string.Empty);
        }

        return new InferTensor(name, type, shape, data);
    }

    // One sample's values from its file, as the binary tensor extension encodes them.
    private static Array Read(ModelWarmupSample sample, string name, TensorDataType type, long count, string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"warmup sample '{sample.Name}': input '{name}' reads {Folder}/{Path.GetFileName(path)}, which does not exist");
        }

        return V2BinaryTensors.Decode(name, type, checked((int)count), File.ReadAllBytes(path)).TryGetValue(out var values, out var error)
            ? values
            : throw new InvalidDataException($"warmup sample '{sample.Name}': {Folder}/{Path.GetFileName(path)}: {error.Message}");
    }

    // The one row repeated for every row of the batch.
    private static void Fill(Array data, Array row)
    {
        for (int offset = 0; offset < data.Length; offset += row.Length)
        {
            Array.Copy(row, 0, data, offset, row.Length);
        }
    }

    private static void Randomise(Array data, Random random)
    {
        switch (data)
        {
            case float[] f: foreach (ref float x in f.AsSpan()) { x = random.NextSingle(); } break;
            case double[] d: foreach (ref double x in d.AsSpan()) { x = random.NextDouble(); } break;
            case Half[] h: foreach (ref Half x in h.AsSpan()) { x = (Half)random.NextSingle(); } break;
            case bool[] b: foreach (ref bool x in b.AsSpan()) { x = random.Next(2) == 1; } break;
            case long[] l: foreach (ref long x in l.AsSpan()) { x = random.Next(2); } break;
            case int[] n: foreach (ref int x in n.AsSpan()) { x = random.Next(2); } break;
            case byte[] u: foreach (ref byte x in u.AsSpan()) { x = (byte)random.Next(2); } break;
            case sbyte[] s: foreach (ref sbyte x in s.AsSpan()) { x = (sbyte)random.Next(2); } break;
        }
    }
}
