using Microsoft.AspNetCore.Http.Features;

namespace MaaS.Http.Requests;

/// <summary>
/// OpenAI's file upload: a multipart/form-data body with the part <c>file</c>, the form value <c>purpose</c> and, when the
/// file should expire, <c>expires_after[anchor]</c> and <c>expires_after[seconds]</c> (how OpenAI's clients send the object).
/// </summary>
/// <param name="Purpose">The <c>purpose</c> value, or null when absent.</param>
/// <param name="FileName">The file part's file name.</param>
/// <param name="Bytes">The file's bytes.</param>
/// <param name="ExpiresAnchor">The <c>expires_after[anchor]</c> value, or null when absent.</param>
/// <param name="ExpiresSeconds">The <c>expires_after[seconds]</c> value as sent, or null when absent.</param>
internal sealed record PurposeFileUpload(string? Purpose, string FileName, byte[] Bytes, string? ExpiresAnchor = null, string? ExpiresSeconds = null)
{
    // Room for the parts' headers, boundaries and the purpose around a file of the limit's size.
    private const long FramingBytes = 64 * 1024;

    /// <summary>
    /// Reads the upload with a file of at most <paramref name="limit"/> bytes: a larger one is refused by its
    /// Content-Length before any of it is read, or as soon as the multipart reader passes the limit (the framework
    /// spools a part past 64 KB to a temporary file rather than memory); not multipart, malformed, cut short or no
    /// file: a 400 that says which.
    /// </summary>
    /// <param name="http">The request's context.</param>
    /// <param name="limit">The largest file accepted, in bytes.</param>
    public static async Task<Result<PurposeFileUpload>> ReadAsync(HttpContext http, long limit)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit + FramingBytes;
        }

        if (!http.Request.HasFormContentType)
        {
            return Error.InvalidField("file", "expected multipart/form-data with a file part 'file' and a field 'purpose'");
        }

        var tooLarge = new Error(ErrorCode.PayloadTooLarge, $"the file is larger than {limit} bytes, the most one upload may carry", []);
        if (http.Request.ContentLength > limit + FramingBytes)
        {
            return tooLarge;
        }

        IFormCollection form;
        try
        {
            var options = new FormOptions { MultipartBodyLengthLimit = limit, ValueLengthLimit = 1024, ValueCountLimit = 8, MultipartHeadersCountLimit = 16 };
            form = await http.Request.ReadFormAsync(options, http.RequestAborted);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return tooLarge;
        }
        catch (InvalidDataException e)
        {
            return e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase)
                ? new Error(ErrorCode.PayloadTooLarge, $"the file is larger than {limit} bytes or the form has too many parts ({e.Message})", [])
                : Error.InvalidField("file", $"the multipart body is malformed: {e.Message}");
        }
        catch (IOException e) when (e is not FileNotFoundException)
        {
            return Error.InvalidField("file", "the upload was cut short");
        }

        if (form.Files.GetFile("file") is not { Length: > 0 } file)
        {
            return Error.InvalidField("file", "the multipart part 'file' is missing or empty");
        }

        if (file.Length > limit)
        {
            return tooLarge;
        }

        byte[] bytes = new byte[file.Length];
        await using (var stream = file.OpenReadStream())
        {
            await stream.ReadExactlyAsync(bytes, http.RequestAborted);
        }

        return new PurposeFileUpload(Value(form, "purpose"), file.FileName, bytes, Value(form, "expires_after[anchor]"), Value(form, "expires_after[seconds]"));
    }

    private static string? Value(IFormCollection form, string name)
    {
        string? value = form[name];
        return string.IsNullOrEmpty(value) ? null : value;
    }
}
