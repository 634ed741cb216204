namespace MaaS.Services.Agents;

/// <summary>
/// Reads a decide request's UTF-8 JSON straight into the agent's vectors: each feature's value into its slot through
/// the codec's <see cref="FeatureIndex"/>, without the by-name dictionary and the string per feature that binding
/// <see cref="DecideRequest"/> costs (~40 µs of a 50-feature decide). It accepts only a valid request written in the
/// contract's exact property names; anything else (an unknown or repeated feature, a value that is not a finite JSON
/// number, another property, other casing, escaped names, JSON that does not parse) answers null, and the caller reads
/// the body the general way, so every error keeps its one wording in <see cref="DecideValidation"/> and the serializer.
/// </summary>
internal static class DecideReader
{
    /// <summary>The request as <see cref="DecideValidation.Validate"/> would have accepted it, or null to read it the general way.</summary>
    /// <param name="json">The whole body.</param>
    /// <param name="agent">The agent decided for.</param>
    /// <param name="codec">The agent's codec, whose indexes name the slots.</param>
    /// <param name="options">The reader limits the serializer would apply (depth, comments, trailing commas).</param>
    public static DecideRead? TryRead(ReadOnlySpan<byte> json, CompiledAgent agent, DecisionCodec codec, JsonReaderOptions options)
    {
        try
        {
            var reader = new Utf8JsonReader(json, options);
            return Read(ref reader, json, agent, codec);
        }
        catch (JsonException)
        {
            // Malformed JSON: the serializer words it.
            return null;
        }
    }

    private static DecideRead? Read(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, CompiledAgent agent, DecisionCodec codec)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }
        double[]? context = null;
        string? logContext = null;
        List<ActionInput>? actions = null;
        List<string>? excludedIds = null;
        bool explain = false;
        string? baseline = null;
        bool defer = false;
        var seen = Property.None;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            Property property = reader.ValueIsEscaped ? Property.None
                : reader.ValueTextEquals("context"u8) ? Property.Context
                : reader.ValueTextEquals("actions"u8) ? Property.Actions
                : reader.ValueTextEquals("excluded"u8) ? Property.Excluded
                : reader.ValueTextEquals("explain"u8) ? Property.Explain
                : reader.ValueTextEquals("baseline"u8) ? Property.Baseline
                : reader.ValueTextEquals("deferActivation"u8) ? Property.DeferActivation
                : Property.None;
            if (property == Property.None || (seen & property) != 0)
            {
                return null;
            }
            seen |= property;
            reader.Read();
            switch (property)
            {
                case Property.Context when reader.TokenType != JsonTokenType.Null:
                    context = new double[codec.ContextIndex.Count];
                    int start = (int)reader.TokenStartIndex;
                    if (!ReadFeatures(ref reader, codec.ContextIndex, context))
                    {
                        return null;
                    }
                    // The object as sent is already the log's context: features of this schema by name, each at most
                    // once, finite JSON numbers, a missing one 0; read back, it gives these values exactly.
                    logContext = Encoding.UTF8.GetString(json[start..(int)reader.BytesConsumed]);
                    break;
                case Property.Actions when reader.TokenType != JsonTokenType.Null:
                    if ((actions = ReadActions(ref reader, agent, codec.ActionIndex)) is null)
                    {
                        return null;
                    }
                    break;
                case Property.Excluded when reader.TokenType != JsonTokenType.Null:
                    if ((excludedIds = ReadStrings(ref reader)) is null)
                    {
                        return null;
                    }
                    break;
                case Property.Explain or Property.DeferActivation:
                    if (reader.TokenType is not (JsonTokenType.True or JsonTokenType.False))
                    {
                        return null;
                    }
                    (property == Property.Explain ? ref explain : ref defer) = reader.GetBoolean();
                    break;
                case Property.Baseline when reader.TokenType != JsonTokenType.Null:
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        return null;
                    }
                    baseline = reader.GetString();
                    break;
            }
        }
        // The root object must close and nothing but whitespace follow it (Read throws on anything else).
        if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
        {
            return null;
        }
        if (actions is null && agent.Actions.Count == 0)
        {
            return null;
        }
        var input = new DecisionInput(context ?? new double[codec.ContextIndex.Count], actions ?? agent.DefaultCandidates);
        var excluded = new bool[input.Actions.Count];
        if (excludedIds is not null)
        {
            foreach (string id in excludedIds)
            {
                int index = input.IndexOf(id);
                if (index < 0)
                {
                    return null;
                }
                excluded[index] = true;
            }
        }
        return new DecideRead(input, excluded, explain, baseline) { LogContext = logContext, DeferActivation = defer };
    }

    /// <summary>Candidate actions: 1..<see cref="AgentLimits.MaxActions"/> objects of id and features, ids unique and in the agent's set (when it has one).</summary>
    private static List<ActionInput>? ReadActions(ref Utf8JsonReader reader, CompiledAgent agent, FeatureIndex index)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return null;
        }
        var actions = new List<ActionInput>();
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            if (actions.Count == AgentLimits.MaxActions)
            {
                return null;
            }
            string? id = null;
            double[]? features = null;
            bool hasFeatures = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isId = !reader.ValueIsEscaped && reader.ValueTextEquals("id"u8);
                if (isId ? id is not null : (reader.ValueIsEscaped || !reader.ValueTextEquals("features"u8) || hasFeatures))
                {
                    return null;
                }
                reader.Read();
                if (isId)
                {
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        return null;
                    }
                    id = reader.GetString();
                }
                else
                {
                    hasFeatures = true;
                    if (reader.TokenType != JsonTokenType.Null)
                    {
                        features = new double[index.Count];
                        features.AsSpan().Fill(double.NaN);
                        if (!ReadFeatures(ref reader, index, features))
                        {
                            return null;
                        }
                    }
                }
            }
            if (reader.TokenType != JsonTokenType.EndObject || !AgentValidation.ValidId(id) || Contains(actions, id!))
            {
                return null;
            }
            double[]? defaults = null;
            if (agent.Actions.Count > 0 && !agent.Actions.TryGetValue(id!, out defaults))
            {
                return null;
            }
            actions.Add(new ActionInput(id!, Merge(features, defaults, index.Count)));
        }
        return reader.TokenType == JsonTokenType.EndArray && actions.Count > 0 ? actions : null;
    }

    private static bool Contains(List<ActionInput> actions, string id)
    {
        foreach (ActionInput action in actions)
        {
            if (string.Equals(action.Id, id, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// The action's features as validation builds them: the defined defaults (zeros in an open set), overridden by the
    /// request's values. The id may come after the features, so they were read into NaN, which marks the slots not given
    /// (a given value is always finite).
    /// </summary>
    private static double[] Merge(double[]? given, double[]? defaults, int count)
    {
        if (defaults is null)
        {
            return given is null ? new double[count] : Unmark(given);
        }
        var merged = (double[])defaults.Clone();
        if (given is not null)
        {
            for (int i = 0; i < merged.Length; i++)
            {
                if (!double.IsNaN(given[i]))
                {
                    merged[i] = given[i];
                }
            }
        }
        return merged;

        static double[] Unmark(double[] values)
        {
            for (int i = 0; i < values.Length; i++)
            {
                if (double.IsNaN(values[i]))
                {
                    values[i] = 0;
                }
            }
            return values;
        }
    }

    private static List<string>? ReadStrings(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return null;
        }
        var values = new List<string>();
        while (reader.Read() && reader.TokenType == JsonTokenType.String)
        {
            values.Add(reader.GetString()!);
        }
        return reader.TokenType == JsonTokenType.EndArray ? values : null;
    }

    /// <summary>
    /// A feature object into its slots: every name in the schema, at most once, each a finite JSON number. The vector
    /// comes in filled with NaN for action features (so <see cref="Merge"/> can tell the set slots) or zeros for the context.
    /// </summary>
    private static bool ReadFeatures(ref Utf8JsonReader reader, FeatureIndex index, double[] vector)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }
        Span<bool> seen = stackalloc bool[AgentLimits.MaxFeatures];
        int next = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            int slot = index.Find(ref reader, next);
            if (slot < 0 || seen[slot])
            {
                return false;
            }
            seen[slot] = true;
            reader.Read();
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out double value) || !double.IsFinite(value))
            {
                return false;
            }
            vector[slot] = value;
            next = slot + 1;
        }
        return reader.TokenType == JsonTokenType.EndObject;
    }

    [Flags]
    private enum Property
    {
        None = 0,
        Context = 1,
        Actions = 2,
        Excluded = 4,
        Explain = 8,
        Baseline = 16,
        DeferActivation = 32,
    }
}
