namespace MaaS.Models.Ensembles;

/// <summary>A member as the ensemble's load sees it: its signature, or why it cannot serve the step.</summary>
/// <param name="Signature">The member version's inputs and outputs, when it is loaded.</param>
/// <param name="Problem">Why the step cannot use it (unknown, not ready, an ensemble itself); null when it can.</param>
internal readonly record struct EnsembleMember(ModelSignature? Signature, string? Problem);

/// <summary>
/// Checks an ensemble's steps against its members and orders them, as Triton does when it loads an ensemble: every
/// member is usable, every member input is mapped and every mapped name exists, each ensemble tensor is written once
/// and read only where something writes it, every ensemble output is written, no step reads (even indirectly) what it
/// writes, and the datatypes of each tensor agree wherever it is read and written. Steps run in the order their inputs
/// become ready, whatever order model.json lists them in (Triton's rule). Every problem is reported, each naming its
/// step. Pure.
/// </summary>
internal static class EnsembleGraph
{
    public static Result<EnsembleModel> Build(ModelConfig config, Func<EnsembleStepConfig, EnsembleMember> member)
    {
        var errors = new List<string>();
        var steps = config.EnsembleScheduling?.Step ?? [];
        var signature = Signature(config);
        var inputs = signature.Inputs.ToDictionary(i => i.Name, StringComparer.Ordinal);
        var members = steps.Select(member).ToArray();

        // Which step writes each tensor, and its datatype there.
        var producers = new Dictionary<string, (int Step, string Output, TensorDataType? Type)>(StringComparer.Ordinal);
        for (int s = 0; s < steps.Count; s++)
        {
            string label = Label(steps[s], s);
            if (members[s].Problem is { } problem)
            {
                errors.Add($"{label}: {problem}");
            }

            foreach (var (output, tensor) in steps[s].OutputMap)
            {
                var spec = members[s].Signature?.FindOutput(output);
                if (members[s].Signature is { } known && spec is null)
                {
                    errors.Add($"{label}: outputMap names '{output}', which is not an output of '{steps[s].ModelName}' (it has {Names(known.Outputs)})");
                }

                if (inputs.ContainsKey(tensor))
                {
                    errors.Add($"{label}: outputMap writes '{tensor}', an input of the ensemble");
                }
                else if (producers.TryGetValue(tensor, out var other))
                {
                    errors.Add($"{label}: outputMap writes '{tensor}', which {Label(steps[other.Step], other.Step)} writes too");
                }
                else
                {
                    producers[tensor] = (s, output, spec?.DataType);
                }
            }
        }

        var bindings = new EnsembleBinding[steps.Count][];
        for (int s = 0; s < steps.Count; s++)
        {
            string label = Label(steps[s], s);
            var known = members[s].Signature;
            foreach (var required in known?.Inputs.Where(i => !i.Optional && !steps[s].InputMap.ContainsKey(i.Name)) ?? [])
            {
                errors.Add($"{label}: input '{required.Name}' of '{steps[s].ModelName}' is not mapped (inputMap)");
            }

            var bound = new List<EnsembleBinding>();
            foreach (var (memberInput, tensor) in steps[s].InputMap)
            {
                var spec = known?.FindInput(memberInput);
                if (known is not null && spec is null)
                {
                    errors.Add($"{label}: inputMap names '{memberInput}', which is not an input of '{steps[s].ModelName}' (it takes {Names(known.Inputs)})");
                }

                TensorDataType? type;
                if (inputs.TryGetValue(tensor, out var input))
                {
                    type = input.DataType;
                    bound.Add(new EnsembleBinding(memberInput, tensor, -1, tensor));
                }
                else if (producers.TryGetValue(tensor, out var producer))
                {
                    type = producer.Type;
                    bound.Add(new EnsembleBinding(memberInput, tensor, producer.Step, producer.Output));
                }
                else
                {
                    errors.Add($"{label}: input '{memberInput}' reads '{tensor}', which neither an input of the ensemble nor an output of a step provides");
                    continue;
                }

                if (spec is not null && type is { } given && given != spec.DataType)
                {
                    errors.Add($"{label}: input '{memberInput}' of '{steps[s].ModelName}' is {spec.DataType.ToProtocolName()}, but '{tensor}' is {given.ToProtocolName()}");
                }
            }

            bindings[s] = [.. bound];
        }

        foreach (var output in signature.Outputs)
        {
            if (!producers.TryGetValue(output.Name, out var producer))
            {
                errors.Add($"output '{output.Name}' of the ensemble is written by no step (outputMap)");
            }
            else if (producer.Type is { } type && type != output.DataType)
            {
                errors.Add($"{Label(steps[producer.Step], producer.Step)}: output '{producer.Output}' is {type.ToProtocolName()}, but the ensemble declares '{output.Name}' {output.DataType.ToProtocolName()}");
            }
        }

        var order = Order(bindings, out int[] depth);
        if (order.Count < steps.Count)
        {
            var stuck = Enumerable.Range(0, steps.Count).Where(s => !order.Contains(s)).Select(s => Label(steps[s], s));
            errors.Add($"{string.Join(", ", stuck)}: the steps read each other's outputs in a cycle");
        }

        if (errors.Count > 0)
        {
            return Result<EnsembleModel>.Fail(ErrorCode.InvalidRequest, $"ensemble is not valid: {string.Join("; ", errors.Distinct())}");
        }

        int[] position = new int[steps.Count];
        for (int p = 0; p < order.Count; p++)
        {
            position[order[p]] = p;
        }

        var resolved = order.Select(s => new EnsembleStep(
            s,
            steps[s].ModelName,
            steps[s].ModelVersion > 0 ? steps[s].ModelVersion : null,
            [.. bindings[s].Select(b => b with { Producer = b.Producer < 0 ? -1 : position[b.Producer] })],
            [.. steps[s].OutputMap.Keys],
            [.. steps[s].OutputMap.Values],
            [.. bindings[s].Where(b => b.Producer >= 0).Select(b => position[b.Producer]).Distinct()],
            depth.Count(d => d == depth[s]) > 1)).ToArray();
        return Result<EnsembleModel>.Ok(new EnsembleModel(signature, resolved));
    }

    /// <summary>The declared tensors as a signature: the batch axis (-1) first when the ensemble batches.</summary>
    public static ModelSignature Signature(ModelConfig config)
    {
        TensorSpec Spec(ModelTensorConfig tensor)
        {
            // The reader refused a model.json whose datatypes do not parse.
            var type = TensorDataTypes.TryParseConfigName(tensor.DataType, out var parsed) ? parsed : TensorDataType.Fp32;
            long[] dims = config.MaxBatchSize > 0 ? [-1, .. tensor.Dims] : [.. tensor.Dims];
            return new TensorSpec(tensor.Name, type, dims);
        }

        return new ModelSignature([.. config.Input.Select(Spec)], [.. config.Output.Select(Spec)], new Dictionary<string, ValueRange>());
    }

    /// <summary>Kahn's order of the steps by what they read; steps left out are on a cycle. Depth: the longest chain of producers before a step.</summary>
    private static List<int> Order(EnsembleBinding[][] bindings, out int[] depth)
    {
        int count = bindings.Length;
        depth = new int[count];
        var waiting = new int[count];
        var readers = Enumerable.Range(0, count).Select(_ => new List<int>()).ToArray();
        for (int s = 0; s < count; s++)
        {
            foreach (int producer in bindings[s].Where(b => b.Producer >= 0).Select(b => b.Producer).Distinct())
            {
                waiting[s]++;
                readers[producer].Add(s);
            }
        }

        var order = new List<int>(count);
        var ready = new Queue<int>(Enumerable.Range(0, count).Where(s => waiting[s] == 0));
        while (ready.TryDequeue(out int s))
        {
            order.Add(s);
            foreach (int reader in readers[s])
            {
                depth[reader] = Math.Max(depth[reader], depth[s] + 1);
                if (--waiting[reader] == 0)
                {
                    ready.Enqueue(reader);
                }
            }
        }

        return order;
    }

    private static string Label(EnsembleStepConfig step, int index) => $"step {index} ('{step.ModelName}')";

    private static string Names(IEnumerable<TensorSpec> specs) => string.Join(", ", specs.Select(s => $"'{s.Name}'"));
}
