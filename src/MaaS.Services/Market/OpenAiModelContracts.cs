namespace MaaS.Services.Market;

/// <summary>A model in OpenAI's shape.</summary>
/// <param name="Id">The model's name: what <c>model</c> takes in a request.</param>
/// <param name="Created">Unix seconds: its first publication, or for a bundled model its repository folder's last change.</param>
/// <param name="OwnedBy">The owning tenant; <c>system</c> for a bundled model.</param>
public sealed record OpenAiModel(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("owned_by")] string OwnedBy)
{
    /// <summary>Always <c>model</c>.</summary>
    [JsonPropertyName("object")]
    public string Object => "model";
}

/// <summary>OpenAI's list of models: all of them, in one answer.</summary>
/// <param name="Data">The models, by id (ordinal).</param>
public sealed record OpenAiModelList([property: JsonPropertyName("data")] IReadOnlyList<OpenAiModel> Data)
{
    /// <summary>Always <c>list</c>.</summary>
    [JsonPropertyName("object")]
    public string Object => "list";
}
