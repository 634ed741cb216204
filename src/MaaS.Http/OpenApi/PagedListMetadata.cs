namespace MaaS.Http.OpenApi;

/// <summary>
/// Marks an endpoint that answers one page of a list, taking <c>limit</c> and <c>after</c> and answering a
/// <c>Link: &lt;…&gt;; rel="next"</c> header while more items follow; read by <see cref="PagedListFilter"/>.
/// </summary>
/// <param name="Order">How the list is ordered, completing "Items are ordered …", e.g. "by name (ordinal)".</param>
/// <param name="Cursor">What <c>after</c> names, e.g. "name" or "id".</param>
/// <param name="DefaultLimit">Items in a page when <c>limit</c> is absent.</param>
/// <param name="MaxLimit">The largest <c>limit</c>.</param>
internal sealed record PagedListMetadata(string Order, string Cursor, int DefaultLimit, int MaxLimit);

/// <summary>Paging as endpoint metadata.</summary>
internal static class PagedListMetadataExtensions
{
    /// <summary>Documents the endpoint as a paged list (see <see cref="PagedListMetadata"/>).</summary>
    public static TBuilder WithPaging<TBuilder>(this TBuilder builder, PagedListMetadata paging)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(paging);
}
