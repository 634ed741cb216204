using System.Text.Json.Serialization.Metadata;

namespace MaaS.Services.Agents;

/// <summary>The JSON the agent store keeps (definitions; contexts and candidates are DecisionCodec's): source-generated, web defaults.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AgentDefinitionRequest))]
internal sealed partial class AgentJsonContext : JsonSerializerContext
{
    /// <summary>
    /// A stored definition, read back leniently: a request refuses members the contract lacks, but a row another
    /// version wrote (one whose contract had a member since removed) must still load, so unknown members are skipped here.
    /// </summary>
    /// <remarks>Made on first use: a static initializer here could run before the generated part's <c>Default</c> is set.</remarks>
    public static JsonTypeInfo<AgentDefinitionRequest> StoredDefinition => s_storedDefinition ??= Lenient();

    private static JsonTypeInfo<AgentDefinitionRequest>? s_storedDefinition;

    private static JsonTypeInfo<AgentDefinitionRequest> Lenient()
    {
        var options = new JsonSerializerOptions(Default.Options)
        {
            TypeInfoResolver = new AgentJsonContext().WithAddedModifier(static info =>
            {
                if (info.Kind == JsonTypeInfoKind.Object)
                {
                    info.UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip;
                }
            }),
        };
        return (JsonTypeInfo<AgentDefinitionRequest>)options.GetTypeInfo(typeof(AgentDefinitionRequest));
    }
}
