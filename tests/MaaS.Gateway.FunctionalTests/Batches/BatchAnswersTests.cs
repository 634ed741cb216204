using MaaS.Core;
using MaaS.Http.Errors;
using MaaS.Services.Batches;

namespace MaaS.Gateway.FunctionalTests.Batches;

/// <summary>A batch's error lines carry the status the online endpoint answers the same error with.</summary>
public sealed class BatchAnswersTests
{
    [Fact]
    public void StatusOf_EveryErrorCode_TheHttpApisStatus()
    {
        foreach (var code in Enum.GetValues<ErrorCode>())
        {
            Assert.True(ApiErrors.StatusCode(code) == BatchAnswerJson.StatusOf(code), $"{code}: /v1 answers {ApiErrors.StatusCode(code)}, a batch line {BatchAnswerJson.StatusOf(code)}");
        }
    }
}
