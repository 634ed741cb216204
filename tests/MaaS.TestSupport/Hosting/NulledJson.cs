using System.Text.Json.Nodes;

namespace MaaS.TestSupport.Hosting;

/// <summary>
/// A valid request body with one of its nodes replaced by <c>null</c>: what the null-body and fuzz tests send to show
/// that a null anywhere is a clear 4xx, never a 500. Nodes count in document order, the root first (whose null body
/// is the literal <c>null</c>).
/// </summary>
public static class NulledJson
{
    /// <summary>The body once per node, that node nulled.</summary>
    public static IEnumerable<string> EachNode(string json)
    {
        int count = Nodes(JsonNode.Parse(json)!).Count();
        for (int position = 0; position < count; position++)
        {
            yield return At(json, position);
        }
    }

    /// <summary>The body with node number <paramref name="position"/> (modulo the count) nulled.</summary>
    public static string At(string json, int position)
    {
        var root = JsonNode.Parse(json)!;
        var nodes = Nodes(root).ToList();
        var node = nodes[position % nodes.Count];
        switch (node.Parent)
        {
            case null:
                return "null";
            case JsonObject parent:
                parent[node.GetPropertyName()] = null;
                break;
            case JsonArray parent:
                parent[node.GetElementIndex()] = null;
                break;
        }

        return root.ToJsonString();
    }

    private static IEnumerable<JsonNode> Nodes(JsonNode node)
    {
        yield return node;
        IEnumerable<JsonNode?> children = node switch
        {
            JsonObject o => o.Select(p => p.Value),
            JsonArray a => a,
            _ => [],
        };
        foreach (var child in children.Where(c => c is not null).ToList())
        {
            foreach (var descendant in Nodes(child!))
            {
                yield return descendant;
            }
        }
    }
}
