using System.Text.Json;
using System.Text.Json.Nodes;

namespace MaaS.TestSupport.Hosting;

/// <summary>Builds V2 infer request bodies.</summary>
public static class V2Json
{
    public static string Infer(string inputName, string datatype, long[] shape, object data, string? id = null, string[]? outputs = null)
    {
        var request = new JsonObject
        {
            ["inputs"] = new JsonArray(Input(inputName, datatype, shape, data)),
        };
        if (id is not null)
        {
            request["id"] = id;
        }

        if (outputs is not null)
        {
            request["outputs"] = new JsonArray([.. outputs.Select(o => (JsonNode)new JsonObject { ["name"] = o })]);
        }

        return request.ToJsonString();
    }

    public static JsonObject Input(string name, string datatype, long[] shape, object data) => new()
    {
        ["name"] = name,
        ["datatype"] = datatype,
        ["shape"] = JsonSerializer.SerializeToNode(shape),
        ["data"] = JsonSerializer.SerializeToNode(data),
    };

    public static float[] Floats(JsonNode? output) => [.. output!["data"]!.AsArray().Select(n => n!.GetValue<float>())];

    public static JsonNode? Output(JsonNode? body, string name) =>
        body?["outputs"]?.AsArray().FirstOrDefault(o => o?["name"]?.GetValue<string>() == name);
}
