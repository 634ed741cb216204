using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using MaaS.Core;
using MaaS.Http.Errors;

namespace MaaS.Gateway.FunctionalTests.Errors;

/// <summary>
/// <see cref="BadRequests.UnknownMember"/> decides from the failure's JSON path and the contract's metadata, never from
/// the wording of the serializer's message: the same field problem under another culture, or with a message in another
/// language, and none for failures at members the contract has.
/// </summary>
public sealed class BadRequestsTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };
    private static readonly JsonTypeInfo Contract = Web.GetTypeInfo(typeof(Body));

    [Theory]
    [InlineData("""{"userId":"u","cout":5}""", null, "cout", "unknown member 'cout' (did you mean 'count'?)")]
    [InlineData("""{"userId":"u","filters":{"Genres":["a"],"genre":[]}}""", null, "filters.genre", "unknown member 'genre' (did you mean 'genres'?)")]
    [InlineData("""{"userId":"u","items":[{"id":"a"},{"ID":"b","idd":1}]}""", 1, "items[1].idd", "unknown member 'idd' (did you mean 'id'?)")]
    [InlineData("""{"userId":"u","o'k":1}""", null, "['o'k']", "unknown member 'o'k'")]
    [InlineData("""{"userId":"u","a.b":1}""", null, "['a.b']", "unknown member 'a.b'")]
    public void UnknownMember_UnderAnotherCulture_TheFieldProblemOfItsPath(string json, int? index, string field, string reason)
    {
        var (culture, uiCulture) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("de-DE");

            var problem = BadRequests.UnknownMember(Failure(json), Contract);

            Assert.True(problem == new FieldProblem(index, field, reason), $"{json}: {problem}");
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, uiCulture);
        }
    }

    [Fact]
    public void UnknownMember_MessageInAnotherLanguage_DecidedFromThePath()
    {
        // What a runtime with localised resources would throw for {"filters":{"genre":[]}}.
        var localised = new JsonException("Die JSON-Eigenschaft \"genre\" konnte keinem .NET-Member des Typs \"Filters\" zugeordnet werden.", "$.filters.genre", 0, 29);

        var problem = BadRequests.UnknownMember(localised, Contract);

        Assert.Equal(new FieldProblem(null, "filters.genre", "unknown member 'genre' (did you mean 'genres'?)"), problem);
    }

    [Theory]
    [InlineData("""{"userId":"u","count":"x"}""")] // a value of the wrong type, at a member it has
    [InlineData("""{"userId":"u","COUNT":tru}""")] // malformed JSON at a member it has (names match case-insensitively)
    [InlineData("""{"userId":"u","filters":{"genres":{}}}""")]
    [InlineData("""{"userId":"u","open":{"anything":[1}}""")] // malformed JSON in an object that skips unmapped members
    [InlineData("""{"userId":"u","tags":{"a":"x"}}""")] // a dictionary's value of the wrong type
    [InlineData("{\"userId\":\"u\",\"cout\"")] // the body ends after an unknown member's name
    public void UnknownMember_OtherFailures_Null(string json)
    {
        var failure = Failure(json);

        Assert.True(BadRequests.UnknownMember(failure, Contract) is null, $"{json}: {failure.Path} {failure.Message}");
    }

    private static JsonException Failure(string json) =>
        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize(json, Contract));

    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    private sealed record Body(string UserId, int? Count = null, Filters? Filters = null, List<Item>? Items = null, Open? Open = null, Dictionary<string, int>? Tags = null);

    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    private sealed record Filters(List<string>? Genres);

    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    private sealed record Item(string Id);

    private sealed record Open(int? Known = null);
}
