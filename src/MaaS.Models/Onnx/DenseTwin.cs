using MaaS.Models.Onnx.Quantization;

namespace MaaS.Models.Onnx;

/// <summary>
/// A managed twin of a small dense ONNX model: one float input of shape [batch, features] through a chain of
/// <c>Gemm</c>, <c>MatMul</c> and <c>Add</c> with constant weights, and <c>Relu</c>, <c>Sigmoid</c>, <c>Tanh</c>,
/// <c>Softmax</c> (last axis) and <c>Identity</c>, every value [batch, width]. ONNX Runtime spends ~15 µs on the
/// overhead of any run; a model of a few thousand weights computes in well under a microsecond, so such a model is run
/// by this twin instead (<see cref="MaxWeights"/>), checked equal to ONNX Runtime when it is loaded
/// (<see cref="OnnxModelLoader"/>). Immutable; thread-safe.
/// </summary>
internal sealed class DenseTwin
{
    /// <summary>The most weights (all layers together) a twin is built for; larger models are ONNX Runtime's.</summary>
    public const int MaxWeights = 16_384;

    private readonly Step[] _steps;
    private readonly Dictionary<string, int> _widths;

    // Where each value lives in a run's array: the input at 0, step i's output at i + 1; and each step's source slot.
    private readonly Dictionary<string, int> _slots;
    private readonly int[] _sources;

    /// <summary>
    /// The most multiply-adds (rows × weights) one run of the twin takes on; a larger run goes to ONNX Runtime, whose
    /// fixed cost (~6 µs quiet) is then the smaller part: DenseTwinBenchmarks put the two even near 16,000 (the twin
    /// ~0.4 µs + ~0.45 ns a multiply-add, the session ~5.7 µs + ~0.12 ns).
    /// </summary>
    public const long MaxRunWeights = 16_384;

    private DenseTwin(string input, int features, Step[] steps, Dictionary<string, int> widths, long weights)
    {
        (Input, Features, _steps, _widths, Weights) = (input, features, steps, widths, weights);
        _slots = new Dictionary<string, int>(StringComparer.Ordinal) { [input] = 0 };
        for (int i = 0; i < steps.Length; i++)
        {
            _slots[steps[i].Output] = i + 1;
        }

        _sources = [.. steps.Select(step => _slots[step.Input])];
    }

    /// <summary>The model's weights, all layers together: the multiply-adds of one row.</summary>
    public long Weights { get; }

    /// <summary>Whether a run of <paramref name="rows"/> rows is the twin's (<see cref="MaxRunWeights"/>).</summary>
    public bool Takes(long rows) => rows * Weights <= MaxRunWeights;

    /// <summary>The one input's name.</summary>
    public string Input { get; }

    /// <summary>Features per row of the input.</summary>
    public int Features { get; }

    /// <summary>Whether <paramref name="name"/> is a value the twin computes (an output it can answer).</summary>
    public bool Computes(string name) => _widths.ContainsKey(name) && name != Input;

    /// <summary>Values per row of the computed value <paramref name="name"/>.</summary>
    public int WidthOf(string name) => _widths[name];

    /// <summary>The twin of the model in <paramref name="onnx"/>, or null when the model is not a small dense chain.</summary>
    public static DenseTwin? TryRead(ReadOnlySpan<byte> onnx)
    {
        try
        {
            return Read(onnx);
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>
    /// Computes <paramref name="outputNames"/> for <paramref name="rows"/> rows of <paramref name="input"/>
    /// (row-major [rows, <see cref="Features"/>]); each output is a fresh [rows, width] array.
    /// </summary>
    public float[][] Run(float[] input, int rows, IReadOnlyList<string> outputNames)
    {
        var values = new float[_steps.Length + 1][];
        values[0] = input;
        for (int i = 0; i < _steps.Length; i++)
        {
            values[i + 1] = _steps[i].Apply(values[_sources[i]], rows);
        }

        // Every step writes a fresh array, and outputs are never the input (Computes): only an output asked for twice
        // shares its array, and the caller owns each it gets.
        var outputs = new float[outputNames.Count][];
        for (int i = 0; i < outputs.Length; i++)
        {
            var value = values[_slots[outputNames[i]]];
            outputs[i] = Array.IndexOf(outputs, value, 0, i) >= 0 ? (float[])value.Clone() : value;
        }

        return outputs;
    }

    private static DenseTwin? Read(ReadOnlySpan<byte> onnx)
    {
        int graphStart = -1, graphEnd = -1;
        foreach (var field in ProtoField.ReadAll(onnx))
        {
            if (field.Number == 7 && field.Wire == ProtoWireReader.LengthDelimited)
            {
                (graphStart, graphEnd) = (field.PayloadStart, field.End);
            }
        }

        if (graphStart < 0)
        {
            return null;
        }

        var graph = onnx[graphStart..graphEnd];
        var constants = new Dictionary<string, (float[] Values, long[] Dims)>(StringComparer.Ordinal);
        var nodes = new List<(NodeFacts Facts, int Start, int End)>();
        var inputs = new List<string>();
        foreach (var field in ProtoField.ReadAll(graph))
        {
            switch (field.Number)
            {
                case 1:
                    nodes.Add((NodeFacts.Parse(graph[field.Payload]), field.PayloadStart, field.End));
                    break;
                case 5:
                    var tensor = graph[field.Payload];
                    var facts = TensorFacts.Parse(tensor);
                    if (facts.Floats(tensor) is not { } floats)
                    {
                        return null;
                    }

                    constants[facts.Name] = (floats, facts.Dims);
                    break;
                case 11:
                    inputs.Add(ValueInfoName(graph[field.Payload]));
                    break;
            }
        }

        // Graph inputs that are also initializers are constants with defaults (older exporters list them).
        inputs.RemoveAll(constants.ContainsKey);
        if (inputs.Count != 1 || nodes.Count == 0 || constants.Values.Sum(c => (long)c.Values.Length) > MaxWeights)
        {
            return null;
        }

        string input = inputs[0];
        var widths = new Dictionary<string, int>(StringComparer.Ordinal);
        var steps = new List<Step>();
        int? features = null;
        foreach (var (node, start, end) in nodes)
        {
            var span = graph[start..end];
            if (!node.IsDefaultDomain || node.HasSubgraph || node.Outputs.Length != 1 || node.Inputs.Length == 0)
            {
                return null;
            }

            string from = node.Inputs[0];
            int width;
            if (from == input)
            {
                if (features is null)
                {
                    features = FirstWidth(node, constants, span);
                    if (features is not > 0)
                    {
                        return null;
                    }

                    widths[input] = features.Value;
                }

                width = features.Value;
            }
            else if (!widths.TryGetValue(from, out width))
            {
                return null;
            }

            Step? step = node.OpType switch
            {
                "Gemm" => Gemm(node, span, constants, from, width),
                "MatMul" when node.Inputs.Length == 2 && constants.TryGetValue(node.Inputs[1], out var b) && b.Dims is [var k, var n] && k == width =>
                    new Affine(from, node.Outputs[0], width, (int)n, Transpose(b.Values, (int)k, (int)n), null),
                "Add" when node.Inputs.Length == 2 && constants.TryGetValue(node.Inputs[1], out var c) && c.Values.Length == width && IsRowVector(c.Dims) =>
                    new Bias(from, node.Outputs[0], width, c.Values),
                "Relu" or "Sigmoid" or "Tanh" or "Identity" when node.Inputs.Length == 1 => new Activation(from, node.Outputs[0], width, node.OpType),
                "Softmax" when node.Inputs.Length == 1 && node.Int(span, "axis", -1) is -1 or 1 => new Activation(from, node.Outputs[0], width, "Softmax"),
                _ => null,
            };
            if (step is null)
            {
                return null;
            }

            steps.Add(step);
            widths[step.Output] = step.Width;
        }

        return features is { } f ? new DenseTwin(input, f, [.. steps], widths, constants.Values.Sum(c => (long)c.Values.Length)) : null;
    }

    // The input's features, from the first node that reads it: a Gemm's or MatMul's weight rows.
    private static int? FirstWidth(NodeFacts node, Dictionary<string, (float[] Values, long[] Dims)> constants, ReadOnlySpan<byte> span)
    {
        if (node.Inputs.Length < 2 || !constants.TryGetValue(node.Inputs[1], out var weights) || weights.Dims is not [var rows, var columns])
        {
            return null;
        }

        return node.OpType switch
        {
            "Gemm" => (int)(node.Int(span, "transB", 0) == 1 ? columns : rows),
            "MatMul" => (int)rows,
            _ => null,
        };
    }

    private static Affine? Gemm(NodeFacts node, ReadOnlySpan<byte> span, Dictionary<string, (float[] Values, long[] Dims)> constants, string from, int width)
    {
        if (node.Inputs.Length is < 2 or > 3 || node.Int(span, "transA", 0) != 0 || !constants.TryGetValue(node.Inputs[1], out var b) || b.Dims is not [var rows, var columns])
        {
            return null;
        }

        bool transB = node.Int(span, "transB", 0) == 1;
        (int k, int n) = transB ? ((int)columns, (int)rows) : ((int)rows, (int)columns);
        if (k != width)
        {
            return null;
        }

        float alpha = node.Float(span, "alpha", 1f), beta = node.Float(span, "beta", 1f);
        // Rows of the weights by output: [n, k], scaled by alpha.
        float[] weights = transB ? (float[])b.Values.Clone() : Transpose(b.Values, k, n);
        if (alpha != 1f)
        {
            TensorPrimitives.Multiply(weights, alpha, weights);
        }

        float[]? bias = null;
        if (node.Inputs.Length == 3 && node.Inputs[2].Length > 0)
        {
            if (!constants.TryGetValue(node.Inputs[2], out var c) || (c.Values.Length != n && c.Values.Length != 1) || !IsRowVector(c.Dims))
            {
                return null;
            }

            bias = c.Values.Length == n ? (float[])c.Values.Clone() : Enumerable.Repeat(c.Values[0], n).ToArray();
            TensorPrimitives.Multiply(bias, beta, bias);
        }

        return new Affine(from, node.Outputs[0], k, n, weights, bias);
    }

    // A bias every row gets alike: [n], [1, n], or a scalar ([], [1], [1, 1]); not a column ([n, 1]), which is per row.
    private static bool IsRowVector(long[] dims) => dims is [] or [_] or [1, _];

    private static float[] Transpose(float[] values, int k, int n)
    {
        var transposed = new float[values.Length];
        for (int i = 0; i < k; i++)
        {
            for (int j = 0; j < n; j++)
            {
                transposed[(j * k) + i] = values[(i * n) + j];
            }
        }

        return transposed;
    }

    private static string ValueInfoName(ReadOnlySpan<byte> valueInfo)
    {
        foreach (var field in ProtoField.ReadAll(valueInfo))
        {
            if (field.Number == 1)
            {
                return field.Text(valueInfo);
            }
        }

        return "";
    }

    private abstract class Step(string input, string output, int width)
    {
        public string Input { get; } = input;

        public string Output { get; } = output;

        /// <summary>Values per row of the output.</summary>
        public int Width { get; } = width;

        public abstract float[] Apply(float[] x, int rows);
    }

    // y = x · Wᵀ + bias, W held as [n, k] rows.
    private sealed class Affine(string input, string output, int k, int n, float[] weights, float[]? bias) : Step(input, output, n)
    {
        public override float[] Apply(float[] x, int rows)
        {
            int n = Width;
            var y = new float[rows * n];
            for (int r = 0; r < rows; r++)
            {
                var row = x.AsSpan(r * k, k);
                for (int j = 0; j < n; j++)
                {
                    y[(r * n) + j] = TensorPrimitives.Dot(row, weights.AsSpan(j * k, k)) + (bias is null ? 0f : bias[j]);
                }
            }

            return y;
        }
    }

    private sealed class Bias(string input, string output, int width, float[] bias) : Step(input, output, width)
    {
        public override float[] Apply(float[] x, int rows)
        {
            int width = Width;
            var y = new float[x.Length];
            for (int r = 0; r < rows; r++)
            {
                TensorPrimitives.Add(x.AsSpan(r * width, width), bias, y.AsSpan(r * width, width));
            }

            return y;
        }
    }

    private sealed class Activation(string input, string output, int width, string op) : Step(input, output, width)
    {
        public override float[] Apply(float[] x, int rows)
        {
            int width = Width;
            var y = new float[x.Length];
            switch (op)
            {
                case "Relu":
                    TensorPrimitives.Max(x, 0f, y);
                    break;
                case "Sigmoid":
                    TensorPrimitives.Sigmoid(x, y);
                    break;
                case "Tanh":
                    TensorPrimitives.Tanh(x, y);
                    break;
                case "Softmax":
                    // As ONNX Runtime: the row's maximum subtracted first, so large logits do not overflow.
                    for (int r = 0; r < rows; r++)
                    {
                        var row = y.AsSpan(r * width, width);
                        TensorPrimitives.Subtract(x.AsSpan(r * width, width), TensorPrimitives.Max(x.AsSpan(r * width, width)), row);
                        TensorPrimitives.Exp(row, row);
                        TensorPrimitives.Divide(row, TensorPrimitives.Sum<float>(row), row);
                    }

                    break;
                default:
                    x.CopyTo(y, 0);
                    break;
            }

            return y;
        }
    }
}
