namespace MaaS.Storage.Import;

/// <summary>
/// Reads a MovieLens release folder as catalogue items (kind movie, genres, tags from <c>tags.csv</c> where present,
/// release date of ml-100k as <see cref="CatalogItem.AvailableFrom"/>) and rating events
/// (type <c>rate</c>, value = stars, event id <c>ml:{user}:{movie}</c> so a re-import adds nothing).
/// Ratings are streamed, never loaded whole. Malformed lines are skipped and counted, not fatal.
/// Not thread-safe: enumerate one sequence at a time.
/// </summary>
public sealed class MovieLensReader
{
    /// <summary>ml-100k's genre order, used when u.genre is absent.</summary>
    private static readonly string[] Ml100kGenres =
    [
        "unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary", "Drama", "Fantasy",
        "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western",
    ];

    private const int MaxSamples = 10;
    private const int MaxTagsPerItem = 20;
    private readonly List<string> _samples = [];

    private MovieLensReader(string directory, MovieLensFormat format)
    {
        Directory = directory;
        Format = format;
    }

    public string Directory { get; }

    public MovieLensFormat Format { get; }

    /// <summary>Lines skipped so far because they could not be parsed.</summary>
    public long MalformedLines { get; private set; }

    /// <summary>The first few skipped lines as <c>file:line: reason</c>.</summary>
    public IReadOnlyList<string> MalformedSamples => _samples;

    /// <summary>Detects the layout of <paramref name="directory"/>; <see cref="ErrorCode.NotFound"/> when it holds no known layout.</summary>
    public static Result<MovieLensReader> Open(string directory)
    {
        if (string.IsNullOrWhiteSpace(directory) || !System.IO.Directory.Exists(directory))
        {
            return Error.NotFound("MovieLens folder");
        }
        bool Has(string name) => File.Exists(Path.Combine(directory, name));
        if (Has("u.data") && Has("u.item"))
        {
            return new MovieLensReader(directory, MovieLensFormat.Ml100k);
        }
        if (Has("ratings.dat") && Has("movies.dat"))
        {
            return new MovieLensReader(directory, MovieLensFormat.Dat);
        }
        if (Has("ratings.csv") && Has("movies.csv"))
        {
            return new MovieLensReader(directory, MovieLensFormat.Csv);
        }
        return Error.NotFound("MovieLens layout (u.data+u.item, ratings.dat+movies.dat or ratings.csv+movies.csv)");
    }

    /// <summary>Every movie of the release, in file order.</summary>
    public IEnumerable<CatalogItem> ReadItems() => Format switch
    {
        MovieLensFormat.Ml100k => Read100kItems(),
        MovieLensFormat.Dat => ReadDatItems(),
        _ => ReadCsvItems(),
    };

    /// <summary>Every rating of the release, in file order, lazily.</summary>
    public IEnumerable<InteractionEvent> ReadRatings() => Format switch
    {
        MovieLensFormat.Ml100k => ReadRatings("u.data", Latin1, line => line.Split('\t'), header: false),
        MovieLensFormat.Dat => ReadRatings("ratings.dat", Latin1, line => line.Split("::"), header: false),
        _ => ReadRatings("ratings.csv", Encoding.UTF8, line => line.Split(','), header: true),
    };

    private static Encoding Latin1 => Encoding.Latin1;

    private IEnumerable<CatalogItem> Read100kItems()
    {
        var genreFile = Path.Combine(Directory, "u.genre");
        var genres = File.Exists(genreFile)
            ? File.ReadLines(genreFile, Latin1).Where(l => l.Contains('|')).Select(l => l.Split('|')[0]).ToArray()
            : Ml100kGenres;
        foreach (var (line, number) in Lines("u.item", Latin1, header: false))
        {
            var f = line.Split('|');
            if (f.Length < 5 + genres.Length || !IsId(f[0]) || f[1].Length == 0)
            {
                Malformed("u.item", number, "expected id|title|date|video date|url|genre flags");
                continue;
            }
            var itemGenres = new List<string>();
            for (var g = 0; g < genres.Length; g++)
            {
                if (f[5 + g] == "1" && genres[g] != "unknown")
                {
                    itemGenres.Add(genres[g]);
                }
            }
            DateOnly? released = DateOnly.TryParseExact(f[2], "dd-MMM-yyyy", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
            yield return new CatalogItem(f[0], ItemKind.Movie, f[1], itemGenres, [], null, released);
        }
    }

    private IEnumerable<CatalogItem> ReadDatItems()
    {
        var encoding = DetectEncoding(Path.Combine(Directory, "movies.dat"));
        foreach (var (line, number) in Lines("movies.dat", encoding, header: false))
        {
            var f = line.Split("::");
            if (f.Length != 3 || !IsId(f[0]) || f[1].Length == 0)
            {
                Malformed("movies.dat", number, "expected MovieID::Title::Genres");
                continue;
            }
            yield return new CatalogItem(f[0], ItemKind.Movie, f[1], Genres(f[2]), []);
        }
    }

    private IEnumerable<CatalogItem> ReadCsvItems()
    {
        var tags = ReadCsvTags();
        foreach (var (line, number) in Lines("movies.csv", Encoding.UTF8, header: true))
        {
            var f = CsvLine.Split(line);
            if (f.Count != 3 || !IsId(f[0]) || f[1].Length == 0)
            {
                Malformed("movies.csv", number, "expected movieId,title,genres");
                continue;
            }
            yield return new CatalogItem(f[0], ItemKind.Movie, f[1], Genres(f[2]), tags.TryGetValue(f[0], out var t) ? t : []);
        }
    }

    /// <summary>Per movie, its most used tags (by how many ratings users applied them), capped so items stay valid.</summary>
    private Dictionary<string, string[]> ReadCsvTags()
    {
        var result = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!File.Exists(Path.Combine(Directory, "tags.csv")))
        {
            return result;
        }
        var counts = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        foreach (var (line, number) in Lines("tags.csv", Encoding.UTF8, header: true))
        {
            var f = CsvLine.Split(line);
            if (f.Count != 4 || !IsId(f[1]))
            {
                Malformed("tags.csv", number, "expected userId,movieId,tag,timestamp");
                continue;
            }
            var tag = CleanLabel(f[2]);
            if (tag is null)
            {
                continue;
            }
            if (!counts.TryGetValue(f[1], out var perMovie))
            {
                counts[f[1]] = perMovie = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            }
            perMovie[tag] = perMovie.GetValueOrDefault(tag) + 1;
        }
        foreach (var (movie, perMovie) in counts)
        {
            result[movie] = [.. perMovie.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(MaxTagsPerItem).Select(p => p.Key)];
        }
        return result;
    }

    private IEnumerable<InteractionEvent> ReadRatings(string file, Encoding encoding, Func<string, string[]> split, bool header)
    {
        foreach (var (line, number) in Lines(file, encoding, header))
        {
            var f = split(line);
            if (f.Length != 4 || !IsId(f[0]) || !IsId(f[1])
                || !float.TryParse(f[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var rating) || !float.IsFinite(rating)
                || !long.TryParse(f[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) || seconds is < 0 or > 253_402_300_799)
            {
                Malformed(file, number, "expected user, movie, rating, unix seconds");
                continue;
            }
            yield return new InteractionEvent($"ml:{f[0]}:{f[1]}", f[0], f[1], "rate", rating, DateTimeOffset.FromUnixTimeSeconds(seconds));
        }
    }

    private IEnumerable<(string Line, long Number)> Lines(string file, Encoding encoding, bool header)
    {
        long number = 0;
        foreach (var line in File.ReadLines(Path.Combine(Directory, file), encoding))
        {
            number++;
            if ((header && number == 1) || line.Length == 0)
            {
                continue;
            }
            yield return (line.TrimEnd('\r'), number);
        }
    }

    private void Malformed(string file, long line, string reason)
    {
        MalformedLines++;
        if (_samples.Count < MaxSamples)
        {
            _samples.Add($"{file}:{line}: {reason}");
        }
    }

    private static List<string> Genres(string field) =>
        field is "" or "(no genres listed)" ? [] : [.. field.Split('|').Select(CleanLabel).OfType<string>().Distinct(StringComparer.Ordinal)];

    private static string? CleanLabel(string raw)
    {
        var label = new string([.. raw.Where(c => !char.IsControl(c))]).Trim();
        if (label.Length == 0)
        {
            return null;
        }
        return label.Length <= StorageLimits.MaxLabelLength ? label : label[..StorageLimits.MaxLabelLength].TrimEnd();
    }

    private static bool IsId(string value) => value.Length is > 0 and <= 20 && value.All(char.IsAsciiDigit);

    /// <summary>ml-1m is ISO-8859-1 but ml-10m is UTF-8, with the same file names: decide by whether the bytes are valid UTF-8.</summary>
    private static Encoding DetectEncoding(string path)
    {
        try
        {
            new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(File.ReadAllBytes(path));
            return Encoding.UTF8;
        }
        catch (DecoderFallbackException)
        {
            return Latin1;
        }
    }
}
