namespace MaaS.Models.Inference;

/// <summary>
/// A request's place in a sequence (Triton's request parameters <c>sequence_id</c>, <c>sequence_start</c>,
/// <c>sequence_end</c>): read by a model with <see cref="Registry.SequenceBatchingConfig"/>, ignored by others.
/// </summary>
/// <param name="Id">The correlation id.</param>
/// <param name="Start">The sequence's first request: its state starts from zeros.</param>
/// <param name="End">The sequence's last request: its state is freed once it has run.</param>
public sealed record SequenceControl(SequenceId Id, bool Start, bool End);

/// <summary>A correlation id: a whole number, or a string where <see cref="Text"/> is set (Triton takes either).</summary>
/// <param name="Number">The id as a number; 0 (none) when it is a string.</param>
/// <param name="Text">The id as a string; null when it is a number.</param>
public readonly record struct SequenceId(ulong Number, string? Text = null)
{
    /// <summary>Whether this names no sequence: 0 or the empty string (Triton's "not in a sequence").</summary>
    public bool IsNone => Text is null ? Number == 0 : Text.Length == 0;

    /// <summary>The id as Triton writes it in messages.</summary>
    public override string ToString() => Text ?? Number.ToString(CultureInfo.InvariantCulture);
}
