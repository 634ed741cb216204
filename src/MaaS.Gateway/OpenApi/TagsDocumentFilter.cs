using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace MaaS.Gateway.OpenApi;

/// <summary>
/// The document's tags in <see cref="ApiTags.All"/> order with their descriptions (Swagger UI lists tags in this
/// order), followed by any tag an operation uses that the table does not know.
/// </summary>
internal sealed class TagsDocumentFilter : IDocumentFilter
{
    public void Apply(OpenApiDocument swaggerDoc, DocumentFilterContext context)
    {
        var used = swaggerDoc.Paths.Values
            .SelectMany(path => path.Operations?.Values.AsEnumerable() ?? [])
            .SelectMany(operation => operation.Tags ?? new HashSet<OpenApiTagReference>())
            .Select(tag => tag.Name)
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);
        // A HashSet enumerates in insertion order while nothing is removed; the generator's own set is sorted by name.
        var tags = new HashSet<OpenApiTag>();
        foreach (var (name, description) in ApiTags.All.Where(t => used.Contains(t.Name)))
        {
            tags.Add(new OpenApiTag { Name = name, Description = description });
        }

        foreach (string name in used.Where(name => ApiTags.Order(name) == ApiTags.All.Count).Order(StringComparer.Ordinal))
        {
            tags.Add(new OpenApiTag { Name = name });
        }

        swaggerDoc.Tags = tags;
    }
}
