using System.Numerics.Tensors;
using MaaS.Models.Inference;

namespace MaaS.Services.Agents.Onnx;

/// <summary>
/// Scores a decision's candidate actions with the agent's policy model: the context features, in the agent's order, as
/// one FP32 row of the model's only input; the first FP32 [N, K] output read as one score per label of model.json;
/// each candidate gets the score of the label equal to its id (one below the lowest score when it has none). Runs through
/// <see cref="IModelInference"/>, so the version's batcher, timeout and circuit breaker apply and the caller's tenant
/// sees only models it may see. The model reference comes validated (a name). Thread-safe.
/// </summary>
internal sealed class OnnxPolicyScorer(IModelRegistry registry, IModelInference inference)
{
    /// <summary>What is wrong with the model for this agent (missing, wrong input width, labels not covering the actions), as field problems.</summary>
    public IReadOnlyList<(string Field, string Message)> Check(AgentModelRef model, FeatureSchema schema, IEnumerable<string> actionIds)
    {
        Result<PolicyModelShape> shape = Shape(model, registry.Acquire(model.Name!, model.Version));
        if (!shape.TryGetValue(out PolicyModelShape? found, out Error? error))
        {
            return [(error.Code is ErrorCode.ModelNotFound or ErrorCode.VersionNotFound ? "policy.registryModel.name" : "policy.registryModel", error.Message)];
        }
        var problems = new List<(string, string)>();
        if (found.Width >= 0 && found.Width != schema.Context.Count)
        {
            problems.Add(("policy.registryModel", $"model '{model.Name}' takes {found.Width} observation features, the agent has {schema.Context.Count} context features"));
        }
        string[] missing = [.. actionIds.Where(id => !found.Labels.Contains(id, StringComparer.Ordinal))];
        if (missing.Length > 0)
        {
            problems.Add(("policy.registryModel", $"model '{model.Name}' has no score for the actions {string.Join(", ", missing)} (its labels: {string.Join(", ", found.Labels)})"));
        }
        return problems;
    }

    /// <summary>One score per candidate of <paramref name="input"/>, or the registry's or the model's error.</summary>
    public async ValueTask<Result<double[]>> ScoreAsync(AgentModelRef model, DecisionInput input, CancellationToken cancellationToken)
    {
        // A lazy policy model is loaded by the first decision that needs it.
        Result<PolicyModelShape> shape = Shape(model, await registry.AcquireAsync(model.Name!, model.Version, cancellationToken).ConfigureAwait(false));
        if (!shape.TryGetValue(out PolicyModelShape? found, out Error? error))
        {
            return error;
        }
        if (found.Width >= 0 && found.Width != input.Context.Length)
        {
            return new Error(ErrorCode.Conflict, $"the agent's policy model '{model.Name}' version {found.Version} now takes {found.Width} observation features, the agent has {input.Context.Length}: redefine the agent or restore the model");
        }
        var observation = new float[input.Context.Length];
        TensorPrimitives.ConvertTruncating(input.Context, observation);
        Result<InferenceResponse> inferred = await inference.InferAsync(
            model.Name!, found.Version, new InferenceRequest([InferTensor.Fp32(found.Input, observation, 1, observation.Length)], [found.Output]), cancellationToken).ConfigureAwait(false);
        if (!inferred.TryGetValue(out InferenceResponse? response, out error))
        {
            return error;
        }
        if (response.Output(found.Output)?.Data is not float[] row || row.Length != found.Labels.Count)
        {
            return new Error(ErrorCode.Conflict, $"the agent's policy model '{model.Name}' returned {(response.Output(found.Output)?.Data.Length ?? 0)} scores for {found.Labels.Count} labels");
        }
        // An action the model has no label for ranks below every labelled one; a finite score, since JSON has no NaN.
        double unlabelled = row.Where(float.IsFinite).Select(v => (double)v).DefaultIfEmpty(0).Min() - 1.0;
        var scores = new double[input.Actions.Count];
        for (int i = 0; i < scores.Length; i++)
        {
            int label = IndexOf(found.Labels, input.Actions[i].Id);
            scores[i] = label >= 0 && float.IsFinite(row[label]) ? row[label] : unlabelled;
        }
        return scores;
    }

    private static Result<PolicyModelShape> Shape(AgentModelRef model, Result<ModelLease> leased)
    {
        if (!leased.TryGetValue(out ModelLease? lease, out Error? error))
        {
            return new Error(error.Code, $"the policy model '{model.Name}'{(model.Version is { } v ? $" version {v}" : "")} is not available: {error.Message}");
        }
        using (lease)
        {
            if (lease.Model is not ITensorModel tensor || tensor.Signature.Inputs is not [{ DataType: TensorDataType.Fp32, Shape.Length: 2 } only])
            {
                return new Error(ErrorCode.Unsupported, $"model '{model.Name}' is not a policy model: it must take one FP32 [N, features] input");
            }
            TensorSpec? output = tensor.Signature.Outputs.FirstOrDefault(o => o is { DataType: TensorDataType.Fp32, Shape.Length: 2 });
            if (output is null)
            {
                return new Error(ErrorCode.Unsupported, $"model '{model.Name}' is not a policy model: it has no FP32 [N, actions] scores output");
            }
            if (lease.Config.Labels.Count == 0 || (output.Shape[1] >= 0 && output.Shape[1] != lease.Config.Labels.Count))
            {
                return new Error(ErrorCode.Unsupported, $"model '{model.Name}' is not a policy model: its model.json must list one label (action id) per score, {output.Shape[1]} of them");
            }
            return new PolicyModelShape(lease.Version, only.Name, (int)only.Shape[1], output.Name, lease.Config.Labels);
        }
    }

    private static int IndexOf(IReadOnlyList<string> labels, string id)
    {
        for (int i = 0; i < labels.Count; i++)
        {
            if (string.Equals(labels[i], id, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }

    private sealed record PolicyModelShape(long Version, string Input, int Width, string Output, IReadOnlyList<string> Labels);
}
