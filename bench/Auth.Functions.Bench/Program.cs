using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Auth.Functions.Bench -- --filter '*'   (bench/run.sh does this)
// dotnet run -c Release --project bench/Auth.Functions.Bench -- compare a=dir b=dir   (bench/compare.sh does this)
// dotnet run -c Release --project bench/Auth.Functions.Bench -- load appDir [seconds]  (bench/load.sh does this)
if (args.Length > 0 && args[0] == "load")
{
    return await Auth.Functions.Bench.LoadBenchmark.RunAsync(args[1], TimeSpan.FromSeconds(args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 10), args.Length > 3 ? args[3] : "");
}

// dotnet run -c Release --project bench/Auth.Functions.Bench -- hardening appDir [seconds]  (bench/hardening.sh does this)
if (args.Length > 0 && args[0] == "hardening")
{
    return await Auth.Functions.Bench.HardeningBenchmark.RunAsync(args[1], TimeSpan.FromSeconds(args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 8));
}

if (args.Length > 0 && args[0] == "compare")
{
    return await Auth.Functions.Bench.HostComparison.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Auth.Functions.Bench.KeyValidationBenchmarks).Assembly).Run(args);
return 0;
