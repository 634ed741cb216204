using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace MaaS.Http.OpenApi;

/// <summary>
/// Documents a status an endpoint answers in more than one shape (typed results such as
/// <c>Results&lt;RecommendationJson&lt;A&gt;, RecommendationJson&lt;B&gt;&gt;</c>, each declaring its 200) as
/// <c>anyOf</c> the shapes: the API explorer keeps one type per status, so the document would otherwise name only the
/// last, and a client generated from it would read every answer as that one (decide's single and multi-slot answers).
/// <c>anyOf</c>, not <c>oneOf</c>: answer schemas are open (<see cref="OpenAnswersDocumentFilter"/>), so one JSON
/// object may match both shapes, and redocly's <c>no-illogical-composition-keywords</c> refuses such a <c>oneOf</c>.
/// </summary>
internal sealed class AlternativeAnswersFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var alternatives = context.ApiDescription.ActionDescriptor.EndpointMetadata
            .OfType<IProducesResponseTypeMetadata>()
            .Where(m => m.Type is not null && m.Type != typeof(void))
            .GroupBy(m => m.StatusCode)
            .Where(g => g.Select(m => m.Type).Distinct().Count() > 1);
        foreach (var status in alternatives)
        {
            string key = status.Key.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (operation.Responses?.TryGetValue(key, out var found) != true || found is not OpenApiResponse response || response.Content is null)
            {
                continue;
            }

            var shapes = status.Select(m => m.Type!).Distinct()
                .Select(type => context.SchemaGenerator.GenerateSchema(type, context.SchemaRepository))
                .ToList();
            foreach (var media in response.Content.Values.OfType<OpenApiMediaType>())
            {
                media.Schema = new OpenApiSchema { AnyOf = shapes };
            }
        }
    }
}
