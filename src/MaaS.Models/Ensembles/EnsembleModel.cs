using System.Collections.Immutable;

namespace MaaS.Models.Ensembles;

/// <summary>
/// A loaded ensemble (Triton's <c>platform: "ensemble"</c>): its declared signature and its steps, checked against its
/// members when it loaded (<see cref="EnsembleGraph"/>). It holds no runtime of its own: a call runs each step through
/// its member's ordinary path (<see cref="ModelInference"/>). Immutable; thread-safe.
/// </summary>
public sealed class EnsembleModel : ILoadedModel
{
    internal EnsembleModel(ModelSignature signature, IReadOnlyList<EnsembleStep> steps)
    {
        Signature = signature;
        Steps = steps;
        var sources = new Dictionary<string, (int, string)>(StringComparer.Ordinal);
        for (int s = 0; s < steps.Count; s++)
        {
            for (int o = 0; o < steps[s].Outputs.Length; o++)
            {
                sources[steps[s].OutputTensors[o]] = (s, steps[s].Outputs[o]);
            }
        }

        OutputSources = sources;
    }

    /// <summary>The platform Triton reports for an ensemble.</summary>
    public const string PlatformName = "ensemble";

    /// <inheritdoc />
    public string Platform => PlatformName;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Properties { get; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>The ensemble's declared inputs and outputs (with the batch axis first when it batches).</summary>
    public ModelSignature Signature { get; }

    /// <summary>The steps in an order where each comes after the steps it reads from.</summary>
    internal IReadOnlyList<EnsembleStep> Steps { get; }

    /// <summary>Each ensemble tensor a step writes: the step's position in <see cref="Steps"/> and its member's output name.</summary>
    internal IReadOnlyDictionary<string, (int Step, string Output)> OutputSources { get; }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}

/// <summary>One step, resolved against the others.</summary>
/// <param name="Index">Its place in model.json's <c>step</c> list, which errors name.</param>
/// <param name="ModelName">The member.</param>
/// <param name="Version">The member's version; null for its default.</param>
/// <param name="Inputs">Where each member input comes from.</param>
/// <param name="Outputs">The member outputs the ensemble uses (output_map's keys), which the step asks for.</param>
/// <param name="OutputTensors">The ensemble tensor each of <paramref name="Outputs"/> writes.</param>
/// <param name="DependsOn">Positions in <see cref="EnsembleModel.Steps"/> of the steps it reads from.</param>
/// <param name="RunsBesideOthers">Another step becomes ready with it: it runs on a thread of its own.</param>
internal sealed record EnsembleStep(
    int Index, string ModelName, long? Version, EnsembleBinding[] Inputs, string[] Outputs, string[] OutputTensors, int[] DependsOn, bool RunsBesideOthers)
{
    /// <summary>How errors name the step: <c>step 1 ('classifier')</c>.</summary>
    public string Label => $"step {Index} ('{ModelName}')";
}

/// <summary>A member input and its source: an ensemble input (<paramref name="Producer"/> -1) or a step's output.</summary>
/// <param name="MemberInput">The member's input name.</param>
/// <param name="Tensor">The ensemble tensor name.</param>
/// <param name="Producer">Position in <see cref="EnsembleModel.Steps"/> of the step that writes it; -1 for an ensemble input.</param>
/// <param name="Source">The producer's output name, or the ensemble input's.</param>
internal sealed record EnsembleBinding(string MemberInput, string Tensor, int Producer, string Source);
