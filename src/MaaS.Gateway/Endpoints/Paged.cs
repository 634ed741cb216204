using MaaS.Http.Paging;

namespace MaaS.Gateway.Endpoints;

/// <summary>The /v1 lists' one paging contract, as endpoints declare and answer it (the pages come from the services).</summary>
internal static class Paged
{
    /// <summary>Paging metadata of a list ordered <paramref name="order"/> whose <c>after</c> names an item's <paramref name="cursor"/>.</summary>
    public static PagedListMetadata By(string order, string cursor = "id") => new(order, cursor, PageRequest.DefaultLimit, PageRequest.MaxLimit);

    /// <summary>The page's items for the body; the next page, if any, goes in the Link header.</summary>
    public static List<T> Items<T>(HttpContext http, Page<T> page)
    {
        NextPageLink.Set(http, page.NextAfter);
        return [.. page.Items];
    }
}
