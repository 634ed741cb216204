namespace MaaS.Models.Text.Data;

/// <summary>A training or evaluation example: text and the indices of its labels.</summary>
/// <param name="Id">Stable example id (line number or dataset id).</param>
/// <param name="Text">Raw text.</param>
/// <param name="Labels">Label indices (one for single-label tasks).</param>
public sealed record LabeledText(string Id, string Text, int[] Labels);

/// <summary>A labelled corpus: examples in file order and the label names.</summary>
/// <param name="Examples">Examples.</param>
/// <param name="LabelNames">Label names by index.</param>
public sealed record LabeledCorpus(IReadOnlyList<LabeledText> Examples, IReadOnlyList<string> LabelNames);
