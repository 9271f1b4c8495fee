using Auth.Functions.Hosting;

// One executable, two hosts (README, "How it is hosted").
if (FunctionsWorker.LaunchedByHost(args))
{
    FunctionsWorker.CreateBuilder(args).Build().Run();
}
else
{
    StandaloneServer.Build(args).Run();
}

/// <summary>Entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
