namespace MaaS.Services.Recommendations.Evaluation;

/// <summary>
/// The groups an item's exposure is counted under, by an attribute the caller chooses: <c>genre</c> (its genres),
/// <c>kind</c> (movie, song or game), <c>tag</c> (its tags), or any other name <c>a</c>, read from the tags written
/// <c>a:value</c> (<c>provider:Netflix</c>, <c>type:TV Show</c>, <c>country:India</c>), since catalogue items carry
/// free attributes as tags. An item without the attribute, or outside the catalogue, counts under
/// <see cref="None"/>, so the shares still add up to every slot. Pure and thread-safe.
/// </summary>
public static class ExposureGroups
{
    /// <summary>The attribute when none is named.</summary>
    public const string DefaultAttribute = "genre";

    /// <summary>The group of an item that lacks the attribute.</summary>
    public const string None = "(none)";

    /// <summary>Most characters of an attribute name.</summary>
    public const int MaxAttributeLength = 40;

    /// <summary>Why an attribute name is refused, as a field problem words it.</summary>
    public const string Problem = "must be genre, kind, tag or the name of a tag attribute (letters, digits, '-', '_'; up to 40 characters), as in provider for tags provider:value";

    private static readonly string[] NoneGroup = [None];

    /// <summary>Whether <paramref name="attribute"/> names an attribute: letters, digits, <c>-</c> and <c>_</c>, 1 to <see cref="MaxAttributeLength"/> characters.</summary>
    public static bool IsAttribute(string? attribute) =>
        attribute is { Length: > 0 and <= MaxAttributeLength } && attribute.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>The groups of each item under <paramref name="attribute"/> (<see cref="IsAttribute"/> must hold).</summary>
    /// <param name="attribute">genre, kind, tag or a tag attribute's name; compared case-insensitively.</param>
    /// <param name="find">The catalogue entry of an item id; null when it has none.</param>
    public static Func<string, IReadOnlyList<string>> Of(string attribute, Func<string, CatalogItem?> find)
    {
        ArgumentNullException.ThrowIfNull(find);
        if (!IsAttribute(attribute))
        {
            throw new ArgumentException(Problem, nameof(attribute));
        }

        Func<CatalogItem, IReadOnlyList<string>> groups = attribute.ToLowerInvariant() switch
        {
            "genre" => item => item.Genres,
            "kind" => item => [CatalogueMapping.KindText(item.Kind)],
            "tag" => item => item.Tags,
            _ => item => TagValues(item.Tags, attribute + ":"),
        };
        return id => find(id) is { } item && groups(item) is { Count: > 0 } found ? found : NoneGroup;
    }

    private static List<string> TagValues(IReadOnlyList<string> tags, string prefix)
    {
        var values = new List<string>();
        foreach (string tag in tags)
        {
            if (tag.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && tag[prefix.Length..].Trim() is { Length: > 0 } value)
            {
                values.Add(value);
            }
        }

        return values;
    }
}
