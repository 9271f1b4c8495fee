using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Auth.Functions.Bench -- --filter '*'   (bench/run.sh does this)
BenchmarkSwitcher.FromAssembly(typeof(Auth.Functions.Bench.KeyValidationBenchmarks).Assembly).Run(args);
