namespace MaaS.Recommendations.Evaluation;

/// <summary>
/// Content features of MovieLens 100K items from <c>u.item</c> (ISO-8859-1, <c>|</c>-separated: id, title, release
/// date, video date, URL, 19 genre flags): <c>genre:&lt;name&gt;</c> per flag, <c>year:&lt;yyyy&gt;</c> and
/// <c>decade:&lt;yyy&gt;</c> of the release date, each with raw weight 1.
/// </summary>
public static class MovieLensCatalogue
{
    /// <summary>The 19 genres in flag order (ml-100k <c>u.genre</c>).</summary>
    public static IReadOnlyList<string> Genres { get; } =
    [
        "unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary", "Drama", "Fantasy",
        "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western",
    ];

    /// <summary>Reads <c>u.item</c>; malformed lines are skipped.</summary>
    public static List<ContentItem> Read(string path)
    {
        var items = new List<ContentItem>();
        foreach (string line in File.ReadLines(path, Encoding.Latin1))
        {
            var parts = line.Split('|');
            if (parts.Length < 5 + Genres.Count)
            {
                continue;
            }

            var genres = new List<string>();
            var features = new List<ContentFeature>();
            for (int g = 0; g < Genres.Count; g++)
            {
                if (parts[5 + g] == "1")
                {
                    genres.Add(Genres[g]);
                    features.Add(new ContentFeature("genre:" + Genres[g], 1f));
                }
            }

            if (DateTime.TryParseExact(parts[2], "dd-MMM-yyyy", CultureInfo.InvariantCulture, DateTimeStyles.None, out var released))
            {
                features.Add(new ContentFeature("year:" + released.Year.ToString(CultureInfo.InvariantCulture), 1f));
                features.Add(new ContentFeature("decade:" + (released.Year / 10).ToString(CultureInfo.InvariantCulture), 1f));
            }

            items.Add(new ContentItem(new ItemMetadata(parts[0], ItemKind.Movie, genres), features));
        }

        return items;
    }
}
