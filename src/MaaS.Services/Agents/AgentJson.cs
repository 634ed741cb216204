using System.Text.Json;
using System.Text.Json.Serialization;

namespace MaaS.Services.Agents;

/// <summary>
/// One candidate as the log keeps it: features by name, so a redefined agent still reads old decisions. Baseline is
/// true on an apprentice decision's baseline action, absent otherwise (older logs read the same).
/// </summary>
internal sealed record StoredAction(string Id, Dictionary<string, double> Features, bool Eligible, bool? Baseline = null);

/// <summary>The JSON the agent store keeps (definitions, contexts, candidates): source-generated, web defaults.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AgentDefinitionRequest))]
[JsonSerializable(typeof(Dictionary<string, double>))]
[JsonSerializable(typeof(List<StoredAction>))]
internal sealed partial class AgentJsonContext : JsonSerializerContext;
