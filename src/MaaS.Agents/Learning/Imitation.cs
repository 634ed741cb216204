using MaaS.Agents.Simulation;

namespace MaaS.Agents.Learning;

/// <summary>Rows of observations and the expert's actions: what a policy learns to imitate.</summary>
/// <param name="Rows">Observations, row-major, <see cref="Features"/> per row (float, as an ONNX model takes them).</param>
/// <param name="Labels">The expert's action index per row.</param>
/// <param name="Features">Observation width.</param>
/// <param name="Classes">Number of actions.</param>
public sealed record ImitationData(float[] Rows, int[] Labels, int Features, int Classes)
{
    /// <summary>Rows held.</summary>
    public int Count => Labels.Length;

    /// <summary>One observation.</summary>
    public ReadOnlySpan<float> Row(int index) => Rows.AsSpan(index * Features, Features);

    /// <summary>
    /// <paramref name="count"/> players of the difficulty game, each observation labelled with the scripted expert's
    /// level (<see cref="ScriptedExpert.NearestLevel"/>): the game's context features in schema order.
    /// </summary>
    public static ImitationData FromGame(int count, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var random = new Random(seed);
        int width = DifficultyGame.Schema.Context.Count;
        var rows = new float[count * width];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            Player player = DifficultyGame.Next(random);
            Observation(player.Input.Context, rows.AsSpan(i * width, width));
            labels[i] = ScriptedExpert.NearestLevel(player.Input.Context[0]);
        }
        return new ImitationData(rows, labels, width, DifficultyGame.Actions.Count);
    }

    /// <summary>A context as the float observation a policy model reads.</summary>
    public static void Observation(ReadOnlySpan<double> context, Span<float> destination) => TensorPrimitives.ConvertTruncating(context, destination);
}
