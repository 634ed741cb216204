namespace MaaS.Services.Agents.Onnx;

/// <summary>The definition rules of policy kind onnx; whether the model exists and fits is checked against the registry by <see cref="OnnxPolicyScorer"/>.</summary>
internal static class OnnxPolicyValidation
{
    /// <summary>The model reference of an onnx policy (null for other kinds); a missing or malformed one is a problem.</summary>
    public static AgentModelRef? Model(PolicySettings? policy, AgentPolicySpec spec, Action<string, string> add)
    {
        if (policy is not { Kind: PolicyKind.Onnx })
        {
            if (spec.RegistryModel is not null && policy is not null)
            {
                add("policy.registryModel", "only a policy of kind onnx reads a registry model");
            }
            return null;
        }
        if (spec.RegistryModel?.Name is not { Length: > 0 and <= 128 } name)
        {
            add("policy.registryModel.name", "kind onnx needs the name of a registry model that scores the actions");
            return null;
        }
        if (spec.RegistryModel.Version is < 1)
        {
            add("policy.registryModel.version", "must be ≥ 1 (or absent for the model's default version)");
            return null;
        }
        return new AgentModelRef(name, spec.RegistryModel.Version);
    }
}
