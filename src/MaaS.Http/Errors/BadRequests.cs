using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace MaaS.Http.Errors;

/// <summary>
/// The error value and client-facing text of a <see cref="BadHttpRequestException"/> (Kestrel's body limits and
/// timeouts, minimal API binding failures), shared by every place that answers one. The texts name what the client
/// sent (a JSON path, a parameter) and what it should be in JSON or HTTP terms, never a .NET type.
/// </summary>
internal static partial class BadRequests
{
    public static ErrorCode Error(BadHttpRequestException exception) => exception.StatusCode switch
    {
        StatusCodes.Status413PayloadTooLarge => ErrorCode.PayloadTooLarge,
        StatusCodes.Status415UnsupportedMediaType => ErrorCode.UnsupportedMediaType,
        _ => ErrorCode.InvalidRequest,
    };

    /// <summary>
    /// What is wrong: the JSON reader's message (offending token, JSON path, position) for malformed JSON, the
    /// parameter and what it must be for a parameter that does not bind, the framework's message otherwise.
    /// </summary>
    public static string Describe(BadHttpRequestException exception) => exception switch
    {
        { StatusCode: StatusCodes.Status413PayloadTooLarge } => "the request body is larger than the server accepts",
        { InnerException: JsonException json } => NotJson(json),
        _ when FailedToBind().Match(exception.Message) is { Success: true } m =>
            $"parameter '{m.Groups["name"].Value}' {MustBe(Expected(m.Groups["type"].Value))}",
        _ when NotProvided().Match(exception.Message) is { Success: true } m =>
            $"parameter '{m.Groups["name"].Value}' is required ({m.Groups["source"].Value})",
        _ => exception.Message,
    };

    /// <summary>What is wrong with a body that is not JSON of the endpoint's contract (token or JSON path, position).</summary>
    /// <param name="exception">The reader's failure.</param>
    /// <param name="contract">The body's contract, which names what a value of the wrong type must be where the reader does not.</param>
    public static string NotJson(JsonException exception, JsonTypeInfo? contract = null) =>
        $"the request body is not valid JSON for this endpoint: {Json(exception, contract)}";

    /// <summary>
    /// The JSON reader's message, except that a value of the wrong type is named by its JSON path and the JSON type
    /// expected there instead of the .NET type it could not be converted to. A member of a positional record (the
    /// recommendation and agent contracts) fails naming the record, not the member's type: then the type is read from
    /// <paramref name="contract"/> at the path.
    /// </summary>
    /// <param name="exception">The reader's failure.</param>
    /// <param name="contract">The document's contract, when known.</param>
    public static string Json(JsonException exception, JsonTypeInfo? contract = null) =>
        exception.Path is { } path && WrongType().Match(exception.Message) is { Success: true } m
            ? $"{path} {MustBe(Expected(m.Groups["type"].Value) ?? (contract is null ? null : ExpectedAt(contract, path)))} (line {exception.LineNumber + 1}, byte {exception.BytePositionInLine + 1})"
            : exception.Message;

    /// <summary>What a value must be, in the terms of the JSON or query value a client sends for it.</summary>
    private static string MustBe(string? expected) =>
        expected is not null ? $"must be {expected}" : "has a value of the wrong type (see the request schema in /swagger)";

    /// <summary>
    /// The member a body's contract does not have (the contracts refuse unknown members, so a misspelt optional member
    /// is not silently ignored), as a field problem at its JSON path naming it, and the contract's member it is probably
    /// a typo of; null when <paramref name="exception"/> is another failure. Decided from the path, not from the
    /// message's (English) wording: the serializer stops at the unmapped member, so its path ends with the member's name,
    /// and that name is not a member of the object the path leads to, an object that refuses unmapped members. Every
    /// other failure at an object's member (a value of the wrong type, malformed JSON) is at a member it has.
    /// </summary>
    /// <param name="exception">The reader's failure.</param>
    /// <param name="contract">The document's contract, whose members at the path are the suggestions.</param>
    public static FieldProblem? UnknownMember(JsonException exception, JsonTypeInfo contract)
    {
        if (exception.Path is not { } path || LastMember().Match(path) is not { Success: true } last)
        {
            return null;
        }

        string name = last.Groups["name"].Success ? last.Groups["name"].Value : Unquote(last.Groups["quoted"].Value);
        string parent = path[..last.Index];
        if (TypeAt(contract, parent) is not { Kind: JsonTypeInfoKind.Object } at
            || (at.UnmappedMemberHandling ?? at.Options.UnmappedMemberHandling) != JsonUnmappedMemberHandling.Disallow
            || at.Properties.Any(p => NamesOf(at).Equals(p.Name, name)))
        {
            return null;
        }

        var segments = PathSegment().Matches(parent);
        int? index = segments.Cast<Match>().FirstOrDefault(s => s.Groups["index"].Success) is { } first
            ? int.Parse(first.Groups["index"].Value, CultureInfo.InvariantCulture) : null;
        return FieldProblem.UnknownMember(index, path.TrimStart('$').TrimStart('.'), name, at.Properties.Select(p => p.Name));
    }

    /// <summary>The JSON type of the value at <paramref name="path"/> of <paramref name="contract"/>, or null where the path leaves the contract's metadata.</summary>
    private static string? ExpectedAt(JsonTypeInfo contract, string path) => TypeAt(contract, path) switch
    {
        null => null,
        { Kind: JsonTypeInfoKind.Object or JsonTypeInfoKind.Dictionary } => "an object",
        { Kind: JsonTypeInfoKind.Enumerable } => "an array",
        var at => Expected((Nullable.GetUnderlyingType(at.Type) ?? at.Type).ToString()),
    };

    /// <summary>The metadata of the value at <paramref name="path"/> (<c>$.a.b[0]['c d']</c>) of <paramref name="contract"/>, or null where the path leaves it.</summary>
    private static JsonTypeInfo? TypeAt(JsonTypeInfo contract, string path)
    {
        var at = contract;
        var names = NamesOf(at);
        foreach (Match segment in PathSegment().Matches(path))
        {
            string? name = segment.Groups["name"].Success ? segment.Groups["name"].Value
                : segment.Groups["quoted"].Success ? Unquote(segment.Groups["quoted"].Value)
                : null;
            Type? next = (name, at.Kind) switch
            {
                (null, JsonTypeInfoKind.Enumerable) or (not null, JsonTypeInfoKind.Dictionary) => at.ElementType,
                (not null, JsonTypeInfoKind.Object) => at.Properties.FirstOrDefault(p => names.Equals(p.Name, name))?.PropertyType,
                _ => null,
            };
            if (next is null || !at.Options.TryGetTypeInfo(next, out var nextInfo))
            {
                return null;
            }

            at = nextInfo;
        }

        return at;
    }

    /// <summary>How the contract's serializer matches member names.</summary>
    private static StringComparer NamesOf(JsonTypeInfo contract) =>
        contract.Options.PropertyNameCaseInsensitive ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

    private static string Unquote(string quoted) => quoted.Replace("\\'", "'", StringComparison.Ordinal);

    /// <summary>A .NET type as the JSON or query value a client sends for it (System.Int32, Nullable&lt;int&gt;, List`1[...]), or null for a type of the contract's own.</summary>
    private static string? Expected(string type)
    {
        string inner = NullableOf().Match(type) is { Success: true } n ? n.Groups["inner"].Value : type;
        string name = inner.StartsWith("System.", StringComparison.Ordinal) && !inner.Contains('`', StringComparison.Ordinal) ? inner["System.".Length..] : inner;
        return name switch
        {
            "Int16" or "Int32" or "Int64" or "UInt16" or "UInt32" or "UInt64" or "Byte" or "SByte"
                or "short" or "int" or "long" or "ushort" or "uint" or "ulong" or "byte" or "sbyte" => "an integer",
            "Single" or "Double" or "Decimal" or "Half" or "float" or "double" or "decimal" => "a number",
            "Boolean" or "bool" => "true or false",
            "String" or "string" or "Guid" or "Char" or "char" => "a string",
            "DateTime" or "DateTimeOffset" or "DateOnly" or "TimeSpan" => "an ISO 8601 date or time string",
            _ when name.Contains("Dictionary", StringComparison.Ordinal) => "an object",
            _ when name.EndsWith("[]", StringComparison.Ordinal) || name.Contains("List`", StringComparison.Ordinal)
                || name.Contains("Enumerable`", StringComparison.Ordinal) || name.Contains("Collection`", StringComparison.Ordinal)
                || name.Contains("Set`", StringComparison.Ordinal) => "an array",
            _ => null,
        };
    }

    [GeneratedRegex(@"^The JSON value could not be converted to (?<type>.+?)\. Path: ")]
    private static partial Regex WrongType();


    [GeneratedRegex(@"^Failed to bind parameter ""(?<type>.+) (?<name>[^ ""]+)"" from ""[^""]*""\.$")]
    private static partial Regex FailedToBind();

    [GeneratedRegex(@"^Required parameter ""(?<type>.+) (?<name>[^ ""]+)"" was not provided from (?<source>.+)\.$")]
    private static partial Regex NotProvided();

    [GeneratedRegex(@"^(?:System\.Nullable`1\[(?<inner>.+)\]|Nullable<(?<inner>.+)>)$")]
    private static partial Regex NullableOf();

    // One step of a JSON path as System.Text.Json writes it: .name, ['name'] (a name with special characters, ' written \'), [index].
    [GeneratedRegex(@"\.(?<name>[^.\[]+)|\['(?<quoted>(?:\\'|[^'])*)'\]|\[(?<index>\d+)\]")]
    private static partial Regex PathSegment();

    // The path's last step when it names a member. Matched from the right, so a quoted name may hold a ' the serializer
    // left unescaped ($['it's']) and the nearest [' before the end starts it.
    [GeneratedRegex(@"(?:\.(?<name>[^.\[\]']+)|\['(?<quoted>.*?)'\])$", RegexOptions.RightToLeft)]
    private static partial Regex LastMember();
}
