namespace MaaS.TestSupport;

/// <summary>
/// The running test's cancellation token (xunit cancels it when the run is stopped or the test times out), for the
/// test projects that import this class statically: every async call in a test passes <see cref="Ct"/>.
/// </summary>
public static class TestCancellation
{
    public static CancellationToken Ct => TestContext.Current.CancellationToken;
}
