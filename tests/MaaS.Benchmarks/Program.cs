using BenchmarkDotNet.Running;

if (args is ["serving", ..])
{
    return await MaaS.Benchmarks.Serving.ServingLoadTest.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
