using Microsoft.AspNetCore.Http.Features;

namespace MaaS.Http.Requests;

/// <summary>A file and its JSON description, as one multipart/form-data upload carries them (a model and its card).</summary>
/// <param name="Json">The description field's text (sent as a form value or as a small file part).</param>
/// <param name="File">The file's bytes.</param>
internal sealed record FileUpload(string Json, byte[] File)
{
    // Room for the parts' headers and boundaries around a file of the limit's size.
    private const long FramingBytes = 1024 * 1024;

    /// <summary>
    /// Reads a multipart/form-data body with the file part <paramref name="fileField"/> of at most
    /// <paramref name="limit"/> bytes and the JSON part <paramref name="jsonField"/> of at most
    /// <paramref name="jsonLimit"/>. The host's body size limit is raised for this request to the upload's; every
    /// failure (not multipart, too large, malformed, cut short, a part missing) is an error that says which.
    /// </summary>
    /// <param name="http">The request's context.</param>
    /// <param name="fileField">The file part's name.</param>
    /// <param name="jsonField">The JSON part's name.</param>
    /// <param name="limit">The largest file accepted, in bytes.</param>
    /// <param name="jsonLimit">The largest JSON part accepted, in bytes.</param>
    public static async Task<Result<FileUpload>> ReadAsync(HttpContext http, string fileField, string jsonField, long limit, int jsonLimit)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit + FramingBytes;
        }

        if (!http.Request.HasFormContentType)
        {
            return Fail(ErrorCode.InvalidRequest, $"expected multipart/form-data with a file '{fileField}' and a JSON field '{jsonField}'");
        }

        var tooLarge = Fail(ErrorCode.PayloadTooLarge, $"the upload is larger than {limit} bytes");
        if (http.Request.ContentLength > limit + FramingBytes)
        {
            return tooLarge;
        }

        IFormCollection form;
        try
        {
            var options = new FormOptions { MultipartBodyLengthLimit = limit, ValueLengthLimit = jsonLimit, ValueCountLimit = 16, MultipartHeadersCountLimit = 16 };
            form = await http.Request.ReadFormAsync(options, http.RequestAborted);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return tooLarge;
        }
        catch (InvalidDataException e)
        {
            return e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase)
                ? Fail(ErrorCode.PayloadTooLarge, $"the upload is larger than {limit} bytes or has too many parts ({e.Message})")
                : Fail(ErrorCode.InvalidRequest, $"the multipart body is malformed: {e.Message}");
        }
        catch (IOException e) when (e is not FileNotFoundException)
        {
            return Fail(ErrorCode.InvalidRequest, "the upload was cut short");
        }

        if (form.Files.GetFile(fileField) is not { Length: > 0 } file)
        {
            return Fail(ErrorCode.InvalidRequest, $"the multipart field '{fileField}' (the file) is missing or empty");
        }

        if (file.Length > limit)
        {
            return Fail(ErrorCode.PayloadTooLarge, $"the {fileField} file is larger than {limit} bytes");
        }

        string? json = form[jsonField];
        if (string.IsNullOrWhiteSpace(json) && form.Files.GetFile(jsonField) is { } jsonFile && jsonFile.Length > 0 && jsonFile.Length <= jsonLimit)
        {
            using var reader = new StreamReader(jsonFile.OpenReadStream());
            json = await reader.ReadToEndAsync(http.RequestAborted);
        }

        if (string.IsNullOrWhiteSpace(json))
        {
            return Fail(ErrorCode.InvalidRequest, $"the multipart field '{jsonField}' (JSON) is missing");
        }

        byte[] bytes = new byte[file.Length];
        await using (var stream = file.OpenReadStream())
        {
            await stream.ReadExactlyAsync(bytes, http.RequestAborted);
        }

        return Result<FileUpload>.Ok(new FileUpload(json, bytes));
    }

    private static Result<FileUpload> Fail(ErrorCode code, string message) => Result<FileUpload>.Fail(code, message);
}
