namespace MaaS.Models.Registry;

/// <summary>A declared tensor of an ensemble (Triton's <c>ModelInput</c> / <c>ModelOutput</c>: name, data_type, dims).</summary>
public sealed record ModelTensorConfig
{
    /// <summary>The ensemble's tensor name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The protocol's datatype (FP32, INT64, BYTES...) or Triton's configuration name (TYPE_FP32, TYPE_STRING...).</summary>
    public string DataType { get; set; } = string.Empty;

    /// <summary>Dimensions, -1 for a variable one; without the batch axis when the ensemble's maxBatchSize &gt; 0.</summary>
    public IReadOnlyList<long> Dims { get; set; } = [];
}

/// <summary>Triton's <c>ModelEnsembling</c>: the steps of an ensemble.</summary>
public sealed record EnsembleSchedulingConfig
{
    /// <summary>The steps; they run in the order their inputs become ready, not in the order written.</summary>
    public IReadOnlyList<EnsembleStepConfig> Step { get; set; } = [];
}

/// <summary>Triton's <c>ModelEnsembling.Step</c>: one member model and how its tensors map to the ensemble's.</summary>
public sealed record EnsembleStepConfig
{
    /// <summary>The member model.</summary>
    public string ModelName { get; set; } = string.Empty;

    /// <summary>The member's version; -1 (Triton's default) is its default version (model.json's, else the highest ready).</summary>
    public long ModelVersion { get; set; } = -1;

    /// <summary>Member input name to the ensemble tensor it reads.</summary>
    public IReadOnlyDictionary<string, string> InputMap { get; set; } = new Dictionary<string, string>();

    /// <summary>Member output name to the ensemble tensor it writes.</summary>
    public IReadOnlyDictionary<string, string> OutputMap { get; set; } = new Dictionary<string, string>();
}

/// <summary>
/// The checks of an ensemble's model.json that need no other model: each named field that is wrong. The graph checks
/// (members, wiring, cycles, datatypes) run when the ensemble loads (<see cref="Ensembles.EnsembleGraph"/>).
/// </summary>
internal static class EnsembleConfigCheck
{
    /// <summary>The format that makes a model.json an ensemble.</summary>
    public const string Format = "ensemble";

    public static bool IsEnsemble(ModelConfig config) => string.Equals(config.Format, Format, StringComparison.OrdinalIgnoreCase);

    public static IEnumerable<string> Check(ModelConfig config)
    {
        if (!IsEnsemble(config))
        {
            if (config.EnsembleScheduling is not null)
            {
                yield return "ensembleScheduling is only for \"format\": \"ensemble\"";
            }

            if (config.Input.Count > 0 || config.Output.Count > 0)
            {
                yield return "input and output are declared only by an ensemble (other formats read them from the model)";
            }

            yield break;
        }

        foreach (string error in Tensors("input", config.Input).Concat(Tensors("output", config.Output)))
        {
            yield return error;
        }

        if (config.EnsembleScheduling is not { Step.Count: > 0 } scheduling)
        {
            yield return "ensembleScheduling.step must list at least one step";
            yield break;
        }

        for (int i = 0; i < scheduling.Step.Count; i++)
        {
            var step = scheduling.Step[i];
            string at = $"ensembleScheduling.step[{i}]";
            if (step is null)
            {
                yield return $"{at} must not be null";
                continue;
            }

            if (string.IsNullOrWhiteSpace(step.ModelName))
            {
                yield return $"{at}.modelName must not be empty";
            }

            if (step.ModelVersion is 0 or < -1)
            {
                yield return $"{at}.modelVersion must be -1 (the default version) or a positive version";
            }

            foreach (string error in Map($"{at}.inputMap", step.InputMap).Concat(Map($"{at}.outputMap", step.OutputMap)))
            {
                yield return error;
            }
        }
    }

    private static IEnumerable<string> Tensors(string field, IReadOnlyList<ModelTensorConfig> tensors)
    {
        if (tensors.Count == 0)
        {
            yield return $"{field} must declare at least one tensor of the ensemble";
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < tensors.Count; i++)
        {
            var tensor = tensors[i];
            if (tensor is null || string.IsNullOrWhiteSpace(tensor.Name))
            {
                yield return $"{field}[{i}].name must not be empty";
                continue;
            }

            if (!names.Add(tensor.Name))
            {
                yield return $"{field}[{i}].name '{tensor.Name}' is declared twice";
            }

            if (!TensorDataTypes.TryParseConfigName(tensor.DataType, out _))
            {
                yield return $"{field}[{i}].dataType '{tensor.DataType}' is not a datatype (FP32, INT64, BYTES... or TYPE_FP32...)";
            }

            if (tensor.Dims.Any(d => d is 0 or < -1))
            {
                yield return $"{field}[{i}].dims must be positive or -1 (variable)";
            }
        }
    }

    private static IEnumerable<string> Map(string field, IReadOnlyDictionary<string, string> map)
    {
        if (map is null || map.Count == 0)
        {
            yield return $"{field} must map at least one tensor";
            yield break;
        }

        foreach (var (member, ensemble) in map)
        {
            if (string.IsNullOrWhiteSpace(member) || string.IsNullOrWhiteSpace(ensemble))
            {
                yield return $"{field} must not map an empty name";
            }
        }
    }
}
