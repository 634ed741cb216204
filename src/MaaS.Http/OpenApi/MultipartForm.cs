namespace MaaS.Http.OpenApi;

/// <summary>
/// Documents a <c>multipart/form-data</c> request body in OpenAPI for an endpoint that reads the form itself. It is
/// not routing metadata: routing's content-type check would answer 415 to a wrong body before authorization runs.
/// </summary>
/// <param name="Parts">The form's parts, all required.</param>
internal sealed record MultipartFormMetadata(IReadOnlyList<MultipartPart> Parts);

/// <summary>One part of a multipart form.</summary>
/// <param name="Name">The part's name.</param>
/// <param name="Description">What it holds.</param>
/// <param name="IsFile">A file (binary) rather than a text field.</param>
/// <param name="Example">For a text field, a value that works against a fresh gateway (with the file its description names).</param>
/// <param name="ContentType">For a text field, the media type of its value (application/json for a JSON document).</param>
internal sealed record MultipartPart(string Name, string Description, bool IsFile, string? Example = null, string? ContentType = null);
