namespace MaaS.Models.Inference;

/// <summary>A request checked against the model's signature, ready to run or to batch.</summary>
/// <param name="Inputs">The inputs given, in the model's declared order (optional inputs left out are absent).</param>
/// <param name="OutputNames">Outputs to return, declared names, no duplicates.</param>
/// <param name="Rows">Size of the batch axis (axis 0) when the model batches, else 1.</param>
/// <param name="BatchKey">Requests with equal keys (same non-batch dims) may be merged into one run.</param>
internal sealed record ValidatedRequest(InferTensor[] Inputs, string[] OutputNames, int Rows, string BatchKey)
{
    /// <summary>The request's <see cref="InferenceRequest.Priority"/>.</summary>
    public ulong Priority { get; init; }

    /// <summary>The request's <see cref="InferenceRequest.QueueTimeoutMicroseconds"/>.</summary>
    public ulong QueueTimeoutMicroseconds { get; init; }

    /// <summary>The request's <see cref="InferenceRequest.Sequence"/>.</summary>
    public SequenceControl? Sequence { get; init; }
}

/// <summary>
/// Checks a request against a model's signature before anything reaches the runtime, reporting the first problem
/// as <see cref="ErrorCode.InvalidRequest"/>: unknown, missing or repeated names, datatypes, ranks, declared
/// dimensions, element counts versus data length, batch size, symbolic dimensions the inputs share, and declared
/// integer value ranges.
/// </summary>
internal static class InputValidator
{
    public static Result<ValidatedRequest> Validate(string model, ModelSignature signature, int maxBatchSize, InferenceRequest request)
    {
        // Typed without '?' so that, when every input is given, the array is the request's inputs as they are; the
        // slots of inputs not (yet) given are null.
        var ordered = new InferTensor[signature.Inputs.Count];
        foreach (var input in request.Inputs)
        {
            int index = IndexOf(signature.Inputs, input.Name);
            if (index < 0)
            {
                return Invalid($"unexpected inference input '{input.Name}' for model '{model}'; it takes {Names(signature.Inputs)}");
            }

            if (ordered[index] is not null)
            {
                return Invalid($"input '{input.Name}' is given more than once");
            }

            string? error = CheckTensor(signature.Inputs[index], input, signature);
            if (error is not null)
            {
                return Invalid(error);
            }

            ordered[index] = input;
        }

        for (int i = 0; i < ordered.Length; i++)
        {
            if (ordered[i] is null && !signature.Inputs[i].Optional)
            {
                return Invalid($"expected {ordered.Length} inputs but got {request.Inputs.Count}: input '{signature.Inputs[i].Name}' is missing for model '{model}'");
            }
        }

        if (request.Inputs.Count == 0)
        {
            return Invalid($"model '{model}' needs at least one of its inputs {Names(signature.Inputs)}");
        }

        int rows = 1;
        if (maxBatchSize > 0)
        {
            long first = -1;
            foreach (var input in ordered)
            {
                if (input is null)
                {
                    continue;
                }

                if (input.Shape.Length == 0)
                {
                    return Invalid($"input '{input.Name}' needs a batch dimension (axis 0)");
                }

                if (first < 0)
                {
                    first = input.Shape[0];
                }
                else if (input.Shape[0] != first)
                {
                    return Invalid($"inputs disagree on the batch dimension: '{input.Name}' has {input.Shape[0]}, expected {first}");
                }
            }

            if (first < 1 || first > maxBatchSize)
            {
                return Invalid($"batch size {first} is outside [1, {maxBatchSize}] for model '{model}'");
            }

            rows = (int)first;
        }

        string? disagreement = CheckSharedDimensions(signature, ordered);
        if (disagreement is not null)
        {
            return Invalid(disagreement);
        }

        string[] outputs;
        if (request.Outputs is null || request.Outputs.Count == 0)
        {
            outputs = signature.OutputNames;
        }
        else
        {
            outputs = new string[request.Outputs.Count];
            for (int i = 0; i < outputs.Length; i++)
            {
                string name = request.Outputs[i];
                if (signature.FindOutput(name) is null)
                {
                    return Invalid($"unexpected inference output '{name}' for model '{model}'; it has {Names(signature.Outputs)}");
                }

                if (Array.IndexOf(outputs, name, 0, i) >= 0)
                {
                    return Invalid($"output '{name}' is requested more than once");
                }

                outputs[i] = name;
            }
        }

        if (request.Classifications is { } classifications && ClassificationProblem(signature, outputs, classifications) is { } problem)
        {
            return Invalid(problem);
        }

        // Every input given (the usual case): the array is this request's own, so it is used as it is.
        InferTensor[] given = Array.IndexOf(ordered, null) < 0 ? ordered : [.. ordered.OfType<InferTensor>()];
        return Result<ValidatedRequest>.Ok(new ValidatedRequest(given, outputs, rows, BatchKey(signature, given, maxBatchSize > 0))
        {
            Priority = request.Priority,
            QueueTimeoutMicroseconds = request.QueueTimeoutMicroseconds,
            Sequence = request.Sequence,
        });
    }

    /// <summary>Why an output asked for by classification cannot be classified (not requested, or not numeric), or null.</summary>
    private static string? ClassificationProblem(ModelSignature signature, string[] outputs, IReadOnlyDictionary<string, int> classifications)
    {
        foreach (var (name, _) in classifications)
        {
            if (Array.IndexOf(outputs, name) < 0)
            {
                return $"output '{name}' is asked for by classification but not requested";
            }

            if (signature.FindOutput(name) is { } spec && !ClassificationOutputs.CanClassify(spec.DataType))
            {
                return $"output '{name}' is {spec.DataType.ToProtocolName()}, which has no classes to rank; classification needs a numeric output";
            }
        }

        return null;
    }

    private static string? CheckTensor(TensorSpec spec, InferTensor input, ModelSignature signature)
    {
        if (input.DataType != spec.DataType)
        {
            return $"input '{input.Name}' has datatype {input.DataType.ToProtocolName()} but the model expects {spec.DataType.ToProtocolName()}";
        }

        if (input.Data is null || input.Data.GetType().GetElementType() != spec.DataType.ElementType())
        {
            return $"input '{input.Name}' carries {input.Data?.GetType().Name ?? "no data"}, not {spec.DataType.ElementType().Name}[]";
        }

        if (input.Shape.Length != spec.Shape.Length)
        {
            return $"input '{input.Name}' has shape {ShapeMath.Format(input.Shape)} (rank {input.Shape.Length}) but the model expects {ShapeMath.Format(spec.Shape)} (rank {spec.Shape.Length})";
        }

        for (int d = 0; d < spec.Shape.Length; d++)
        {
            if (input.Shape[d] < 0 || (spec.Shape[d] >= 0 && input.Shape[d] != spec.Shape[d]))
            {
                return $"input '{input.Name}' has shape {ShapeMath.Format(input.Shape)} but the model expects {ShapeMath.Format(spec.Shape)}";
            }
        }

        long count = ShapeMath.Product(input.Shape);
        if (count != input.Data.Length)
        {
            return $"input '{input.Name}' has {input.Data.Length} elements but shape {ShapeMath.Format(input.Shape)} needs {count}";
        }

        if (signature.InputRanges.TryGetValue(input.Name, out var range))
        {
            string? error = CheckRange(input, range);
            if (error is not null)
            {
                return error;
            }
        }

        return null;
    }

    // Inputs that are each well formed can still disagree with each other (token ids and their weights of different
    // lengths): the runtime would fail deep inside a kernel, so the sizes that the model names alike are compared here.
    private static string? CheckSharedDimensions(ModelSignature signature, InferTensor?[] ordered)
    {
        foreach (var dimension in signature.SharedDimensions)
        {
            // Optional inputs left out take no part: the first given input sets the size.
            var present = dimension.Axes.Where(a => ordered[a.Input] is not null).ToList();
            if (present.Count < 2)
            {
                continue;
            }

            var (firstInput, firstAxis) = present[0];
            long size = ordered[firstInput]!.Shape[firstAxis];
            for (int i = 1; i < present.Count; i++)
            {
                var (input, axis) = present[i];
                if (ordered[input]!.Shape[axis] != size)
                {
                    var a = ordered[firstInput]!;
                    var b = ordered[input]!;
                    return $"inputs '{a.Name}' and '{b.Name}' disagree on dimension '{dimension.Name}': '{a.Name}' has {size} on axis {firstAxis} " +
                        $"(shape {ShapeMath.Format(a.Shape)}), '{b.Name}' has {b.Shape[axis]} on axis {axis} (shape {ShapeMath.Format(b.Shape)})";
                }
            }
        }

        return null;
    }

    private static string? CheckRange(InferTensor input, ValueRange range)
    {
        switch (input.Data)
        {
            case long[] values:
                for (int i = 0; i < values.Length; i++)
                {
                    if (values[i] < range.Min || values[i] > range.Max)
                    {
                        return $"input '{input.Name}' element {i} = {values[i]} is outside [{range.Min}, {range.Max}]";
                    }
                }

                return null;
            case int[] values:
                for (int i = 0; i < values.Length; i++)
                {
                    if (values[i] < range.Min || values[i] > range.Max)
                    {
                        return $"input '{input.Name}' element {i} = {values[i]} is outside [{range.Min}, {range.Max}]";
                    }
                }

                return null;
            default:
                return null;
        }
    }

    // The key is written on the stack and compared with the signature's last one, so the requests of a steady stream
    // of one shape share one string instead of allocating a builder and a string each.
    private static string BatchKey(ModelSignature signature, InferTensor[] inputs, bool batched)
    {
        Span<char> buffer = stackalloc char[256];
        int length = 0;
        foreach (var input in inputs)
        {
            if (!TryAppend(buffer, ref length, input.Name) || !TryAppend(buffer, ref length, ":"))
            {
                return BuildKey(inputs, batched);
            }

            for (int d = batched ? 1 : 0; d < input.Shape.Length; d++)
            {
                if (!input.Shape[d].TryFormat(buffer[length..], out int written, default, CultureInfo.InvariantCulture))
                {
                    return BuildKey(inputs, batched);
                }

                length += written;
                if (!TryAppend(buffer, ref length, ","))
                {
                    return BuildKey(inputs, batched);
                }
            }

            if (!TryAppend(buffer, ref length, "|"))
            {
                return BuildKey(inputs, batched);
            }
        }

        var key = buffer[..length];
        if (signature.LastBatchKey is { } last && key.SequenceEqual(last))
        {
            return last;
        }

        string fresh = new(key);
        signature.LastBatchKey = fresh;
        return fresh;
    }

    private static bool TryAppend(Span<char> buffer, ref int length, string text)
    {
        if (!text.TryCopyTo(buffer[length..]))
        {
            return false;
        }

        length += text.Length;
        return true;
    }

    private static string BuildKey(InferTensor[] inputs, bool batched)
    {
        var key = new StringBuilder();
        foreach (var input in inputs)
        {
            key.Append(input.Name).Append(':');
            for (int d = batched ? 1 : 0; d < input.Shape.Length; d++)
            {
                key.Append(input.Shape[d]).Append(',');
            }

            key.Append('|');
        }

        return key.ToString();
    }

    private static int IndexOf(IReadOnlyList<TensorSpec> specs, string name)
    {
        for (int i = 0; i < specs.Count; i++)
        {
            if (specs[i].Name == name)
            {
                return i;
            }
        }

        return -1;
    }

    private static string Names(IReadOnlyList<TensorSpec> specs) => string.Join(", ", specs.Select(s => $"'{s.Name}'"));

    private static Result<ValidatedRequest> Invalid(string message) => Result<ValidatedRequest>.Fail(ErrorCode.InvalidRequest, message);
}
