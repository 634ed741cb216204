namespace MaaS.Services.Agents;

/// <summary>The JSON the agent store keeps (definitions; contexts and candidates are DecisionCodec's): source-generated, web defaults.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AgentDefinitionRequest))]
internal sealed partial class AgentJsonContext : JsonSerializerContext;
