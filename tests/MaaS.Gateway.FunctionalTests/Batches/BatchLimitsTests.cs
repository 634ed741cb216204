using System.ClientModel;
using OpenAI;
using OpenAI.Files;

namespace MaaS.Gateway.FunctionalTests.Batches;

/// <summary>The size cap of an upload and the tenant's file quota, on a gateway configured small, refused in OpenAI's error object.</summary>
public sealed class BatchLimitsTests
{
    [Fact]
    public async Task Upload_PastTheSizeCapOrTheQuota_413And409InOpenAisErrorObject()
    {
        await using var gateway = SecureGateway.Start(settings: new Dictionary<string, string?>
        {
            ["Batches:MaxFileBytes"] = "1000", ["Batches:MaxFilesPerTenant"] = "2", ["Batches:MaxBytesPerTenant"] = "1500",
        });
        string key = await gateway.CreateKeyAsync("default", ["app"]);
        var files = new OpenAIFileClient(new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = new Uri(gateway.Host.Address, "/openai/v1") });

        var tooBig = await Assert.ThrowsAsync<ClientResultException>(() => files.UploadFileAsync(BinaryData.FromBytes(new byte[1001]), "big.jsonl", FileUploadPurpose.Batch));
        OpenAIFile first = await files.UploadFileAsync(BinaryData.FromBytes(new byte[1000]), "a.jsonl", FileUploadPurpose.Batch);
        var overBytes = await Assert.ThrowsAsync<ClientResultException>(() => files.UploadFileAsync(BinaryData.FromBytes(new byte[600]), "b.jsonl", FileUploadPurpose.Batch));
        await files.UploadFileAsync(BinaryData.FromBytes(new byte[10]), "c.jsonl", FileUploadPurpose.Batch);
        var overCount = await Assert.ThrowsAsync<ClientResultException>(() => files.UploadFileAsync(BinaryData.FromBytes(new byte[10]), "d.jsonl", FileUploadPurpose.Batch));
        await files.DeleteFileAsync(first.Id, Ct);
        OpenAIFile afterDelete = await files.UploadFileAsync(BinaryData.FromBytes(new byte[600]), "e.jsonl", FileUploadPurpose.Batch);

        Assert.Equal(413, tooBig.Status);
        Assert.Contains("1000 bytes", tooBig.Message, StringComparison.Ordinal);
        Assert.Equal((409, 409), (overBytes.Status, overCount.Status));
        Assert.Contains("1500 bytes", overBytes.Message, StringComparison.Ordinal);
        Assert.Contains("2 files", overCount.Message, StringComparison.Ordinal);
        Assert.Equal(600, afterDelete.SizeInBytes);

        // A list past OpenAI's largest page, in the same shape.
        var (response, body) = await gateway.SendJsonAsync(HttpMethod.Get, "/openai/v1/files?limit=10001", key);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("limit", body!["error"]!["param"]!.GetValue<string>());
    }
}
