using System.Text.Json.Nodes;
using MaaS.Http.Paging;

namespace MaaS.Http.OpenApi;

/// <summary>
/// Documents a paged list (<see cref="PagedListMetadata"/>) the same way on every endpoint: what <c>limit</c> and
/// <c>after</c> mean (a description a handler's own XML comment would only repeat), and the <c>Link</c> header of its
/// 200 answer.
/// </summary>
internal sealed class PagedListFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<PagedListMetadata>().LastOrDefault() is not { } paging)
        {
            return;
        }

        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
        {
            if (parameter.Name == "limit")
            {
                parameter.Description = $"Items in the page, 1..{paging.MaxLimit} (default {paging.DefaultLimit}).";
                parameter.Example ??= JsonValue.Create(paging.DefaultLimit);
            }
            else if (parameter.Name == NextPageLink.After)
            {
                parameter.Description = $"The {paging.Cursor} of the last item of the previous page (the Link header's next URL carries it); " +
                    $"leave it out for the first page. Items are ordered {paging.Order}. A {paging.Cursor} that is not in the list is a 400.";
            }
        }

        if (operation.Responses?.TryGetValue("200", out var ok) == true && ok is OpenApiResponse answer)
        {
            answer.Headers ??= new Dictionary<string, IOpenApiHeader>();
            answer.Headers["Link"] = new OpenApiHeader
            {
                Description = "RFC 8288: the URL of the next page with rel=\"next\" (the same query, after set), present while more items follow.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                Example = JsonValue.Create("</v1/items?limit=2&after=game-002>; rel=\"next\""),
            };
        }
    }
}
