namespace MaaS.Gateway.Contracts.V1;

/// <summary>Source-generated JSON for the agent contracts (web defaults, nulls left out); they live in MaaS.Services.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(AgentDefinitionRequest))]
[JsonSerializable(typeof(AgentResponse))]
[JsonSerializable(typeof(IReadOnlyList<AgentSummary>))]
[JsonSerializable(typeof(DecideRequest))]
[JsonSerializable(typeof(DecideAnswer))]
[JsonSerializable(typeof(DecideResponse))]
[JsonSerializable(typeof(SlotsDecideResponse))]
[JsonSerializable(typeof(OutcomeRequest))]
[JsonSerializable(typeof(OutcomeResponse))]
[JsonSerializable(typeof(ActivationRequest))]
[JsonSerializable(typeof(ActivationResponse))]
[JsonSerializable(typeof(EvaluateRequest))]
[JsonSerializable(typeof(EvaluateResponse))]
internal sealed partial class AgentsJsonContext : JsonSerializerContext;
