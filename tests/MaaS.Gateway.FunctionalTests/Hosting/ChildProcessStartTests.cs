using System.Runtime.Versioning;

namespace MaaS.Gateway.FunctionalTests.Hosting;

/// <summary>
/// <see cref="ChildProcess.Start"/> with a program that is not there fails at once naming it, rather than starting the
/// parent watch's shell, which would end with exit code 127.
/// </summary>
public sealed class ChildProcessStartTests
{
    [Fact]
    public void Start_BareNameNotOnPath_ThrowsNamingIt()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "the check guards the Linux parent watch");
        const string missing = "maas-no-such-program";

        var e = Assert.Throws<FileNotFoundException>(() => ChildProcess.Start(missing, ["--version"]));

        Assert.Contains(missing, e.Message, StringComparison.Ordinal);
        Assert.Equal(missing, e.FileName);
    }

    [Fact]
    public void Start_PathToNoFile_ThrowsNamingIt()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "the check guards the Linux parent watch");
        using var temp = new TempFolder("maas-child-start-");
        string missing = temp["absent.sh"];

        var e = Assert.Throws<FileNotFoundException>(() => ChildProcess.Start(missing, []));

        Assert.Contains(missing, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    [SupportedOSPlatform("linux")]
    public void Start_FileWithoutExecuteBit_ThrowsNamingIt()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "the check guards the Linux parent watch");
        using var temp = new TempFolder("maas-child-start-");
        File.WriteAllText(temp["plain.sh"], "#!/bin/sh\nexit 0\n");
        File.SetUnixFileMode(temp["plain.sh"], UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var e = Assert.Throws<FileNotFoundException>(() => ChildProcess.Start("./plain.sh", [], temp.Path));

        Assert.Contains("plain.sh", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    [SupportedOSPlatform("linux")]
    public async Task Start_RelativePathInWorkingDirectory_Runs()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "the check guards the Linux parent watch");
        using var temp = new TempFolder("maas-child-start-");
        File.WriteAllText(temp["run.sh"], "#!/bin/sh\necho started-here\n");
        File.SetUnixFileMode(temp["run.sh"], UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        using var child = ChildProcess.Start("./run.sh", [], temp.Path);
        await child.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.True(child.ExitCode == 0, $"exit {child.ExitCode}: {child.Output}");
        Assert.Contains("started-here", child.Output, StringComparison.Ordinal);
    }
}
