using System.Text.Json.Serialization;
using MaaS.Services.Agents;

namespace MaaS.Dashboard;

/// <summary>The stored agent definitions the agents page reads: source-generated, the agent store's web defaults.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AgentDefinitionRequest))]
internal sealed partial class DashboardJsonContext : JsonSerializerContext;
